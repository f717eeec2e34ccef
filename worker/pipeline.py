"""One batch of decoded events to durable: the thin I/O shell around :mod:`worker.plan`.

It reads what the plan needs (reapply windows, ledger keys, stored states, cached vectors),
embeds the texts that changed, and writes rows plus ledger keys in one transaction. Texts the
embedder refuses come back as dead letters in the result; the caller publishes them and only
then commits Kafka offsets. Failures propagate to the caller, which classifies them
(:mod:`worker.errors`) and retries, isolates or pauses (:mod:`worker.isolation`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncpg
from aiokafka.structs import ConsumerRecord

from schemas import AnyJobEvent
from worker import plan, store, tracing
from worker.decode import Decoded, Rejected
from worker.embedders import Embedder, Vector, budget
from worker.errors import EmbedderRejected
from worker.metrics import Metrics
from worker.pg import Conn
from worker.plan import Identity
from worker.rows import JobRow, StoredState
from worker.settings import Settings
from worker.write import write_batch

STAGE_SPANS = {"database": "write"}  # a stage's span name, where it differs from its metric's


@dataclass(frozen=True, slots=True)
class EventOutcome:
    record: ConsumerRecord
    outcome: str
    source: str
    event: AnyJobEvent | None = None
    idempotency_key: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record that cannot be stored, and why."""

    record: ConsumerRecord
    error_class: str
    message: str


@dataclass(slots=True)
class BatchResult:
    outcomes: list[EventOutcome] = field(default_factory=list)
    letters: list[DeadLetter] = field(default_factory=list)
    texts_embedded: int = 0

    def merge(self, other: BatchResult) -> None:
        self.outcomes += other.outcomes
        self.letters += other.letters
        self.texts_embedded += other.texts_embedded


def outcome(d: Decoded, name: str) -> EventOutcome:
    return EventOutcome(d.record, name, d.event.source, d.event, d.idempotency_key)


PIPELINE_MIN_EVENTS = 200  # smaller batches gain nothing from lanes
AHEAD_CONNECTION_WAIT_S = 0.05  # embedding ahead never waits for a busy pool


@dataclass(slots=True)
class Prepared:
    """A planned and embedded batch (or half), ready to write."""

    result: BatchResult
    applying: dict[Identity, Decoded]
    rows: dict[Identity, JobRow]
    states: dict[Identity, StoredState]
    ledger: list[str]
    reapplied: set[str]


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
        self, settings: Settings, pool: asyncpg.Pool, embedder: Embedder, metrics: Metrics
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.embedder = embedder
        self.metrics = metrics
        self.cache = VectorCache()

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            with tracing.span(STAGE_SPANS.get(name, name)):
                yield
        finally:
            self.metrics.stage_duration.labels(stage=name).observe(time.perf_counter() - started)

    async def process(self, decoded: list[Decoded]) -> BatchResult:
        """Apply ``decoded`` events; raises on any failure. A large batch is applied in
        ``write_lanes`` lanes at once, each its own transaction on its own connection, holding
        disjoint jobs and (as far as they split) disjoint companies, so their cluster locks do
        not meet: one lane plans and decides in Python while the database writes another's
        rows. Each lane is under the ledger and the ordering guard; a failure in any fails the
        batch, which is retried whole (what another lane applied is then a duplicate)."""
        if not decoded:
            return BatchResult()
        if self.settings.write_lanes < 2 or len(decoded) < PIPELINE_MIN_EVENTS:
            async with self.pool.acquire() as conn:
                return await self._write(conn, await self._prepare(conn, decoded))
        in_batch = plan.drop_duplicates(decoded)  # one key, one application: over the whole batch
        lanes = [
            lane for lane in plan.split_by_company(in_batch.kept, self.settings.write_lanes) if lane
        ]
        async with contextlib.AsyncExitStack() as stack:
            conns = [await stack.enter_async_context(self.pool.acquire()) for _ in lanes]
            done = await asyncio.gather(
                *(self._lane(conn, lane) for conn, lane in zip(conns, lanes, strict=True)),
                return_exceptions=True,
            )
        result = BatchResult()
        for lane_result in done:
            if isinstance(lane_result, BaseException):
                raise lane_result
            result.merge(lane_result)
        result.outcomes += [outcome(d, "duplicate") for d in in_batch.dropped]
        return result

    async def _lane(self, conn: Conn, decoded: list[Decoded]) -> BatchResult:
        return await self._write(conn, await self._prepare(conn, decoded))

    async def embed_ahead(self, digested: list[Decoded | Rejected]) -> int:
        """Best effort, for a batch not applied yet (the consumer calls it while the batch
        before is written): compute and cache the vectors its new texts will need, so the
        embedder works while the database writes. Skipped for the in-process ``hash``
        embedder (nothing to gain), and for texts whose vector is cached, events the ledger
        already holds and rows stored with the same text and a vector: a replay embeds
        nothing. What it reads may be a batch old; that costs at most a vector computed
        early. Never raises: the batch itself embeds (and classifies failures) as always.
        Returns the texts embedded."""
        if self.embedder.provider == "hash":
            return 0
        fresh = {
            plan.identity_of(d): d
            for d in digested
            if isinstance(d, Decoded)
            and d.staged is not None
            and d.staged[0].content_hash
            and self.cache.get(d.staged[0].content_hash) is None
        }
        if not fresh:
            return 0
        try:
            async with self.pool.acquire(timeout=AHEAD_CONNECTION_WAIT_S) as conn:
                known = await store.known_keys(conn, [d.idempotency_key for d in fresh.values()])
                states = await store.stored_states(conn, list(fresh), self.embedder.model)
            staged = {
                i: d.staged
                for i, d in fresh.items()
                if d.staged is not None and d.idempotency_key not in known
            }
            need = plan.texts_to_embed({i: row for i, (row, _) in staged.items()}, states)
            if not need:
                return 0
            texts = {
                row.content_hash: text for row, text in staged.values() if row.content_hash in need
            }
            vectors = await self._documents(list(texts.values()))
        except Exception:  # asyncio.TimeoutError included: no spare connection right now
            return 0
        if vectors is None:  # deferred: the batch stores its rows pending without waiting
            return 0
        for chash, vector in zip(texts, vectors, strict=True):
            self.cache.put(chash, vector)
        self.metrics.embedding_cache.labels(result="ahead").inc(len(texts))
        return len(texts)

    async def _prepare(self, conn: Conn, decoded: list[Decoded]) -> Prepared:
        """Everything before the write: the plan's reads and decisions, and the embeddings."""
        result = BatchResult()
        with self._stage("plan"):
            windows = await store.reapply_windows(conn, decoded[0].record.topic)
            reapplied = plan.reapplied_keys(decoded, windows)
            in_batch = plan.drop_duplicates(decoded)
            known = await store.known_keys(
                conn,
                [d.idempotency_key for d in in_batch.kept if d.idempotency_key not in reapplied],
            )
            fresh = plan.drop_duplicates(in_batch.kept, known, reapplied)
            result.outcomes += [outcome(d, "duplicate") for d in in_batch.dropped]
            result.outcomes += [outcome(d, "duplicate") for d in fresh.dropped]
            winners, older = plan.newest_per_job(fresh.kept)
            states = await store.stored_states(conn, list(winners), self.embedder.model)
            applying, stale = plan.against_stored(winners, states, reapplied)
            result.outcomes += [outcome(d, "stale") for d in older + stale]
            rows, texts = plan.rows_and_texts(
                applying, self.settings.embedder_max_chars, self.settings.clustering
            )
        with self._stage("embed"):
            refused = await self._embed(conn, plan.texts_to_embed(rows, states), texts, result)
        ledger = [d.idempotency_key for d in fresh.kept]
        for identity, reason in refused.items():
            d = applying.pop(identity)
            del rows[identity]
            ledger.remove(d.idempotency_key)
            result.letters.append(DeadLetter(d.record, EmbedderRejected.__name__, reason))
        return Prepared(result, applying, rows, states, ledger, reapplied)

    async def _write(self, conn: Conn, p: Prepared) -> BatchResult:
        """One transaction: rows under the ordering guard, clusters, ledger keys."""
        with self._stage("database"):
            again = {i for i, d in p.applying.items() if d.idempotency_key in p.reapplied}
            written = await write_batch(
                conn,
                [row for i, row in p.rows.items() if i not in again],
                p.ledger,
                model=self.embedder.model,
                reapplied=[row for i, row in p.rows.items() if i in again],
                clustering=self.settings.clustering,
            )
        for identity, d in p.applying.items():
            name = plan.final_outcome(
                d, p.states.get(identity), p.rows[identity], identity in written
            )
            p.result.outcomes.append(outcome(d, name))
        return p.result

    async def _embed(
        self,
        conn: Conn,
        need: dict[str, list[JobRow]],
        texts_by_hash: dict[str, str],
        result: BatchResult,
    ) -> dict[Identity, str]:
        """Fill in vectors for rows that need one. Returns the rows the embedder refused."""
        if not need:
            return {}
        vectors: dict[str, Vector] = {}
        for chash in need:
            cached = self.cache.get(chash)
            if cached is not None:
                vectors[chash] = cached
        missing = [h for h in need if h not in vectors]
        if missing:
            vectors.update(await store.cached_embeddings(conn, missing, self.embedder.model))
        todo = [h for h in need if h not in vectors]
        self.metrics.embedding_cache.labels(result="hit").inc(len(need) - len(todo))
        self.metrics.embedding_cache.labels(result="miss").inc(len(todo))
        refused: dict[Identity, str] = {}
        deferred = 0
        if todo:
            computed = await self._compute([texts_by_hash[h] for h in todo])
            for chash, vector in zip(todo, computed, strict=True):
                if isinstance(vector, str):
                    for row in need[chash]:
                        refused[(row.source, row.external_id)] = vector
                elif vector is not None:
                    vectors[chash] = vector
                    self.cache.put(chash, vector)
                    result.texts_embedded += 1
                else:
                    deferred += len(need[chash])
        if deferred:
            self.metrics.embeddings_deferred.inc(deferred)
            budget.count_deferred(self.embedder, deferred)
        for chash, rows in need.items():
            found = vectors.get(chash)
            if found is not None:
                for row in rows:
                    row.embedding = found
                    row.embedding_model = self.embedder.model
        return refused

    async def _compute(self, texts: list[str]) -> list[Vector | str | None]:
        """A vector per text; a reason (str) for a text the embedder refuses; None when the
        embedder is away, slow or misconfigured under the ``defer`` policy (stored pending)."""
        try:
            found = await self._documents(texts)
        except EmbedderRejected:
            pass  # one text of the request is refused: find which, one by one
        else:
            return list(found) if found is not None else [None] * len(texts)
        out: list[Vector | str | None] = []
        for text in texts:
            try:
                one = await self._documents([text])
            except EmbedderRejected as exc:
                out.append(str(exc))
            else:
                out.append(one[0] if one is not None else None)
        return out

    async def _documents(self, texts: list[str]) -> list[Vector] | None:
        """Vectors for ``texts``. Under ``pause`` failures propagate (the batch is retried);
        under ``defer`` None when they do not come within JOBINGEST_EMBEDDER_WAIT_S."""
        if self.settings.embedder_outage_policy != "defer":
            return await self.embedder.embed_documents(texts)
        return await budget.within(self.embedder, texts, self.settings.embedder_wait_s)
