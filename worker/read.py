"""The read side of the jobs table: search, one job, export — and the filters they share.

Filters are parameters, never SQL text: ``location`` is a substring match with LIKE's
wildcards (``%``, ``_``) and its escape character taken literally.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from worker.embedders import Embedder
from worker.store import Conn

EXPORT_COLUMNS = (
    "source", "external_id", "title", "company", "location", "remote", "employment_type",
    "salary_min", "salary_max", "salary_currency", "salary_period", "url", "posted_at",
)  # fmt: skip


@dataclass(frozen=True)
class SearchFilters:
    """What people filter job search by; every field optional, all of them must hold."""

    remote: str | None = None
    location: str | None = None  # substring, case-insensitive, wildcards literal
    salary_min: Decimal | None = None  # the job's range reaches at least this
    salary_max: Decimal | None = None  # the job's range starts at most at this
    salary_currency: str | None = None
    salary_period: str | None = None
    employment_type: str | None = None
    source: str | None = None
    posted_after: datetime | None = None
    tags: tuple[str, ...] = ()  # the job carries every one of them

    @property
    def any(self) -> bool:
        return any(
            value not in (None, ())
            for value in (self.remote, self.location, self.salary_min, self.salary_max,
                          self.salary_currency, self.salary_period, self.employment_type,
                          self.source, self.posted_after, self.tags)
        )  # fmt: skip


Mode = Literal["hybrid", "semantic", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "semantic", "lexical")
RRF_K = 60  # reciprocal rank fusion: score = sum over rankings of 1 / (RRF_K + rank)
MIN_CANDIDATES = 50  # each ranking hands at least this many candidates to the fusion
EXACT_SCAN_BELOW = 5_000  # estimated matching rows under which an exact scan is used
MAX_SCAN_TUPLES = 200_000  # hnsw.max_scan_tuples for iterative index scans


def like_escape(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_conditions(filters: SearchFilters, params: list[Any]) -> list[str]:
    """SQL conditions for active jobs matching ``filters``; appends their values to ``params``."""
    conditions = ["deleted_at IS NULL"]

    def add(sql: str, value: Any) -> None:
        params.append(value)
        conditions.append(sql.format(f"${len(params)}"))

    if filters.remote:
        add("remote = {}", filters.remote)
    if filters.location:
        add("location ILIKE {} ESCAPE '\\'", f"%{like_escape(filters.location)}%")
    if filters.salary_min is not None:
        add("coalesce(salary_max, salary_min) >= {}", filters.salary_min)
    if filters.salary_max is not None:
        add("coalesce(salary_min, salary_max) <= {}", filters.salary_max)
    if filters.salary_currency:
        add("salary_currency = {}", filters.salary_currency)
    if filters.salary_period:
        add("salary_period = {}", filters.salary_period)
    if filters.employment_type:
        add("employment_type = {}", filters.employment_type)
    if filters.source:
        add("source = {}", filters.source)
    if filters.posted_after is not None:
        add("posted_at >= {}", filters.posted_after)
    if filters.tags:
        add("tags @> {}::text[]", list(filters.tags))
    return conditions


async def has_jobs_table(conn: Conn) -> bool:
    return bool(await conn.fetchval("SELECT to_regclass('jobs') IS NOT NULL"))


RESULT_COLUMNS = (
    "source, external_id, title, company, location, remote, employment_type, salary_min, "
    "salary_max, salary_currency, salary_period, url, tags, posted_at"
)


async def _semantic(
    conn: Conn, vector: Any, model: str, filters: SearchFilters, k: int
) -> list[dict[str, Any]]:
    """The ``k`` active jobs nearest to ``vector`` among those matching ``filters``, exactly in
    distance order. Rule: with no filter, or a filter matching many rows, the HNSW index is
    walked with an iterative scan (strict order) until ``k`` matches are found; when the
    planner estimates fewer than EXACT_SCAN_BELOW matching rows, or the index scan comes back
    short, the matching rows are scanned exactly (B-tree / GIN indexes find them)."""
    params: list[Any] = [vector, model]
    conditions = filter_conditions(filters, params) + [
        "embedding IS NOT NULL", "embedding_model = $2",
    ]  # fmt: skip
    where = " AND ".join(conditions)
    params.append(k)
    select = f"SELECT {RESULT_COLUMNS}, embedding <=> $1 AS distance"
    exact = (
        f"WITH matching AS MATERIALIZED (SELECT * FROM jobs WHERE {where}) "
        f"{select} FROM matching ORDER BY distance, source, external_id LIMIT ${len(params)}"
    )
    indexed = f"{select} FROM jobs WHERE {where} ORDER BY embedding <=> $1 LIMIT ${len(params)}"
    if filters.any:
        only: list[Any] = []
        plan = await conn.fetchval(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM jobs WHERE "
            + " AND ".join([*filter_conditions(filters, only), "embedding IS NOT NULL"]),
            *only,
        )
        estimated = json.loads(plan)[0]["Plan"]["Plan Rows"] if isinstance(plan, str) else 0
        if estimated < EXACT_SCAN_BELOW:
            return [dict(r) for r in await conn.fetch(exact, *params)]
    async with conn.transaction():
        await conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        await conn.execute(f"SET LOCAL hnsw.max_scan_tuples = {MAX_SCAN_TUPLES}")
        await conn.execute(f"SET LOCAL hnsw.ef_search = {max(40, min(k, 1000))}")
        rows = [dict(r) for r in await conn.fetch(indexed, *params)]
    if len(rows) < k and filters.any:
        rows = [dict(r) for r in await conn.fetch(exact, *params)]
    return rows


async def _lexical(
    conn: Conn, query: str, config: str, filters: SearchFilters, k: int
) -> list[dict[str, Any]]:
    """The ``k`` best full-text matches (any query term; ranked by cover density, so jobs
    holding more of the terms, closer together and in heavier fields, come first)."""
    params: list[Any] = [query, config]
    conditions = filter_conditions(filters, params)
    params.append(k)
    rows = await conn.fetch(
        f"""
        WITH q AS (
            SELECT coalesce(string_agg(quote_literal(lexeme), ' | '), '')::tsquery AS query,
                   array_agg(lexeme) AS lexemes
            FROM unnest(tsvector_to_array(to_tsvector($2::regconfig, $1))) AS lexeme
        )
        SELECT {RESULT_COLUMNS}, ts_rank_cd(search_tsv, q.query, 1) AS rank,
               ARRAY(SELECT unnest(tsvector_to_array(search_tsv)) INTERSECT
                     SELECT unnest(q.lexemes)) AS matched_terms
        FROM jobs, q
        WHERE search_tsv @@ q.query AND {" AND ".join(conditions)}
        ORDER BY rank DESC, source, external_id LIMIT ${len(params)}
        """,
        *params,
    )
    return [dict(r) for r in rows]


def fuse(
    semantic: list[dict[str, Any]], lexical: list[dict[str, Any]], k: int = RRF_K
) -> list[dict[str, Any]]:
    """Reciprocal rank fusion of two rankings; ties broken by (source, external_id)."""
    fused: dict[tuple[str, str], dict[str, Any]] = {}
    for ranking, name in ((semantic, "semantic"), (lexical, "lexical")):
        for rank, row in enumerate(ranking, start=1):
            key = (row["source"], row["external_id"])
            entry = fused.setdefault(key, {**row, "score": 0.0})
            entry["score"] += 1.0 / (k + rank)
            entry[f"{name}_position"] = rank
            entry.update({f: row[f] for f in ("distance", "rank", "matched_terms") if f in row})
    return sorted(fused.values(), key=lambda r: (-r["score"], r["source"], r["external_id"]))


def _explained(row: dict[str, Any], mode: str) -> dict[str, Any]:
    """A result with why it matched: the semantic score, the lexical rank and terms."""
    why: dict[str, Any] = {}
    if row.get("distance") is not None:
        why["semantic_score"] = round(1.0 - float(row.pop("distance")), 6)
    else:
        row.pop("distance", None)
    if row.get("rank") is not None:
        why["lexical_rank"] = round(float(row.pop("rank")), 6)
        why["matched_terms"] = sorted(row.pop("matched_terms") or [])
    else:
        row.pop("rank", None)
        row.pop("matched_terms", None)
    for name in ("semantic_position", "lexical_position"):
        if name in row:
            why[name] = row.pop(name)
    if mode == "semantic":
        row["score"] = why.get("semantic_score", 0.0)
    elif mode == "lexical":
        row["score"] = why.get("lexical_rank", 0.0)
    row["why"] = why
    return row


async def search_jobs(
    conn: Conn,
    embedder: Embedder,
    query: str,
    filters: SearchFilters,
    limit: int = 10,
    *,
    mode: Mode = "hybrid",
    offset: int = 0,
    config: str = "english",
) -> list[dict[str, Any]]:
    """Active jobs for ``query`` under ``filters``, best first, ``limit`` from ``offset``.

    ``semantic``: nearest by cosine distance (full pages under any filter, see
    :func:`_semantic`); ``lexical``: PostgreSQL full text; ``hybrid`` (default): both
    rankings fused by reciprocal rank fusion. Rows whose embedding is pending are found by
    lexical search only. Each result says why it matched (``why``)."""
    need = offset + limit
    candidates = max(need, MIN_CANDIDATES) if mode == "hybrid" else need
    semantic: list[dict[str, Any]] = []
    lexical: list[dict[str, Any]] = []
    if mode in ("hybrid", "semantic"):
        vector = await embedder.embed_query(query)
        semantic = await _semantic(conn, vector, embedder.model, filters, candidates)
    if mode in ("hybrid", "lexical"):
        lexical = await _lexical(conn, query, config, filters, candidates)
    ranked = fuse(semantic, lexical) if mode == "hybrid" else (semantic or lexical)
    return [_explained(row, mode) for row in ranked[offset:need]]


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
