"""The read side of the jobs table: search, one job, export — and the filters they share.

Filters are parameters, never SQL text: ``location`` is a substring match with LIKE's
wildcards (``%``, ``_``) and its escape character taken literally.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, Literal

from worker.embedders import Embedder
from worker.store import Conn

EXPORT_COLUMNS = (
    "source",
    "external_id",
    "title",
    "company",
    "location",
    "remote",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "url",
    "posted_at",
)


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
            for value in (
                self.remote,
                self.location,
                self.salary_min,
                self.salary_max,
                self.salary_currency,
                self.salary_period,
                self.employment_type,
                self.source,
                self.posted_after,
                self.tags,
            )
        )


Mode = Literal["hybrid", "semantic", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "semantic", "lexical")
RRF_K = 60  # reciprocal rank fusion: score = sum over rankings of 1 / (RRF_K + rank)
MIN_CANDIDATES = 50  # each ranking hands at least this many candidates to the fusion
EXACT_SCAN_BELOW = 5_000  # estimated matching rows under which an exact scan is used
MAX_SCAN_TUPLES = 200_000  # hnsw.max_scan_tuples for iterative index scans
OR_CANDIDATES = 5_000  # matches of any query term ranked when the AND pass falls short


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


RESULT_FIELDS = (
    "source",
    "external_id",
    "title",
    "company",
    "location",
    "remote",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "url",
    "tags",
    "posted_at",
)


def result_columns(table: str = "") -> str:
    """The columns of a search result, optionally qualified with a table alias."""
    prefix = f"{table}." if table else ""
    return ", ".join(
        [*(prefix + f for f in RESULT_FIELDS), f"{prefix}cluster_id::text AS cluster_id"]
    )


RESULT_COLUMNS = result_columns()


async def _estimated_rows(conn: Conn, filters: SearchFilters) -> int:
    """The planner's estimate of active rows matching ``filters`` (no scan)."""
    only: list[Any] = []
    plan = await conn.fetchval(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM jobs WHERE "
        + " AND ".join(filter_conditions(filters, only)),
        *only,
    )
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"]) if isinstance(plan, str) else 0


async def _selective(conn: Conn, filters: SearchFilters) -> bool:
    """Whether ``filters`` are estimated to leave fewer than EXACT_SCAN_BELOW rows."""
    return filters.any and await _estimated_rows(conn, filters) < EXACT_SCAN_BELOW


async def _semantic(
    conn: Conn, vector: Any, model: str, filters: SearchFilters, k: int, selective: bool
) -> list[dict[str, Any]]:
    """The ``k`` active jobs nearest to ``vector`` among those matching ``filters``, exactly in
    distance order. Rule: with no filter, or a filter matching many rows, the HNSW index is
    walked with an iterative scan (strict order) until ``k`` matches are found; when the
    planner estimates fewer than EXACT_SCAN_BELOW matching rows, or the index scan comes back
    short, the matching rows are scanned exactly (B-tree / GIN indexes find them)."""
    params: list[Any] = [vector, model]
    conditions = filter_conditions(filters, params) + [
        "embedding IS NOT NULL",
        "embedding_model = $2",
    ]
    where = " AND ".join(conditions)
    params.append(k)
    select = f"SELECT {RESULT_COLUMNS}, embedding <=> $1 AS distance"
    exact = (  # only the columns a result needs: no description, no text vector
        f"WITH matching AS MATERIALIZED (SELECT {RESULT_COLUMNS}, embedding <=> $1 AS distance "
        f"FROM jobs WHERE {where}) SELECT * FROM matching "
        f"ORDER BY distance, source, external_id LIMIT ${len(params)}"
    )
    indexed = f"{select} FROM jobs WHERE {where} ORDER BY embedding <=> $1 LIMIT ${len(params)}"
    if selective:
        return [dict(r) for r in await conn.fetch(exact, *params)]
    async with conn.transaction():
        await conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        await conn.execute(f"SET LOCAL hnsw.max_scan_tuples = {MAX_SCAN_TUPLES}")
        await conn.execute(f"SET LOCAL hnsw.ef_search = {max(40, min(k, 1000))}")
        rows = [dict(r) for r in await conn.fetch(indexed, *params)]
    if len(rows) < k and filters.any:
        rows = [dict(r) for r in await conn.fetch(exact, *params)]
    return rows


_LEXICAL = """
WITH q AS (
    SELECT coalesce(string_agg(quote_literal(lexeme), ' {op} '), '')::tsquery AS query,
           coalesce(array_agg(lexeme), '{{}}') AS lexemes
    FROM unnest(tsvector_to_array(to_tsvector($2::regconfig, $1))) AS lexeme
), matches AS {materialized} (
    SELECT source, external_id, search_tsv FROM jobs, q
    WHERE search_tsv @@ q.query AND {where} {cap}
), top AS (
    SELECT source, external_id, ts_rank_cd(search_tsv, q.query, 1) AS rank
    FROM matches, q
    ORDER BY rank DESC, source, external_id LIMIT ${limit}
)
SELECT {columns}, top.rank,
       ARRAY(SELECT unnest(tsvector_to_array(j.search_tsv)) INTERSECT
             SELECT unnest(q.lexemes)) AS matched_terms
FROM top JOIN jobs j USING (source, external_id), q
ORDER BY top.rank DESC, source, external_id
"""


async def _lexical(
    conn: Conn, query: str, config: str, filters: SearchFilters, k: int, selective: bool
) -> list[dict[str, Any]]:
    """The ``k`` best full-text matches, ranked by cover density (more of the terms, closer
    together, in heavier fields first). Jobs holding every term come first; only when they do
    not fill ``k`` do jobs holding some of the terms follow, ranked among the first
    OR_CANDIDATES such matches (so a fallback on common words never ranks half the table).
    Under a selective filter the matching rows are read first, then searched."""
    params: list[Any] = [query, config]
    conditions = filter_conditions(filters, params)
    params.append(k)
    columns = result_columns("j")
    where = " AND ".join(conditions)
    found: list[dict[str, Any]] = []
    for op in ("&", "|"):
        sql = _LEXICAL.format(
            op=op,
            where=where,
            limit=len(params),
            columns=columns,
            materialized="MATERIALIZED" if selective else "",
            cap=f"LIMIT {OR_CANDIDATES}" if op == "|" and not selective else "",
        )
        seen = {(r["source"], r["external_id"]) for r in found}
        params[-1] = k + len(found)  # the OR pass finds the AND results again
        found += [
            dict(r)
            for r in await conn.fetch(sql, *params)
            if (r["source"], r["external_id"]) not in seen
        ]
        if len(found) >= k:
            break
    return found[:k]


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


def collapse(ranked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One result per cluster (its best-ranked member), in rank order."""
    seen: set[str] = set()
    kept = []
    for row in ranked:
        cluster = row.get("cluster_id") or f"{row['source']}:{row['external_id']}"
        if cluster not in seen:
            seen.add(cluster)
            kept.append(row)
    return kept


async def also_on(conn: Conn, results: list[dict[str, Any]]) -> None:
    """Name, on each result, the other active postings of its cluster (source, id, url)."""
    clusters = [r["cluster_id"] for r in results if r.get("cluster_id")]
    members = await cluster_members(conn, clusters) if clusters else {}
    others = {
        cluster: [
            {"source": m["source"], "external_id": m["external_id"], "url": m["url"]} for m in found
        ]
        for cluster, found in members.items()
    }
    for result in results:
        result["also_on"] = [
            o
            for o in others.get(result.get("cluster_id") or "", [])
            if (o["source"], o["external_id"]) != (result["source"], result["external_id"])
        ]


async def _no_ranking() -> list[dict[str, Any]]:
    return []


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
    lexical_conn: Conn | None = None,
) -> list[dict[str, Any]]:
    """Active jobs for ``query`` under ``filters``, best first, ``limit`` from ``offset``, one
    per cluster of cross-posted copies (the others listed in ``also_on``). With a second
    connection (``lexical_conn``) hybrid search runs its two rankings at the same time.

    ``semantic``: nearest by cosine distance (full pages under any filter, see
    :func:`_semantic`); ``lexical``: PostgreSQL full text; ``hybrid`` (default): both
    rankings fused by reciprocal rank fusion. Rows whose embedding is pending are found by
    lexical search only. Each result says why it matched (``why``)."""
    need = offset + limit
    candidates = max(need * 2, MIN_CANDIDATES) if mode == "hybrid" else need * 2
    vector = await embedder.embed_query(query) if mode in ("hybrid", "semantic") else None
    selective = await _selective(conn, filters)  # one estimate for both rankings, every round
    for _ in range(4):  # more candidates while collapsing copies leaves the page short
        near = (
            partial(_semantic, conn, vector, embedder.model, filters, candidates, selective)
            if vector is not None
            else _no_ranking
        )
        second = lexical_conn if mode == "hybrid" and lexical_conn is not None else conn
        terms = (
            partial(_lexical, second, query, config, filters, candidates, selective)
            if mode in ("hybrid", "lexical")
            else _no_ranking
        )
        if second is conn:
            semantic, lexical = await near(), await terms()
        else:  # the two rankings at once, each on its connection
            async with asyncio.TaskGroup() as both:
                near_task, terms_task = both.create_task(near()), both.create_task(terms())
            semantic, lexical = near_task.result(), terms_task.result()
        ranked = fuse(semantic, lexical) if mode == "hybrid" else (semantic or lexical)
        unique = collapse(ranked)
        exhausted = len(semantic) < candidates and len(lexical) < candidates
        if len(unique) >= need or exhausted:
            break
        candidates *= 4
    page = [_explained(row, mode) for row in unique[offset:need]]
    await also_on(conn, page)
    return page


async def get_job(conn: Conn, source: str, external_id: str) -> dict[str, Any] | None:
    """One job, removed or not, with whether it is searchable yet."""
    row = await conn.fetchrow(
        f"SELECT {', '.join(EXPORT_COLUMNS)}, deleted_at, embedding IS NOT NULL AS searchable, "
        "cluster_id::text AS cluster_id FROM jobs WHERE source = $1 AND external_id = $2",
        source,
        external_id,
    )
    if row is None:
        return None
    job = dict(row)
    cluster = job.pop("cluster_id")
    members = await cluster_members(conn, [cluster]) if cluster else {}
    job["cluster"] = {"id": cluster, "members": members.get(cluster, [])} if cluster else None
    return job


async def cluster_members(conn: Conn, clusters: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in await conn.fetch(
        "SELECT cluster_id::text AS cluster_id, source, external_id, title, company, location, "
        "url FROM jobs WHERE cluster_id = ANY($1::uuid[]) AND deleted_at IS NULL "
        "ORDER BY source, external_id",
        clusters,
    ):
        member = dict(row)
        found.setdefault(member.pop("cluster_id"), []).append(member)
    return found


async def duplicate_clusters(
    conn: Conn, company: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Clusters with more than one active posting, largest first (optionally one company)."""
    params: list[Any] = [limit]
    where = ""
    if company:
        from worker.clusters.companies import company_key

        params.append(company_key(company))
        where = "AND company_key = $2"
    rows = await conn.fetch(
        f"""
        SELECT cluster_id::text AS cluster_id, count(*) AS size FROM jobs
        WHERE deleted_at IS NULL AND cluster_id IS NOT NULL {where}
        GROUP BY cluster_id HAVING count(*) > 1
        ORDER BY count(*) DESC, cluster_id LIMIT $1
        """,
        *params,
    )
    members = await cluster_members(conn, [r["cluster_id"] for r in rows])
    return [
        {"cluster_id": r["cluster_id"], "size": r["size"], "members": members[r["cluster_id"]]}
        for r in rows
    ]


async def cluster_stats(conn: Conn) -> tuple[int, float]:
    """Clusters of active jobs, and the share of active jobs that have a copy elsewhere."""
    row = await conn.fetchrow(
        """
        SELECT count(*) AS clusters, coalesce(sum(size) FILTER (WHERE size > 1), 0) AS copied,
               coalesce(sum(size), 0) AS jobs
        FROM (SELECT count(*) AS size FROM jobs WHERE deleted_at IS NULL AND cluster_id IS NOT NULL
              GROUP BY cluster_id) AS c
        """
    )
    assert row is not None
    return int(row["clusters"]), (float(row["copied"]) / row["jobs"] if row["jobs"] else 0.0)


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
