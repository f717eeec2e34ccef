"""Events to rows: the row each event writes, what it derives (its embedded text, hashes and
duplicate signals), and the stored state a batch is planned against. Pure data, no database:
the plan (:mod:`worker.plan`), the digest ahead (:mod:`worker.digest`) and the store
(:mod:`worker.store`) all use it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from schemas import AnyJobEvent, JobRemoved
from schemas.idempotency import normalized_content
from worker.clusters.signature import SIGNALS_VERSION, Signals, signals
from worker.embedders import Vector
from worker.text import content_hash, embedding_text, plain_text


@dataclass(slots=True)
class JobRow:
    """One staged row: the winning event of a job in this batch."""

    source: str
    external_id: str
    title: str | None
    company: str | None
    location: str | None
    description: str | None
    url: str | None
    remote: str | None
    employment_type: str | None
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_currency: str | None
    salary_period: str | None
    tags: list[str]
    posted_at: datetime | None
    content_hash: str | None
    row_hash: str | None
    embedding: Vector | None
    embedding_model: str | None
    last_event_at: datetime
    last_event_id: uuid.UUID
    last_event_type: str
    deleted_at: datetime | None
    # cross-board duplicate signals (worker.clusters); None for removals or with clustering off
    company_key: str | None = None
    title_key: str | None = None
    location_key: str | None = None
    shingle_count: int | None = None
    minhash: bytes | None = None
    lsh_bands: list[int] | None = None
    signals_version: int | None = None
    # decided in the write transaction (worker.clusters.assign)
    cluster_id: str | None = None
    linkage_id: str | None = None

    @property
    def identity(self) -> tuple[str, str]:
        return (self.source, self.external_id)

    @property
    def signals(self) -> Signals | None:
        """The duplicate signals, when computed under the current scheme."""
        if self.signals_version != SIGNALS_VERSION or self.company_key is None:
            return None
        return Signals(
            self.company_key,
            self.title_key or "",
            self.location_key or "",
            self.shingle_count or 0,
            self.minhash or b"",
            tuple(self.lsh_bands or ()),
        )


STAGE_COLUMNS = tuple(f.name for f in fields(JobRow))


@dataclass(frozen=True, slots=True)
class StoredState:
    last_event_at: datetime
    last_event_id: uuid.UUID
    content_hash: str | None
    row_hash: str | None
    deleted: bool
    has_embedding: bool


def job_row(event: AnyJobEvent, max_chars: int, with_features: bool = True) -> tuple[JobRow, str]:
    """The row an event writes, and the text to embed for it (empty for a removal)."""
    common = dict(
        source=event.source,
        external_id=event.job.external_id,
        last_event_at=event.occurred_at,
        last_event_id=event.event_id,
        last_event_type=event.type,
        embedding=None,
        embedding_model=None,
    )
    if isinstance(event, JobRemoved):
        tombstone = JobRow(
            title=None,
            company=None,
            location=None,
            description=None,
            url=None,
            remote=None,
            employment_type=None,
            salary_min=None,
            salary_max=None,
            salary_currency=None,
            salary_period=None,
            tags=[],
            posted_at=None,
            content_hash=None,
            row_hash=None,
            deleted_at=event.occurred_at,
            **common,  # type: ignore[arg-type]
        )
        return tombstone, ""
    job = event.job
    text = embedding_text(job, max_chars, plain_text(job.description))
    row = JobRow(
        title=job.title,
        company=job.company,
        location=job.location,
        description=job.description,
        url=job.url,
        remote=job.remote,
        employment_type=job.employment_type,
        salary_min=job.salary_min,
        salary_max=job.salary_max,
        salary_currency=job.salary_currency,
        salary_period=job.salary_period,
        tags=folded_tags(job.tags),
        posted_at=job.posted_at,
        content_hash=content_hash(text),
        row_hash=hashlib.sha256(normalized_content(event).encode()).hexdigest()[:32],
        deleted_at=None,
        **common,  # type: ignore[arg-type]
    )
    if with_features:
        with_signals(
            row, signals(job.title, job.company, job.location, job.remote, job.description)
        )
    return row, text


def folded_tags(tags: Iterable[str]) -> list[str]:
    """Tags as stored and filtered by: lower case, each once, in their first order."""
    return list(dict.fromkeys(tag.lower() for tag in tags))


def with_signals(row: JobRow, found: Signals) -> JobRow:
    """``row`` with its duplicate signals (computed by :func:`worker.clusters.signature.signals`)."""
    row.company_key, row.title_key, row.location_key = found.company, found.title, found.place
    row.shingle_count, row.minhash, row.lsh_bands = found.shingles, found.minhash, list(found.bands)
    row.signals_version = SIGNALS_VERSION
    return row
