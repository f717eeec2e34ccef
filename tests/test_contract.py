"""The event contract: what is valid, what is not, and why (each error names its field)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from schemas import (
    JobPosted,
    JobRemoved,
    derive_idempotency_key,
    field_errors,
    parse_event,
    resolve_idempotency_key,
)
from schemas.export import SCHEMA_DIR, render_schemas
from tests.events import job_event


def errors_of(event: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        parse_event(json.dumps(event))
    return field_errors(info.value)


def test_a_full_posting_is_valid() -> None:
    event = parse_event(json.dumps(job_event(tags=["python"], url="https://x.example/1")))
    assert isinstance(event, JobPosted)
    assert event.kafka_key == "greenhouse:job-1"


def test_a_removal_needs_only_the_external_id() -> None:
    event = parse_event(json.dumps(job_event(kind="job.removed")))
    assert isinstance(event, JobRemoved)


def test_unknown_fields_are_ignored() -> None:
    data = job_event(seniority="senior")
    data["producer_build"] = "abc"
    assert parse_event(json.dumps(data)).job.external_id == "job-1"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e["job"].pop("title"), "job.title"),
        (lambda e: e["job"].pop("company"), "job.company"),
        (lambda e: e["job"].pop("description"), "job.description"),
        (lambda e: e["job"].pop("external_id"), "job.external_id"),
        (lambda e: e.update(event_id="not-a-uuid"), "event_id"),
        (lambda e: e.update(occurred_at="2026-03-01T12:00:00"), "occurred_at"),
        (lambda e: e.update(source="myspace"), "source"),
        (lambda e: e.update(schema_version=2), "schema_version"),
        (lambda e: e["job"].update(remote="moon"), "job.remote"),
        (lambda e: e["job"].update(employment_type="forever"), "job.employment_type"),
        (lambda e: e["job"].update(salary_min=-1), "job.salary_min"),
        (lambda e: e["job"].update(salary_currency="euro"), "job.salary_currency"),
        (lambda e: e["job"].update(salary_period="week"), "job.salary_period"),
        (lambda e: e["job"].update(posted_at="yesterday"), "job.posted_at"),
        (lambda e: e["job"].update(tags=["t"] * 51), "job.tags"),
        (lambda e: e["job"].update(description="x" * 100_001), "job.description"),
        (lambda e: e["job"].update(title=42), "job.title"),
        (lambda e: e.update(idempotency_key="k" * 201), "idempotency_key"),
        # whitespace or invisible characters alone are refused like an empty string
        (lambda e: e["job"].update(title="   "), "job.title"),
        (lambda e: e["job"].update(company="\t\n"), "job.company"),
        (lambda e: e["job"].update(title="\u200b\u00ad"), "job.title"),
        (lambda e: e["job"].update(company="\u00a0\ufeff"), "job.company"),
        (lambda e: e["job"].update(description=" \u3000 "), "job.description"),
    ],
)
def test_each_invalid_field_is_named(change: Any, field: str) -> None:
    event = job_event()
    change(event)
    assert any(line.startswith(field + ":") for line in errors_of(event)), errors_of(event)


def test_salary_rules() -> None:
    assert any(
        "salary_min must be <= salary_max" in e
        for e in errors_of(job_event(salary_min=10, salary_max=5))
    )
    no_currency = job_event()
    del no_currency["job"]["salary_currency"]
    assert any("salary_currency is required" in e for e in errors_of(no_currency))


def test_an_unknown_type_is_invalid() -> None:
    assert any(
        e.startswith("type") or "tag" in e for e in errors_of(job_event(kind="job.archived"))
    )


def test_derived_key_is_stable_across_reserialization() -> None:
    data = job_event(tags=["Python", "kafka"])
    reordered = json.loads(json.dumps(data, sort_keys=True, indent=2))
    reordered["job"]["tags"] = ["kafka", "python"]
    reordered["event_id"] = job_event()["event_id"]  # a re-scrape: new event id, same posting
    assert derive_idempotency_key(parse_event(json.dumps(data))) == derive_idempotency_key(
        parse_event(json.dumps(reordered))
    )


def test_derived_key_changes_with_content_and_type() -> None:
    base = parse_event(json.dumps(job_event()))
    assert derive_idempotency_key(base) != derive_idempotency_key(
        parse_event(json.dumps(job_event(salary_max=95000)))
    )
    assert derive_idempotency_key(base) != derive_idempotency_key(
        parse_event(json.dumps(job_event(kind="job.updated")))
    )


def test_two_removals_of_one_job_at_different_times_have_different_keys() -> None:
    first = parse_event(json.dumps(job_event(kind="job.removed", at=10)))
    second = parse_event(json.dumps(job_event(kind="job.removed", at=99)))
    assert derive_idempotency_key(first) != derive_idempotency_key(second)


def test_key_precedence_envelope_then_header_then_derived() -> None:
    with_field = parse_event(json.dumps(job_event(key="from-envelope")))
    assert (
        resolve_idempotency_key(with_field, {"idempotency-key": b"from-header"}) == "from-envelope"
    )
    without = parse_event(json.dumps(job_event()))
    assert resolve_idempotency_key(without, {"idempotency-key": b"from-header"}) == "from-header"
    assert resolve_idempotency_key(without, {}) == derive_idempotency_key(without)


def test_committed_json_schema_matches_the_models() -> None:
    for name, text in render_schemas().items():
        path = SCHEMA_DIR / name
        assert path.is_file(), f"{path} missing: run `jobingest schemas export`"
        assert path.read_text() == text, f"{path} is stale: run `jobingest schemas export`"


def test_the_asyncapi_document_names_every_header_a_dead_letter_carries() -> None:
    from schemas.asyncapi import DLQ_HEADERS, DLQ_TRUNCATED_HEADERS
    from tests.events import record
    from worker.dead_letters import dlq_headers, truncated_letter
    from worker.pipeline import DeadLetter

    letter = DeadLetter(record(b"x" * 10), "ContractViolation", "why")
    assert set(dlq_headers(letter.record, "C", "m")) == set(DLQ_HEADERS)
    _, headers = truncated_letter(letter, 4)
    assert {name for name, _ in headers} == set(DLQ_HEADERS) | set(DLQ_TRUNCATED_HEADERS)
