"""Small factories for contract events in tests."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka.structs import ConsumerRecord

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def job_event(
    external_id: str = "job-1",
    kind: str = "job.posted",
    at: int = 0,
    source: str = "greenhouse",
    key: str | None = None,
    **job: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"external_id": external_id}
    if kind != "job.removed":
        body |= {
            "title": "Senior Python Backend Engineer",
            "company": "Acme Robotics",
            "location": "Berlin, Germany",
            "description": "Build asyncio services with Kafka and PostgreSQL.",
            "remote": "hybrid",
            "salary_min": 70000,
            "salary_max": 90000,
            "salary_currency": "EUR",
            "salary_period": "year",
            "tags": ["python", "kafka"],
        }
    body |= job
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "schema_version": 1,
        "occurred_at": (T0 + timedelta(seconds=at)).isoformat(),
        "source": source,
        "job": body,
    }
    if key is not None:
        event["idempotency_key"] = key
    return event


def wire(event: dict[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    key = f"{event['source']}:{event['job']['external_id']}".encode()
    return key, json.dumps(event).encode(), []


def record(
    value: bytes | None,
    offset: int = 0,
    partition: int = 0,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
    topic: str = "jobs.events",
) -> ConsumerRecord:
    """A consumed record, as aiokafka hands it over, for tests of pure functions."""
    return ConsumerRecord(
        topic, partition, offset, 1_700_000_000_000, 0, key, value, None,
        len(key or b""), len(value or b""), headers or [],
    )  # fmt: skip


def raw(event: dict[str, Any], offset: int = 0, partition: int = 0) -> ConsumerRecord:
    key, value, headers = wire(event)
    return record(value, offset, partition, key, headers)
