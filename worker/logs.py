"""JSON-lines logging with secrets redacted."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter

_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)([^@/\s]+)(@)")


class RedactSecrets(logging.Filter):
    """Masks configured secret values and passwords inside URLs, wherever they appear."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _URL_PASSWORD.sub(r"\1***\3", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(self._clean(a) if isinstance(a, str) else a for a in args)
        return True


class StartupRaceIsExpected(logging.Filter):
    """While a broker loads its group coordinator, aiokafka logs GroupCoordinatorNotAvailable
    at ERROR and retries by itself: the normal start-up race, not an error. Such records are
    dropped (aiokafka's other records pass at ERROR as before); a coordinator that never comes
    shows as `/readyz` never joining the group."""

    EXPECTED = ("GroupCoordinatorNotAvailableError", "[Error 15]")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("aiokafka"):
            text = record.getMessage()
            return not any(marker in text for marker in self.EXPECTED)
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(StartupRaceIsExpected())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("jobingest").setLevel(level)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
