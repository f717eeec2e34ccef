"""The pipeline with an HTTP embedder that refuses texts, goes down, and comes back."""

from __future__ import annotations

import asyncio
import logging
import time
from types import SimpleNamespace

import asyncpg
import numpy as np
import pytest
from pgvector.asyncpg import register_vector

from tests.embedding_server import embedding_server, vector_for
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
from worker.text import embedding_text


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
    settings: Settings, db: asyncpg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    events = [job_event(f"job-{i}", at=i, title=f"Engineer {i}") for i in range(30)]
    with embedding_server(down=True) as server:
        s = http_settings(settings, server.url)
        async with running_worker(s) as runtime:
            await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
            await wait_until(lambda: _circuit_open(runtime), what="circuit open")
            checks = await runtime.readiness()
            assert checks["embedder"].startswith("circuit open for ")
            assert "openai answered 503" in checks["embedder"]
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
    said = [r.getMessage() for r in caplog.records if r.name.startswith("jobingest")]
    assert len(said) == 2, said  # the outage, not each of its retries
    assert "circuit open (openai answered 503)" in said[0]
    assert "circuit closed after" in said[1]


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


def _batches_slower_than(runtime: object, seconds: float) -> float:
    """Batches whose fetch-to-commit took longer than ``seconds`` (a histogram bucket edge)."""
    samples = {
        (sample.name, sample.labels.get("le")): sample.value
        for family in runtime.metrics.batch_duration.collect()  # type: ignore[attr-defined]
        for sample in family.samples
    }
    edge = next(le for name, le in samples if le is not None and float(le) == seconds)
    return (
        samples[("jobingest_batch_duration_seconds_count", None)]
        - samples[("jobingest_batch_duration_seconds_bucket", edge)]
    )


async def test_defer_never_waits_on_a_hanging_embedder_and_fills_the_rows_once_it_answers(
    settings: Settings, db: asyncpg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    """The server accepts every request and answers none for longer than the request timeout
    (4 s): batches wait at most JOBINGEST_EMBEDDER_WAIT_S (0.5 s), the probes after each
    cooldown go out from the backfill, off the ingest path, and the rows stored pending get
    their vectors once the server answers again. One warning when the circuit opens, one when
    it closes."""
    caplog.set_level(logging.WARNING, logger="jobingest.embedder")
    healthy = [job_event(f"ok-{i}", at=i, title=f"Engineer {i}") for i in range(10)]
    waves = [
        [job_event(f"w{w}-{i}", at=100 + 10 * w + i, title=f"Welder {w}.{i}") for i in range(5)]
        for w in range(4)
    ]
    with embedding_server() as server:
        s = http_settings(
            settings,
            server.url,
            embedder_outage_policy="defer",
            embedder_timeout_s=4.0,
            embedder_wait_s=0.5,
            embedder_circuit_cooldown_s=1.0,
        )
        async with running_worker(s) as runtime:
            await produce(s.require_kafka(), s.topic, [wire(e) for e in healthy])
            await wait_committed(s)
            server.hang_s = 600.0
            took = []
            for wave in waves:
                started = time.monotonic()
                await produce(s.require_kafka(), s.topic, [wire(e) for e in wave])
                await wait_committed(s, timeout_s=30)
                took.append(time.monotonic() - started)
                await asyncio.sleep(1.2)  # past the cooldown: a probe may go out meanwhile
            requests_during_the_hang = server.requests
            assert max(took) < 3.5, took  # never a request timeout (4 s), let alone retries
            assert _batches_slower_than(runtime, 2.5) == 0
            assert await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NULL") == 20
            assert runtime.embedder.breaker.open  # type: ignore[attr-defined]
            assert (await runtime.readiness())["embedder"].startswith("circuit open for ")
            server.hang_s = 0.0

            async def all_embedded() -> bool:
                return not await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NULL")

            await wait_until(all_embedded, timeout_s=30, what="the pending rows filled")
            await wait_until(lambda: _gauge(runtime, 0), what="pending gauge = 0")
    assert requests_during_the_hang > 1  # the first batch's request, then the backfill's probes
    await register_vector(db)
    rows = await db.fetch(
        "SELECT title, company, location, remote, tags, description, embedding FROM jobs"
    )
    assert len(rows) == 30
    for row in rows:
        text = embedding_text(SimpleNamespace(**dict(row)), s.embedder_max_chars)
        assert np.allclose(row["embedding"].to_numpy(), vector_for(text, 16), atol=1e-6)
    warnings = [r.getMessage() for r in caplog.records if r.name == "jobingest.embedder"]
    assert len(warnings) == 2, warnings
    assert "circuit open (no answer within 0.5s" in warnings[0]
    assert "circuit closed after" in warnings[1]
    assert "20 rows stored with the embedding pending" in warnings[1]
