"""The read side of the jobs table: search, one job, export — and the filters they share.

Filters are parameters, never SQL text: ``location`` is a substring match with LIKE's
wildcards (``%``, ``_``) and its escape character taken literally.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from worker.embedders import Embedder
from worker.store import Conn

EXPORT_COLUMNS = (
    "source", "external_id", "title", "company", "location", "remote", "employment_type",
    "salary_min", "salary_max", "salary_currency", "salary_period", "url", "posted_at",
)  # fmt: skip


@dataclass(frozen=True)
class SearchFilters:
    remote: str | None = None
    location: str | None = None
    salary_min: Decimal | None = None


def like_escape(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_conditions(filters: SearchFilters, params: list[Any]) -> list[str]:
    """SQL conditions for active jobs matching ``filters``; appends their values to ``params``."""
    conditions = ["deleted_at IS NULL"]
    if filters.remote:
        params.append(filters.remote)
        conditions.append(f"remote = ${len(params)}")
    if filters.location:
        params.append(f"%{like_escape(filters.location)}%")
        conditions.append(f"location ILIKE ${len(params)} ESCAPE '\\'")
    if filters.salary_min is not None:
        params.append(filters.salary_min)
        conditions.append(f"coalesce(salary_max, salary_min) >= ${len(params)}")
    return conditions


async def has_jobs_table(conn: Conn) -> bool:
    return bool(await conn.fetchval("SELECT to_regclass('jobs') IS NOT NULL"))


async def search_jobs(
    conn: Conn,
    embedder: Embedder,
    query: str,
    filters: SearchFilters,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """Active jobs nearest to ``query`` by cosine distance, best first."""
    vector = await embedder.embed_query(query)
    params: list[Any] = [vector, embedder.model]
    conditions = filter_conditions(filters, params)
    conditions += ["embedding IS NOT NULL", "embedding_model = $2"]
    params.append(limit)
    rows = await conn.fetch(
        f"""
        SELECT source, external_id, title, company, location, remote, salary_min, salary_max,
               salary_currency, url, 1 - (embedding <=> $1) AS score
        FROM jobs WHERE {" AND ".join(conditions)}
        ORDER BY embedding <=> $1 LIMIT ${len(params)}
        """,
        *params,
    )
    return [dict(row) for row in rows]


async def get_job(conn: Conn, source: str, external_id: str) -> dict[str, Any] | None:
    """One job, removed or not, with whether it is searchable yet."""
    row = await conn.fetchrow(
        f"SELECT {', '.join(EXPORT_COLUMNS)}, deleted_at, embedding IS NOT NULL AS searchable "
        "FROM jobs WHERE source = $1 AND external_id = $2",
        source,
        external_id,
    )
    return dict(row) if row is not None else None


def export_query(filters: SearchFilters) -> tuple[str, list[Any]]:
    params: list[Any] = []
    conditions = filter_conditions(filters, params)
    query = (
        f"SELECT {', '.join(EXPORT_COLUMNS)} FROM jobs WHERE {' AND '.join(conditions)} "
        "ORDER BY source, external_id"
    )
    return query, params


async def export_rows(
    conn: Conn, filters: SearchFilters, prefetch: int = 500
) -> AsyncIterator[tuple[Any, ...]]:
    """Active jobs matching ``filters`` in a stable order, read through a cursor (the caller
    holds a transaction)."""
    query, params = export_query(filters)
    async for record in conn.cursor(query, *params, prefetch=prefetch):
        yield tuple(record.values())
