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


def test_a_kafka_clients_repeated_errors_are_one_line_per_interval() -> None:
    import time

    from worker.logs import AggregateRepeats

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("{name}{levelname}{message}", style="{"))
    aggregate = AggregateRepeats(interval_s=0.3)
    handler.addFilter(aggregate)
    kafka = logging.getLogger("aiokafka.test-repeats")
    ours = logging.getLogger("jobingest.test-repeats")
    for logger in (kafka, ours):
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        deadline = time.monotonic() + 0.75  # two intervals and a half of a steady stream
        n = 0
        while time.monotonic() < deadline:
            n += 1
            kafka.error("Unable connect to node with id %d: [Errno 111] port %d", n % 3, 9000 + n)
            time.sleep(0.002)
        kafka.error("Unexpected error in coordinator routine")
        ours.warning("not aggregated")
        ours.warning("not aggregated")
        time.sleep(0.35)
        aggregate.flush()  # the stream stopped: the last interval's count still comes out
        aggregate.flush()
    finally:
        for logger in (kafka, ours):
            logger.removeHandler(handler)
    lines = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    connects = [m for m in lines if m.startswith("Unable connect")]
    assert connects[0].startswith("Unable connect to node with id 1")
    counts = [int(m.split("repeated ")[1].split()[0]) for m in connects[1:]]
    assert len(counts) == 2 or len(counts) == 3, lines  # one line per interval
    assert sum(counts) + 1 == n  # every record is counted once
    assert lines.count("Unexpected error in coordinator routine") == 1
    assert lines.count("not aggregated") == 2
