"""FastAPI dependencies: the resources, the authenticated client, the pool and publisher."""

from __future__ import annotations

from typing import Annotated, TypeVar

import asyncpg
from fastapi import Depends, Request

from producers.gateway.access import authenticate
from producers.gateway.errors import ApiError
from producers.gateway.resources import Resources
from producers.gateway.settings import GatewaySettings
from producers.publisher import JobEventPublisher
from worker.api import Embedder


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


R = TypeVar("R")
ResourcesDep = Annotated[Resources, Depends(resources)]


def settings(res: ResourcesDep) -> GatewaySettings:
    return res.settings


def _opened(resource: R | None) -> R:
    """A resource of the lifespan, or 503 while the gateway starts or stops."""
    if resource is None:
        raise ApiError(503, "not_ready", "starting or stopping", {"Retry-After": "5"})
    return resource


def pool(res: ResourcesDep) -> asyncpg.Pool:
    return _opened(res.pool)


def publisher(res: ResourcesDep) -> JobEventPublisher:
    return _opened(res.publisher)


def embedder(res: ResourcesDep) -> Embedder:
    return _opened(res.embedder)


def client(request: Request, res: ResourcesDep) -> str:
    """The caller's identity (a prefix of its key digest), after authentication and rate limit."""
    given = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    digest = authenticate(given, res.settings.gateway_key_hashes)
    if digest is None:
        raise ApiError(
            401, "unauthorized", "a valid API key is required (X-API-Key or Authorization: Bearer)"
        )
    wait = res.limiter.acquire(digest)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            "too many requests for this API key",
            {"Retry-After": str(max(1, int(wait + 0.999)))},
        )
    return digest[:16]


Client = Annotated[str, Depends(client)]
Pool = Annotated[asyncpg.Pool, Depends(pool)]
Publisher = Annotated[JobEventPublisher, Depends(publisher)]
EmbedderDep = Annotated[Embedder, Depends(embedder)]
SettingsDep = Annotated[GatewaySettings, Depends(settings)]
