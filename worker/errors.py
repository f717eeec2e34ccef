"""The errors that drive the worker's behaviour.

JobingestError
├── ConfigError           fix the configuration; the process refuses to start
├── RetryableError        transient: back off, retry the whole batch, commit nothing
│   └── EmbedderUnavailable   the embedder timed out, answered 5xx/429, or its circuit is open
└── PermanentError        this one event can never succeed: dead-letter it, apply the rest
    └── EmbedderRejected      the embedder refused this text (4xx)
"""

from __future__ import annotations


class JobingestError(Exception):
    pass


class ConfigError(JobingestError):
    pass


class RetryableError(JobingestError):
    pass


class EmbedderUnavailable(RetryableError):
    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PermanentError(JobingestError):
    pass


class EmbedderRejected(PermanentError):
    pass
