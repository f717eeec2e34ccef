"""Semantic search over active jobs: cosine distance with filters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from worker.embedders import Embedder
from worker.store import Conn


@dataclass(frozen=True)
class SearchFilters:
    remote: str | None = None
    location: str | None = None
    salary_min: Decimal | None = None


async def search_jobs(
    conn: Conn,
    embedder: Embedder,
    query: str,
    filters: SearchFilters,
    limit: int = 10,
) -> list[dict[str, Any]]:
    vector = await embedder.embed_query(query)
    conditions = ["deleted_at IS NULL", "embedding IS NOT NULL", "embedding_model = $2"]
    params: list[Any] = [vector, embedder.model]
    if filters.remote:
        params.append(filters.remote)
        conditions.append(f"remote = ${len(params)}")
    if filters.location:
        params.append(f"%{filters.location}%")
        conditions.append(f"location ILIKE ${len(params)}")
    if filters.salary_min is not None:
        params.append(filters.salary_min)
        conditions.append(f"coalesce(salary_max, salary_min) >= ${len(params)}")
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
