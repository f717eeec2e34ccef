"""Idempotency keys: the envelope's, else the producer's header, else derived from content.

A derived key is a hash of (source, external_id, type, normalized job content), so
re-scraping an unchanged posting yields the same key and is applied once. A removal has
no content, so its ``occurred_at`` stands in: otherwise the second removal of a job that
was reposted in between would be mistaken for the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC

from schemas.events import JobPosted, JobRemoved, JobUpdated, storable_identifier

IDEMPOTENCY_HEADER = "idempotency-key"
DERIVED_PREFIX = "derived:"


_last: tuple[JobPosted | JobUpdated | JobRemoved, str] | None = None


def normalized_content(event: JobPosted | JobUpdated | JobRemoved) -> str:
    """Canonical JSON of the job: sorted keys, no empty fields, sorted de-duplicated tags.

    The worker asks twice for each event it decodes, one right after the other (its derived
    idempotency key, then its row's hash), so the last answer is kept for the same (frozen,
    so unchanged) event object."""
    global _last
    last = _last  # one read: another thread may replace it
    if last is not None and last[0] is event:
        return last[1]
    job = event.job.model_dump(mode="json", exclude_none=True)
    if "tags" in job:
        job["tags"] = sorted({tag.lower() for tag in job["tags"]})
        if not job["tags"]:
            del job["tags"]
    content = json.dumps(job, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    _last = (event, content)
    return content


def derive_idempotency_key(event: JobPosted | JobUpdated | JobRemoved) -> str:
    content = (
        event.occurred_at.astimezone(UTC).isoformat()
        if isinstance(event, JobRemoved)
        else normalized_content(event)
    )
    material = "\x1f".join((event.source, event.job.external_id, event.type, content))
    return DERIVED_PREFIX + hashlib.sha256(material.encode()).hexdigest()


def resolve_idempotency_key(
    event: JobPosted | JobUpdated | JobRemoved, headers: Mapping[str, bytes] | None = None
) -> str:
    """The envelope's key, else the header's, else derived. Raises ``ValueError`` for a header
    key that cannot be stored (NUL)."""
    if event.idempotency_key:
        return event.idempotency_key
    if headers:
        raw = headers.get(IDEMPOTENCY_HEADER)
        if raw:
            header_key = raw.decode("utf-8", errors="replace").strip()
            if header_key:
                return storable_identifier(header_key[:200])
    return derive_idempotency_key(event)
