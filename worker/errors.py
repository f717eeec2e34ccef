"""One failure taxonomy, and the one function that decides what the worker does about a failure.

Every exception that reaches the batch loop is mapped by :func:`classify` to a
:class:`Disposition`:

``RETRY``   transient: the connection dropped, a timeout, 5xx/429, a serialization failure or
            deadlock, the broker is unavailable. Back off, retry the whole batch, commit nothing.
``RECORD``  permanent for one record: it cannot be decoded, breaks the contract, or PostgreSQL
            refuses its values (SQLSTATE classes 22 data exception, 23 integrity constraint,
            54 program limit such as an index row too large), or the embedder refuses its text.
            That record goes to the dead-letter topic with the reason; the rest of the batch
            lands. When the failing record is not known (one INSERT for the whole batch), the
            batch is bisected until it is.
``PAUSE``   configuration or outage: the embedder refuses our credentials or model (401, 403,
            404), it returns vectors of the wrong dimension, a table, column, extension or
            privilege is missing, the password is wrong, the table switched to another
            embedding model. Nothing is dead-lettered; ingestion pauses (the batch retries at
            the slowest backoff), ``/readyz`` fails naming the cause, the log says what to fix.
``UNKNOWN`` anything not foreseen (a bug, a trigger raising, a value out of a driver's range).
            Retried up to ``JOBINGEST_MAX_BATCH_ATTEMPTS`` times, then the batch is bisected:
            records that fail on their own while other records of the batch succeed are
            dead-lettered with the exception's class and message. When every piece fails the
            same way it is an outage, not poison: nothing is dead-lettered and it is treated as
            ``PAUSE``.

The classes below carry the decision for errors jobingest raises itself; third-party
exceptions (asyncpg, aiokafka, OS) are classified by SQLSTATE, retriability and type.
"""

from __future__ import annotations

import asyncio
import enum

import asyncpg
from aiokafka.errors import KafkaError, MessageSizeTooLargeError
from asyncpg.exceptions import _base as asyncpg_base


class Disposition(enum.Enum):
    RETRY = "retry"
    RECORD = "record"
    PAUSE = "pause"
    UNKNOWN = "unknown"


class JobingestError(Exception):
    disposition = Disposition.UNKNOWN


class ConfigError(JobingestError):
    """Fix the configuration. At start-up the process refuses to start (exit 2); while running,
    ingestion pauses and the worker goes unready."""

    disposition = Disposition.PAUSE


class RetryableError(JobingestError):
    disposition = Disposition.RETRY


class EmbedderUnavailable(RetryableError):
    """The embedder timed out, answered 5xx/429, or its circuit is open."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class EmbedderMisconfigured(ConfigError):
    """The embedder refuses us, not the text: credentials (401/403) or the model (404)."""


class PermanentError(JobingestError):
    disposition = Disposition.RECORD


class EmbedderRejected(PermanentError):
    """The embedder refused this text (4xx other than auth and unknown model)."""


class EveryRecordFails(ConfigError):
    """Isolation found no record of the batch that succeeds: an outage, not poison."""


# SQLSTATE classes (first two characters) and codes, see PostgreSQL's Appendix A.
_RECORD_CLASSES = frozenset({"22", "23", "54"})
_RETRY_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})
_PAUSE_CLASSES = frozenset({"28", "3D", "3F", "42", "0A", "25"})
_RETRY_CODES = frozenset({"25006"})  # read-only transaction: a failover in progress


def sqlstate_disposition(sqlstate: str | None) -> Disposition:
    if not sqlstate:
        return Disposition.UNKNOWN
    if sqlstate in _RETRY_CODES or sqlstate[:2] in _RETRY_CLASSES:
        return Disposition.RETRY
    if sqlstate[:2] in _RECORD_CLASSES:
        return Disposition.RECORD
    if sqlstate[:2] in _PAUSE_CLASSES:
        return Disposition.PAUSE
    return Disposition.UNKNOWN


def classify(exc: BaseException) -> Disposition:
    """What the worker does about ``exc``: retry, dead-letter one record, pause, or isolate."""
    if isinstance(exc, JobingestError):
        return exc.disposition
    if isinstance(exc, asyncpg.PostgresError):
        return sqlstate_disposition(getattr(exc, "sqlstate", None))
    if isinstance(exc, asyncpg_base.DataError):  # a value the driver cannot encode
        return Disposition.RECORD
    if isinstance(exc, asyncpg_base.ClientConfigurationError):
        return Disposition.PAUSE
    if isinstance(exc, MessageSizeTooLargeError):
        return Disposition.RECORD
    if isinstance(exc, KafkaError):
        return Disposition.RETRY if getattr(exc, "retriable", False) else Disposition.UNKNOWN
    if isinstance(
        exc,
        OSError | ConnectionError | TimeoutError | asyncio.TimeoutError | asyncpg.InterfaceError,
    ):
        return Disposition.RETRY
    return Disposition.UNKNOWN


def describe(exc: BaseException) -> str:
    """``Class: message`` in one line, the reason a dead letter or a log line carries."""
    text = " ".join(str(exc).split()) or repr(exc)
    return f"{type(exc).__name__}: {text}"
