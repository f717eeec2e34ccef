"""Fault injection: worker processes on real Kafka and PostgreSQL, checked against a reference.

Each scenario ends with the same proof: the jobs table equals the reference model of the
contract, every invalid event is in the dead-letter topic, committed offsets reached the end
of every partition, and (where it says so) a full replay embeds nothing again.
"""

from __future__ import annotations

import asyncio
import random

import asyncpg
import pytest

from devtools.devstack import DevStack
from tests.embedding_server import embedding_server
from tests.faults.harness import EVENTS, KILLS, FaultRun, crash_log_free
from tests.support import committed_and_end

pytestmark = pytest.mark.slow


async def test_sigkill_storm_under_load(run: FaultRun, db: asyncpg.Connection) -> None:
    await run.publish()
    rng = random.Random(20)
    for _ in range(KILLS):
        worker = run.worker()
        await asyncio.sleep(rng.uniform(0.5, 3.0))  # during startup, mid-batch, between commits
        worker.kill()
    run.worker()
    await run.wait_done()
    await run.assert_end_state(db)
    await run.assert_replay_embeds_nothing(db)


async def test_rolling_restarts_and_rebalance_churn(run: FaultRun, db: asyncpg.Connection) -> None:
    await run.publish(count=EVENTS // 2, seed=2)
    fleet = [run.worker() for _ in range(3)]
    await asyncio.sleep(3)
    await run.publish(count=EVENTS // 2, seed=3)  # more load while the fleet turns over
    for index in range(3):  # rolling SIGTERM restart, one worker at a time
        assert fleet[index].terminate() == 0
        fleet[index] = run.worker()
        await asyncio.sleep(1.5)
    extra = run.worker()  # a worker joins...
    await asyncio.sleep(2)
    assert extra.terminate() == 0  # ...and leaves
    await run.wait_done()
    run.stop_all()
    crash_log_free(run.logs)
    await run.assert_end_state(db)


async def test_postgres_restarted_mid_run(
    run: FaultRun, stack: DevStack, db: asyncpg.Connection
) -> None:
    assert stack.postgres is not None, "needs the embedded PostgreSQL"
    await run.publish()
    run.worker()
    run.worker()
    await asyncio.sleep(3)
    await db.close()
    stack.postgres.stop_server()
    await asyncio.sleep(4)
    stack.postgres.start_server()
    await run.wait_done()
    conn = await asyncpg.connect(run.settings.require_database())
    try:
        await run.assert_end_state(conn)
    finally:
        await conn.close()


async def test_embedder_down_for_30s_then_back(run: FaultRun, db: asyncpg.Connection) -> None:
    with embedding_server(dims=16) as server:
        run.env.update({"JOBINGEST_EMBEDDER": "openai", "JOBINGEST_EMBEDDER_URL": server.url,
                        "JOBINGEST_EMBEDDER_MODEL": "fault-model", "JOBINGEST_EMBEDDER_DIMS": "16",
                        "JOBINGEST_EMBEDDER_CIRCUIT_THRESHOLD": "3",
                        "JOBINGEST_EMBEDDER_CIRCUIT_COOLDOWN_S": "2"})  # fmt: skip
        await run.publish(count=EVENTS // 2)
        run.worker()
        await asyncio.sleep(3)
        server.down = True
        await asyncio.sleep(10)
        committed_early = await _committed(run)
        await asyncio.sleep(20)
        # pause policy: the circuit is open, nothing is committed and nothing dead-lettered
        assert await _committed(run) == committed_early
        server.down = False
        await run.wait_done()
        await run.assert_end_state(db)
        embedded = server.texts
        await run.assert_replay_embeds_nothing(db)
        assert server.texts == embedded  # the replay sent no text to the embedder


async def _committed(run: FaultRun) -> int:
    committed, _ = await committed_and_end(
        run.settings.require_kafka(), run.settings.group_id, run.settings.topic
    )
    return sum(committed.values())


async def test_embedder_slower_than_the_poll_interval(
    run: FaultRun, db: asyncpg.Connection
) -> None:
    with embedding_server(
        dims=16, latency_s=12
    ) as server:  # each request outlives max_poll_interval
        run.env.update({"JOBINGEST_EMBEDDER": "openai", "JOBINGEST_EMBEDDER_URL": server.url,
                        "JOBINGEST_EMBEDDER_MODEL": "slow-model", "JOBINGEST_EMBEDDER_DIMS": "16",
                        "JOBINGEST_EMBEDDER_BATCH_SIZE": "512", "JOBINGEST_EMBEDDER_BATCH_CHARS": "10000000",
                        "JOBINGEST_EMBEDDER_TIMEOUT_S": "60",
                        "JOBINGEST_MAX_POLL_INTERVAL_MS": "10000"})  # fmt: skip
        await run.publish(count=600, seed=5)
        run.worker()
        await run.wait_done(timeout_s=300)
        run.stop_all()
    log = (run.logs / "worker-0.log").read_text()
    assert "offset commit refused" not in log and "abandoned" not in log, log[-2000:]
    await run.assert_end_state(db)
