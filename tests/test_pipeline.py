"""The worker pipeline end to end: Kafka in, rows in PostgreSQL, offsets committed after."""

from __future__ import annotations

import asyncio
import json
import logging

import asyncpg
import pytest

from tests.events import job_event, wire
from tests.support import (
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


async def ingest(settings: Settings, events: list[dict], raw: list[tuple] | None = None) -> object:
    """Produce, run a worker until every record is handled and committed, return its runtime."""
    records = [wire(e) for e in events] + list(raw or [])
    await produce(settings.require_kafka(), settings.topic, records)
    async with running_worker(settings) as runtime:
        await wait_until(
            lambda: handled_at_least(runtime, len(records)), what="all records handled"
        )
        await wait_committed(settings)
    return runtime


async def test_happy_path_lands_rows_with_vectors(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i, title=f"Engineer {i}") for i in range(50)]
    runtime = await ingest(settings, events)
    rows = await db.fetch(
        "SELECT external_id, title, embedding, deleted_at FROM jobs ORDER BY external_id"
    )
    assert len(rows) == 50
    assert all(r["embedding"] is not None and r["deleted_at"] is None for r in rows)
    assert {r["title"] for r in rows} == {f"Engineer {i}" for i in range(50)}
    assert outcome_count(runtime, "upserted") == 50


async def test_duplicates_are_applied_once(settings: Settings, db: asyncpg.Connection) -> None:
    first = job_event("job-1", key="k-1")
    dup_same_batch = dict(first)
    derived = job_event("job-2", at=1)
    runtime = await ingest(settings, [first, dup_same_batch, derived, derived])
    assert outcome_count(runtime, "duplicate") == 2
    assert outcome_count(runtime, "upserted") == 2
    assert await db.fetchval("SELECT count(*) FROM jobingest_ledger") == 2


async def test_replaying_the_same_events_changes_nothing_and_embeds_nothing(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i) for i in range(20)]
    await ingest(settings, events)
    before = await db.fetch("SELECT * FROM jobs ORDER BY external_id")
    replay = settings.model_copy(update={"group_id": settings.group_id + "-replay"})
    async with running_worker(replay) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 20), what="replay handled")
        embedded = runtime.embedder.texts_embedded  # type: ignore[union-attr]
    after = await db.fetch("SELECT * FROM jobs ORDER BY external_id")
    assert after == before
    assert outcome_count(runtime, "duplicate") == 20
    assert embedded == 0


async def test_out_of_order_update_is_stale(settings: Settings, db: asyncpg.Connection) -> None:
    newer = job_event("job-1", "job.updated", at=100, salary_max=120000)
    older = job_event("job-1", "job.updated", at=50, salary_max=95000)
    await ingest(settings, [newer])
    runtime = await ingest(settings.model_copy(update={"group_id": "other"}), [older])
    assert outcome_count(runtime, "stale") >= 1
    assert await db.fetchval("SELECT salary_max FROM jobs") == 120000


async def test_removal_then_stale_update_stays_removed_and_newer_post_resurrects(
    settings: Settings, db: asyncpg.Connection
) -> None:
    posted = job_event("job-1", at=0)
    removed = job_event("job-1", "job.removed", at=10)
    stale_update = job_event("job-1", "job.updated", at=5, title="Should not come back")
    await ingest(settings, [posted])
    await ingest(settings, [removed, stale_update])
    row = await db.fetchrow("SELECT title, deleted_at FROM jobs")
    assert row["deleted_at"] is not None
    assert row["title"] == "Senior Python Backend Engineer"

    reposted = job_event("job-1", at=20, title="Reposted Engineer")
    await ingest(settings, [reposted])
    row = await db.fetchrow("SELECT title, deleted_at FROM jobs")
    assert row["deleted_at"] is None
    assert row["title"] == "Reposted Engineer"


async def test_salary_only_update_keeps_the_vector_without_embedding(
    settings: Settings, db: asyncpg.Connection
) -> None:
    await ingest(settings, [job_event("job-1", at=0)])
    vector_before = await db.fetchval("SELECT embedding::text FROM jobs")
    async with running_worker(settings) as runtime:
        await produce(settings.require_kafka(), settings.topic,
                      [wire(job_event("job-1", "job.updated", at=10, salary_max=150000))])  # fmt: skip
        await wait_until(lambda: handled_at_least(runtime, 1), what="update handled")
        assert runtime.embedder.texts_embedded == 0  # type: ignore[union-attr]
    row = await db.fetchrow("SELECT salary_max, embedding::text AS e FROM jobs")
    assert row["salary_max"] == 150000
    assert row["e"] == vector_before


async def test_poison_events_go_to_the_dlq_with_headers_and_the_partition_moves_on(
    settings: Settings, db: asyncpg.Connection
) -> None:
    valid = [job_event(f"job-{i}", at=i) for i in range(10)]
    bad_schema = job_event("job-x", schema_version=2)
    bad_schema["schema_version"] = 2
    poison = [
        (b"greenhouse:job-a", b"\xff\xfe not utf8", [("trace-id", b"abc")]),
        (b"greenhouse:job-b", b"{not json", []),
        (
            b"greenhouse:job-c",
            json.dumps({**job_event("job-c"), "type": "job.archived"}).encode(),
            [],
        ),
        (b"greenhouse:job-x", json.dumps(bad_schema).encode(), []),
        (b"greenhouse:job-d", json.dumps(job_event("job-d", title="")).encode(), []),
    ]
    runtime = await ingest(settings, valid, poison)
    assert await db.fetchval("SELECT count(*) FROM jobs") == 10
    assert outcome_count(runtime, "dead_lettered") == 5
    letters = await read_all(settings.require_kafka(), settings.dlq_topic)
    assert len(letters) == 5
    by_key = {r.key: r for r in letters}
    headers = {k: v.decode() for k, v in by_key[b"greenhouse:job-a"].headers}
    assert by_key[b"greenhouse:job-a"].value == b"\xff\xfe not utf8"
    assert headers["trace-id"] == "abc"
    assert headers["dlq.error.class"] == "UndecodableBytes"
    assert headers["dlq.original.topic"] == settings.topic
    for name in ("dlq.error.message", "dlq.original.partition", "dlq.original.offset",
                 "dlq.original.timestamp", "dlq.failed.at", "dlq.worker.version"):  # fmt: skip
        assert headers[name], name
    classes = {r.key: dict(r.headers)["dlq.error.class"].decode() for r in letters}
    assert classes[b"greenhouse:job-b"] == "InvalidJson"
    assert classes[b"greenhouse:job-c"] == "UnknownEventType"
    assert classes[b"greenhouse:job-x"] == "UnsupportedSchemaVersion"
    assert classes[b"greenhouse:job-d"] == "ContractViolation"
    assert "title" in dict(by_key[b"greenhouse:job-d"].headers)["dlq.error.message"].decode()


async def test_database_connection_killed_mid_run_is_retried_without_loss(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i) for i in range(3000)]
    async with running_worker(settings.model_copy(update={"batch_max_records": 100})) as runtime:
        await produce(settings.require_kafka(), settings.topic, [wire(e) for e in events])
        killed = 0
        for _ in range(40):
            killed += await db.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if handled(runtime) >= 3000:
                break
            await asyncio.sleep(0.05)
        await wait_until(lambda: handled_at_least(runtime, 3000), what="all handled after kills")
        retries = sum(s.value for f in runtime.metrics.batch_retries.collect() for s in f.samples
                      if s.name.endswith("_total"))  # fmt: skip
    assert killed > 0
    assert retries > 0
    assert await db.fetchval("SELECT count(*) FROM jobs") == 3000
    # A batch whose COMMIT landed just before its connection died is retried, and the
    # ledger turns the retry into duplicates: applied once either way.
    assert outcome_count(runtime, "upserted") + outcome_count(runtime, "duplicate") == 3000
    assert await db.fetchval("SELECT count(*) FROM jobingest_ledger") == 3000


async def test_workers_starting_together_on_a_fresh_database_do_not_collide(database: str) -> None:
    from worker.migrations import migrate
    from worker.store import create_pool

    async def start() -> None:
        pool = await create_pool(database, 1)
        try:
            async with pool.acquire() as conn:
                await migrate(conn, "hash-v1", 384)
        finally:
            await pool.close()

    await asyncio.gather(*(start() for _ in range(6)))


async def test_a_worker_starting_beside_a_write_in_flight_waits_instead_of_deadlocking(
    database: str,
) -> None:
    """A rolling restart: one worker migrates while another is inside a write transaction
    that has read the jobs table and is about to write it."""
    from worker.migrations import migrate

    writer, starting = await asyncpg.connect(database), await asyncpg.connect(database)
    try:
        await migrate(writer, "hash-v1", 384)
        write = writer.transaction()
        await write.start()
        await writer.fetchval(  # what every write transaction does first
            "SELECT value FROM jobingest_meta WHERE key = 'embedding_model' FOR SHARE"
        )
        await writer.fetchval("SELECT count(*) FROM jobs")  # a read, as the plan does
        migrating = asyncio.create_task(migrate(starting, "hash-v1", 384))
        await asyncio.sleep(1.5)  # the migration is now waiting for what it needs
        await writer.execute("UPDATE jobs SET title = title WHERE false")  # then the write
        await write.commit()
        await asyncio.wait_for(migrating, 30)  # no deadlock, on either side
    finally:
        await writer.close()
        await starting.close()


async def test_a_batch_in_lanes_ends_in_the_newest_state_of_every_job(
    settings: Settings, db: asyncpg.Connection
) -> None:
    import random

    rnd = random.Random(5)
    events = []
    for job in range(150):
        versions = [job_event(f"p{job}", "job.updated" if v else "job.posted", at=v * 10,
                              title=f"Engineer {job} v{v}") for v in range(4)]  # fmt: skip
        rnd.shuffle(versions)  # late arrivals: the newest is not always last
        events += versions
    events.append(dict(events[0]))  # a duplicate across the batch
    runtime = await ingest(
        settings.model_copy(update={"batch_max_wait_ms": 2000, "write_lanes": 3}), events
    )
    assert await _newest_titles(db) == {f"p{job}": f"Engineer {job} v3" for job in range(150)}
    assert outcome_count(runtime, "duplicate") == 1
    assert await db.fetchval("SELECT count(*) FROM jobingest_ledger") == 600


def _ahead(runtime: object, outcome: str) -> float:
    return counted(runtime.metrics.batches_ahead, outcome=outcome)  # type: ignore[attr-defined]


def _versioned_jobs(jobs: int, prefix: str) -> list[dict]:
    """Four versions of each job, shuffled: the newest is often not the last to arrive."""
    import random

    rnd = random.Random(9)
    events = [job_event(f"{prefix}{job}", "job.updated" if v else "job.posted", at=v * 10,
                        title=f"Engineer {job} v{v}")
              for job in range(jobs) for v in range(4)]  # fmt: skip
    rnd.shuffle(events)
    return events


async def _newest_titles(db: asyncpg.Connection) -> dict[str, str]:
    return {
        r["external_id"]: r["title"] for r in await db.fetch("SELECT external_id, title FROM jobs")
    }


async def test_the_next_batch_is_fetched_while_one_waits_in_its_transaction_and_applied_after(
    settings: Settings, db: asyncpg.Connection
) -> None:
    settings = settings.model_copy(update={"batch_max_records": 40})
    events = _versioned_jobs(60, "a")  # 240 events, 6 batches or more
    async with running_worker(settings) as runtime:
        lock, tx = await hold_writes(settings.require_database())
        try:
            await produce(settings.require_kafka(), settings.topic, [wire(e) for e in events])
            await wait_until(lambda: is_true(_ahead(runtime, "fetched") >= 1), what="a batch ahead")
            assert handled(runtime) == 0  # the first batch still waits: the next one came anyway
        finally:
            await tx.rollback()
            await lock.close()
        await wait_until(lambda: handled_at_least(runtime, len(events)), what="all handled")
        await wait_committed(settings)
    assert await _newest_titles(db) == {f"a{j}": f"Engineer {j} v3" for j in range(60)}
    assert await db.fetchval("SELECT count(*) FROM jobingest_ledger") == len(events)
    assert _ahead(runtime, "applied") >= 1 and _ahead(runtime, "dropped") == 0
    assert outcome_count(runtime, "duplicate") == 0


async def test_a_batch_fetched_ahead_is_dropped_at_a_rebalance_and_read_again(
    settings: Settings, db: asyncpg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="jobingest.consumer")
    settings = settings.model_copy(update={"batch_max_records": 40})
    events = _versioned_jobs(60, "b")
    async with running_worker(settings) as first:
        lock, tx = await hold_writes(settings.require_database())
        try:
            await produce(settings.require_kafka(), settings.topic, [wire(e) for e in events])
            await wait_until(lambda: is_true(_ahead(first, "fetched") >= 1), what="a batch ahead")
            async with running_worker(settings) as second:
                # the first worker's revocation waits for its batch, held in its transaction
                await wait_until(
                    lambda: is_true("revoked mid-batch" in caplog.text),
                    what="a revocation waiting on the first worker's batch",
                )
                await tx.rollback()
                await wait_until(
                    lambda: is_true(handled(first) + handled(second) >= len(events)),
                    what="all handled",
                )
                await wait_committed(settings)
        finally:
            await lock.close()
    assert _ahead(first, "dropped") >= 1
    assert await _newest_titles(db) == {f"b{j}": f"Engineer {j} v3" for j in range(60)}
    assert await db.fetchval("SELECT count(*) FROM jobingest_ledger") == len(events)
