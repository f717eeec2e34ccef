"""Helpers shared by the tests: workers (in-process and subprocess), raw Kafka I/O, waits."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from asyncpg.transaction import Transaction

from worker.app import build_app
from worker.kafka_client import KafkaTarget, connection
from worker.metrics import OUTCOMES
from worker.runtime import WorkerRuntime
from worker.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


async def wait_until(
    predicate: Callable[[], Awaitable[bool]],
    timeout_s: float = 60,
    interval_s: float = 0.2,
    what: str = "condition",
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")


def counted(counter: Any, **labels: str) -> float:
    """A labelled counter's total over the samples carrying these labels."""
    return sum(
        sample.value
        for family in counter.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
        and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def outcome_count(runtime: Any, outcome: str) -> float:
    """How many events an in-process worker counted with this final outcome."""
    return counted(runtime.metrics.events, outcome=outcome)


def handled(runtime: Any) -> float:
    return sum(outcome_count(runtime, o) for o in OUTCOMES)


async def handled_at_least(runtime: Any, n: int) -> bool:
    return handled(runtime) >= n


async def wait_committed(
    settings: Settings, group: str | None = None, timeout_s: float = 60
) -> None:
    """Until the group's committed offsets reach the end of every partition of the topic."""
    group = group or settings.group_id
    await wait_until(
        lambda: all_committed(settings.require_kafka(), group, settings.topic),
        timeout_s=timeout_s, interval_s=0.5, what=f"{group} committed to the end",
    )  # fmt: skip


@asynccontextmanager
async def running_worker(settings: Settings) -> AsyncIterator[WorkerRuntime]:
    """A worker in this process and event loop: the real app, minus the HTTP server."""
    app, runtime = build_app(settings)
    await runtime.prepare()
    await app.start()
    try:
        yield runtime
    finally:
        await app.stop()


async def produce(
    servers: KafkaTarget,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]],
) -> int:
    """Raw records (key, value, headers), bypassing the publisher's validation."""
    producer = connection(servers).producer(acks="all", linger_ms=5)
    await producer.start()
    count = 0
    try:
        futures = []
        for key, value, headers in records:
            futures.append(
                await producer.send(topic, value=value, key=key, headers=headers or None)
            )
            count += 1
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return count


def keyed(line: str) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """A raw JSON line keyed as the contract wants, or unkeyed when it is not parseable."""
    try:
        data = json.loads(line)
        key = f"{data['source']}:{data['job']['external_id']}".encode()
    except (ValueError, KeyError, TypeError):
        key = None
    return key, line.encode(), []


async def read_all(servers: KafkaTarget, topic: str, timeout_s: float = 10) -> list[Any]:
    """Every record currently in `topic`, read without a consumer group."""
    consumer = connection(servers).consumer(enable_auto_commit=False)
    await consumer.start()
    records: list[Any] = []
    try:
        tps = await _partitions_of(consumer, topic)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all([await consumer.position(tp) >= end for tp, end in ends.items()]):
                break
            batch = await consumer.getmany(timeout_ms=500)
            for recs in batch.values():
                records.extend(recs)
    finally:
        await consumer.stop()
    return records


async def committed_and_end(
    servers: KafkaTarget, group: str, topic: str
) -> tuple[dict[int, int], dict[int, int]]:
    admin = connection(servers).admin()
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    committed = {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
    consumer = connection(servers).consumer()
    await consumer.start()
    try:
        tps = await _partitions_of(consumer, topic)
        ends = {tp.partition: off for tp, off in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()
    return committed, ends


async def _partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    await consumer._client.force_metadata_update()
    parts = consumer._client.cluster.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in parts]


async def all_committed(servers: str, group: str, topic: str) -> bool:
    committed, ends = await committed_and_end(servers, group, topic)
    return all(committed.get(p, 0) >= end for p, end in ends.items())


@dataclass
class WorkerProcess:
    """`jobingest worker` as a child process, for kills and restarts."""

    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "worker"],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        return self

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout_s: float = 60) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout_s)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait(10)


async def hold_writes(database_url: str) -> tuple[asyncpg.Connection, Transaction]:
    """A connection and an open transaction holding the row every batch's write locks first:
    while it is open, batches wait in their transaction. Roll it back to let them go."""
    conn = await asyncpg.connect(database_url)
    tx = conn.transaction()
    await tx.start()
    await conn.execute("SELECT 1 FROM jobingest_meta WHERE key = 'embedding_model' FOR UPDATE")
    return conn, tx


async def is_true(value: bool) -> bool:
    """For wait_until over a value computed synchronously."""
    return value
