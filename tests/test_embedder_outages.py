"""The pipeline with an HTTP embedder that refuses texts, goes down, and comes back."""

from __future__ import annotations

import asyncio

import asyncpg

from tests.embedding_server import embedding_server
from tests.events import job_event, wire
from tests.support import (
    committed_and_end,
    counted,
    handled,
    handled_at_least,
    hold_writes,
    is_true,
    outcome_count,
    produce,
    read_all,
    running_worker,
    wait_committed,
    wait_until,
)
from worker.settings import Settings


def http_settings(settings: Settings, url: str, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "embedder": "openai",
            "embedder_url": url,
            "embedder_model": "test-model",
            "embedder_dims": 16,
            "embedder_circuit_threshold": 2,
            "embedder_circuit_cooldown_s": 0.5,
            **extra,
        }  # fmt: skip
    )


async def test_a_text_the_embedder_rejects_is_dead_lettered_and_the_rest_lands(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i, title=f"Engineer {i}") for i in range(20)]
    events.append(job_event("job-bad", at=50, description="contains FORBIDDEN words"))
    with embedding_server(reject_containing="FORBIDDEN") as server:
        s = http_settings(settings, server.url)
        await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
        async with running_worker(s) as runtime:
            await wait_until(lambda: handled_at_least(runtime, 21), what="all handled")
    assert await db.fetchval("SELECT count(*) FROM jobs") == 20
    assert outcome_count(runtime, "dead_lettered") == 1
    letters = await read_all(s.require_kafka(), s.dlq_topic)
    assert [dict(r.headers)["dlq.error.class"] for r in letters] == [b"EmbedderRejected"]
    assert letters[0].key == b"greenhouse:job-bad"


async def test_pause_policy_commits_nothing_while_the_embedder_is_down(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i, title=f"Engineer {i}") for i in range(30)]
    with embedding_server(down=True) as server:
        s = http_settings(settings, server.url)
        async with running_worker(s) as runtime:
            await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
            await wait_until(lambda: _circuit_open(runtime), what="circuit open")
            checks = await runtime.readiness()
            assert checks["embedder"] == "circuit open"
            await asyncio.sleep(2)
            committed, _ = await committed_and_end(s.require_kafka(), s.group_id, s.topic)
            assert sum(committed.values()) == 0
            assert await db.fetchval("SELECT count(*) FROM jobs") == 0
            server.down = False
            await wait_until(
                lambda: handled_at_least(runtime, 30), what="all handled after recovery"
            )
            await wait_committed(s)
            assert (await runtime.readiness())["embedder"] == "ok"
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NOT NULL") == 30
    assert outcome_count(runtime, "dead_lettered") == 0
    assert await read_all(s.require_kafka(), s.dlq_topic, timeout_s=2) == []


async def _circuit_open(runtime: object) -> bool:
    return bool(runtime.embedder.circuit_open)  # type: ignore[attr-defined]


async def test_defer_policy_stores_rows_pending_and_backfills_them(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i, title=f"Engineer {i}") for i in range(25)]
    with embedding_server(down=True) as server:
        s = http_settings(settings, server.url, embedder_outage_policy="defer")
        async with running_worker(s) as runtime:
            await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
            await wait_committed(s)
            assert await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NULL") == 25
            await wait_until(lambda: _gauge(runtime, 25), what="pending gauge = 25")
            server.down = False

            async def all_embedded() -> bool:
                return (
                    await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NOT NULL") == 25
                )

            await wait_until(all_embedded, timeout_s=30, what="backfill")
            await wait_until(lambda: _gauge(runtime, 0), what="pending gauge = 0")
    assert outcome_count(runtime, "upserted") == 25


async def _gauge(runtime: object, value: int) -> bool:
    return runtime.metrics.embeddings_pending._value.get() == value  # type: ignore[attr-defined]


async def test_the_next_batch_is_embedded_while_one_is_written_and_a_replay_embeds_nothing(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"e{i}", at=i, title=f"Engineer {i}") for i in range(120)]
    with embedding_server() as server:
        s = http_settings(settings, server.url).model_copy(update={"batch_max_records": 40})
        async with running_worker(s) as runtime:
            lock, tx = await hold_writes(s.require_database())
            try:
                await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
                await wait_until(
                    lambda: is_true(counted(runtime.metrics.embedding_cache, result="ahead") > 0),
                    what="texts embedded ahead",
                )
                assert handled(runtime) == 0  # the first batch still waits to write
            finally:
                await tx.rollback()
                await lock.close()
            await wait_until(lambda: handled_at_least(runtime, 120), what="all handled")
            await wait_committed(s)
            assert server.texts == 120  # each text embedded once: ahead, or by its batch
            await produce(s.require_kafka(), s.topic, [wire(e) for e in events])  # a replay
            await wait_until(lambda: handled_at_least(runtime, 240), what="the replay handled")
            await wait_committed(s)
            assert server.texts == 120  # the ledger says duplicates: nothing embedded ahead
    assert outcome_count(runtime, "duplicate") == 120
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NOT NULL") == 120
