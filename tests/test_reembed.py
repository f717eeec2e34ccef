"""`jobingest reembed`: a new model's vectors backfilled while ingestion runs, then one switch."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import asyncpg
import numpy as np

from tests.events import job_event, wire
from tests.support import handled_at_least, produce, running_worker, wait_until
from worker.embedders.hash import HashEmbedder
from worker.ops.reembed import pending_count, reembed
from worker.read import SearchFilters, search_jobs
from worker.runtime import TABLE_MODEL_INTERVAL_S
from worker.settings import Settings
from worker.store import create_pool
from worker.text import embedding_text


async def test_reembed_is_resumable_follows_ingestion_and_switches_in_one_step(
    settings: Settings, db: asyncpg.Connection
) -> None:
    new = HashEmbedder("hash-v2", 128)
    events = [job_event(f"j{i}", at=i, title=f"Engineer {i}") for i in range(60)]
    await produce(settings.require_kafka(), settings.topic, [wire(e) for e in events])
    pool = await create_pool(settings.require_database(), 1)
    try:
        async with running_worker(settings) as runtime:
            await wait_until(lambda: handled_at_least(runtime, 60), what="first wave")
            async with pool.acquire() as conn:
                partial = await reembed(conn, new, 2000, batch=20, max_batches=1)  # interrupted
                assert partial.old_column is None and partial.embedded == 20
                assert await pending_count(conn) == 40
            changed = [
                job_event(f"j{i}", "job.updated", at=100 + i, title=f"Senior Engineer {i}")
                for i in range(5)
            ]
            await produce(settings.require_kafka(), settings.topic, [wire(e) for e in changed])
            await wait_until(
                lambda: handled_at_least(runtime, 65), what="updates during the backfill"
            )
            async with pool.acquire() as conn:
                report = await reembed(conn, new, 2000, batch=20)  # resumes, then switches
            assert report.old_column == "embedding_hash_v1"
            assert report.settings == (
                "JOBINGEST_EMBEDDER=hash JOBINGEST_EMBEDDER_MODEL=hash-v2 JOBINGEST_EMBEDDER_DIMS=128"
            )
            started = time.monotonic()  # idle: no event reaches the worker
            await wait_until(lambda: _paused(runtime), timeout_s=15, what="idle worker unready")
            assert time.monotonic() - started <= TABLE_MODEL_INTERVAL_S + 2
            state = (await runtime.readiness())["ingestion"]
            assert "holds hash-v2 vectors (128 dims)" in state
            assert f"set {report.settings}" in state
            assert runtime.metrics.ingestion_paused._value.get() == 1
            await produce(
                settings.require_kafka(), settings.topic, [wire(job_event("late", at=500))]
            )
            await asyncio.sleep(1)
            assert await _paused(runtime)  # and writes nothing (60 rows below)
    finally:
        await pool.close()
    from pgvector.asyncpg import register_vector

    await register_vector(db)
    meta = dict(await db.fetch("SELECT key, value FROM jobingest_meta"))
    assert (meta["embedding_model"], meta["embedding_dims"]) == ("hash-v2", "128")
    rows = await db.fetch(
        "SELECT title, company, location, remote, tags, description, embedding, embedding_model FROM jobs"
    )
    assert len(rows) == 60
    for row in rows:
        text = embedding_text(SimpleNamespace(**dict(row)), 2000)
        assert row["embedding_model"] == "hash-v2"
        assert np.allclose(row["embedding"].to_numpy(), (await new.embed_documents([text]))[0])
    assert await db.fetchval("SELECT count(embedding_hash_v1) FROM jobs") == 60  # old vectors kept
    found = await search_jobs(db, new, "Senior Engineer 3", SearchFilters(), limit=1)
    assert len(found) == 1  # the new column and its index answer queries of the new model


async def _paused(runtime: object) -> bool:
    checks = await runtime.readiness()  # type: ignore[attr-defined]
    return bool(checks["ingestion"].startswith("paused"))
