"""The gateway's FastAPI application: ingestion over HTTP into Kafka, and reading the jobs table.

Every error is JSON with a request id; no stack trace reaches a client. 202 means Kafka
acknowledged the write (acks=all); when it cannot, the answer is 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException

from producers.gateway import idempotency
from producers.gateway.access import RateLimiter, authenticate
from producers.publisher import EventRejected, JobEventPublisher, validate
from schemas import job_event_adapter, resolve_idempotency_key
from worker import store
from worker.embedders import Embedder, build_embedder
from worker.search import SearchFilters, search_jobs
from worker.settings import Settings

log = logging.getLogger("jobingest.gateway")

RETRY_AFTER_S = 5
MAX_LINE_BYTES = 1_000_000
MAX_REPORTED_REJECTIONS = 1_000
EXPORT_COLUMNS = ("source", "external_id", "title", "company", "location", "remote", "employment_type",
                  "salary_min", "salary_max", "salary_currency", "salary_period", "url", "posted_at")  # fmt: skip


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.headers, self.extra = (
            status,
            error,
            message,
            headers or {},
            extra,
        )


def _field_errors(errors: list[str]) -> list[dict[str, str]]:
    return [{"loc": loc, "msg": msg} for loc, _, msg in (e.partition(": ") for e in errors)]


class Gateway:
    """Resources owned by the app's lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.publisher: JobEventPublisher | None = None
        self.pool: asyncpg.Pool | None = None
        self.embedder: Embedder | None = None
        self.limiter = RateLimiter(settings.gateway_rate_per_s, settings.gateway_burst)
        self.registry = CollectorRegistry()
        self.requests = Counter("jobingest_gateway_requests", "HTTP requests by route and status.",
                                ["route", "method", "status"], registry=self.registry)  # fmt: skip
        self.latency = Histogram("jobingest_gateway_request_duration_seconds", "HTTP request latency.",
                                 ["route"], registry=self.registry)  # fmt: skip
        self.published = Counter(
            "jobingest_gateway_events", "Events by result.", ["result"], registry=self.registry
        )

    async def start(self) -> None:
        s = self.settings
        self.publisher = JobEventPublisher(
            s.require_kafka(), s.topic, request_timeout_ms=int(s.gateway_publish_timeout_s * 1000)
        )
        await self.publisher.start()
        self.pool = await store.create_pool(s.require_database(), s.db_pool_size)
        await self.pool.execute(idempotency.DDL)
        self.embedder = build_embedder(s)

    async def stop(self) -> None:
        """Close within bounds: with the broker or database gone, closing must not hang."""
        limit = self.settings.gateway_publish_timeout_s
        if self.publisher is not None and not await _finishes(self.publisher.close(), limit):
            log.warning(
                "Kafka producer did not close within %.0fs; unacknowledged sends were answered 503",
                limit,
            )
        if self.pool is not None and not await _finishes(self.pool.close(), limit):
            self.pool.terminate()
        if self.embedder is not None:
            await self.embedder.close()


async def _finishes(coro: Awaitable[Any], timeout_s: float) -> bool:
    """Run `coro` for at most `timeout_s`; unlike wait_for, never wait on a cancellation."""
    task = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    if not done:
        task.cancel()
        return False
    return task.exception() is None or isinstance(task.exception(), KafkaError)


async def _client(request: Request) -> str:
    """The caller's identity (a prefix of its key digest), after authentication and rate limiting."""
    gateway: Gateway = request.app.state.gateway
    given = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if not given and auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    digest = authenticate(given, gateway.settings.gateway_key_hashes)
    if digest is None:
        raise ApiError(
            401, "unauthorized", "a valid API key is required (X-API-Key or Authorization: Bearer)"
        )
    wait = gateway.limiter.acquire(digest)
    if wait:
        raise ApiError(429, "rate_limited", "too many requests for this API key",
                       {"Retry-After": str(max(1, int(wait + 0.999)))})  # fmt: skip
    return digest[:16]


Client = Annotated[str, Depends(_client)]


def create_app(settings: Settings) -> FastAPI:
    gateway = Gateway(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await gateway.start()
        try:
            yield
        finally:
            await gateway.stop()

    app = FastAPI(title="jobingest gateway", version="1", lifespan=lifespan)
    app.state.gateway = gateway

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:  # the last line of defence: never a stack trace to the client
            log.exception("unhandled error", extra={"request_id": request_id})
            response = _error(500, "internal_error", "internal error", request_id)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        gateway.requests.labels(path, request.method, str(response.status_code)).inc()
        gateway.latency.labels(path).observe(time.perf_counter() - started)
        response.headers["x-request-id"] = request_id
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(
            exc.status, exc.error, exc.message, request.state.request_id, exc.headers, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()
        ]
        return _error(
            422,
            "invalid_request",
            "the request is invalid",
            request.state.request_id,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(
            exc.status_code, "http_error", str(exc.detail), getattr(request.state, "request_id", "")
        )

    @app.post("/v1/events", status_code=202, summary="Publish one event or a batch")
    async def post_events(request: Request, who: Client) -> JSONResponse:
        body = await _read_body(request, settings.gateway_max_body_bytes)
        key = request.headers.get("x-idempotency-key")
        digest = idempotency.body_digest(body)
        assert gateway.pool is not None and gateway.publisher is not None
        if key:
            if len(key) > 200:
                raise ApiError(
                    422, "invalid_request", "X-Idempotency-Key is longer than 200 characters"
                )
            seen = await idempotency.recall(
                gateway.pool, who, key, settings.gateway_idempotency_ttl_h
            )
            if seen is not None:
                if seen.body_sha256 != digest:
                    raise ApiError(
                        409,
                        "idempotency_key_reused",
                        "this X-Idempotency-Key was used with another body",
                    )
                return JSONResponse(
                    seen.response, seen.status, headers={"Idempotent-Replayed": "true"}
                )
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(422, "invalid_json", f"the body is not JSON: {exc}") from exc
        single = isinstance(data, dict)
        items = [data] if single else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items) or not items:
            raise ApiError(
                422,
                "invalid_request",
                "the body must be an event object or a non-empty array of them",
            )
        if len(items) > settings.gateway_max_batch:
            raise ApiError(
                413, "too_large", f"at most {settings.gateway_max_batch} events per request"
            )
        results: list[dict[str, Any]] = []
        futures = []
        try:
            for index, item in enumerate(items):
                try:
                    event, value = validate(item)
                except EventRejected as exc:
                    if single:
                        raise ApiError(422, "invalid_event", "the event is not the contract",
                                       errors=_field_errors(exc.errors)) from exc  # fmt: skip
                    results.append(
                        {"index": index, "status": "rejected", "errors": _field_errors(exc.errors)}
                    )
                    continue
                futures.append(await gateway.publisher.send_validated(event, value))
                results.append(
                    {
                        "index": index,
                        "status": "accepted",
                        "idempotency_key": resolve_idempotency_key(event),
                    }
                )
            await asyncio.wait_for(asyncio.gather(*futures), settings.gateway_publish_timeout_s)
        except (KafkaError, TimeoutError) as exc:
            for future in futures:
                future.cancel()
            raise ApiError(503, "kafka_unavailable", f"Kafka did not acknowledge the events: {type(exc).__name__}",
                           {"Retry-After": str(RETRY_AFTER_S)}) from exc  # fmt: skip
        accepted = sum(r["status"] == "accepted" for r in results)
        gateway.published.labels("accepted").inc(accepted)
        gateway.published.labels("rejected").inc(len(results) - accepted)
        response = {"accepted": accepted, "rejected": len(results) - accepted, "results": results}
        if key:
            await idempotency.remember(
                gateway.pool, who, key, digest, 202, response, settings.gateway_idempotency_ttl_h
            )
        return JSONResponse(response, 202)

    @app.post("/v1/events:upload", status_code=202, summary="Publish a JSON-lines file, streamed")
    async def upload(request: Request, who: Client) -> JSONResponse:
        assert gateway.publisher is not None
        accepted = 0
        rejected: list[dict[str, Any]] = []
        rejected_count = 0
        number = 0
        pending = b""
        skipping = False
        try:
            async for chunk in request.stream():
                pending += chunk
                while True:
                    cut = pending.find(b"\n")
                    if cut < 0:
                        break
                    line, pending = pending[:cut], pending[cut + 1 :]
                    number += 1
                    if skipping:
                        skipping = False
                        continue
                    outcome = await _publish_line(gateway.publisher, line)
                    if outcome is None:
                        continue
                    if outcome == []:
                        accepted += 1
                    else:
                        rejected_count += 1
                        if len(rejected) < MAX_REPORTED_REJECTIONS:
                            rejected.append({"line": number, "errors": outcome})
                if (
                    len(pending) > MAX_LINE_BYTES
                ):  # an overlong line: reject it, drop it as it streams
                    rejected_count += 1
                    if len(rejected) < MAX_REPORTED_REJECTIONS:
                        rejected.append(
                            {
                                "line": number + 1,
                                "errors": [{"loc": "<line>", "msg": "line longer than 1 MB"}],
                            }
                        )
                    pending, skipping = b"", True
            if pending.strip() and not skipping:
                number += 1
                outcome = await _publish_line(gateway.publisher, pending)
                if outcome == []:
                    accepted += 1
                elif outcome:
                    rejected_count += 1
                    rejected.append({"line": number, "errors": outcome})
            await asyncio.wait_for(gateway.publisher.flush(), settings.gateway_publish_timeout_s)
        except (KafkaError, TimeoutError) as exc:
            raise ApiError(503, "kafka_unavailable", f"Kafka did not acknowledge the events: {type(exc).__name__}",
                           {"Retry-After": str(RETRY_AFTER_S)}) from exc  # fmt: skip
        gateway.published.labels("accepted").inc(accepted)
        gateway.published.labels("rejected").inc(rejected_count)
        return JSONResponse({"lines": number, "accepted": accepted, "rejected": rejected_count,
                             "rejected_lines": rejected}, 202)  # fmt: skip

    @app.get("/v1/jobs/search", summary="Semantic search over active jobs")
    async def search(
        who: Client,
        q: Annotated[str, Query(min_length=1, max_length=500)],
        remote: Literal["remote", "hybrid", "onsite"] | None = None,
        location: Annotated[str | None, Query(max_length=200)] = None,
        salary_min: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> JSONResponse:
        assert gateway.pool is not None and gateway.embedder is not None
        async with gateway.pool.acquire() as conn:
            await _require_jobs_table(conn)
            rows = await search_jobs(
                conn, gateway.embedder, q, SearchFilters(remote, location, salary_min), limit
            )
        return JSONResponse(json.loads(json.dumps({"results": rows}, default=str)))

    @app.get("/v1/jobs/export.csv", summary="Active jobs as CSV, streamed")
    async def export(
        who: Client,
        remote: Literal["remote", "hybrid", "onsite"] | None = None,
        location: Annotated[str | None, Query(max_length=200)] = None,
        salary_min: Annotated[Decimal | None, Query(ge=0, le=10**12)] = None,
    ) -> StreamingResponse:
        assert gateway.pool is not None
        conditions: list[str] = ["deleted_at IS NULL"]
        params: list[Any] = []
        if remote:
            params.append(remote)
            conditions.append(f"remote = ${len(params)}")
        if location:
            params.append(f"%{location}%")
            conditions.append(f"location ILIKE ${len(params)}")
        if salary_min is not None:
            params.append(salary_min)
            conditions.append(f"coalesce(salary_max, salary_min) >= ${len(params)}")
        query = f"SELECT {', '.join(EXPORT_COLUMNS)} FROM jobs WHERE {' AND '.join(conditions)} ORDER BY source, external_id"
        async with gateway.pool.acquire() as conn:
            await _require_jobs_table(conn)

        async def rows() -> AsyncIterator[str]:
            assert gateway.pool is not None
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(EXPORT_COLUMNS)
            async with gateway.pool.acquire() as conn, conn.transaction():
                async for record in conn.cursor(query, *params, prefetch=500):
                    writer.writerow(["" if v is None else v for v in record.values()])
                    if buffer.tell() > 64_000:
                        yield buffer.getvalue()
                        buffer.seek(0)
                        buffer.truncate()
            yield buffer.getvalue()

        return StreamingResponse(rows(), media_type="text/csv")

    @app.get("/v1/jobs/{source}/{external_id}", summary="One job")
    async def get_job(who: Client, source: str, external_id: str) -> JSONResponse:
        assert gateway.pool is not None
        async with gateway.pool.acquire() as conn:
            await _require_jobs_table(conn)
            row = await conn.fetchrow(
                f"SELECT {', '.join(EXPORT_COLUMNS)}, deleted_at, embedding IS NOT NULL AS searchable "
                "FROM jobs WHERE source = $1 AND external_id = $2",
                source, external_id,
            )  # fmt: skip
        if row is None:
            raise ApiError(404, "not_found", f"no job {source}:{external_id}")
        return JSONResponse(json.loads(json.dumps(dict(row), default=str)))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = {"kafka": "ok", "database": "ok"}
        try:
            assert gateway.publisher is not None
            await asyncio.wait_for(gateway.publisher.check_connection(), 3)
        except Exception as exc:
            checks["kafka"] = f"unreachable: {type(exc).__name__}"
        try:
            assert gateway.pool is not None
            await asyncio.wait_for(gateway.pool.fetchval("SELECT 1"), 3)
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        failing = sorted(k for k, v in checks.items() if v != "ok")
        return JSONResponse({"status": "unready" if failing else "ready", "checks": checks, "failing": failing},
                            503 if failing else 200)  # fmt: skip

    def openapi() -> dict[str, Any]:
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
                {
                    "type": "array",
                    "items": ref,
                    "minItems": 1,
                    "maxItems": settings.gateway_max_batch,
                },
            ]
        }
        schema["paths"]["/v1/events"]["post"]["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": body}},
        }  # fmt: skip
        schema["paths"]["/v1/events:upload"]["post"]["requestBody"] = {
            "required": True, "content": {"text/plain": {"schema": {"type": "string", "description": "JSON lines"}}},
        }  # fmt: skip
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(gateway.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def _error(
    status: int,
    error: str,
    message: str,
    request_id: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        {"error": error, "message": message, "request_id": request_id, **extra},
        status,
        headers=headers,
    )


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    return body


async def _publish_line(publisher: JobEventPublisher, line: bytes) -> list[dict[str, str]] | None:
    """[] when sent, the field errors when rejected, None for a blank line."""
    text = line.strip()
    if not text:
        return None
    try:
        await publisher.send(text)
    except EventRejected as exc:
        return _field_errors(exc.errors)
    return []


async def _require_jobs_table(conn: Any) -> None:
    if not await conn.fetchval("SELECT to_regclass('jobs') IS NOT NULL"):
        raise ApiError(
            503, "not_ready", "no jobs table yet: start a worker first", {"Retry-After": "30"}
        )
