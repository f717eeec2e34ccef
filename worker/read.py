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
from worker.lexical import (
    COMMON_ROWS,
    LexicalQuery,
    TermStats,
    analyse,
    rank_columns,
    score_sql,
    weight_columns,
)
from worker.ranking import LEXICAL_WINDOW, Candidate, merge, rare_limit
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
    if filters.tags:  # stored lower case (worker.store.folded_tags)
        add("tags @> {}::text[]", [tag.lower() for tag in filters.tags])
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


CLUSTER_KEY = "coalesce(cluster_id::text, source || ':' || external_id)"
EF_SEARCH = 100  # hnsw.ef_search of every query (never grown with the page)
STREAM_ROUNDS = 8  # reads of the nearest-postings stream per page at most
ALSO_ON_SHOWN = 5  # copies named on a result; the rest are counted (cluster_members pages)


@dataclass(frozen=True)
class Snapshot:
    """What a cursor pins so that every page is cut from the first page's ranking: the time
    of the first page (jobs stored later are left out), the term statistics of its lexical
    ranking and whether its semantic list came from an exact scan."""

    as_of: datetime | None = None
    stats: TermStats | None = None
    exact_scan: bool | None = None


@dataclass
class Page:
    results: list[dict[str, Any]]
    more: bool  # the ranking goes on after this page
    snapshot: Snapshot


def _conditions(filters: SearchFilters, snapshot: Snapshot, params: list[Any]) -> str:
    conditions = filter_conditions(filters, params)
    if snapshot.as_of is not None:
        params.append(snapshot.as_of)
        conditions.append(f"created_at <= ${len(params)}")
    return " AND ".join(conditions)


async def _stream(
    conn: Conn,
    vector: Any,
    model: str,
    filters: SearchFilters,
    snapshot: Snapshot,
    count: int,
    skip_clusters: set[str],
) -> list[Candidate]:
    """The next ``count`` nearest active postings matching ``filters``, leaving out the
    clusters in ``skip_clusters``: the semantic list, read in order. Rule, decided once per
    query (``snapshot.exact_scan``): with no filter or a filter matching many rows, the HNSW
    index is walked with an iterative scan in strict order (``ef_search`` fixed); under a
    selective filter the matching rows are scanned exactly, in (distance, source, id) order."""
    params: list[Any] = [vector, model]
    where = _conditions(filters, snapshot, params)
    where += " AND embedding IS NOT NULL AND embedding_model = $2"
    if skip_clusters:
        params.append(sorted(skip_clusters))
        where += f" AND NOT ({CLUSTER_KEY} = ANY(${len(params)}::text[]))"
    params.append(count)
    columns = f"source, external_id, {CLUSTER_KEY} AS cluster, embedding <=> $1 AS distance"
    if snapshot.exact_scan:
        sql = (
            f"WITH matching AS MATERIALIZED (SELECT {columns} FROM jobs WHERE {where}) "
            f'SELECT * FROM matching ORDER BY distance, source COLLATE "C", external_id COLLATE "C" '
            f"LIMIT ${len(params)}"
        )
        rows = await conn.fetch(sql, *params)
    else:
        sql = f"SELECT {columns} FROM jobs WHERE {where} ORDER BY embedding <=> $1 LIMIT ${len(params)}"
        async with conn.transaction():
            await conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            await conn.execute(f"SET LOCAL hnsw.max_scan_tuples = {MAX_SCAN_TUPLES}")
            await conn.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
            rows = await conn.fetch(sql, *params)
    return [
        Candidate(r["source"], r["external_id"], r["cluster"], 1.0 - float(r["distance"]))
        for r in rows
    ]


_WINDOW = """
WITH cand AS MATERIALIZED (
    SELECT source, external_id, {cluster} AS cluster, {exact} AS exact, {ranks} FROM {rows}
), scored AS MATERIALIZED (
    SELECT source, external_id, cluster, exact, {score} AS lexical
    FROM (SELECT source, external_id, cluster, exact, {weights} FROM cand OFFSET 0) AS weighted
), top AS (
    SELECT source, external_id, cluster, lexical,
           exact AND (SELECT count(*) FROM scored WHERE exact) <= {rare} AS exact
    FROM scored
    ORDER BY 5 DESC, lexical DESC, source COLLATE "C", external_id COLLATE "C" LIMIT {window}
)
SELECT top.source, top.external_id, top.cluster, top.exact, top.lexical, {similarity},
       (SELECT count(*) FROM cand) AS chosen
FROM top {join}
ORDER BY top.exact DESC, top.lexical DESC, top.source COLLATE "C", top.external_id COLLATE "C"
"""
_MATCHING = "jobs WHERE search_tsv @@ $1::tsquery AND {where}"
_NEWEST = (
    "(SELECT ctid AS row_id FROM jobs WHERE search_tsv @@ $1::tsquery AND {where} "
    'ORDER BY posted_at DESC NULLS LAST, source COLLATE "C", external_id COLLATE "C" '
    "LIMIT {limit}) AS chosen JOIN jobs ON jobs.ctid = chosen.row_id"
)


async def _window(
    conn: Conn,
    lexical: LexicalQuery,
    vector: Any,
    model: str,
    filters: SearchFilters,
    snapshot: Snapshot,
) -> list[Candidate]:
    """The lexical ranking: the best LEXICAL_WINDOW candidates by BM25, postings holding a
    rare exact part of the query first; with ``vector``, their similarity too. The candidates
    are chosen before they are scored (in one step, every matching row would be scored before
    the newest were kept)."""
    if lexical.empty:
        return []
    params: list[Any] = [lexical.candidates]
    exact = "false"
    if lexical.exact:
        params.append(lexical.exact)
        exact = f"search_tsv @@ ${len(params)}::tsquery"
    ranks = rank_columns(lexical, params)
    where = _conditions(filters, snapshot, params)
    similarity, join = "NULL::float8 AS similarity", ""
    if vector is not None:  # as text: this connection need not have pgvector's codec
        params += [vector_text(vector), model]
        similarity = (
            f"CASE WHEN j.embedding_model = ${len(params)} THEN "
            f"1 - (j.embedding <=> ${len(params) - 1}::text::vector) END AS similarity"
        )
        join = "JOIN jobs j USING (source, external_id)"
    sql = partial(
        _WINDOW.format,
        cluster=CLUSTER_KEY,
        exact=exact,
        ranks=ranks,
        weights=weight_columns(lexical),
        score=score_sql(lexical),
        window=LEXICAL_WINDOW,
        similarity=similarity,
        join=join,
        rare=rare_limit(lexical.stats.rows),
    )
    if not lexical.common:
        rows = await conn.fetch(sql(rows=_MATCHING.format(where=where)), *params)
    else:  # the planner would scan every row's text vector for a common word
        async with conn.transaction():
            await conn.execute("SET LOCAL enable_seqscan = off")
            # the newest are likely posted after a cut; fewer found there: they were not all
            # there, so further back, and at last in every posting holding the terms
            for cut in (*lexical.cuts, None):
                if cut is None:
                    chosen, args = _NEWEST.format(where=where, limit=COMMON_ROWS), params
                else:
                    newer = f"{where} AND posted_at >= ${len(params) + 1}"
                    chosen, args = _NEWEST.format(where=newer, limit=COMMON_ROWS), [*params, cut]
                rows = await conn.fetch(sql(rows=chosen), *args)
                if rows and rows[0]["chosen"] >= COMMON_ROWS:
                    break
    return [
        Candidate(
            r["source"],
            r["external_id"],
            r["cluster"],
            None if r["similarity"] is None else float(r["similarity"]),
            float(r["lexical"]),
            bool(r["exact"]),
            position,
        )
        for position, r in enumerate(rows, start=1)
    ]


def vector_text(vector: Any) -> str:
    """A vector in pgvector's text form (exact: every float32 written in full)."""
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


async def _exact_scan(conn: Conn, filters: SearchFilters, snapshot: Snapshot) -> bool:
    if snapshot.exact_scan is not None:
        return snapshot.exact_scan
    return await _selective(conn, filters)


async def search_page(
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
    snapshot: Snapshot | None = None,
) -> Page:
    """Active jobs for ``query`` under ``filters``: positions ``offset`` to ``offset + limit``
    of one ranking (see ``worker.ranking``), one result per cluster of cross-posted copies
    (the others counted and the first few named in ``also_on``). ``snapshot`` (from the first
    page) keeps later pages on the first page's ranking while jobs arrive. With a second
    connection (``lexical_conn``) hybrid search reads its two lists at the same time."""
    snapshot = snapshot or Snapshot()
    need = offset + limit + 1  # one more: whether the ranking goes on
    vector = await embedder.embed_query(query) if mode in ("hybrid", "semantic") else None
    lexical: LexicalQuery | None = None
    if mode in ("hybrid", "lexical"):
        lexical = await analyse(conn, query, config, snapshot.stats)
    exact_scan = await _exact_scan(conn, filters, snapshot) if vector is not None else None
    snapshot = Snapshot(snapshot.as_of, lexical.stats if lexical else None, exact_scan)
    ideal = lexical.ideal() if lexical else 1.0

    async def window_list() -> list[Candidate]:
        if lexical is None:
            return []
        second = lexical_conn if lexical_conn is not None else conn
        return await _window(second, lexical, vector, embedder.model, filters, snapshot)

    async def first_read() -> list[Candidate]:
        if vector is None:
            return []
        return await _stream(
            conn,
            vector,
            embedder.model,
            filters,
            snapshot,
            need + 10,
            set(),
        )

    if lexical_conn is not None and lexical is not None and vector is not None:
        async with asyncio.TaskGroup() as both:  # the two lists at once, each on its connection
            window_task, stream_task = (
                both.create_task(window_list()),
                both.create_task(first_read()),
            )
        window, stream = window_task.result(), stream_task.result()
    else:
        window, stream = await window_list(), await first_read()
    asked = need + 10
    bound = stream[-1].similarity if vector is not None and len(stream) >= asked else None
    merged = merge(window, stream, mode=mode, ideal=ideal, bound=bound)
    for _ in range(STREAM_ROUNDS):  # read further until the page's positions are certain
        if bound is None or len(merged.ranked) >= need:
            break
        asked = max(2 * asked, 2 * (need - len(merged.ranked)) + 10)
        # a cluster the stream has yielded cannot move up by its copies not read yet (they are
        # no nearer, and a copy with lexical evidence is in the window already)
        done = merged.placed | {candidate.cluster for candidate in stream}
        more = await _stream(conn, vector, embedder.model, filters, snapshot, asked, done)
        stream += more
        bound = more[-1].similarity if len(more) >= asked else None
        merged = merge(window, stream, mode=mode, ideal=ideal, bound=bound)
    if bound is not None and len(merged.ranked) < need:  # rounds spent: the best read so far
        merged = merge(window, stream, mode=mode, ideal=ideal, bound=None)
    chosen = merged.ranked[offset : offset + limit]
    results = await _results(conn, chosen, lexical, mode)
    await also_on(conn, results)
    return Page(results, len(merged.ranked) > offset + limit, snapshot)


async def _results(
    conn: Conn, chosen: list[tuple[float, Candidate]], lexical: LexicalQuery | None, mode: str
) -> list[dict[str, Any]]:
    """The page's rows in ranking order, each with why it matched."""
    if not chosen:
        return []
    terms = list(lexical.terms) if lexical else []
    rows = await conn.fetch(
        f"SELECT {RESULT_COLUMNS}, ARRAY(SELECT unnest(tsvector_to_array(search_tsv)) "
        "INTERSECT SELECT unnest($3::text[])) AS matched_terms FROM jobs "
        "WHERE (source, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
        [c.source for _, c in chosen],
        [c.external_id for _, c in chosen],
        terms,
    )
    by_id = {(r["source"], r["external_id"]): dict(r) for r in rows}
    results = []
    for score, candidate in chosen:
        row = by_id.get(candidate.ident)
        if row is None:  # removed since its ranking was read
            continue
        why: dict[str, Any] = {}
        if candidate.similarity is not None:
            why["semantic_score"] = round(candidate.similarity, 6)
        if candidate.lexical_position is not None:
            why["lexical_score"] = round(candidate.lexical, 6)
            why["lexical_position"] = candidate.lexical_position
            why["matched_terms"] = sorted(row["matched_terms"] or [])
        if candidate.exact:
            why["exact"] = True
        row.pop("matched_terms")
        row["score"] = round(score, 6)
        row["why"] = why
        results.append(row)
    return results


async def also_on(conn: Conn, results: list[dict[str, Any]]) -> None:
    """Name, on each result, the first ALSO_ON_SHOWN other active postings of its cluster
    (source, id, url) in ``also_on``, and count them all in ``also_on_count``
    (:func:`cluster_members` pages through the rest)."""
    clusters = sorted({r["cluster_id"] for r in results if r.get("cluster_id")})
    shown: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, int] = {}
    if clusters:
        for row in await conn.fetch(
            "SELECT c.cluster_id, c.size, m.source, m.external_id, m.url FROM "
            "(SELECT cluster_id, count(*) AS size FROM jobs WHERE cluster_id = ANY($1::uuid[]) "
            " AND deleted_at IS NULL GROUP BY cluster_id) c, LATERAL (SELECT source, external_id, "
            " url FROM jobs j WHERE j.cluster_id = c.cluster_id AND j.deleted_at IS NULL "
            " ORDER BY source, external_id LIMIT $2) m",
            clusters,
            ALSO_ON_SHOWN + 1,
        ):
            cluster = str(row["cluster_id"])
            counts[cluster] = int(row["size"])
            shown.setdefault(cluster, []).append(
                {"source": row["source"], "external_id": row["external_id"], "url": row["url"]}
            )
    for result in results:
        cluster = result.get("cluster_id") or ""
        others = [
            o
            for o in shown.get(cluster, [])
            if (o["source"], o["external_id"]) != (result["source"], result["external_id"])
        ]
        result["also_on"] = others[:ALSO_ON_SHOWN]
        result["also_on_count"] = max(0, counts.get(cluster, 1) - 1)


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
    """The results of :func:`search_page` alone."""
    page = await search_page(
        conn,
        embedder,
        query,
        filters,
        limit,
        mode=mode,
        offset=offset,
        config=config,
        lexical_conn=lexical_conn,
    )
    return page.results


async def get_job(conn: Conn, source: str, external_id: str) -> dict[str, Any] | None:
    """One job, removed or not, with whether it is searchable yet and its cluster (its size
    and the first CLUSTER_SHOWN members; :func:`cluster_page` pages through the rest)."""
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
    job["cluster"] = None
    if cluster:
        size, members = await cluster_page(conn, cluster, 0, CLUSTER_SHOWN)
        job["cluster"] = {"id": cluster, "size": size, "members": members}
    return job


CLUSTER_SHOWN = 20


async def cluster_page(
    conn: Conn, cluster: str, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    """How many active postings one cluster has, and ``limit`` of them from ``offset`` (by
    source and id)."""
    size = await conn.fetchval(
        "SELECT count(*) FROM jobs WHERE cluster_id = $1::uuid AND deleted_at IS NULL", cluster
    )
    rows = await conn.fetch(
        "SELECT source, external_id, title, company, location, url FROM jobs "
        "WHERE cluster_id = $1::uuid AND deleted_at IS NULL ORDER BY source, external_id "
        "OFFSET $2 LIMIT $3",
        cluster,
        offset,
        limit,
    )
    return int(size), [dict(r) for r in rows]


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
