"""The consume loop: fetch a batch, make it durable, then commit its offsets. Only then.

While a batch is being processed (or retried), every assigned partition is paused and the
loop keeps polling, so heartbeats and the poll interval stay alive and the worker never
falls out of its group for slow work. A revocation waits for the in-flight batch to
finish and commit (bounded), else abandons it uncommitted for the next owner to re-read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from aiokafka.structs import ConsumerRecord

from worker.errors import ConfigError
from worker.metrics import Metrics
from worker.pipeline import BatchProcessor, BatchResult
from worker.settings import Settings

log = logging.getLogger("jobingest.consumer")

KEEPALIVE_INTERVAL_S = 0.5


class _Abandoned(Exception):
    """The batch was given up (shutdown or revocation); its offsets stay uncommitted."""


class _Revocations(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: IngestConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.owner.settle_in_flight(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self.owner.on_assigned(assigned)


class IngestConsumer:
    def __init__(
        self,
        settings: Settings,
        processor: BatchProcessor,
        metrics: Metrics,
        on_batch: Callable[[BatchResult, float], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self.processor = processor
        self.metrics = metrics
        self.on_batch = on_batch
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.require_kafka(),
            group_id=settings.group_id,
            client_id=f"jobingest-{settings.group_id}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=settings.batch_max_records,
            fetch_max_wait_ms=max(settings.batch_max_wait_ms, 1),
            max_poll_interval_ms=settings.max_poll_interval_ms,
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=max(settings.session_timeout_ms // 4, 500),
            rebalance_timeout_ms=settings.max_poll_interval_ms,
            isolation_level="read_committed",
        )
        self.stopping = asyncio.Event()
        self.joined = False
        self.committed: dict[TopicPartition, int] = {}
        self._in_flight: asyncio.Task[None] | None = None
        self._shutdown_deadline: float | None = None
        self.fatal: BaseException | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self.consumer.subscribe([self.settings.topic], listener=_Revocations(self))

    async def stop(self) -> None:
        await self.consumer.stop()

    # -- rebalance -------------------------------------------------------------------------
    async def on_assigned(self, assigned: set[TopicPartition]) -> None:
        self.joined = True
        self.metrics.assigned_partitions.set(len(self.consumer.assignment()))
        for tp in assigned:
            committed = await self.consumer.committed(tp)
            self.committed[tp] = committed or 0

    async def settle_in_flight(self, revoked: set[TopicPartition]) -> None:
        task = self._in_flight
        if task is not None and not task.done():
            log.info("partitions revoked mid-batch; waiting for the batch to finish")
            done, _ = await asyncio.wait({task}, timeout=self.settings.shutdown_timeout_s)
            if not done:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        for tp in revoked:
            self.committed.pop(tp, None)
            with contextlib.suppress(KeyError):  # never reported for this partition
                self.metrics.consumer_lag.remove(tp.topic, str(tp.partition))
        self.metrics.assigned_partitions.set(len(self.consumer.assignment()))

    # -- the loop --------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            while not self.stopping.is_set():
                fetched = await self.consumer.getmany(
                    timeout_ms=self.settings.batch_max_wait_ms or 100,
                    max_records=self.settings.batch_max_records,
                )
                records = [record for batch in fetched.values() for record in batch]
                if records:
                    await self._run_batch(records)
        except ConfigError as exc:
            self.fatal = exc
            raise

    async def _run_batch(self, records: list[ConsumerRecord]) -> None:
        task = asyncio.create_task(self._handle(records))
        self._in_flight = task
        try:
            await self._poll_while(task)
            await asyncio.gather(task, return_exceptions=True)
        finally:
            self._in_flight = None
        if task.cancelled() or isinstance(task.exception(), _Abandoned):
            self.metrics.batches_abandoned.inc()
            log.warning("batch of %d abandoned uncommitted; it will be re-read", len(records))
        elif (error := task.exception()) is not None:
            raise error

    async def _poll_while(self, task: asyncio.Task[None]) -> None:
        """Keep the consumer polling (paused) until ``task`` is done."""
        self.consumer.pause(*self.consumer.assignment())
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=KEEPALIVE_INTERVAL_S)
                if task.done():
                    break
                if self.stopping.is_set() and self._shutdown_deadline is None:
                    self._shutdown_deadline = time.monotonic() + self.settings.shutdown_timeout_s
                if self._shutdown_deadline and time.monotonic() > self._shutdown_deadline:
                    task.cancel()
                    break
                stray = await self.consumer.getmany(timeout_ms=0)
                for tp, records in stray.items():  # partitions assigned meanwhile: read them later
                    self.consumer.seek(tp, records[0].offset)
                self.consumer.pause(*self.consumer.assignment())
        finally:
            self.consumer.resume(*self.consumer.assignment())

    async def _handle(self, records: list[ConsumerRecord]) -> None:
        started = time.perf_counter()
        result = await self._process_with_retries(records)
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
        commit_started = time.perf_counter()
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The group moved on; the new owner re-reads these events and the ledger makes
            # that a no-op. Not an error worth crashing for.
            self.metrics.commit_failures.inc()
            log.warning("offset commit refused after rebalance (%s); events will be re-read", exc)
        else:
            self.committed.update(offsets)
            self.metrics.last_progress.set(time.time())
        self.metrics.stage_duration.labels(stage="commit").observe(
            time.perf_counter() - commit_started
        )
        elapsed = time.perf_counter() - started
        self._observe(result, records, elapsed)
        if self.on_batch is not None:
            await self.on_batch(result, elapsed)

    async def _process_with_retries(self, records: list[ConsumerRecord]) -> BatchResult:
        delay = self.settings.retry_initial_s
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self.processor.process(records)
            except ConfigError:
                raise
            except Exception as exc:  # transient (and unknown) failures: retry, commit nothing
                if self.stopping.is_set():
                    raise _Abandoned() from exc
                self.metrics.batch_retries.labels(error=type(exc).__name__).inc()
                wait = getattr(exc, "retry_after_s", None) or delay * (0.5 + random.random())
                log.warning(
                    "batch of %d failed (attempt %d, %s: %s); retrying in %.1fs",
                    len(records), attempt, type(exc).__name__, exc, wait,
                    exc_info=not isinstance(exc, (OSError, KafkaError)) and attempt == 1,
                )  # fmt: skip
                await asyncio.sleep(wait)
                delay = min(delay * 2, self.settings.retry_max_s)

    def _observe(self, result: BatchResult, records: list[ConsumerRecord], elapsed: float) -> None:
        now = datetime.now(UTC)
        wall = time.time()
        self.metrics.batch_size.observe(len(records))
        self.metrics.batch_duration.observe(elapsed)
        for item in result.outcomes:
            self.metrics.events.labels(source=item.source, outcome=item.outcome).inc()
            if item.event is not None and item.outcome in ("upserted", "unchanged", "removed"):
                self.metrics.e2e_latency.observe(
                    max((now - item.event.occurred_at).total_seconds(), 0)
                )
            self.metrics.kafka_latency.observe(max(wall - item.record.timestamp / 1000, 0))
        counts: dict[str, int] = {}
        for item in result.outcomes:
            counts[item.outcome] = counts.get(item.outcome, 0) + 1
        log.info(
            "batch committed",
            extra={"records": len(records), "outcomes": counts, "duration_s": round(elapsed, 4),
                   "texts_embedded": result.texts_embedded},
        )  # fmt: skip
        if not log.isEnabledFor(logging.DEBUG):
            return
        for item in result.outcomes:
            log.debug(
                "event",
                extra={"topic": item.record.topic, "partition": item.record.partition,
                       "offset": item.record.offset,
                       "event_id": str(item.event.event_id) if item.event else None,
                       "idempotency_key": item.idempotency_key, "outcome": item.outcome,
                       "reason": item.reason},
            )  # fmt: skip

    async def report_lag(self) -> None:
        """Lag per assigned partition: the log end offset minus our committed offset."""
        assigned = list(self.consumer.assignment())
        if not assigned:
            return
        ends = await self.consumer.end_offsets(assigned)
        for tp, end in ends.items():
            if tp not in self.committed:
                continue
            self.metrics.consumer_lag.labels(topic=tp.topic, partition=str(tp.partition)).set(
                max(end - self.committed[tp], 0)
            )
