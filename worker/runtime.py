"""The worker's resources, owned by one lifespan: created together, closed in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from worker import __version__, store
from worker.clusters.helper import SignalHelper
from worker.consumer import IngestConsumer
from worker.dead_letters import DeadLetterPublisher
from worker.embedders import Embedder, build_embedder
from worker.embedders.resilience import breaker_of
from worker.errors import Disposition, classify, describe
from worker.health import IngestHealth
from worker.isolation import BatchRunner
from worker.logs import flush_repeats
from worker.metrics import Metrics
from worker.migrations import migrate
from worker.pending_embeddings import backfill_once
from worker.pipeline import BatchProcessor
from worker.read import cluster_stats
from worker.settings import Settings
from worker.table_model import mismatch, read_table_embedding
from worker.topics import ensure_event_topics, max_message_bytes

log = logging.getLogger("jobingest.worker")

LEDGER_PRUNE_INTERVAL_S = 3600.0
GAUGE_INTERVAL_S = 1.0
KAFKA_PROBE_TIMEOUT_S = 5.0
BACKFILL_INTERVAL_S = 2.0
BACKFILL_ROWS = 64
PROBE_ROWS = 8  # at most one request of any embedder (texts per request: 32 by default)
PROBE_TEXT = "jobingest probe: is the embedder back?"
CLUSTER_GAUGE_INTERVAL_S = 30.0
TABLE_MODEL_INTERVAL_S = 5.0


class WorkerRuntime:
    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.health = health = IngestHealth(
            settings.stall_timeout_s, kafka_unreachable_s=settings.kafka_unreachable_s
        )
        # computed when scraped: never a value frozen by a sampler waiting on the broker
        metrics.stalled_seconds.set_function(health.stalled_s)
        metrics.kafka_silent_seconds.set_function(health.kafka_silent_s)
        metrics.kafka_connected.set_function(lambda: int(health.kafka_connected()))
        self.stopping = asyncio.Event()
        self.pool: asyncpg.Pool | None = None
        self.embedder: Embedder | None = None
        self.dead_letters: DeadLetterPublisher | None = None
        self.signals: SignalHelper | None = None
        self.consumer: IngestConsumer | None = None
        self.migrated = False
        self._tasks: list[asyncio.Task[None]] = []
        self.exit_code = 0
        self.on_fatal: Any = None

    async def prepare(self) -> None:
        """Everything that can fail on a configuration mistake, before anything is served:
        the embedder, the pool, migrations, the consumer's connection. Cleans up on failure."""
        try:
            await self._prepare()
        except BaseException:
            await self.stop()
            raise

    async def _prepare(self) -> None:
        settings = self.settings
        self.embedder = build_embedder(settings, self.metrics)
        self.pool = await store.create_pool(settings.require_database(), settings.db_pool_size)
        async with self.pool.acquire() as conn:
            await migrate(
                conn,
                self.embedder.model,
                self.embedder.dims,
                settings.hnsw_index,
                settings.search_config,
                provider=settings.embedder,
            )
        self.migrated = True
        self.metrics.build_info.info(
            {
                "version": __version__,
                "embedder": self.embedder.provider,
                "model": self.embedder.model,
                "dims": str(self.embedder.dims),
                "semantic": str(self.embedder.semantic).lower(),
            }
        )
        servers = settings.kafka_connection()
        await ensure_event_topics(servers, settings.topic, settings.partitions)
        self.dead_letters = DeadLetterPublisher(
            servers, settings.dlq_topic, await max_message_bytes(servers, settings.dlq_topic)
        )
        await self.dead_letters.start()
        processor = BatchProcessor(settings, self.pool, self.embedder, self.metrics)
        runner = BatchRunner(
            settings, processor, self.dead_letters, self.metrics, self.health, self.stopping
        )
        if settings.clustering and settings.signal_processes:
            self.signals = SignalHelper(settings.signal_processes)
            await self.signals.start()
        self.consumer = IngestConsumer(
            settings, runner, self.metrics, self.health, self.stopping, self.signals
        )
        await self.consumer.start()

    async def start(self) -> None:
        """Start consuming (after the broker connected); prepare() must have run."""
        assert self.consumer is not None and self.embedder is not None, "call prepare() first"
        settings = self.settings
        self._tasks = [
            asyncio.create_task(self._consume(), name="jobingest-consume"),
            asyncio.create_task(self._prune_ledger(), name="jobingest-ledger-prune"),
            asyncio.create_task(self._sample_gauges(), name="jobingest-gauges"),
            asyncio.create_task(self._backfill(), name="jobingest-backfill"),
            asyncio.create_task(self._sample_clusters(), name="jobingest-clusters"),
            asyncio.create_task(self._watch_table_model(), name="jobingest-table-model"),
        ]
        log.info(
            "worker started",
            extra={
                "topic": settings.topic,
                "group_id": settings.group_id,
                "embedder": self.embedder.provider,
                "model": self.embedder.model,
            },
        )

    async def _consume(self) -> None:
        assert self.consumer is not None
        try:
            await self.consumer.run()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            log.error("consumer stopped: %s", exc, exc_info=True)
            self.exit_code = 1
            if self.on_fatal is not None:
                self.on_fatal()

    async def _prune_ledger(self) -> None:
        assert self.pool is not None
        while True:
            try:
                async with self.pool.acquire() as conn:
                    removed = await store.prune_ledger(conn, self.settings.ledger_retention_days)
                if removed:
                    log.info("ledger pruned", extra={"removed": removed})
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("ledger prune failed: %s", exc)
            await asyncio.sleep(LEDGER_PRUNE_INTERVAL_S)

    async def _backfill(self) -> None:
        """Embed rows stored pending (defer policy). This is also where the embedder's probe
        comes from under ``defer``: the ingest path never calls an embedder whose circuit is
        open, so after the cooldown a backfill request (or, with nothing pending, a probe text)
        is the one that may close it, however long it takes."""
        assert self.pool is not None and self.embedder is not None
        breaker = breaker_of(self.embedder)
        deferring = self.settings.embedder_outage_policy == "defer"
        while True:
            try:
                async with self.pool.acquire() as conn:
                    pending = await store.count_pending_embeddings(conn)
                self.metrics.embeddings_pending.set(pending)
                circuit_open = breaker is not None and breaker.open
                if pending:
                    filled = await backfill_once(
                        self.pool,
                        self.embedder,
                        self.settings.embedder_max_chars,
                        # while open, one request's worth: the probe then carries all of it
                        limit=PROBE_ROWS if circuit_open else BACKFILL_ROWS,
                    )
                    if filled:
                        log.info("backfilled embeddings", extra={"rows": filled})
                        continue
                elif deferring and circuit_open:
                    await self.embedder.embed_documents([PROBE_TEXT])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # embedder or database away: try again later
                if classify(exc) is Disposition.PAUSE:
                    self.health.pause(describe(exc))
                    log.warning("backfill paused: %s", describe(exc))
                else:
                    log.debug("backfill deferred: %s", exc)
            await asyncio.sleep(BACKFILL_INTERVAL_S)

    async def _watch_table_model(self) -> None:
        """Every TABLE_MODEL_INTERVAL_S, the model the table records: a worker left on another
        one (after `jobingest reembed`) goes unready within that time, idle or not, naming the
        settings to change; it could write nothing anyway."""
        assert self.pool is not None and self.embedder is not None
        while True:
            try:
                async with self.pool.acquire() as conn:
                    table = await read_table_embedding(conn)
                problem = mismatch(table, self.embedder.model, self.embedder.dims, "this worker")
                if problem is not None:
                    problem += ", and restart it"
                if problem != self.health.table_mismatch:
                    self.health.table_mismatch = problem
                    self.metrics.ingestion_paused.set(int(problem is not None))
                    if problem is not None:
                        log.warning("ingestion paused: %s", problem)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.debug("table model not checked: %s", exc)
            await asyncio.sleep(TABLE_MODEL_INTERVAL_S)

    async def _sample_clusters(self) -> None:
        assert self.pool is not None
        while True:
            try:
                async with self.pool.acquire() as conn:
                    clusters, share = await cluster_stats(conn)
                self.metrics.clusters.set(clusters)
                self.metrics.copied_share.set(share)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.debug("cluster gauges not sampled: %s", exc)
            await asyncio.sleep(CLUSTER_GAUGE_INTERVAL_S)

    async def _sample_gauges(self) -> None:
        """Every second: pool, lag (or a metadata request, which tells whether the broker
        answers), and a line when the broker stops or starts answering."""
        assert self.pool is not None and self.consumer is not None
        connected = True
        while True:
            size = self.pool.get_size()
            self.metrics.db_pool_size.set(size)
            self.metrics.db_pool_in_use.set(size - self.pool.get_idle_size())
            try:
                async with asyncio.timeout(KAFKA_PROBE_TIMEOUT_S):
                    await self.consumer.report_lag()
            except Exception as exc:  # the broker may be away; the next round tries again
                log.debug("lag not reported: %s", describe(exc))
            if connected != self.health.kafka_connected():
                connected = self.health.kafka_connected()
                if connected:
                    log.info("Kafka answers again")
                else:
                    log.warning("Kafka %s", self.health.kafka_check())
            flush_repeats()
            await asyncio.sleep(GAUGE_INTERVAL_S)

    async def stop(self) -> None:
        """Stop fetching, let the in-flight batch finish (bounded), then close in reverse order."""
        self.stopping.set()
        started = bool(self._tasks)
        consume = self._tasks[0] if self._tasks else None
        if consume is not None:
            done, _ = await asyncio.wait({consume}, timeout=self.settings.shutdown_timeout_s + 5)
            if not done:
                consume.cancel()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self.consumer is not None:
            with contextlib.suppress(Exception):
                await self.consumer.stop()
            self.consumer = None
        if self.signals is not None:
            await self.signals.close()
            self.signals = None
        if self.dead_letters is not None:
            with contextlib.suppress(Exception):
                await self.dead_letters.stop()
            self.dead_letters = None
        if self.embedder is not None:
            await self.embedder.close()
        if self.pool is not None:
            await self.pool.close()
            self.pool = None
        if started:
            log.info("worker stopped")

    async def readiness(self) -> dict[str, str]:
        """Each check's state; all 'ok' means ready."""
        checks: dict[str, str] = {}
        consumer = self.consumer
        if consumer is None or not consumer.joined:
            checks["kafka"] = "not joined to the consumer group yet"
        else:
            checks["kafka"] = self.health.kafka_check()
        checks["ingestion"] = self.health.check()
        checks["migrations"] = "ok" if self.migrated else "not run yet"
        if self.pool is None:
            checks["database"] = "no pool"
        else:
            try:
                async with asyncio.timeout(2):
                    conn = await self.pool.acquire()
                    try:
                        await conn.fetchval("SELECT 1")
                    finally:
                        await self.pool.release(conn)
                checks["database"] = "ok"
            except Exception as exc:
                checks["database"] = f"unreachable: {type(exc).__name__}"
        breaker = breaker_of(self.embedder)
        checks["embedder"] = breaker.describe() if breaker is not None else "ok"
        return checks
