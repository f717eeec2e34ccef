"""A broker that goes away under a running worker: visible in /readyz and /metrics within the
grace period, a few log lines instead of a flood, and nothing lost when it comes back."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from devtools.devstack.apache_kafka import ApacheKafka
from devtools.devstack.apache_kafka import available as apache_available
from devtools.devstack.procs import free_port
from tests.events import job_event, wire
from tests.support import WorkerProcess, produce, wait_until
from worker.topics import ensure_topics

UNREACHABLE_S = 5
OUTAGE_S = 20


async def _get(port: int, path: str) -> httpx.Response | None:
    try:
        async with httpx.AsyncClient() as client:
            return await client.get(f"http://127.0.0.1:{port}{path}", timeout=5)
    except httpx.HTTPError:
        return None


def _metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def _metrics(port: int) -> str:
    response = await _get(port, "/metrics")
    return response.text if response is not None else ""


async def _handled(port: int, n: int) -> bool:
    return _metric(await _metrics(port), "jobingest_events_total") >= n


def _kafka_lines(log: Path, start: int) -> list[str]:
    with log.open("rb") as f:
        f.seek(start)
        text = f.read().decode(errors="replace")
    lines = []
    for line in text.splitlines():
        try:
            if json.loads(line).get("logger", "").startswith("aiokafka"):
                lines.append(line)
        except ValueError:
            continue
    return lines


@pytest.mark.slow
@pytest.mark.skipif(not apache_available()[0], reason="needs Java 17+ for a broker of its own")
async def test_a_stopped_broker_is_seen_and_recovered_from_with_nothing_lost(
    database: str, tmp_path: Path
) -> None:
    broker = ApacheKafka(tmp_path / "kafka")
    await asyncio.to_thread(broker.start)
    servers = broker.bootstrap_servers
    topic = "jobs.outage"
    port = free_port()
    log = tmp_path / "worker.log"
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "DATABASE_URL": database,
        "JOBINGEST_TOPIC": topic,
        "JOBINGEST_GROUP_ID": "outage",
        "JOBINGEST_EMBEDDER": "hash",
        "JOBINGEST_HTTP_PORT": str(port),
        "JOBINGEST_BATCH_MAX_WAIT_MS": "50",
        "JOBINGEST_SESSION_TIMEOUT_MS": "6000",
        "JOBINGEST_KAFKA_UNREACHABLE_S": str(UNREACHABLE_S),
        "JOBINGEST_SIGNAL_PROCESSES": "0",
    }
    worker = WorkerProcess(env, log)
    try:
        await ensure_topics(servers, {topic: 2, f"{topic}.dlq": 2})
        worker.start()
        await produce(servers, topic, [wire(job_event(f"before-{i}", at=i)) for i in range(20)])
        await wait_until(lambda: _handled(port, 20), timeout_s=90, what="20 handled")

        async def ready(expect: int) -> bool:
            response = await _get(port, "/readyz")
            return response is not None and response.status_code == expect

        await wait_until(lambda: ready(200), what="ready")
        assert _metric(await _metrics(port), "jobingest_kafka_connected") == 1

        await asyncio.to_thread(broker.close)
        stopped = time.monotonic()
        outage_log_start = log.stat().st_size
        await wait_until(lambda: ready(503), timeout_s=UNREACHABLE_S + 10, what="unready")
        seen_after = time.monotonic() - stopped
        response = await _get(port, "/readyz")
        assert response is not None
        assert response.json()["checks"]["kafka"].startswith("unreachable: no successful fetch")
        text = await _metrics(port)
        assert _metric(text, "jobingest_kafka_connected") == 0
        silent = _metric(text, "jobingest_kafka_silent_seconds")
        await asyncio.sleep(max(OUTAGE_S - (time.monotonic() - stopped), 0))
        later = await _metrics(port)
        assert _metric(later, "jobingest_kafka_silent_seconds") > silent + 5  # not frozen
        outage_lines = _kafka_lines(log, outage_log_start)

        await asyncio.to_thread(broker.start)  # the same ports and data
        await wait_until(lambda: ready(200), timeout_s=90, what="ready again")
        recovered_after = time.monotonic() - stopped
        await produce(servers, topic, [wire(job_event(f"after-{i}", at=i)) for i in range(10)])
        await wait_until(lambda: _handled(port, 30), timeout_s=90, what="30 handled")
        assert _metric(await _metrics(port), "jobingest_kafka_connected") == 1
        assert worker.terminate() == 0
    finally:
        worker.stop()
        await asyncio.to_thread(broker.close)
    conn = await asyncpg.connect(database)
    try:
        assert await conn.fetchval("SELECT count(*) FROM jobs") == 30
    finally:
        await conn.close()
    # about 90 a second before they were aggregated; now one per kind and interval
    assert len(outage_lines) <= 3 * (OUTAGE_S // 10 + 2) * 2, "\n".join(outage_lines)
    print(
        f"\nbroker outage: unready {seen_after:.1f}s after the stop, ready "
        f"{recovered_after - OUTAGE_S:.1f}s after the restart; {len(outage_lines)} aiokafka "
        f"log lines in {OUTAGE_S}s"
    )
