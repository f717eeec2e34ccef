"""The gateway's resources, opened in its lifespan and closed in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError
from prometheus_client import CollectorRegistry, Counter, Histogram

from producers.gateway import idempotency
from producers.gateway.access import RateLimiter
from producers.gateway.settings import GatewaySettings
from producers.publisher import JobEventPublisher
from worker.api import (
    Embedder,
    build_embedder,
    create_pool,
    for_queries,
    read_table_embedding,
    tracer_provider,
)

log = logging.getLogger("jobingest.gateway")


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "jobingest_gateway_requests",
            "HTTP requests by route and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "jobingest_gateway_request_duration_seconds",
            "HTTP request latency.",
            ["route"],
            registry=r,
        )
        self.published = Counter(
            "jobingest_gateway_events", "Events by result.", ["result"], registry=r
        )
        self.idempotency_pruned = Counter(
            "jobingest_gateway_idempotency_pruned",
            "Expired idempotency keys deleted by the background prune.",
            registry=r,
        )
        self.idempotency_replays = Counter(
            "jobingest_gateway_idempotency_replays",
            "Requests answered from a stored idempotent response, or 409 while in progress.",
            ["result"],
            registry=r,
        )


class Resources:
    """What the routes depend on; set only while the lifespan runs."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.metrics = GatewayMetrics()
        self.limiter = RateLimiter(settings.gateway_rate_per_s, settings.gateway_burst)
        self.publisher: JobEventPublisher | None = None
        self.pool: asyncpg.Pool | None = None
        self.embedder: Embedder | None = None

    @asynccontextmanager
    async def opened(self) -> AsyncIterator[Resources]:
        """Producer, then pool (with its table), then embedder, then the prune task; each is
        closed, in reverse order, even when a later one fails to open."""
        s = self.settings
        limit = s.gateway_publish_timeout_s
        async with AsyncExitStack() as stack:
            publisher = JobEventPublisher(
                s.kafka_connection(),
                s.topic,
                request_timeout_ms=int(limit * 1000),
                tracer_provider=tracer_provider(),
            )
            await publisher.start()
            stack.push_async_callback(self._close_publisher, publisher, limit)
            self.publisher = publisher
            pool = await create_pool(s.require_database(), s.db_pool_size)
            stack.push_async_callback(self._close_pool, pool, limit)
            self.pool = pool
            await pool.execute(idempotency.DDL)
            async with pool.acquire() as conn:  # queries are embedded with the table's model
                embedder = build_embedder(for_queries(s, await read_table_embedding(conn)))
            stack.push_async_callback(embedder.close)
            self.embedder = embedder
            pruning = asyncio.create_task(self._prune_forever(pool), name="gateway-prune")
            stack.push_async_callback(_cancel, pruning)
            try:
                yield self
            finally:
                self.publisher = self.pool = self.embedder = None

    async def _prune_forever(self, pool: asyncpg.Pool) -> None:
        while True:
            try:
                removed = await idempotency.prune(pool, self.settings.gateway_idempotency_ttl_h)
                self.metrics.idempotency_pruned.inc(removed)
                if removed:
                    log.info("idempotency keys pruned", extra={"removed": removed})
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("idempotency prune failed: %s", exc)
            await asyncio.sleep(self.settings.gateway_idempotency_prune_s)

    @staticmethod
    async def _close_publisher(publisher: JobEventPublisher, limit: float) -> None:
        if not await _finishes(publisher.close(), limit):
            log.warning("Kafka producer did not close within %.0fs", limit)

    @staticmethod
    async def _close_pool(pool: asyncpg.Pool, limit: float) -> None:
        if not await _finishes(pool.close(), limit):
            pool.terminate()


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _finishes(coro: Awaitable[Any], timeout_s: float) -> bool:
    """Run ``coro`` for at most ``timeout_s``; unlike wait_for, never wait on a cancellation."""
    task = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    if not done:
        task.cancel()
        return False
    return task.exception() is None or isinstance(task.exception(), KafkaError)
