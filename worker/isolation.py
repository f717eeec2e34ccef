"""A batch of records to durable, whatever fails: retry, isolate the bad record, or pause.

:meth:`BatchRunner.run` decodes (never raises), applies the decoded events through the
:class:`~worker.pipeline.BatchProcessor`, publishes the dead letters, and returns only once
every record is either applied or dead-lettered. What it does about a failure is decided by
:func:`worker.errors.classify`:

* ``RETRY``: back off (``JOBINGEST_RETRY_INITIAL_S`` doubling to ``_RETRY_MAX_S``) and retry;
* ``PAUSE``: the same, while ``/readyz`` names the cause; nothing is dead-lettered;
* ``RECORD``: bisect the batch at once until the records that fail on their own are found;
* ``UNKNOWN``: retry up to ``JOBINGEST_MAX_BATCH_ATTEMPTS`` times, then bisect.

Bisection applies the pieces that succeed (each in its own transaction, under the ledger and
the ordering guard, so per-job order and applied-once still hold) and dead-letters single
records that fail with a ``RECORD`` or ``UNKNOWN`` error. If no piece succeeds and the
errors are not ``RECORD`` errors, every record fails the same way: that is an outage, not
poison, so nothing is dead-lettered and the batch keeps retrying as ``PAUSE``.

Bound: a record that fails in an unforeseen way holds its batch (and so the worker's other
partitions) for about ``max_batch_attempts`` backoff rounds plus ``2·log2(batch size)``
extra attempts per bad record; a ``RECORD`` error skips the backoff rounds.
"""

from __future__ import annotations

import asyncio
import logging
import random

from aiokafka.structs import ConsumerRecord

from worker import tracing
from worker.dead_letters import DeadLetterPublisher
from worker.decode import Decoded, Rejected, decode, named_source
from worker.embedders.resilience import breaker_of
from worker.errors import (
    Disposition,
    EmbedderUnavailable,
    EveryRecordFails,
    classify,
    describe,
)
from worker.health import IngestHealth
from worker.metrics import Metrics
from worker.pipeline import BatchProcessor, BatchResult, DeadLetter, EventOutcome
from worker.settings import Settings

log = logging.getLogger("jobingest.isolation")


class _Backoff:
    """Exponential backoff with jitter; the slowest step at once while paused."""

    def __init__(self, initial_s: float, max_s: float) -> None:
        self.delay = initial_s
        self.max_s = max_s
        self.attempt = 0

    def next(self, retry_after_s: float | None, slowest: bool = False) -> float:
        self.attempt += 1
        if slowest:
            self.delay = self.max_s
        wait = retry_after_s or self.delay * (0.5 + random.random())
        self.delay = min(self.delay * 2, self.max_s)
        return wait


class Abandoned(Exception):
    """The batch was given up (shutdown or revocation); its offsets stay uncommitted."""


class BatchRunner:
    def __init__(
        self,
        settings: Settings,
        processor: BatchProcessor,
        dead_letters: DeadLetterPublisher,
        metrics: Metrics,
        health: IngestHealth,
        stopping: asyncio.Event,
    ) -> None:
        self.settings = settings
        self.processor = processor
        self.dead_letters = dead_letters
        self.metrics = metrics
        self.health = health
        self.stopping = stopping

    async def run(
        self, records: list[ConsumerRecord], digested: list[Decoded | Rejected] | None = None
    ) -> BatchResult:
        """Apply ``records`` (``digested``: the same records already decoded, as the consumer
        digests a batch ahead; decoded here otherwise)."""
        result = BatchResult()
        decoded: list[Decoded] = []
        with tracing.span("decode", ahead=digested is not None):
            if digested is None:
                digested = [decode(record) for record in records]
            for item in digested:
                if isinstance(item, Rejected):
                    result.letters.append(DeadLetter(item.record, item.error_class, item.message))
                else:
                    decoded.append(item)
        result.merge(await self._apply(decoded))
        if result.letters:
            with tracing.span("dead letters", count=len(result.letters)):
                await self._publish(result.letters)
        for letter in result.letters:
            source = named_source(letter.record.value)
            reason = f"{letter.error_class}: {letter.message}"
            result.outcomes.append(
                EventOutcome(letter.record, "dead_lettered", source, reason=reason)
            )
            self.metrics.dead_letters.labels(reason=letter.error_class, source=source).inc()
        self.health.resumed()
        self.metrics.batch_attempts.set(0)
        self.metrics.ingestion_paused.set(0)
        return result

    async def _apply(self, decoded: list[Decoded]) -> BatchResult:
        """Apply the decoded events: retried, isolated or paused until it succeeds."""
        backoff = _Backoff(self.settings.retry_initial_s, self.settings.retry_max_s)
        while True:
            self._attempt(backoff.attempt + 1)
            try:
                return await self.processor.process(decoded)
            except Exception as exc:
                self._abandon_if_stopping(exc)
                error: BaseException = exc
            kind = classify(error)
            if kind is Disposition.RECORD or (
                kind is Disposition.UNKNOWN
                and backoff.attempt + 1 >= self.settings.max_batch_attempts
            ):
                try:
                    return await self._isolate(decoded, error)
                except EveryRecordFails as outage:
                    error, kind = outage, Disposition.PAUSE
                except Exception as exc:  # transient, or a pause, met while isolating
                    self._abandon_if_stopping(exc)
                    error, kind = exc, classify(exc)
            await self._wait(backoff, error, kind, "batch")

    async def _publish(self, letters: list[DeadLetter]) -> None:
        """Publish the dead letters, retrying until Kafka acknowledges them all."""
        backoff = _Backoff(self.settings.retry_initial_s, self.settings.retry_max_s)
        while True:
            self._attempt(backoff.attempt + 1)
            try:
                return await self.dead_letters.publish_all(letters)
            except Exception as exc:
                self._abandon_if_stopping(exc)
                kind = classify(exc)
                await self._wait(backoff, exc, kind, "dead letters")

    def _attempt(self, attempt: int) -> None:
        self.health.attempts = attempt
        self.metrics.batch_attempts.set(attempt)

    async def _wait(
        self, backoff: _Backoff, error: BaseException, kind: Disposition, what: str
    ) -> None:
        if kind is Disposition.PAUSE:
            self.health.pause(describe(error))
            self.metrics.ingestion_paused.set(1)
        self.metrics.batch_retries.labels(error=type(error).__name__).inc()
        wait = backoff.next(
            getattr(error, "retry_after_s", None), slowest=kind is Disposition.PAUSE
        )
        announced = False  # an open circuit's outage is told by the circuit's own warnings
        if isinstance(error, EmbedderUnavailable):
            breaker = breaker_of(self.processor.embedder)
            announced = breaker is not None and breaker.open
        log.log(
            logging.INFO if announced else logging.WARNING,  # the circuit's warnings say it
            "%s failed (attempt %d, %s: %s); retrying in %.1fs",
            what,
            backoff.attempt,
            kind.value,
            describe(error),
            wait,
            exc_info=kind is Disposition.UNKNOWN and backoff.attempt == 1,
        )
        await asyncio.sleep(wait)

    async def _isolate(self, decoded: list[Decoded], first: BaseException) -> BatchResult:
        """Bisect ``decoded`` (which failed with ``first``); see the module docstring."""
        result = BatchResult()
        failures: list[tuple[Decoded, BaseException]] = []
        succeeded = False
        self.metrics.isolations.inc()
        log.warning("isolating the record(s) that fail: %s", describe(first))

        async def run(piece: list[Decoded], failure: BaseException | None) -> None:
            nonlocal succeeded
            if failure is None:
                try:
                    result.merge(await self.processor.process(piece))
                    succeeded = True
                    return
                except Exception as exc:
                    self._abandon_if_stopping(exc)
                    if classify(exc) in (Disposition.RETRY, Disposition.PAUSE):
                        raise
                    failure = exc
            if len(piece) == 1:
                failures.append((piece[0], failure))
                return
            middle = len(piece) // 2
            await run(piece[:middle], None)
            await run(piece[middle:], None)

        await run(decoded, first)
        if (
            failures
            and not succeeded
            and not all(classify(exc) is Disposition.RECORD for _, exc in failures)
        ):
            raise EveryRecordFails(
                f"every record of the batch fails ({describe(failures[0][1])}): "
                "treated as an outage, nothing dead-lettered"
            )
        for d, exc in failures:
            result.letters.append(DeadLetter(d.record, type(exc).__name__, describe(exc)))
            log.warning(
                "isolated a record that fails on its own",
                extra={
                    "topic": d.record.topic,
                    "partition": d.record.partition,
                    "offset": d.record.offset,
                    "error": describe(exc),
                },
            )
        return result

    def _abandon_if_stopping(self, exc: BaseException) -> None:
        if self.stopping.is_set():
            raise Abandoned() from exc
