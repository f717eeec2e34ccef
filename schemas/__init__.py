"""The jobingest event contract, shared by producers and workers."""

from schemas.events import (
    SCHEMA_VERSION,
    SOURCES,
    Job,
    JobEvent,
    JobPosted,
    JobRef,
    JobRemoved,
    JobUpdated,
    event_from_dict,
    field_errors,
    job_event_adapter,
    parse_event,
)
from schemas.idempotency import IDEMPOTENCY_HEADER, derive_idempotency_key, resolve_idempotency_key

AnyJobEvent = JobPosted | JobUpdated | JobRemoved

__all__ = [
    "IDEMPOTENCY_HEADER",
    "SCHEMA_VERSION",
    "SOURCES",
    "AnyJobEvent",
    "Job",
    "JobEvent",
    "JobPosted",
    "JobRef",
    "JobRemoved",
    "JobUpdated",
    "derive_idempotency_key",
    "event_from_dict",
    "field_errors",
    "job_event_adapter",
    "parse_event",
    "resolve_idempotency_key",
]
