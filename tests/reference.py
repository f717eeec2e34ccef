"""An independent model of the contract: the table a correct worker must end with.

Per job (source, external_id), the newest valid event by (occurred_at, event_id) decides
the row; a removal leaves a deleted row. Events whose idempotency key was seen before
are duplicates and change nothing. Invalid lines end in the dead-letter topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass
class Expected:
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    invalid: int = 0
    valid: int = 0


def _aware(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _valid(data: Any) -> bool:
    """A deliberately separate, simple check matching the sample generator's invalid kinds."""
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        return False
    if data.get("type") not in ("job.posted", "job.updated", "job.removed"):
        return False
    if not _aware(data.get("occurred_at")):
        return False
    job = data.get("job") or {}
    if data["type"] != "job.removed":
        if not all(job.get(k) for k in ("title", "company", "description")):
            return False
        if job.get("remote") not in (None, "remote", "hybrid", "onsite"):
            return False
        if any(job.get(k) is not None and job[k] < 0 for k in ("salary_min", "salary_max")):
            return False
    return True


def expected_table(lines: list[str]) -> Expected:
    result = Expected()
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for line in lines:
        try:
            data = json.loads(line)
        except ValueError:
            result.invalid += 1
            continue
        if not _valid(data):
            result.invalid += 1
            continue
        result.valid += 1
        identity = (data["source"], data["job"]["external_id"])
        order = (datetime.fromisoformat(data["occurred_at"]), data["event_id"])
        current = newest.get(identity)
        if current is None or order > current["_order"]:
            newest[identity] = {"_order": order, **data}
    for identity, event in newest.items():
        job = event["job"]
        result.rows[identity] = {
            "deleted": event["type"] == "job.removed",
            "last_event_id": event["event_id"],
            "title": None if event["type"] == "job.removed" else job["title"],
            "salary_max": None
            if event["type"] == "job.removed"
            else Decimal(str(job["salary_max"])),
        }
    return result


async def actual_table(conn: Any) -> dict[tuple[str, str], dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT source, external_id, deleted_at IS NOT NULL AS deleted, last_event_id::text, "
        "title, salary_max FROM jobs"
    )
    return {
        (r["source"], r["external_id"]): {
            "deleted": r["deleted"],
            "last_event_id": r["last_event_id"],
            "title": None if r["deleted"] else r["title"],
            "salary_max": None if r["deleted"] else r["salary_max"],
        }
        for r in rows
    }


async def assert_table_matches(conn: Any, lines: list[str]) -> Expected:
    """The jobs table equals the reference model of `lines`; returns the model."""
    expected = expected_table(lines)
    actual = await actual_table(conn)
    missing = expected.rows.keys() - actual.keys()
    extra = actual.keys() - expected.rows.keys()
    wrong = [k for k in expected.rows.keys() & actual.keys() if expected.rows[k] != actual[k]]
    assert not missing and not extra and not wrong, (
        f"{len(missing)} missing, {len(extra)} extra, {len(wrong)} wrong; e.g. "
        f"{[(k, expected.rows[k], actual[k]) for k in wrong[:2]]}"
    )
    return expected
