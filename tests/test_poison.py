"""Nothing stops the stream: records that cannot be stored go to the DLQ with the reason,
everything else lands, offsets reach the end, the worker stays up. Real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from tests.embedding_server import embedding_server
from tests.events import job_event, wire
from tests.support import (
    ROOT,
    handled_at_least,
    outcome_count,
    produce,
    read_all,
    running_worker,
    wait_committed,
    wait_until,
)
from worker.dead_letters import TRUNCATED_HEADER
from worker.kafka_admin import KafkaAdmin
from worker.migrations import ensure_operator_tables, migrate
from worker.ops.dlq import describe, read_letters, redrive
from worker.settings import Settings
from worker.store import database_url_for
from worker.topics import ensure_event_topics

DLQ_HEADERS = {
    "dlq.error.class", "dlq.error.message", "dlq.original.topic", "dlq.original.partition",
    "dlq.original.offset", "dlq.original.timestamp", "dlq.failed.at", "dlq.worker.version",
}  # fmt: skip

REJECT_TRIGGER = """
CREATE FUNCTION reject_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.external_id LIKE {pattern} THEN
    RAISE EXCEPTION 'test trigger refuses %', NEW.external_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER reject_one BEFORE INSERT OR UPDATE ON jobs
  FOR EACH ROW EXECUTE FUNCTION reject_one();
"""


def raw_event(external_id: str, **changes: object) -> dict:
    event = job_event(external_id)
    for path, value in changes.items():
        target = event
        *parents, leaf = path.split("__")
        for part in parents:
            target = target[part]
        target[leaf] = value
    return event


def letters_by_key(records: list) -> dict[bytes | None, object]:
    return {r.key: r for r in records}


async def test_poison_records_are_isolated_and_everything_else_lands(
    settings: Settings, db: asyncpg.Connection
) -> None:
    await migrate(db, "hash-v1", 384)
    await db.execute(REJECT_TRIGGER.format(pattern="'reject-me%'"))
    good = [job_event(f"job-{i}", at=i, title=f"Engineer {i}") for i in range(40)]
    poison: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]] = [
        (b"greenhouse:nul-id", json.dumps(job_event("nul\x00id")).encode(), []),
        wire(raw_event("gone", type="job.removed", occurred_at="0001-01-01T00:00:00+01:00")),
        wire(raw_event("far", job__posted_at="9999-12-31T23:59:59-01:00")),
        (b"greenhouse:deep", b"[" * 5000 + b"]" * 5000, []),
        (b"greenhouse:surrogate", b'{"event_id": "\\ud800"}', []),
        (b"greenhouse:tombstone", None, [("origin", b"scraper-7")]),
        wire(job_event("reject-me", at=3)),
    ]
    cleaned = job_event("nul-text", title="Data\x00 Engineer", description="<p>\x00ok</p>")
    records = [wire(e) for e in good[:20]] + poison + [wire(cleaned)] + [wire(e) for e in good[20:]]
    await produce(settings.require_kafka(), settings.topic, records)

    started = time.monotonic()
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, len(records)), what="all handled")
        await wait_committed(settings, timeout_s=60)
        elapsed = time.monotonic() - started
        consume = runtime._tasks[0]
        assert not consume.done(), "the consumer loop must still run"
        assert (await runtime.readiness())["ingestion"] == "ok"
    assert elapsed < 45, f"isolation held the partitions for {elapsed:.0f}s"

    rows = {r["external_id"]: r for r in await db.fetch("SELECT * FROM jobs")}
    assert set(rows) == {f"job-{i}" for i in range(40)} | {"nul-text"}
    assert rows["nul-text"]["title"] == "Data Engineer"
    assert rows["nul-text"]["description"] == "<p>ok</p>"
    assert outcome_count(runtime, "dead_lettered") == len(poison)

    letters = letters_by_key(await read_all(settings.require_kafka(), settings.dlq_topic))
    classes = {key: dict(r.headers)["dlq.error.class"].decode() for key, r in letters.items()}
    assert classes == {
        b"greenhouse:nul-id": "ContractViolation",
        b"greenhouse:gone": "ContractViolation",
        b"greenhouse:far": "ContractViolation",
        b"greenhouse:deep": "InvalidJson",
        b"greenhouse:surrogate": "InvalidJson",
        b"greenhouse:tombstone": "EmptyValue",
        b"greenhouse:reject-me": "RaiseError",
    }
    for letter in letters.values():
        assert {name for name, _ in letter.headers} >= DLQ_HEADERS
    reject = dict(letters[b"greenhouse:reject-me"].headers)
    assert b"test trigger refuses reject-me" in reject["dlq.error.message"]
    assert (
        b"out of range once normalised to UTC"
        in dict(letters[b"greenhouse:gone"].headers)["dlq.error.message"]
    )
    tombstone = letters[b"greenhouse:tombstone"]
    assert tombstone.value is None  # a null value stays null
    assert dict(tombstone.headers)["origin"] == b"scraper-7"  # original headers kept


async def test_when_every_record_fails_the_same_way_nothing_is_dead_lettered(
    settings: Settings, db: asyncpg.Connection
) -> None:
    await migrate(db, "hash-v1", 384)
    await db.execute(REJECT_TRIGGER.format(pattern="'%'"))  # the database refuses everything
    events = [job_event(f"job-{i}", at=i) for i in range(12)]
    await produce(settings.require_kafka(), settings.topic, [wire(e) for e in events])
    s = settings.model_copy(update={"max_batch_attempts": 2, "retry_max_s": 0.5})
    async with running_worker(s) as runtime:

        async def paused() -> bool:
            return (await runtime.readiness())["ingestion"].startswith("paused")

        await wait_until(paused, timeout_s=60, what="ingestion paused")
        assert "every record of the batch fails" in (await runtime.readiness())["ingestion"]
        await db.execute("DROP TRIGGER reject_one ON jobs")  # the outage ends
        await wait_until(lambda: handled_at_least(runtime, 12), what="all handled")
        await wait_committed(s)
        assert (await runtime.readiness())["ingestion"] == "ok"
    assert await db.fetchval("SELECT count(*) FROM jobs") == 12
    assert await read_all(s.require_kafka(), s.dlq_topic, timeout_s=3) == []


async def produce_large(servers: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=servers, acks="all", max_request_size=12 * 1024 * 1024
    )
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


def oversized(size: int) -> bytes:
    """An invalid event (description over the contract's limit) of exactly `size` bytes."""
    event = job_event("huge", description="")
    body = json.dumps(event).encode()
    return json.dumps(job_event("huge", description="x" * (size - len(body)))).encode()


async def test_a_letter_too_large_for_the_dlq_goes_out_truncated_and_redrives(
    settings: Settings, database: str
) -> None:
    value = oversized(1_048_450)  # fits the events topic; plus dlq.* headers, not the DLQ
    assert len(value) == 1_048_450
    servers = settings.require_kafka()
    await produce_large(servers, settings.topic, [(b"greenhouse:huge", value)])
    await produce(servers, settings.topic, [wire(job_event(f"ok-{i}", at=i)) for i in range(8)])
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 9), what="all handled")
        await wait_committed(settings)
    letters = await read_all(servers, settings.dlq_topic)
    assert len(letters) == 1
    letter = letters[0]
    headers = dict(letter.headers)
    assert headers[TRUNCATED_HEADER] == b"true"
    assert headers["dlq.error.class"] == b"ContractViolation"
    assert int(headers["dlq.original.size"]) == len(value)
    assert letter.key == b"greenhouse:huge"
    assert set(headers) >= DLQ_HEADERS
    assert len(letter.value) < len(value) and value.startswith(letter.value)
    shown = describe(letter)
    assert shown["truncated"]["original_size"] == len(value)

    conn = await asyncpg.connect(database)
    try:
        await ensure_operator_tables(conn)
        async with KafkaAdmin(servers) as admin:
            found = await read_letters(admin, settings.dlq_topic)
        refused = await redrive(servers, conn, settings.dlq_topic, found)
        assert refused.refused == {"ContractViolation": ["0:0"]}  # the same bytes fail again
        # forced: the original's bytes are re-read from the source topic, not the prefix
        report = await redrive(servers, conn, settings.dlq_topic, found, force=True)
    finally:
        await conn.close()
    assert len(report.sent) == 1 and not report.unrecoverable
    again = [r for r in await read_all(servers, settings.topic) if r.key == b"greenhouse:huge"]
    assert [r.value for r in again] == [value, value]  # the original bytes, not the prefix


async def test_large_topics_get_a_dlq_that_takes_their_records_whole(
    settings: Settings, kafka: str
) -> None:
    topic = f"jobs.big.{uuid.uuid4().hex[:8]}"
    await ensure_event_topics(kafka, topic, 2, source_configs={"max.message.bytes": "10485760"})
    s = settings.model_copy(update={"topic": topic, "group_id": f"g-{topic}"})
    value = oversized(5_000_000)
    await produce_large(kafka, topic, [(b"greenhouse:huge", value)])
    await produce(kafka, topic, [wire(job_event(f"ok-{i}", at=i)) for i in range(4)])
    async with running_worker(s) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 5), what="all handled")
        await wait_committed(s)
    letters = await read_all(kafka, s.dlq_topic)
    assert len(letters) == 1 and letters[0].value == value
    assert TRUNCATED_HEADER not in dict(letters[0].headers)


async def test_a_rejected_embedder_key_pauses_without_dead_letters_and_resumes(
    settings: Settings, db: asyncpg.Connection
) -> None:
    events = [job_event(f"job-{i}", at=i) for i in range(10)]
    with embedding_server(api_key="the-right-key") as server:
        s = settings.model_copy(
            update={
                "embedder": "openai", "embedder_url": server.url, "embedder_model": "m",
                "embedder_dims": 16, "embedder_api_key": SecretStr("a-revoked-key"),
                "retry_max_s": 0.5,
            }
        )  # fmt: skip
        await produce(s.require_kafka(), s.topic, [wire(e) for e in events])
        async with running_worker(s) as runtime:

            async def paused() -> bool:
                return (await runtime.readiness())["ingestion"].startswith("paused")

            await wait_until(paused, timeout_s=30, what="ingestion paused")
            state = (await runtime.readiness())["ingestion"]
            assert "openai embedder" in state and "401" in state
            assert "JOBINGEST_EMBEDDER_API_KEY" in state
            assert await db.fetchval("SELECT count(*) FROM jobs") == 0
            server.api_key = "a-revoked-key"  # the key works again (rotated on the server)
            await wait_until(lambda: handled_at_least(runtime, 10), what="all handled")
            await wait_committed(s)
            assert (await runtime.readiness())["ingestion"] == "ok"
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE embedding IS NOT NULL") == 10
    assert await read_all(s.require_kafka(), s.dlq_topic, timeout_s=3) == []


@pytest.mark.parametrize(
    "url_change, expected",
    [
        (lambda url: database_url_for(url, "no_such_database"), "DATABASE_URL"),
        (lambda url: url.replace("://", "://nobody_here:s3cret-pw@", 1), "DATABASE_URL"),
        (lambda url: "postgresql://u:s3cret-pw@localhost:abc/db", "DATABASE_URL"),
        (lambda url: "postgresql://u:s3cret-pw@localhost/db?sslmode=bogus", "DATABASE_URL"),
    ],
)
async def test_configuration_mistakes_exit_2_with_one_line(
    worker_env: dict[str, str], url_change: object, expected: str
) -> None:
    env = dict(worker_env)
    original = env["DATABASE_URL"]
    if "@" in original:  # credentials in the URL already: swap them
        scheme, rest = original.split("://", 1)
        original = f"{scheme}://{rest.split('@', 1)[1]}"
    env["DATABASE_URL"] = url_change(original)  # type: ignore[operator]
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "worker"],
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert expected in lines[0] and "Traceback" not in proc.stderr
    assert "s3cret-pw" not in proc.stderr + proc.stdout
