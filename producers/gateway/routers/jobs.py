"""Reading the jobs: search, one job, CSV export."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AwareDatetime

from producers.gateway.deps import Client, EmbedderDep, Pool, SettingsDep
from producers.gateway.errors import ApiError
from schemas.events import EmploymentType, Remote, SalaryPeriod
from worker.api import (
    EXPORT_COLUMNS,
    Searched,
    SearchFilters,
    SemanticUnavailable,
    export_rows,
    get_job,
    has_jobs_table,
)
from worker.api import search as run_search

router = APIRouter(tags=["jobs"])

Money = Annotated[Decimal | None, Query(ge=0, le=10**12)]
MAX_OFFSET = 1_000


def job_filters(
    remote: Remote | None = None,
    location: Annotated[str | None, Query(max_length=200, description="Substring.")] = None,
    salary_min: Annotated[Money, Query(description="The range reaches at least this.")] = None,
    salary_max: Annotated[Money, Query(description="The range starts at most at this.")] = None,
    salary_currency: Annotated[str | None, Query(pattern="^[A-Z]{3}$")] = None,
    salary_period: SalaryPeriod | None = None,
    employment_type: EmploymentType | None = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    posted_after: AwareDatetime | None = None,
    tag: Annotated[list[str] | None, Query(max_length=20, description="Required tags.")] = None,
) -> SearchFilters:
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
        tags=tuple(tag or ()),
    )


Filters = Annotated[SearchFilters, Depends(job_filters)]


def _fingerprint(q: str, mode: str, filters: SearchFilters, limit: int) -> str:
    return hashlib.sha256(repr((q, mode, filters, limit)).encode()).hexdigest()[:12]


def encode_cursor(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str) -> int:
    """The offset a cursor stands for; it only continues the search that issued it."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset, issued_for = text.split(":", 1)
        value = int(offset)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "invalid_cursor", "the cursor is not one this API issued") from None
    if issued_for != fingerprint or not 0 <= value <= MAX_OFFSET:
        raise ApiError(422, "invalid_cursor", "the cursor belongs to another search")
    return value


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
    """A second connection when one is free right now, else None (never waited for: requests
    holding one connection each must not wait on each other for a second)."""
    if not wanted:
        yield None
        return
    try:
        conn = await pool.acquire(timeout=0.005)
    except TimeoutError:
        yield None
        return
    try:
        yield conn
    finally:
        await pool.release(conn)


@router.get("/v1/jobs/search", summary="Search active jobs: hybrid, semantic or lexical")
async def search(
    who: Client,
    pool: Pool,
    embedder: EmbedderDep,
    settings: SettingsDep,
    filters: Filters,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    mode: Literal["hybrid", "semantic", "lexical"] = "hybrid",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of a page.")
    ] = None,
) -> JSONResponse:
    """Results carry ``why`` (semantic score, matched terms); ``next_cursor`` continues."""
    fingerprint = _fingerprint(q, mode, filters, limit)
    offset = decode_cursor(cursor, fingerprint) if cursor else 0
    async with pool.acquire() as conn, spare_connection(pool, mode == "hybrid") as second:
        await require_jobs_table(conn)
        found = await _search(
            conn,
            embedder,
            q,
            filters,
            limit + 1,
            mode=mode,
            offset=offset,
            config=settings.search_config,
            lexical_conn=second,
            wait_s=settings.embedder_wait_s,
        )
    rows = found.results
    more = len(rows) > limit and offset + limit <= MAX_OFFSET
    body: dict[str, Any] = {
        "results": rows[:limit],
        "next_cursor": encode_cursor(offset + limit, fingerprint) if more else None,
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


@router.get("/v1/jobs/export.csv", summary="Active jobs as CSV, streamed")
async def export(who: Client, pool: Pool, filters: Filters) -> StreamingResponse:
    conn = await pool.acquire()
    transaction = conn.transaction()
    started = False
    try:
        await require_jobs_table(conn)
        await transaction.start()
        started = True
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


@router.get("/v1/jobs/{source}/{external_id:path}", summary="One job (ids may contain '/')")
async def job(who: Client, pool: Pool, source: str, external_id: str) -> JSONResponse:
    async with pool.acquire() as conn:
        await require_jobs_table(conn)
        row = await get_job(conn, source, external_id)
    if row is None:
        raise ApiError(404, "not_found", f"no job {source}:{external_id}")
    return as_json(row)
