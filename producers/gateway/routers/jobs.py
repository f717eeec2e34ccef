"""Reading the jobs: search, one job, CSV export."""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from producers.gateway.deps import Client, EmbedderDep, Pool, SettingsDep
from producers.gateway.errors import ApiError
from schemas.events import (
    MAX_TAGS,
    EmploymentType,
    Remote,
    SalaryPeriod,
    Source,
    Tag,
    Timestamp,
)
from worker.api import (
    EXPORT_COLUMNS,
    Searched,
    SearchFilters,
    SemanticUnavailable,
    Snapshot,
    TermStats,
    cluster_page,
    export_rows,
    get_job,
    has_jobs_table,
)
from worker.api import search as run_search

router = APIRouter(tags=["jobs"])

Money = Annotated[Decimal | None, Query(ge=0, le=10**12)]
MAX_OFFSET = 1_000
MAX_CURSOR_CHARS = 4_000
FILTER_PARAMS = (
    "remote",
    "location",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "employment_type",
    "source",
    "posted_after",
    "tag",
)
SEARCH_PARAMS = frozenset({"q", "mode", "limit", "cursor", *FILTER_PARAMS})
EXPORT_PARAMS = frozenset({"q", "mode", *FILTER_PARAMS})


def only(request: Request, accepted: frozenset[str]) -> None:
    """A parameter this route does not take is refused, not silently ignored."""
    unknown = sorted({name for name in request.query_params if name not in accepted})
    if unknown:
        raise ApiError(
            422,
            "invalid_request",
            f"not a parameter of this route: {', '.join(unknown)}",
            errors=[
                {
                    "loc": f"query.{n}",
                    "msg": "unknown parameter; accepted: " + ", ".join(sorted(accepted)),
                }
                for n in unknown
            ],
        )


def job_filters(
    remote: Remote | None = None,
    location: Annotated[str | None, Query(max_length=200, description="Substring.")] = None,
    salary_min: Annotated[Money, Query(description="The range reaches at least this.")] = None,
    salary_max: Annotated[Money, Query(description="The range starts at most at this.")] = None,
    salary_currency: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None,
    salary_period: SalaryPeriod | None = None,
    employment_type: EmploymentType | None = None,
    source: Source | None = None,
    posted_after: Annotated[
        Timestamp | None, Query(description="ISO 8601 with an offset, years 1-9999 in UTC.")
    ] = None,
    tag: Annotated[
        list[Tag] | None, Query(max_length=MAX_TAGS, description="Required tags (any case).")
    ] = None,
) -> SearchFilters:
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        raise ApiError(
            422,
            "invalid_request",
            "salary_min is above salary_max",
            errors=[{"loc": "query.salary_min", "msg": "must not exceed salary_max"}],
        )
    return SearchFilters(
        remote=remote,
        location=location,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_currency=salary_currency,
        salary_period=salary_period,
        employment_type=employment_type,
        source=source,
        posted_after=posted_after,
        tags=tuple(dict.fromkeys(t.lower() for t in tag or ())),
    )


Filters = Annotated[SearchFilters, Depends(job_filters)]


def _fingerprint(q: str, mode: str, filters: SearchFilters, limit: int) -> str:
    return hashlib.sha256(repr((q, mode, filters, limit)).encode()).hexdigest()[:12]


def encode_cursor(offset: int, fingerprint: str, snapshot: Snapshot) -> str:
    """A cursor: the next position, the search it belongs to and the first page's snapshot
    (its time, the lexical statistics and the semantic list's scan)."""
    data = {
        "o": offset,
        "f": fingerprint,
        "t": snapshot.as_of.isoformat() if snapshot.as_of else None,
        "s": snapshot.stats.as_json() if snapshot.stats else None,
        "x": snapshot.exact_scan,
    }
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str) -> tuple[int, Snapshot]:
    """The position and snapshot a cursor stands for; it only continues the search that
    issued it."""
    invalid = ApiError(422, "invalid_cursor", "the cursor is not one this API issued")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset, issued_for = data["o"], data["f"]
        as_of = datetime.fromisoformat(data["t"]) if data["t"] is not None else None
        stats = TermStats.from_json(data["s"]) if data["s"] is not None else None
        exact_scan = data["x"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, binascii.Error):
        raise invalid from None
    if issued_for != fingerprint:
        raise ApiError(422, "invalid_cursor", "the cursor belongs to another search")
    valid = (
        isinstance(offset, int)
        and 0 <= offset <= MAX_OFFSET
        and (as_of is None or as_of.tzinfo is not None)
        and (data["s"] is None or stats is not None)
        and exact_scan in (None, True, False)
    )
    if not valid:
        raise invalid
    return offset, Snapshot(as_of, stats, exact_scan)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text beginning with ``= + - @``, tab or carriage
    return gets a leading apostrophe (OWASP's CSV injection advice)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def as_json(data: Any) -> JSONResponse:
    return JSONResponse(json.loads(json.dumps(data, default=str)))


async def require_jobs_table(conn: Any) -> None:
    if not await has_jobs_table(conn):
        raise ApiError(
            503, "not_ready", "no jobs table yet: start a worker first", {"Retry-After": "30"}
        )


@asynccontextmanager
async def spare_connection(pool: asyncpg.Pool, wanted: bool) -> AsyncIterator[Any]:
    """A second connection when one is idle right now, else None (never waited for: requests
    holding one connection each must not wait on each other for a second). Checking and
    taking happen without yielding to the event loop, so no other request takes it between;
    no timeout is given to ``acquire``, since asyncpg would reuse it for the reset on release."""
    if not wanted or pool.get_idle_size() == 0:
        yield None
        return
    conn = await pool.acquire()
    try:
        yield conn
    finally:
        await pool.release(conn)


@router.get("/v1/jobs/search", summary="Search active jobs: hybrid, semantic or lexical")
async def search(
    request: Request,
    who: Client,
    pool: Pool,
    embedder: EmbedderDep,
    settings: SettingsDep,
    filters: Filters,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    mode: Literal["hybrid", "semantic", "lexical"] = "hybrid",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR_CHARS, description="next_cursor of a page.")
    ] = None,
) -> JSONResponse:
    """Results carry ``why`` (semantic score, lexical score, matched terms); ``next_cursor``
    continues the same ranking (see the README: what a cursor promises)."""
    only(request, SEARCH_PARAMS)
    fingerprint = _fingerprint(q, mode, filters, limit)
    offset, snapshot = decode_cursor(cursor, fingerprint) if cursor else (0, Snapshot())
    async with pool.acquire() as conn, spare_connection(pool, mode == "hybrid") as second:
        await require_jobs_table(conn)
        if snapshot.as_of is None:
            snapshot = Snapshot(await conn.fetchval("SELECT now()"))
        found = await _search(
            conn,
            embedder,
            q,
            filters,
            limit,
            mode=mode,
            offset=offset,
            config=settings.search_config,
            lexical_conn=second,
            snapshot=snapshot,
            wait_s=settings.embedder_wait_s,
        )
    more = found.more and offset + limit <= MAX_OFFSET
    pinned = found.snapshot or snapshot
    body: dict[str, Any] = {
        "results": found.results,
        "next_cursor": encode_cursor(offset + limit, fingerprint, pinned) if more else None,
    }
    if found.degraded:  # answered from the lexical ranking alone
        body |= {"degraded": found.degraded, "degraded_reason": found.reason}
    return as_json(body)


async def _search(*args: Any, **kwargs: Any) -> Searched:
    """The search, or 503 naming the embedder when semantic search cannot embed its query."""
    try:
        return await run_search(*args, **kwargs)
    except SemanticUnavailable as exc:
        raise ApiError(
            503, exc.code, str(exc), {"Retry-After": "5"}, embedder=exc.embedder, reason=exc.reason
        ) from None


@router.get(
    "/v1/clusters/{cluster_id}/members", summary="The active postings of one cluster, paged"
)
async def members(
    who: Client,
    pool: Pool,
    cluster_id: uuid.UUID,
    offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JSONResponse:
    async with pool.acquire() as conn:
        await require_jobs_table(conn)
        count, found = await cluster_page(conn, str(cluster_id), offset, limit)
    return as_json(
        {
            "cluster_id": str(cluster_id),
            "count": count,
            "members": found,
            "next_offset": offset + limit if offset + limit < count else None,
        }
    )


@router.get("/v1/jobs/export.csv", summary="Active jobs as CSV, streamed")
async def export(
    request: Request,
    who: Client,
    pool: Pool,
    embedder: EmbedderDep,
    settings: SettingsDep,
    filters: Filters,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=500, description="Export the search's ranking instead."),
    ] = None,
    mode: Literal["hybrid", "semantic", "lexical"] = "hybrid",
) -> StreamingResponse:
    """Every active job matching the filters (by source and id), or with ``q`` the search's
    ranking (one row per cluster, at most MAX_EXPORT_RANKED rows) — the same parameters as
    search, except paging; any other parameter is refused."""
    only(request, EXPORT_PARAMS)
    conn = await pool.acquire()
    transaction = conn.transaction()
    started = False
    try:
        await require_jobs_table(conn)
        await transaction.start()
        started = True
        if q is not None:
            found = await _search(
                conn,
                embedder,
                q,
                filters,
                MAX_EXPORT_RANKED,
                mode=mode,
                config=settings.search_config,
                wait_s=settings.embedder_wait_s,
            )
            rows: AsyncIterator[tuple[Any, ...]] = _ranked_rows(found.results)
        else:
            rows = export_rows(conn, filters)
        first = await anext(rows, None)  # the query runs before the 200 is sent
    except BaseException:
        if started:
            await transaction.rollback()
        await pool.release(conn)
        raise

    async def body() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        try:
            if first is not None:
                writer.writerow([safe_cell(v) for v in first])
                async for record in rows:
                    writer.writerow([safe_cell(v) for v in record])
                    if buffer.tell() > 64_000:
                        yield buffer.getvalue()
                        buffer.seek(0)
                        buffer.truncate()
            yield buffer.getvalue()
        finally:
            await transaction.rollback()
            await pool.release(conn)

    return StreamingResponse(body(), media_type="text/csv")


MAX_EXPORT_RANKED = 1_000


async def _ranked_rows(results: list[dict[str, Any]]) -> AsyncIterator[tuple[Any, ...]]:
    for result in results:
        yield tuple(result.get(column) for column in EXPORT_COLUMNS)


@router.get("/v1/jobs/{source}/{external_id:path}", summary="One job (ids may contain '/')")
async def job(who: Client, pool: Pool, source: str, external_id: str) -> JSONResponse:
    async with pool.acquire() as conn:
        await require_jobs_table(conn)
        row = await get_job(conn, source, external_id)
    if row is None:
        raise ApiError(404, "not_found", f"no job {source}:{external_id}")
    return as_json(row)
