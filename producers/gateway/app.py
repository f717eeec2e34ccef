"""The gateway's FastAPI application: ingestion over HTTP into Kafka, and reading the jobs table.

Routes live in routers (events, jobs, health) and receive what they need through
``Depends``; resources are opened in the lifespan and closed in reverse order
(:mod:`producers.gateway.resources`); every error is JSON with a request id
(:mod:`producers.gateway.errors`). The worker's code is reached only through ``worker.api``.
202 means Kafka acknowledged the write (acks=all); when it cannot, the answer is 503 with
Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from producers.gateway import errors
from producers.gateway.observe import Observe, log, startup_facts
from producers.gateway.resources import Resources
from producers.gateway.routers import events, health, jobs
from producers.gateway.settings import GatewaySettings
from schemas import job_event_adapter
from worker.api import tracer_provider


def create_app(settings: GatewaySettings, host: str = "0.0.0.0") -> FastAPI:
    resources = Resources(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        started = time.monotonic()
        async with resources.opened():
            log.info("gateway started", extra=startup_facts(settings, host, settings.gateway_port))
            yield
        log.info("gateway stopped", extra={"uptime_s": round(time.monotonic() - started, 1)})

    app = FastAPI(title="jobingest gateway", version="1", lifespan=lifespan)
    app.state.resources = resources
    app.include_router(events.router)
    app.include_router(jobs.router)
    app.include_router(health.router)

    errors.install(app)  # request ids and the last line of defence
    app.add_middleware(Observe, metrics=resources.metrics)  # outermost: sees every answer
    if tracer_provider() is not None:  # a server span per request, around all of the above
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=tracer_provider(),
            excluded_urls="healthz,readyz,metrics",
            exclude_spans=["receive", "send"],
        )
    app.openapi = lambda: openapi(app, settings)  # type: ignore[method-assign]
    return app


def openapi(app: FastAPI, settings: GatewaySettings) -> dict[str, Any]:
    """FastAPI's schema, plus the event contract as the body of the ingestion routes."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    event = job_event_adapter.json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(event.pop("$defs", {}))
    components["JobEvent"] = event
    ref = {"$ref": "#/components/schemas/JobEvent"}
    body = {
        "oneOf": [
            ref,
            {"type": "array", "items": ref, "minItems": 1, "maxItems": settings.gateway_max_batch},
        ]
    }
    schema["paths"]["/v1/events"]["post"]["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": body}},
    }
    schema["paths"]["/v1/events:upload"]["post"]["requestBody"] = {
        "required": True,
        "content": {"text/plain": {"schema": {"type": "string", "description": "JSON lines"}}},
    }
    app.openapi_schema = schema
    return schema
