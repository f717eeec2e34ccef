"""Decode and validate Kafka records against the contract; classify every failure.

:func:`decode` never raises: every input is either a :class:`Decoded` event or a
:class:`Rejected` record with one of these classes:

``EmptyValue``               a tombstone (null value)
``UndecodableBytes``         the value is not UTF-8
``InvalidJson``              the JSON parser refused it (syntax, lone surrogate escapes,
                             nesting deeper than the parser's limit)
``UnknownEventType``         ``type`` is missing or not one of the contract's
``UnsupportedSchemaVersion`` ``schema_version`` is not one this worker reads
``ContractViolation``        valid JSON that breaks the contract; the message names each field
``DecodeError``              anything else raised while decoding (a defect, never expected)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from schemas import AnyJobEvent, field_errors, parse_event, resolve_idempotency_key
from schemas.events import SOURCES
from worker.errors import describe

if TYPE_CHECKING:
    from worker.rows import JobRow


@dataclass(frozen=True, slots=True)
class Decoded:
    record: ConsumerRecord
    event: AnyJobEvent
    idempotency_key: str
    # the row the event writes and its text, when staged ahead (worker.digest); the plan
    # computes them otherwise
    staged: tuple[JobRow, str] | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    record: ConsumerRecord
    error_class: str
    message: str


def classify_validation(exc: ValidationError) -> tuple[str, str]:
    """The error class and message of a contract validation failure."""
    errors = exc.errors(include_url=False)
    message = "; ".join(field_errors(exc))
    if any(e["type"] == "json_invalid" for e in errors):
        return "InvalidJson", message
    if any(e["type"] in ("union_tag_invalid", "union_tag_not_found") for e in errors):
        return "UnknownEventType", message
    if any(e["loc"] and e["loc"][-1] == "schema_version" for e in errors):
        return "UnsupportedSchemaVersion", message
    return "ContractViolation", message


def headers_of(record: ConsumerRecord) -> dict[str, bytes]:
    return {name: value for name, value in (record.headers or ()) if value is not None}


def named_source(value: bytes | None) -> str:
    """The contract's ``source`` a record names in its JSON body, even one that failed to
    decode, else ``other`` (a metrics label: only the contract's sources, never free text)."""
    try:
        body = json.loads(value) if value else None
    except (ValueError, RecursionError):
        return "other"
    source = body.get("source") if isinstance(body, dict) else None
    return source if isinstance(source, str) and source in SOURCES else "other"


def decode(record: ConsumerRecord) -> Decoded | Rejected:
    value = record.value
    if value is None:
        return Rejected(record, "EmptyValue", "record has no value (tombstone)")
    try:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError as err:
            return Rejected(record, "UndecodableBytes", f"value is not UTF-8: {err}")
        try:
            event = parse_event(value)
        except ValidationError as exc:
            return Rejected(record, *classify_validation(exc))
        try:
            key = resolve_idempotency_key(event, headers_of(record))
        except ValueError as exc:
            return Rejected(record, "ContractViolation", f"idempotency-key header: {exc}")
        return Decoded(record, event, key)
    except Exception as exc:  # a defect: still a classified answer, never a stalled batch
        return Rejected(record, "DecodeError", describe(exc))
