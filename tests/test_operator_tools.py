"""`jobingest status`, `replay` and `dlq` against real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import asyncpg
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

from tests.embedding_server import embedding_server
from tests.events import job_event, wire
from tests.support import (
    ROOT,
    committed_and_end,
    handled_at_least,
    produce,
    running_worker,
    wait_committed,
    wait_until,
)
from worker.settings import Settings


async def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": settings.require_kafka(),
           "DATABASE_URL": settings.require_database(), "JOBINGEST_TOPIC": settings.topic,
           "JOBINGEST_GROUP_ID": settings.group_id, "COLUMNS": "200"}  # fmt: skip
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "cli", *args],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip


async def ingest_all(settings: Settings, n: int) -> object:
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, n), what=f"{n} events handled")
        await wait_committed(settings)
    return runtime


async def committed_total(settings: Settings) -> int:
    committed, _ = await committed_and_end(
        settings.require_kafka(), settings.group_id, settings.topic
    )
    return sum(committed.values())


async def test_status_reports_lag_members_dlq_and_rows(settings: Settings) -> None:
    await produce(settings.require_kafka(), settings.topic,
                  [wire(job_event(f"j{i}", at=i)) for i in range(12)] + [(b"k", b"{bad", [])])  # fmt: skip
    await ingest_all(settings, 13)
    await produce(
        settings.require_kafka(),
        settings.topic,
        [wire(job_event(f"late{i}", at=i)) for i in range(5)],
    )
    result = await cli(settings, "status", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total_lag"] == 5
    assert report["dlq_depth"] == 1
    assert report["group_state"] == "Empty"
    assert report["database"]["active"] == 12
    assert report["database"]["embedding_model"] == "hash-v1"
    table = await cli(settings, "status")
    assert "total lag: 5" in table.stdout


async def test_replay_from_beginning_changes_nothing_and_embeds_nothing(
    settings: Settings, db: asyncpg.Connection
) -> None:
    await produce(
        settings.require_kafka(),
        settings.topic,
        [wire(job_event(f"j{i}", at=i)) for i in range(40)],
    )
    await ingest_all(settings, 40)
    before = await db.fetch("SELECT * FROM jobs ORDER BY external_id")
    result = await cli(settings, "replay", "--from-beginning", "--yes")
    assert result.returncode == 0, result.stderr
    assert "40 events will be re-read" in result.stdout
    assert await committed_total(settings) == 0
    runtime = await ingest_all(settings, 40)
    assert runtime.embedder.texts_embedded == 0  # type: ignore[attr-defined]
    assert await db.fetch("SELECT * FROM jobs ORDER BY external_id") == before


async def test_replay_to_a_datetime_and_by_shift(settings: Settings) -> None:
    await produce(
        settings.require_kafka(),
        settings.topic,
        [wire(job_event(f"a{i}", at=i)) for i in range(20)],
    )
    await asyncio.sleep(1.5)
    middle = datetime.now(UTC)
    await asyncio.sleep(0.5)
    await produce(
        settings.require_kafka(), settings.topic, [wire(job_event(f"b{i}", at=i)) for i in range(7)]
    )
    await ingest_all(settings, 27)
    result = await cli(settings, "replay", "--to-datetime", middle.isoformat(), "--yes")
    assert result.returncode == 0, result.stderr
    assert "7 events will be re-read" in result.stdout
    assert await committed_total(settings) == 20
    await ingest_all(settings, 7)
    shifted = await cli(settings, "replay", "--shift-by", "-2", "--partition", "0", "--yes")
    assert shifted.returncode == 0, shifted.stderr
    assert "2 events will be re-read" in shifted.stdout
    assert await committed_total(settings) == 25


async def test_replay_dry_run_plans_while_workers_run_and_only_the_real_one_waits(
    settings: Settings,
) -> None:
    await produce(
        settings.require_kafka(),
        settings.topic,
        [wire(job_event(f"j{i}", at=i)) for i in range(10)] + [(b"k", b"{bad", [])],
    )
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 11), what="handled")
        await wait_committed(settings)
        await produce(settings.require_kafka(), settings.topic, [wire(job_event("new", at=1))])
        await wait_committed(settings)
        dry = await cli(settings, "replay", "--from-beginning", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "12 events will be re-read" in dry.stdout
        # what the workers would do with them: the ledger holds every applied key
        assert "of 12: 0 would be applied again" in dry.stdout
        assert "11 already applied" in dry.stdout
        assert "1 would be dead-lettered again (InvalidJson 1)" in dry.stdout
        assert "has 1 active member(s)" in dry.stdout and "Stop its workers first" in dry.stdout
        assert "dry run: nothing changed" in dry.stdout
        reapply = await cli(settings, "replay", "--from-beginning", "--dry-run", "--reapply")
        assert "11 would be applied again" in reapply.stdout, reapply.stdout
        refused = await cli(settings, "replay", "--from-beginning", "--yes")
        assert refused.returncode == 1
        assert "Stop its workers first" in refused.stderr and "kubectl scale" in refused.stderr
        assert await committed_total(settings) == 12
    dry = await cli(settings, "replay", "--from-beginning", "--dry-run")
    assert dry.returncode == 0 and "dry run: nothing changed" in dry.stdout
    assert "active member" not in dry.stdout
    assert await committed_total(settings) == 12


async def test_replay_rejects_unknown_group_topic_and_lost_history(settings: Settings) -> None:
    unknown_topic = await cli(
        settings, "replay", "--from-beginning", "--yes", "--topic", "no.such.topic"
    )
    assert unknown_topic.returncode == 1 and "unknown topic" in unknown_topic.stderr
    unknown_group = await cli(settings, "replay", "--from-beginning", "--yes", "--group", "nobody")
    assert unknown_group.returncode == 1 and "unknown consumer group" in unknown_group.stderr

    await produce(
        settings.require_kafka(),
        settings.topic,
        [wire(job_event(f"j{i}", at=i)) for i in range(20)],
    )
    await ingest_all(settings, 20)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.require_kafka())
    await admin.start()
    try:  # retention deleted the first records of every partition
        _, ends = await committed_and_end(
            settings.require_kafka(), settings.group_id, settings.topic
        )
        await admin.delete_records(
            {
                TopicPartition(settings.topic, p): RecordsToDelete(before_offset=min(end, 1))
                for p, end in ends.items()
            }
        )
    finally:
        await admin.close()
    too_early = await cli(settings, "replay", "--to-datetime", "2000-01-01T00:00:00+00:00", "--yes")
    assert too_early.returncode == 1
    assert "before the earliest retained event" in too_early.stderr
    assert await committed_total(settings) == 20


async def test_reapply_repairs_a_corrupted_row_under_the_ordering_guard(
    settings: Settings, db: asyncpg.Connection
) -> None:
    newest = job_event("j1", "job.updated", at=100, title="Correct Title")
    older = job_event("j1", "job.updated", at=50, title="Older Title")
    await produce(
        settings.require_kafka(),
        settings.topic,
        [wire(newest), wire(older), wire(job_event("j2", at=1))],
    )
    await ingest_all(settings, 3)
    await db.execute("UPDATE jobs SET title = 'CORRUPTED', salary_max = 1 WHERE external_id = 'j1'")
    plain = await cli(settings, "replay", "--from-beginning", "--yes")
    assert plain.returncode == 0, plain.stderr
    await ingest_all(settings, 3)
    assert (
        await db.fetchval("SELECT title FROM jobs WHERE external_id = 'j1'") == "CORRUPTED"
    )  # the ledger skips

    result = await cli(settings, "replay", "--from-beginning", "--reapply", "--yes")
    assert result.returncode == 0, result.stderr
    await ingest_all(settings, 3)
    row = await db.fetchrow("SELECT title, salary_max FROM jobs WHERE external_id = 'j1'")
    assert row["title"] == "Correct Title"  # newest wins again; the older event stays stale
    assert row["salary_max"] == 90000


async def test_dead_letter_from_a_rejecting_embedder_is_redriven_once_after_the_fix(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"j{i}", at=i, title=f"Engineer {i}") for i in range(5)]
    events.append(job_event("j-bad", at=9, title="Contains SECRET"))
    with embedding_server(reject_containing="SECRET") as server:
        s = settings.model_copy(update={"embedder": "openai", "embedder_url": server.url,
                                        "embedder_model": "m", "embedder_dims": 16})  # fmt: skip
        await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
        await ingest_all(s, 6)
        assert await db.fetchval("SELECT count(*) FROM jobs") == 5

        listed = await cli(s, "dlq", "list", "--json")
        assert json.loads(listed.stdout)[0]["error_class"] == "EmbedderRejected"
        where = json.loads(listed.stdout)[0]["first"]
        shown = await cli(s, "dlq", "show", where)
        assert shown.returncode == 0 and json.loads(shown.stdout)["key"] == "greenhouse:j-bad"

        server.reject_containing = None  # the embedder is fixed
        first = await cli(s, "dlq", "redrive", "--error-class", "EmbedderRejected")
        assert first.returncode == 0, first.stderr
        assert "redriven: 1;" in first.stdout
        second = await cli(s, "dlq", "redrive", "--error-class", "EmbedderRejected")
        assert "redriven: 0; already redriven (use --force): 1" in second.stdout
        _, ends = await committed_and_end(s.require_kafka(), s.group_id, s.topic)
        assert sum(ends.values()) == 7  # six originals, one redrive
        await ingest_all(s, 1)
    assert (
        await db.fetchval("SELECT title FROM jobs WHERE external_id = 'j-bad'") == "Contains SECRET"
    )
