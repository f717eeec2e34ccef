"""JSON-lines logging with secrets redacted, and a Kafka client's repeated errors aggregated
into one line per interval."""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from pythonjsonlogger.json import JsonFormatter

from worker.tracing import TraceIds

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


REPEAT_INTERVAL_S = 10.0
_DIGITS = re.compile(r"\d+")


@dataclass
class _Window:
    started: float
    record: logging.LogRecord  # the first of the window, passed through
    suppressed: int = 0


class AggregateRepeats(logging.Filter):
    """aiokafka retries by itself and logs every failed attempt (about 90 ERROR lines a second
    while a broker is away). Per kind of message (its text with the numbers taken out), the
    first record passes; the others are counted, and once an interval is over one line says
    how many there were (the next interval counts on, silently, until a whole interval passes
    without one). Other loggers' records pass untouched."""

    def __init__(self, prefix: str = "aiokafka", interval_s: float = REPEAT_INTERVAL_S) -> None:
        super().__init__()
        self.prefix = prefix
        self.interval_s = interval_s
        self._windows: dict[tuple[str, int, str], _Window] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.prefix) or getattr(record, "repeats", None):
            return True
        now = time.monotonic()
        self.flush(now)
        key = (record.name, record.levelno, _DIGITS.sub("#", record.getMessage())[:300])
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                self._windows[key] = _Window(now, record)
                return True
            window.suppressed += 1
            return False

    def flush(self, now: float | None = None) -> None:
        """Close the intervals that are over: one line for each that suppressed records."""
        now = time.monotonic() if now is None else now
        with self._lock:
            over = [k for k, w in self._windows.items() if now - w.started >= self.interval_s]
            closed = [self._windows.pop(k) for k in over]
            for key, window in zip(over, closed, strict=True):
                if window.suppressed:  # still repeating: the next interval counts silently
                    self._windows[key] = _Window(now, window.record)
        for window in closed:
            if window.suppressed:
                first = window.record
                logging.getLogger(first.name).log(
                    first.levelno,
                    "%s (repeated %d more times in %.0fs)",
                    first.getMessage(),
                    window.suppressed,
                    now - window.started,
                    extra={"repeats": window.suppressed},
                )


_aggregator: AggregateRepeats | None = None


def flush_repeats() -> None:
    """Write the pending repeat counts whose interval is over (the worker calls this every
    second, so a count is written even when the errors stopped)."""
    if _aggregator is not None:
        _aggregator.flush()


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    global _aggregator
    _aggregator = AggregateRepeats()
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(StartupRaceIsExpected())
    handler.addFilter(_aggregator)
    handler.addFilter(TraceIds())  # trace_id and span_id inside a span, when tracing is on
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("jobingest").setLevel(level)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
