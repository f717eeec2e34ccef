"""Logs are JSON lines, and secrets never reach them."""

from __future__ import annotations

import io
import json
import logging

from pythonjsonlogger.json import JsonFormatter

from worker.logs import RedactSecrets


def test_secrets_and_url_passwords_are_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("{levelname}{message}", style="{"))
    handler.addFilter(RedactSecrets(["sk-verysecret"]))
    logger = logging.getLogger("jobingest.test-redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info(
            "calling with key %s at %s", "sk-verysecret", "postgresql://app:hunter2@db:5432/jobs"
        )
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert "sk-verysecret" not in line["message"] and "hunter2" not in line["message"]
    assert "postgresql://app:***@db:5432/jobs" in line["message"]
