"""What Prometheus and a load balancer see: counters, lag and readiness, checked against reality."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from devtools.devstack import DevStack
from devtools.devstack.procs import free_port
from tests.events import job_event, wire
from tests.support import WorkerProcess, committed_and_end, produce, wait_until
from worker.settings import Settings


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: dict, name: str, **labels: str) -> float:
    return sum(
        value for (n, lbls), value in samples.items()
        if n == name and all(dict(lbls).get(k) == v for k, v in labels.items())
    )  # fmt: skip


async def _ready(port: int, expect: int) -> bool:
    try:
        async with httpx.AsyncClient() as client:
            return (
                await client.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            ).status_code == expect
    except httpx.HTTPError:
        return False


async def test_counters_equal_what_happened(
    settings: Settings, worker_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    unique = [job_event(f"job-{i}", at=i) for i in range(40)]
    duplicates = unique[:7]
    stale = [job_event("job-0", "job.updated", at=-100)]
    poison = [
        (b"k", b"{nope", []),
        (b"k", b"\xff", []),
        (b"k", json.dumps({"type": "x", "source": "lever"}).encode(), []),
    ]
    await produce(settings.require_kafka(), settings.topic, [wire(e) for e in unique])
    worker = WorkerProcess(
        {**worker_env, "JOBINGEST_HTTP_PORT": str(port)}, tmp_path / "w.log"
    ).start()
    try:
        await wait_until(lambda: _ready(port, 200), what="ready")
        await wait_until(lambda: _count(port, 40), what="first wave handled")
        await produce(
            settings.require_kafka(), settings.topic, [wire(e) for e in duplicates + stale] + poison
        )
        await wait_until(lambda: _count(port, 51), what="second wave handled")
        samples = scrape(port)
    finally:
        assert worker.terminate() == 0
    assert total(samples, "jobingest_events_total", outcome="upserted") == 40
    assert total(samples, "jobingest_events_total", outcome="duplicate") == 7
    assert total(samples, "jobingest_events_total", outcome="stale") == 1
    assert total(samples, "jobingest_events_total", outcome="dead_lettered") == 3
    assert total(samples, "jobingest_events_total") == 51
    assert total(samples, "jobingest_dead_letters_total", reason="InvalidJson") == 1
    assert total(samples, "jobingest_dead_letters_total", reason="UndecodableBytes") == 1
    assert total(samples, "jobingest_dead_letters_total") == 3
    assert total(samples, "jobingest_dead_letters_total", source="lever") == 1  # as it named
    assert total(samples, "jobingest_events_total", outcome="dead_lettered", source="lever") == 1
    assert total(samples, "jobingest_batch_size_events_sum") == 51
    assert total(samples, "jobingest_build_info", embedder="hash", dims="384") == 1
    # The 40 postings share one text: it is embedded once, across jobs.
    assert total(samples, "jobingest_embedding_cache_lookups_total", result="miss") == 1


async def _count(port: int, n: int) -> bool:
    try:
        return total(await asyncio.to_thread(scrape, port), "jobingest_events_total") >= n
    except httpx.HTTPError:
        return False


async def test_readiness_follows_postgres_and_lag_matches_the_broker(
    stack: DevStack,
    settings: Settings,
    worker_env: dict[str, str],
    tmp_path: Path,
    tansu_skip: None,
) -> None:
    assert stack.postgres is not None, "needs the embedded PostgreSQL to stop and start it"
    port = free_port()
    worker = WorkerProcess(
        {**worker_env, "JOBINGEST_HTTP_PORT": str(port)}, tmp_path / "w.log"
    ).start()
    try:
        await wait_until(lambda: _ready(port, 200), what="ready")
        stack.postgres.stop_server()
        try:
            await wait_until(lambda: _ready(port, 503), what="unready without PostgreSQL")
            async with httpx.AsyncClient() as client:
                body = (await client.get(f"http://127.0.0.1:{port}/readyz", timeout=5)).json()
            assert body["failing"] == ["database"]
            await produce(settings.require_kafka(), settings.topic,
                          [wire(job_event(f"job-{i}", at=i)) for i in range(300)])  # fmt: skip

            async def lag_matches() -> bool:
                committed, ends = await committed_and_end(
                    settings.require_kafka(), settings.group_id, settings.topic
                )
                real = sum(end - committed.get(p, 0) for p, end in ends.items())
                shown = total(await asyncio.to_thread(scrape, port), "jobingest_consumer_lag")
                return real == 300 and shown == real

            await wait_until(lag_matches, timeout_s=30, what="lag metric == broker lag (300)")
        finally:
            stack.postgres.start_server()
        await wait_until(lambda: _ready(port, 200), timeout_s=60, what="ready again")
        await wait_until(lambda: _count(port, 300), timeout_s=60, what="backlog handled")

        async def lag_zero() -> bool:
            return total(await asyncio.to_thread(scrape, port), "jobingest_consumer_lag") == 0

        await wait_until(lag_zero, timeout_s=30, what="lag back to 0")
    finally:
        assert worker.terminate() == 0
