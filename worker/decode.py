"""Decode and validate Kafka records against the contract; classify every failure."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from schemas import AnyJobEvent, field_errors, parse_event, resolve_idempotency_key


@dataclass(frozen=True, slots=True)
class Decoded:
    record: ConsumerRecord
    event: AnyJobEvent
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class Rejected:
    record: ConsumerRecord
    error_class: str
    message: str


def _classify(value: bytes, exc: ValidationError) -> tuple[str, str]:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as err:
        return "UndecodableBytes", f"value is not UTF-8: {err}"
    try:
        json.loads(value)
    except ValueError as err:
        return "InvalidJson", f"value is not JSON: {err}"
    errors = exc.errors(include_url=False)
    message = "; ".join(field_errors(exc))
    if any(e["type"] in ("union_tag_invalid", "union_tag_not_found") for e in errors):
        return "UnknownEventType", message
    if any(e["loc"] and e["loc"][-1] == "schema_version" for e in errors):
        return "UnsupportedSchemaVersion", message
    return "ContractViolation", message


def headers_of(record: ConsumerRecord) -> dict[str, bytes]:
    return {name: value for name, value in (record.headers or ())}


def decode(record: ConsumerRecord) -> Decoded | Rejected:
    value = record.value
    if value is None:
        return Rejected(record, "EmptyValue", "record has no value (tombstone)")
    try:
        event = parse_event(value)
    except ValidationError as exc:
        error_class, message = _classify(value, exc)
        return Rejected(record, error_class, message)
    return Decoded(record, event, resolve_idempotency_key(event, headers_of(record)))
