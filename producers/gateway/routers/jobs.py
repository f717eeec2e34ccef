"""Reading the jobs: search, one job, CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, StreamingResponse

from producers.gateway.deps import Client, EmbedderDep, Pool
from producers.gateway.errors import ApiError
from worker.api import (
    EXPORT_COLUMNS,
    SearchFilters,
    export_rows,
    get_job,
    has_jobs_table,
    search_jobs,
)

router = APIRouter(tags=["jobs"])

Remote = Literal["remote", "hybrid", "onsite"]
Location = Annotated[str | None, Query(max_length=200)]
SalaryMin = Annotated[Decimal | None, Query(ge=0, le=10**12)]
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


@router.get("/v1/jobs/search", summary="Semantic search over active jobs")
async def search(
    who: Client,
    pool: Pool,
    embedder: EmbedderDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    remote: Remote | None = None,
    location: Location = None,
    salary_min: SalaryMin = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> JSONResponse:
    async with pool.acquire() as conn:
        await require_jobs_table(conn)
        rows = await search_jobs(
            conn, embedder, q, SearchFilters(remote, location, salary_min), limit
        )
    return as_json({"results": rows})


@router.get("/v1/jobs/export.csv", summary="Active jobs as CSV, streamed")
async def export(
    who: Client,
    pool: Pool,
    remote: Remote | None = None,
    location: Location = None,
    salary_min: SalaryMin = None,
) -> StreamingResponse:
    filters = SearchFilters(remote, location, salary_min)
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
