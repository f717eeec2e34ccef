"""The consume loop: fetch a batch, make it durable, then commit its offsets. Only then.

While a batch is being processed (or retried), the loop fetches the next batch and digests
it (decode, rows, duplicate signals: :mod:`worker.digest`), so the worker's CPU works while
the database writes. Once it holds the next batch, every assigned partition is paused and
the loop keeps polling, so heartbeats and the poll interval stay alive and the worker never
falls out of its group for slow work. Batches are applied and committed one after the
other, in order; the next batch reads stored state only after the previous one committed.
A revocation waits for the in-flight batch to finish and commit (bounded), else abandons it
uncommitted for the next owner to re-read; a batch fetched ahead is dropped (the partitions'
positions go back to the committed offsets, so its records are read again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import ConsumerRecord

from worker import tracing
from worker.clusters.helper import SignalHelper
from worker.decode import Decoded, Rejected
from worker.digest import digest_ahead
from worker.health import IngestHealth
from worker.isolation import Abandoned, BatchRunner
from worker.metrics import Metrics
from worker.pipeline import BatchResult
from worker.settings import Settings

log = logging.getLogger("jobingest.consumer")

KEEPALIVE_INTERVAL_S = 0.5


_Digest = asyncio.Task[list[Decoded | Rejected]]


@dataclass(slots=True)
class _Ahead:
    """The next batch, fetched (and being digested) while the current one is applied."""

    records: list[ConsumerRecord]
    digested: _Digest
    generation: int


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
        runner: BatchRunner,
        metrics: Metrics,
        health: IngestHealth,
        stopping: asyncio.Event,
        signals: SignalHelper | None = None,
    ) -> None:
        self.settings = settings
        self.signals = signals
        self.runner = runner
        self.metrics = metrics
        self.health = health
        self.consumer = settings.kafka_connection().consumer(
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
        self.stopping = stopping
        self.joined = False
        self.committed: dict[TopicPartition, int] = {}
        self._in_flight: asyncio.Task[None] | None = None
        self._ahead: _Ahead | None = None
        # moves on at each revocation and assignment: a batch fetched before is void
        self._generation = 0
        self._shutdown_deadline: float | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self.consumer.subscribe([self.settings.topic], listener=_Revocations(self))

    async def stop(self) -> None:
        await self.consumer.stop()

    # -- rebalance -------------------------------------------------------------------------
    async def on_assigned(self, assigned: set[TopicPartition]) -> None:
        self.joined = True
        self.metrics.assigned_partitions.set(len(self.consumer.assignment()))
        committed = {tp: await self.consumer.committed(tp) for tp in assigned}
        for tp, offset in committed.items():
            self.committed[tp] = offset or 0
            if offset is not None:  # a batch fetched ahead meanwhile moved it on: it is void
                self.consumer.seek(tp, offset)
        self._generation += 1  # with the seeks, no await between: a batch is of one side

    async def settle_in_flight(self, revoked: set[TopicPartition]) -> None:
        self._generation += 1
        self._drop_ahead()
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
                ahead = self._ahead
                if ahead is not None and ahead.generation == self._generation:
                    self._ahead = None
                    self.metrics.batches_ahead.labels(outcome="applied").inc()
                    await self._run_batch(ahead.records, ahead.digested)
                    continue
                self._drop_ahead()  # fetched before a rebalance, if any
                fetched = await self.consumer.getmany(
                    timeout_ms=self.settings.batch_max_wait_ms or 100,
                    max_records=self.settings.batch_max_records,
                )
                records = [record for batch in fetched.values() for record in batch]
                if records:
                    self.health.kafka_answered()
                    await self._run_batch(records, None)
        finally:
            self._drop_ahead()

    def _drop_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            self.metrics.batches_ahead.labels(outcome="dropped").inc()
            ahead.digested.cancel()

    async def _run_batch(self, records: list[ConsumerRecord], digested: _Digest | None) -> None:
        task = asyncio.create_task(self._handle(records, digested))
        self._in_flight = task
        try:
            await self._poll_while(task)
            await asyncio.gather(task, return_exceptions=True)
        finally:
            self._in_flight = None
        if task.cancelled() or isinstance(task.exception(), Abandoned):
            self.metrics.batches_abandoned.inc()
            self._drop_ahead()
            log.warning("batch of %d abandoned uncommitted; it will be re-read", len(records))
        elif (error := task.exception()) is not None:
            self._drop_ahead()
            raise error

    async def _fetch_ahead(self, task: asyncio.Task[None]) -> None:
        """Fetch the next batch while ``task`` runs (until it is done), and start digesting
        it. Once it is held, or once the batch has taken KEEPALIVE_INTERVAL_S, every assigned
        partition is paused."""

        async def fetch_next() -> tuple[int, list[ConsumerRecord]]:
            fetched = await self.consumer.getmany(
                timeout_ms=int(KEEPALIVE_INTERVAL_S * 1000),
                max_records=self.settings.batch_max_records,
            )
            return self._generation, [record for batch in fetched.values() for record in batch]

        fetch = asyncio.create_task(fetch_next())
        await asyncio.wait({task, fetch}, return_when=asyncio.FIRST_COMPLETED)
        if not fetch.done():  # nothing fetched before the batch ended: no records are lost
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return
        generation, records = fetch.result()
        if not records or generation != self._generation or self.stopping.is_set():
            return  # void after a rebalance (positions went back to the committed offsets)
        digested = asyncio.create_task(self._digest_and_embed(records))
        self._ahead = _Ahead(records, digested, generation)
        self.metrics.batches_ahead.labels(outcome="fetched").inc()

    async def _digest_and_embed(self, records: list[ConsumerRecord]) -> list[Decoded | Rejected]:
        digested = await digest_ahead(
            records, self.settings.embedder_max_chars, self.settings.clustering, self.signals
        )
        await self.runner.processor.embed_ahead(digested)
        return digested

    async def _poll_while(self, task: asyncio.Task[None]) -> None:
        """Keep the consumer polling until ``task`` is done: first for the next batch, then
        paused."""
        if self._ahead is None and not self.stopping.is_set():
            await self._fetch_ahead(task)
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

    async def _handle(self, records: list[ConsumerRecord], digested: _Digest | None) -> None:
        with tracing.batch_span(records):
            await self._handle_traced(records, digested)

    async def _handle_traced(self, records: list[ConsumerRecord], digested: _Digest | None) -> None:
        started = time.perf_counter()
        result = await self.runner.run(records, await digested if digested else None)
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
        commit_started = time.perf_counter()
        try:
            with tracing.span("commit", partitions=len(offsets)):
                await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The group moved on; the new owner re-reads these events and the ledger makes
            # that a no-op. Not an error worth crashing for.
            self.metrics.commit_failures.inc()
            log.warning("offset commit refused after rebalance (%s); events will be re-read", exc)
        else:
            self.committed.update(offsets)
            self.metrics.last_progress.set(time.time())
            self.health.committed()
        self.metrics.stage_duration.labels(stage="commit").observe(
            time.perf_counter() - commit_started
        )
        elapsed = time.perf_counter() - started
        self._observe(result, records, elapsed)

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
            extra={
                "records": len(records),
                "outcomes": counts,
                "duration_s": round(elapsed, 4),
                "texts_embedded": result.texts_embedded,
            },
        )
        if not log.isEnabledFor(logging.DEBUG):
            return
        for item in result.outcomes:
            log.debug(
                "event",
                extra={
                    "topic": item.record.topic,
                    "partition": item.record.partition,
                    "offset": item.record.offset,
                    "event_id": str(item.event.event_id) if item.event else None,
                    "event_trace_id": tracing.trace_id_of(item.record),
                    "idempotency_key": item.idempotency_key,
                    "outcome": item.outcome,
                    "reason": item.reason,
                },
            )

    async def report_lag(self) -> None:
        """Lag per assigned partition: the log end offset minus our committed offset. Without
        partitions, a metadata request. Either, answered, is a sign of the broker's health."""
        assigned = list(self.consumer.assignment())
        if not assigned:
            if await self.consumer._client.force_metadata_update():
                self.health.kafka_answered()
            return
        ends = await self.consumer.end_offsets(assigned)
        self.health.kafka_answered()
        total = 0
        for tp, end in ends.items():
            if tp not in self.committed:
                continue
            lag = max(end - self.committed[tp], 0)
            total += lag
            self.metrics.consumer_lag.labels(topic=tp.topic, partition=str(tp.partition)).set(lag)
        self.health.report_lag(total)
