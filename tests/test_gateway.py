"""The HTTP gateway, as a real `jobingest gateway` process, with real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from producers.gateway.access import key_digest
from producers.sample import sample_lines
from tests.events import job_event
from tests.support import ROOT, handled_at_least, read_all, running_worker, wait_until
from worker.bench.measure import peak_rss_mb
from worker.devstack.apache_kafka import ApacheKafka
from worker.devstack.apache_kafka import available as apache_available
from worker.devstack.procs import free_port
from worker.settings import Settings

KEY = "test-key-1"
HEADERS = {"X-API-Key": KEY}


class Gateway:
    def __init__(self, settings: Settings, log: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "worker.cli", "gateway"],
            env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": settings.require_kafka(),
                 "DATABASE_URL": settings.require_database(), "JOBINGEST_TOPIC": settings.topic,
                 "JOBINGEST_GATEWAY_PORT": str(self.port), "JOBINGEST_GATEWAY_API_KEYS": key_digest(KEY),
                 "JOBINGEST_GATEWAY_PUBLISH_TIMEOUT_S": "5", **env},
            stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip

    async def ready(self) -> None:
        async def up() -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    return (await client.get(self.url + "/healthz")).status_code == 200
            except httpx.HTTPError:
                return self.proc.poll() is not None and pytest.fail("gateway exited")  # type: ignore[return-value]

        await wait_until(up, timeout_s=30, what="gateway up")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


@pytest.fixture
async def gateway(settings: Settings, tmp_path: Path) -> AsyncIterator[Gateway]:
    gw = Gateway(
        settings,
        tmp_path / "gateway.log",
        JOBINGEST_GATEWAY_RATE_PER_S="1000",
        JOBINGEST_GATEWAY_BURST="1000",
    )
    try:
        await gw.ready()
        yield gw
    finally:
        gw.stop()


@pytest.fixture
async def http(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway.url, headers=HEADERS, timeout=60) as client:
        yield client


async def test_accepted_events_arrive_in_the_topic_with_key_and_headers(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    single = await http.post("/v1/events", json=job_event("g1", key="gw-1"))
    assert single.status_code == 202, single.text
    assert single.json()["results"] == [
        {"index": 0, "status": "accepted", "idempotency_key": "gw-1"}
    ]
    bad = job_event("g3")
    bad["job"]["remote"] = "moon"
    batch = await http.post("/v1/events", json=[job_event("g2"), bad])
    assert batch.status_code == 202
    results = batch.json()["results"]
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected" and results[1]["errors"][0]["loc"] == "job.remote"
    records = await read_all(settings.require_kafka(), settings.topic)
    assert sorted(r.key for r in records) == [b"greenhouse:g1", b"greenhouse:g2"]
    headers = dict(next(r for r in records if r.key == b"greenhouse:g1").headers)
    assert headers["idempotency-key"] == b"gw-1" and headers["event-type"] == b"job.posted"


async def test_invalid_bodies_get_field_paths_and_limits(http: httpx.AsyncClient) -> None:
    event = job_event("g1")
    del event["job"]["title"]
    invalid = await http.post("/v1/events", json=event)
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "invalid_event" and body["request_id"]
    assert {"loc": "job.title", "msg": "Field required"} in body["errors"]
    assert (await http.post("/v1/events", content=b"{nope")).status_code == 422
    too_many = await http.post("/v1/events", json=[job_event(f"x{i}") for i in range(501)])
    assert too_many.status_code == 413


async def test_idempotent_retry_publishes_once_and_key_reuse_is_a_conflict(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    body = json.dumps([job_event("i1"), job_event("i2")]).encode()
    first = await http.post("/v1/events", content=body, headers={"X-Idempotency-Key": "req-1"})
    again = await http.post("/v1/events", content=body, headers={"X-Idempotency-Key": "req-1"})
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert len(await read_all(settings.require_kafka(), settings.topic)) == 2
    other = await http.post(
        "/v1/events", json=[job_event("i3")], headers={"X-Idempotency-Key": "req-1"}
    )
    assert other.status_code == 409 and other.json()["error"] == "idempotency_key_reused"


async def test_auth_and_rate_limit(settings: Settings, tmp_path: Path) -> None:
    gw = Gateway(
        settings, tmp_path / "gw.log", JOBINGEST_GATEWAY_RATE_PER_S="1", JOBINGEST_GATEWAY_BURST="3"
    )
    try:
        await gw.ready()
        async with httpx.AsyncClient(base_url=gw.url) as client:
            assert (await client.post("/v1/events", json=job_event())).status_code == 401
            wrong = await client.post("/v1/events", json=job_event(), headers={"X-API-Key": "nope"})
            assert wrong.status_code == 401 and "request_id" in wrong.json()
            statuses = [
                (
                    await client.post("/v1/events", json=job_event(f"r{i}"), headers=HEADERS)
                ).status_code
                for i in range(5)
            ]
            assert statuses[:3] == [202, 202, 202] and statuses[3] == 429
            limited = await client.post(
                "/v1/events", json=job_event(), headers={"Authorization": f"Bearer {KEY}"}
            )
            assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    finally:
        gw.stop()


async def test_503_with_retry_after_when_kafka_is_down(settings: Settings, tmp_path: Path) -> None:
    ok, why = apache_available()
    if not ok:
        pytest.skip(f"needs a broker of its own to stop: {why}")
    broker = ApacheKafka(tmp_path / "kafka").start()
    try:
        from worker.topics import ensure_topics, wait_for_broker

        await wait_for_broker(broker.bootstrap_servers)
        await ensure_topics(broker.bootstrap_servers, {settings.topic: 2})
        own = settings.model_copy(update={"kafka_bootstrap_servers": broker.bootstrap_servers})
        gw = Gateway(own, tmp_path / "gw.log")
        try:
            await gw.ready()
            async with httpx.AsyncClient(base_url=gw.url, headers=HEADERS, timeout=60) as client:
                assert (await client.post("/v1/events", json=job_event("k1"))).status_code == 202
                await asyncio.to_thread(broker.close)
                down = await client.post("/v1/events", json=job_event("k2"))
                assert down.status_code == 503, down.text
                assert down.headers["retry-after"] == "5"
                assert (await client.get("/readyz")).status_code == 503
        finally:
            gw.stop()
    finally:
        broker.close()


def _lines(total_bytes: int) -> Iterator[bytes]:
    produced = 0
    seed = 0
    while produced < total_bytes:
        for line in sample_lines(2000, seed=seed):
            data = (line + "\n").encode()
            produced += len(data)
            yield data
            if produced >= total_bytes:
                return
        seed += 1


async def test_upload_streams_100_mb_with_bounded_memory(
    gateway: Gateway, settings: Settings
) -> None:
    lines = list(_lines(100 * 1024 * 1024))
    lines.insert(10, b'{"broken": \n')
    before = peak_rss_mb(gateway.proc.pid)

    async def body() -> AsyncIterator[bytes]:
        for start in range(0, len(lines), 500):
            yield b"".join(lines[start : start + 500])

    async with httpx.AsyncClient(base_url=gateway.url, headers=HEADERS, timeout=600) as client:
        started = time.monotonic()
        response = await client.post("/v1/events:upload", content=body())
    assert response.status_code == 202, response.text
    summary = response.json()
    assert summary["lines"] == len(lines)
    assert summary["rejected"] == 1 and summary["rejected_lines"][0]["line"] == 11
    assert summary["accepted"] == len(lines) - 1
    growth = peak_rss_mb(gateway.proc.pid) - before
    assert growth < 150, f"peak RSS grew {growth:.0f} MB for a 100 MB upload"
    print(
        f"upload: {len(lines)} lines in {time.monotonic() - started:.1f}s, peak RSS +{growth:.0f} MB"
    )


async def test_search_get_and_csv_export(http: httpx.AsyncClient, settings: Settings) -> None:
    events = [job_event("s1", title="Python Engineer", remote="remote"),
              job_event("s2", title="Nurse", remote="onsite", location="Paris, France")]  # fmt: skip
    assert (await http.post("/v1/events", json=events)).status_code == 202
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 2), what="ingested")
    found = await http.get("/v1/jobs/search", params={"q": "python", "remote": "remote"})
    assert found.status_code == 200
    assert [r["external_id"] for r in found.json()["results"]] == ["s1"]
    one = await http.get("/v1/jobs/greenhouse/s2")
    assert one.status_code == 200 and one.json()["title"] == "Nurse"
    assert (await http.get("/v1/jobs/greenhouse/none")).status_code == 404
    csv_text = (await http.get("/v1/jobs/export.csv", params={"location": "paris"})).text
    assert csv_text.splitlines()[0].startswith("source,external_id,title")
    assert len(csv_text.splitlines()) == 2 and "Nurse" in csv_text
    metrics = (await http.get("/metrics")).text
    assert (
        'jobingest_gateway_requests_total{method="POST",route="/v1/events",status="202"}' in metrics
    )


async def test_fuzzing_the_openapi_schema_finds_no_server_error(
    gateway: Gateway, settings: Settings
) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    if not schemathesis.exists():
        pytest.skip("schemathesis is not installed")
    import asyncpg

    from worker.migrations import migrate

    conn = await asyncpg.connect(settings.require_database())
    try:  # the jobs table a worker would have created
        await migrate(conn, "hash-v1", 384)
    finally:
        await conn.close()
    result = await asyncio.to_thread(
        subprocess.run,
        [str(schemathesis), "run", f"{gateway.url}/openapi.json", "--checks", "not_a_server_error",
         "-H", f"X-API-Key: {KEY}", "--max-examples", "60", "--no-color", "--seed", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
