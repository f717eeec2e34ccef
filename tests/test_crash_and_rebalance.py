"""Worker processes killed, stopped and rebalanced under load: nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import asyncpg
import pytest

from producers.sample import sample_lines
from tests.reference import assert_table_matches
from tests.support import WorkerProcess, keyed, produce, wait_committed
from worker.settings import Settings


async def test_sigkill_during_batches_then_restart_loses_nothing_and_applies_once(
    settings: Settings, worker_env: dict[str, str], db: asyncpg.Connection, tmp_path: Path
) -> None:
    lines = list(sample_lines(20_000, seed=7))
    await produce(settings.require_kafka(), settings.topic, map(keyed, lines))
    env = {**worker_env, "JOBINGEST_BATCH_MAX_RECORDS": "200"}
    rng = random.Random(11)
    kills = 0
    for _ in range(5):
        worker = WorkerProcess(env, tmp_path / "worker.log").start()
        await asyncio.sleep(rng.uniform(2.5, 4.5))  # startup is ~2 s; die mid-stream
        worker.kill()
        kills += 1
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        await wait_committed(settings, timeout_s=120)
    finally:
        assert worker.terminate() == 0
    assert kills == 5
    await assert_table_matches(db, lines)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM jobs WHERE embedding IS NULL AND deleted_at IS NULL"
        )
        == 0
    )


async def test_two_workers_and_a_rebalance_mid_stream(
    settings: Settings, worker_env: dict[str, str], db: asyncpg.Connection, tmp_path: Path
) -> None:
    lines = list(sample_lines(20_000, seed=8))
    env = {**worker_env, "JOBINGEST_BATCH_MAX_RECORDS": "100"}
    first = WorkerProcess(env, tmp_path / "w1.log").start()
    await produce(settings.require_kafka(), settings.topic, map(keyed, lines[:10_000]))
    await asyncio.sleep(3)
    second = WorkerProcess(env, tmp_path / "w2.log").start()  # joins: partitions move mid-stream
    await produce(settings.require_kafka(), settings.topic, map(keyed, lines[10_000:]))
    await asyncio.sleep(2)
    assert first.terminate() == 0  # leaves: its partitions move to the second
    try:
        await wait_committed(settings, timeout_s=120)
    finally:
        assert second.terminate() == 0
    await assert_table_matches(db, lines)
    for log in ("w1.log", "w2.log"):
        text = (tmp_path / log).read_text()
        assert "Traceback" not in text, text[-3000:]


async def test_sigterm_stops_cleanly_with_exit_status_zero(
    settings: Settings, worker_env: dict[str, str], tmp_path: Path
) -> None:
    worker = WorkerProcess(worker_env, tmp_path / "w.log").start()
    await asyncio.sleep(3)
    assert worker.alive()
    assert worker.terminate(timeout_s=30) == 0
    assert '"worker stopped"' in (tmp_path / "w.log").read_text()


@pytest.mark.parametrize("after_s", [0.3, 1.0, 2.0])
def test_sigterm_while_starting_exits_0(
    worker_env: dict[str, str], logs: Path, after_s: float
) -> None:
    """A worker stopped during start-up (connecting, migrating) exits cleanly, as a
    rolling restart or a scale-down can do at any moment."""
    worker = WorkerProcess(worker_env, logs / f"start-{after_s}.log").start()
    time.sleep(after_s)
    assert worker.terminate(timeout_s=60) == 0, (logs / f"start-{after_s}.log").read_text()[-2000:]
