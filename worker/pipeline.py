"""One batch, start to durable: decode, dead-letter, dedupe, order, embed, write.

Nothing here commits Kafka offsets; the consumer does that after :meth:`process` returns,
which is only once every event of the batch is in the database or the dead-letter topic.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncpg
from aiokafka.structs import ConsumerRecord

from schemas import AnyJobEvent, JobRemoved
from worker import store
from worker.decode import Decoded, Rejected, decode
from worker.dlq import DeadLetterPublisher
from worker.embedders import Embedder, Vector
from worker.errors import EmbedderRejected, EmbedderUnavailable
from worker.metrics import Metrics
from worker.settings import Settings
from worker.store import Conn, job_row

Identity = tuple[str, str]


@dataclass(frozen=True, slots=True)
class EventOutcome:
    record: ConsumerRecord
    outcome: str
    source: str
    event: AnyJobEvent | None = None
    idempotency_key: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class BatchResult:
    outcomes: list[EventOutcome] = field(default_factory=list)
    texts_embedded: int = 0
    deferred: int = 0


def _order_key(event: AnyJobEvent) -> tuple[float, str]:
    """Newest wins: occurred_at, then event_id as a deterministic tie-break."""
    return (event.occurred_at.timestamp(), str(event.event_id))


def _stored_key(state: store.StoredState) -> tuple[float, str]:
    return (state.last_event_at.timestamp(), str(state.last_event_id))


class VectorCache:
    """Recently embedded texts, keyed by content hash (the model is fixed per worker)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Vector] = OrderedDict()

    def get(self, key: str) -> Vector | None:
        vector = self._items.get(key)
        if vector is not None:
            self._items.move_to_end(key)
        return vector

    def put(self, key: str, vector: Vector) -> None:
        self._items[key] = vector
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class BatchProcessor:
    def __init__(
        self,
        settings: Settings,
        pool: asyncpg.Pool,
        embedder: Embedder,
        dead_letters: DeadLetterPublisher,
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.embedder = embedder
        self.dead_letters = dead_letters
        self.metrics = metrics
        self.cache = VectorCache()

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.metrics.stage_duration.labels(stage=name).observe(time.perf_counter() - started)

    async def process(self, records: list[ConsumerRecord]) -> BatchResult:
        result = BatchResult()
        letters: list[tuple[ConsumerRecord, str, str]] = []
        with self._stage("decode"):
            decoded: list[Decoded] = []
            for item in map(decode, records):
                if isinstance(item, Rejected):
                    letters.append((item.record, item.error_class, item.message))
                else:
                    decoded.append(item)

        fresh = self._drop_batch_duplicates(decoded, result)
        async with self.pool.acquire() as conn:
            with self._stage("plan"):
                windows = await store.reapply_windows(conn, records[0].topic) if records else {}
                reapplied = {
                    d.idempotency_key
                    for d in fresh
                    if d.record.offset < windows.get(d.record.partition, -1)
                }
                seen = await store.known_keys(
                    conn, [d.idempotency_key for d in fresh if d.idempotency_key not in reapplied]
                )
                for d in fresh:
                    if d.idempotency_key in seen:
                        result.outcomes.append(self._outcome(d, "duplicate"))
                fresh = [d for d in fresh if d.idempotency_key not in seen]
                winners = self._newest_per_job(fresh, result)
                states = await store.stored_states(conn, list(winners), self.embedder.model)
                rows, rows_by_id, texts = self._plan_rows(winners, states, reapplied, result)

            with self._stage("embed"):
                rejected = await self._embed(conn, rows_by_id, texts, states, result)
            for identity, reason in rejected.items():
                d = winners.pop(identity)
                rows.remove(rows_by_id.pop(identity))
                letters.append((d.record, EmbedderRejected.__name__, reason))
                fresh.remove(d)

            with self._stage("dead_letter"):
                await self.dead_letters.publish_all(letters)
            with self._stage("database"):
                again = {i for i, d in winners.items() if d.idempotency_key in reapplied}
                written = await store.apply_batch(
                    conn,
                    [row for row in rows if (row.source, row.external_id) not in again],
                    [d.idempotency_key for d in fresh],
                    model=self.embedder.model,
                    reapplied=[row for row in rows if (row.source, row.external_id) in again],
                )
        for record, error_class, message in letters:
            result.outcomes.append(
                EventOutcome(record, "dead_lettered", "other", reason=f"{error_class}: {message}")
            )
            self.metrics.dead_letters.labels(reason=error_class).inc()
        for identity, d in winners.items():
            state = states.get(identity)
            if identity not in written:
                outcome = "stale"
            elif isinstance(d.event, JobRemoved):
                outcome = "removed"
            elif state and not state.deleted and state.row_hash == rows_by_id[identity].row_hash:
                outcome = "unchanged"
            else:
                outcome = "upserted"
            result.outcomes.append(self._outcome(d, outcome))
        return result

    @staticmethod
    def _outcome(d: Decoded, outcome: str) -> EventOutcome:
        return EventOutcome(d.record, outcome, d.event.source, d.event, d.idempotency_key)

    def _drop_batch_duplicates(self, decoded: list[Decoded], result: BatchResult) -> list[Decoded]:
        seen: set[str] = set()
        fresh = []
        for d in decoded:
            if d.idempotency_key in seen:
                result.outcomes.append(self._outcome(d, "duplicate"))
            else:
                seen.add(d.idempotency_key)
                fresh.append(d)
        return fresh

    def _newest_per_job(self, fresh: list[Decoded], result: BatchResult) -> dict[Identity, Decoded]:
        winners: dict[Identity, Decoded] = {}
        for d in fresh:
            identity = (d.event.source, d.event.job.external_id)
            current = winners.get(identity)
            if current is None or _order_key(d.event) > _order_key(current.event):
                if current is not None:
                    result.outcomes.append(self._outcome(current, "stale"))
                winners[identity] = d
            else:
                result.outcomes.append(self._outcome(d, "stale"))
        return winners

    def _plan_rows(
        self,
        winners: dict[Identity, Decoded],
        states: dict[Identity, store.StoredState],
        reapplied: set[str],
        result: BatchResult,
    ) -> tuple[list[store.JobRow], dict[Identity, store.JobRow], dict[str, str]]:
        """Rows for winners newer than the stored state (or, when reapplied, not older), and
        each text by its content hash."""
        rows_by_id: dict[Identity, store.JobRow] = {}
        texts: dict[str, str] = {}
        for identity in sorted(winners):
            d = winners[identity]
            state = states.get(identity)
            if state is None:
                applies = True
            elif d.idempotency_key in reapplied:
                applies = _order_key(d.event) >= _stored_key(state)
            else:
                applies = _order_key(d.event) > _stored_key(state)
            if not applies:
                result.outcomes.append(self._outcome(winners.pop(identity), "stale"))
                continue
            row, text = job_row(d.event, self.settings.embedder_max_chars)
            rows_by_id[identity] = row
            if row.content_hash is not None:
                texts[row.content_hash] = text
        return list(rows_by_id.values()), rows_by_id, texts

    async def _embed(
        self,
        conn: Conn,
        rows_by_id: dict[Identity, store.JobRow],
        texts_by_hash: dict[str, str],
        states: dict[Identity, store.StoredState],
        result: BatchResult,
    ) -> dict[Identity, str]:
        """Fill in vectors for rows whose text changed. Returns rows the embedder rejected."""
        need: dict[str, list[store.JobRow]] = {}
        for identity, row in rows_by_id.items():
            if row.content_hash is None:
                continue
            state = states.get(identity)
            if state and state.content_hash == row.content_hash and state.has_embedding:
                continue  # unchanged text: the stored vector is kept
            need.setdefault(row.content_hash, []).append(row)
        if not need:
            return {}
        vectors: dict[str, Vector] = {}
        for chash in need:
            cached = self.cache.get(chash)
            if cached is not None:
                vectors[chash] = cached
        missing = [h for h in need if h not in vectors]
        if missing:
            stored = await store.cached_embeddings(conn, missing, self.embedder.model)
            vectors.update(stored)
        todo = [h for h in need if h not in vectors]
        self.metrics.embedding_cache.labels(result="hit").inc(len(need) - len(todo))
        self.metrics.embedding_cache.labels(result="miss").inc(len(todo))
        rejected: dict[Identity, str] = {}
        if todo:
            texts = [texts_by_hash[h] for h in todo]
            computed: list[Vector | None]
            try:
                computed = list(await self.embedder.embed_documents(texts))
            except EmbedderRejected:
                computed = await self._embed_one_by_one(texts, todo, need, rejected)
            except EmbedderUnavailable:
                if self.settings.embedder_outage_policy != "defer":
                    raise
                # defer: store the rows now with their embedding pending; the backfill
                # loop embeds them when the embedder is back.
                computed = [None] * len(todo)
                result.deferred += len(todo)
            for chash, vector in zip(todo, computed, strict=True):
                if vector is not None:
                    vectors[chash] = vector
            result.texts_embedded += sum(v is not None for v in computed)
        for chash, rows in need.items():
            for row in rows:
                found = vectors.get(chash)
                if found is not None:
                    self.cache.put(chash, found)
                    row.embedding = found
                    row.embedding_model = self.embedder.model
        return rejected

    async def _embed_one_by_one(
        self,
        texts: list[str],
        hashes: list[str],
        need: dict[str, list[store.JobRow]],
        rejected: dict[Identity, str],
    ) -> list[Vector | None]:
        """Isolate the texts the embedder refuses, so the rest of the batch still lands."""
        out: list[Vector | None] = []
        for text, chash in zip(texts, hashes, strict=True):
            try:
                out.append((await self.embedder.embed_documents([text]))[0])
            except EmbedderRejected as exc:
                out.append(None)
                for row in need[chash]:
                    rejected[(row.source, row.external_id)] = str(exc)
        return out
