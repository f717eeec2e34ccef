"""`jobingest bench embedder-outage`: committed events/s before, during and after an embedder
outage, for each outage policy (pause, defer) and each kind of outage (503 to everything, a
hang longer than the request timeout, answers slower than JOBINGEST_EMBEDDER_WAIT_S).

One Apache Kafka and one PostgreSQL for the run (the project's dev stack); per scenario a fresh
topic, database and consumer group, a `jobingest worker` process embedding through the
project's OpenAI-compatible test server (``tests/embedding_server.py``, switched to the fault),
and a steady stream of sample events (posts, updates, removals, duplicates, 1 % poison).
Committed events/s is the growth of the group's committed offsets per second in each phase;
after the outage, also how long until the backlog is committed and the pending rows filled.
Run it from a checkout (the test server lives under ``tests/``).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx

from devtools.devstack import DevStack
from devtools.devstack.procs import free_port
from producers.sample import sample_lines
from worker.kafka_admin import KafkaAdmin
from worker.kafka_client import connection
from worker.store import database_url_for
from worker.topics import ensure_topics

FAULTS = ("503", "hang", "slow")
POLICIES = ("pause", "defer")
TIMEOUT_S = 5.0  # JOBINGEST_EMBEDDER_TIMEOUT_S: a hang lasts longer, a slow answer less
SLOW_S = 3.0  # a slow answer: later than JOBINGEST_EMBEDDER_WAIT_S (2 s), within the timeout


@dataclass
class Scenario:
    policy: str
    fault: str
    before: float  # committed events/s
    during: float
    after: float
    rate: float  # events/s offered
    pending_at_recovery: int  # rows stored without an embedding when the fault ended
    backlog_cleared_s: float | None  # after recovery: at most a second of events uncommitted
    vectors_filled_s: float | None  # after recovery: no row pending
    slow_batches: int  # batches that took longer than 2.5 s (fetch to commit)


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _fault(server: Any, fault: str, on: bool) -> None:
    if fault == "503":
        server.down = on
    elif fault == "hang":
        server.hang_s = 600.0 if on else 0.0
    else:
        server.latency_s = SLOW_S if on else 0.0


class _Load:
    """Sample events at a steady rate, in the background, until stopped."""

    def __init__(self, servers: str, topic: str, rate: float, seed: int) -> None:
        self.servers, self.topic, self.rate = servers, topic, rate
        self.lines = sample_lines(100_000, seed=seed, invalid_ratio=0.01)
        self.sent = 0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        producer = connection(self.servers).producer(acks="all", linger_ms=5)
        await producer.start()
        started = time.monotonic()
        try:
            while not self._stop.is_set():
                due = int((time.monotonic() - started) * self.rate)
                while self.sent < due:
                    line = next(self.lines)
                    try:
                        data = json.loads(line)
                        key = f"{data['source']}:{data['job']['external_id']}".encode()
                    except (ValueError, KeyError, TypeError):
                        key = None
                    await producer.send(self.topic, line.encode(), key=key)
                    self.sent += 1
                await asyncio.sleep(0.02)
            await producer.flush()
        finally:
            await producer.stop()

    def stop(self) -> None:
        self._stop.set()


async def _committed(admin: KafkaAdmin, group: str, topic: str) -> int:
    return sum((await admin.committed(group, topic)).values())


async def _end(admin: KafkaAdmin, topic: str) -> int:
    return sum((await admin.end_offsets(await admin.partitions(topic))).values())


async def _pending(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM jobs WHERE embedding IS NULL AND deleted_at IS NULL "
                "AND content_hash IS NOT NULL"
            )
        )
    finally:
        await conn.close()


def _slow_batches(port: int) -> int:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    count = bucket = 0.0
    for line in text.splitlines():
        if line.startswith("jobingest_batch_duration_seconds_count"):
            count = float(line.rsplit(" ", 1)[1])
        if line.startswith('jobingest_batch_duration_seconds_bucket{le="2.5"}'):
            bucket = float(line.rsplit(" ", 1)[1])
    return int(count - bucket)


async def _until(check: Callable[[], Awaitable[bool]], timeout_s: float) -> float | None:
    """Seconds until ``check()`` (awaited) is true, or None after ``timeout_s``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if await check():
            return round(time.monotonic() - started, 1)
        await asyncio.sleep(0.25)
    return None


async def run_scenario(
    stack: DevStack,
    server: Any,
    policy: str,
    fault: str,
    phases: tuple[float, float, float],
    rate: float,
    log: IO[bytes],
    worker_checkout: Path | None = None,
) -> Scenario:
    servers = stack.kafka_bootstrap_servers
    name = f"outage_{policy}_{fault}_{uuid.uuid4().hex[:6]}"
    topic, group = f"bench.{name}", f"bench-{name}"
    await ensure_topics(servers, {topic: 4, f"{topic}.dlq": 1})
    admin_conn = await asyncpg.connect(stack.database_url)
    try:
        await admin_conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin_conn.close()
    url = database_url_for(stack.database_url, name)
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "DATABASE_URL": url,
        "JOBINGEST_TOPIC": topic,
        "JOBINGEST_GROUP_ID": group,
        "JOBINGEST_HTTP_PORT": str(port),
        "JOBINGEST_EMBEDDER": "openai",
        "JOBINGEST_EMBEDDER_URL": server.url,
        "JOBINGEST_EMBEDDER_MODEL": "bench-model",
        "JOBINGEST_EMBEDDER_DIMS": "16",
        "JOBINGEST_EMBEDDER_TIMEOUT_S": str(TIMEOUT_S),
        "JOBINGEST_EMBEDDER_OUTAGE_POLICY": policy,
        "JOBINGEST_LOG_LEVEL": "WARNING",
    }
    if worker_checkout is not None:  # another revision's worker, for a side-by-side
        env["PYTHONPATH"] = str(worker_checkout)
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", "worker", env=env, stdout=log, stderr=log
    )
    load = _Load(servers, topic, rate, seed=7)
    try:
        await _until(lambda: _ready(port), 120)
        async with KafkaAdmin(servers) as admin:
            loading = asyncio.create_task(load.run())
            before, during, after = phases
            start = await _committed(admin, group, topic)
            await asyncio.sleep(before)
            _fault(server, fault, True)
            outage = await _committed(admin, group, topic)
            await asyncio.sleep(during)
            _fault(server, fault, False)
            recovered, back = time.monotonic(), await _committed(admin, group, topic)
            pending = await _pending(url)
            caught_up_s = filled_s = None
            while time.monotonic() - recovered < after:
                waiting = await _end(admin, topic) - await _committed(admin, group, topic)
                since = round(time.monotonic() - recovered, 1)
                if caught_up_s is None and waiting <= rate:  # at most a second of events
                    caught_up_s = since
                if filled_s is None and await _pending(url) == 0:
                    filled_s = since
                await asyncio.sleep(0.25)
            done = await _committed(admin, group, topic)
            slow = _slow_batches(port)
            load.stop()
            await loading
    finally:
        load.stop()
        worker.terminate()
        await asyncio.wait_for(worker.wait(), 60)
        _fault(server, fault, False)
    return Scenario(
        policy,
        fault,
        before=round((outage - start) / before, 1),
        during=round((back - outage) / during, 1),
        after=round((done - back) / after, 1),
        rate=rate,
        pending_at_recovery=pending,
        backlog_cleared_s=caught_up_s,
        vectors_filled_s=filled_s,
        slow_batches=slow,
    )


async def _ready(port: int) -> bool:
    try:
        async with httpx.AsyncClient() as client:
            return (
                await client.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            ).status_code == 200
    except httpx.HTTPError:
        return False


async def _no_pending(url: str) -> bool:
    return await _pending(url) == 0


def markdown(results: list[Scenario], phases: tuple[float, float, float]) -> str:
    before, during, after = phases
    lines = [
        f"Committed events/s (offered: {results[0].rate:g}/s; phases {before:g} s before, "
        f"{during:g} s of outage, {after:g} s after):",
        "",
        "| policy | outage | before | during | after | pending rows at recovery | backlog "
        "caught up after recovery | no row pending after recovery | batches > 2.5 s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.policy} | {r.fault} | {r.before} | {r.during} | {r.after} | "
            f"{r.pending_at_recovery} | {_s(r.backlog_cleared_s)} | {_s(r.vectors_filled_s)} | "
            f"{r.slow_batches} |"
        )
    return "\n".join(lines) + "\n"


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:g} s"


def run_outage_bench(
    policies: list[str],
    faults: list[str],
    phases: tuple[float, float, float],
    rate: float,
    output: Path,
    worker_checkout: Path | None = None,
) -> int:
    try:
        from tests.embedding_server import embedding_server
    except ImportError:
        print("bench embedder-outage runs from a checkout (it uses tests/embedding_server.py)")
        return 2
    results: list[Scenario] = []
    output.mkdir(parents=True, exist_ok=True)
    worker_checkout = worker_checkout.resolve() if worker_checkout is not None else None
    with DevStack() as stack, embedding_server(dims=16) as server:
        for policy in policies:
            for fault in faults:
                _say(f"{policy} / {fault}")
                with (output / f"worker-{policy}-{fault}.log").open("wb") as log:
                    result = asyncio.run(
                        run_scenario(
                            stack, server, policy, fault, phases, rate, log, worker_checkout
                        )
                    )
                _say(str(asdict(result)))
                results.append(result)
    output.mkdir(parents=True, exist_ok=True)
    (output / "embedder-outage.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    table = markdown(results, phases)
    (output / "embedder-outage.md").write_text(table)
    print(table)
    return 0
