"""Liveness, readiness and metrics of the gateway."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from producers.gateway.deps import ResourcesDep
from producers.gateway.resources import Resources
from worker.api import query_problem

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(res: ResourcesDep) -> JSONResponse:
    checks = {"kafka": "ok", "database": "ok"}
    try:
        assert res.publisher is not None, "not started"
        await asyncio.wait_for(res.publisher.check_connection(), 3)
    except Exception as exc:
        checks["kafka"] = f"unreachable: {type(exc).__name__}"
    try:
        assert res.pool is not None, "not started"
        await asyncio.wait_for(res.pool.fetchval("SELECT 1"), 3)
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    checks["search"] = await _search_check(res)
    failing = sorted(k for k, v in checks.items() if v != "ok")
    return JSONResponse(
        {"status": "unready" if failing else "ready", "checks": checks, "failing": failing},
        503 if failing else 200,
    )


async def _search_check(res: Resources) -> str:
    """Whether queries are embedded in the table's vector space (the embedder being away only
    degrades hybrid search to lexical: not a reason to be unready)."""
    if res.pool is None or res.embedder is None:
        return "not started"
    try:
        async with asyncio.timeout(3), res.pool.acquire() as conn:
            problem = await query_problem(conn, res.embedder)
    except Exception as exc:
        return f"unknown: {type(exc).__name__}"
    return "ok" if problem is None else f"{problem}, and restart the gateway"


@router.get("/metrics")
async def metrics(res: ResourcesDep) -> Response:
    return Response(generate_latest(res.metrics.registry), media_type=CONTENT_TYPE_LATEST)
