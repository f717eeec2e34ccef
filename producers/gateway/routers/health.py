"""Liveness, readiness and metrics of the gateway."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from producers.gateway.deps import ResourcesDep

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
    failing = sorted(k for k, v in checks.items() if v != "ok")
    return JSONResponse({"status": "unready" if failing else "ready", "checks": checks,
                         "failing": failing}, 503 if failing else 200)  # fmt: skip


@router.get("/metrics")
async def metrics(res: ResourcesDep) -> Response:
    return Response(generate_latest(res.metrics.registry), media_type=CONTENT_TYPE_LATEST)
