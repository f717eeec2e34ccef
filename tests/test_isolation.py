"""Isolation logic with a stand-in processor (the real path is in test_poison.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import pytest

from tests.events import job_event, raw
from worker.decode import Decoded
from worker.health import IngestHealth
from worker.isolation import BatchRunner
from worker.metrics import Metrics
from worker.pipeline import BatchResult, DeadLetter, outcome
from worker.settings import Settings


class Processor:
    """Fails any piece holding a poison id, with `error`; counts calls."""

    def __init__(self, poison: set[str], error: type[Exception] = OverflowError) -> None:
        self.poison = poison
        self.error = error
        self.calls = 0
        self.applied: list[str] = []

    async def process(self, decoded: list[Decoded]) -> BatchResult:
        self.calls += 1
        ids = [d.event.job.external_id for d in decoded]
        if self.poison & set(ids):
            raise self.error("cannot store this")
        self.applied += ids
        return BatchResult(outcomes=[outcome(d, "upserted") for d in decoded])


class Letters:
    def __init__(self) -> None:
        self.sent: list[DeadLetter] = []

    async def publish_all(self, letters: Sequence[DeadLetter]) -> None:
        self.sent += letters


def runner(processor: Processor, letters: Letters, attempts: int = 2) -> BatchRunner:
    settings = Settings(retry_initial_s=0.01, retry_max_s=0.02, max_batch_attempts=attempts)
    return BatchRunner(
        settings,
        processor,
        letters,
        Metrics(),
        IngestHealth(60),
        asyncio.Event(),  # type: ignore[arg-type]
    )


def batch(n: int) -> list:
    return [raw(job_event(f"j{i}", at=i), offset=i) for i in range(n)]


async def test_unknown_failure_is_retried_then_bisected_to_the_one_record() -> None:
    processor, letters = Processor({"j37"}), Letters()
    result = await runner(processor, letters, attempts=3).run(batch(100))
    assert [letter.record.offset for letter in letters.sent] == [37]
    assert letters.sent[0].error_class == "OverflowError"
    assert sorted(processor.applied) == sorted(f"j{i}" for i in range(100) if i != 37)
    assert processor.calls <= 3 + 2 * 7 + 1  # attempts, then two pieces per level
    assert sum(o.outcome == "dead_lettered" for o in result.outcomes) == 1


async def test_a_record_error_is_isolated_without_retries() -> None:
    processor, letters = Processor({"j3", "j4"}, asyncpg.CheckViolationError), Letters()
    await runner(processor, letters, attempts=50).run(batch(8))
    assert sorted(letter.record.offset for letter in letters.sent) == [3, 4]
    assert processor.calls < 15


async def test_record_errors_on_every_record_still_dead_letter_them() -> None:
    processor = Processor({f"j{i}" for i in range(4)}, asyncpg.NumericValueOutOfRangeError)
    letters = Letters()
    await runner(processor, letters).run(batch(4))
    assert len(letters.sent) == 4


async def test_when_every_record_fails_the_same_unknown_way_nothing_is_dead_lettered() -> None:
    processor, letters = Processor({f"j{i}" for i in range(6)}), Letters()
    run = runner(processor, letters)
    task = asyncio.create_task(run.run(batch(6)))
    await asyncio.sleep(0.5)
    assert not task.done()
    assert letters.sent == []
    assert run.health.check().startswith("paused: EveryRecordFails")
    processor.poison.clear()  # the outage ends
    await asyncio.wait_for(task, 5)
    assert letters.sent == [] and len(processor.applied) == 6
    assert run.health.check() == "ok"


async def test_transient_failures_retry_forever_and_never_dead_letter() -> None:
    processor, letters = Processor({"j0"}, ConnectionResetError), Letters()
    run = runner(processor, letters, attempts=1)
    task = asyncio.create_task(run.run(batch(3)))
    await asyncio.sleep(0.3)
    assert processor.calls > 3 and letters.sent == [] and not task.done()
    processor.poison.clear()
    await asyncio.wait_for(task, 5)
    assert letters.sent == []


@pytest.mark.parametrize("stall", [0.05])
async def test_stalled_health_needs_lag_and_time(stall: float) -> None:
    health = IngestHealth(stall)
    health.report_lag(0)
    await asyncio.sleep(stall * 2)
    assert health.check() == "ok"  # nothing waits
    health.report_lag(10)
    assert health.check() == "ok"  # just started waiting
    await asyncio.sleep(stall * 2)
    assert health.check().startswith("stalled: no commit")
    health.committed()
    assert health.check() == "ok"
