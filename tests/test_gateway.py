"""The HTTP gateway, as a real `jobingest gateway` process, with real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from devtools.bench.measure import peak_rss_mb
from devtools.devstack.apache_kafka import ApacheKafka
from devtools.devstack.apache_kafka import available as apache_available
from devtools.devstack.procs import free_port
from producers.gateway.access import key_digest
from producers.sample import sample_lines
from tests.events import job_event
from tests.support import ROOT, handled_at_least, read_all, running_worker, wait_until
from worker.migrations import migrate
from worker.settings import Settings

KEY = "test-key-1"
HEADERS = {"X-API-Key": KEY}


class Gateway:
    def __init__(self, settings: Settings, log: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "gateway"],
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


# -- defects found by trying the gateway as a user and as an attacker ------------------------


async def test_fifty_concurrent_requests_with_one_key_publish_exactly_once(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    body = json.dumps([job_event("race-1"), job_event("race-2")]).encode()
    headers = {"X-Idempotency-Key": "race-key", "content-type": "application/json"}
    answers = await asyncio.gather(
        *(http.post("/v1/events", content=body, headers=headers) for _ in range(50))
    )
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {202, 409}, statuses
    originals = [
        a for a in answers if a.status_code == 202 and "idempotent-replayed" not in a.headers
    ]
    assert len(originals) == 1
    assert all(a.json() == originals[0].json() for a in answers if a.status_code == 202)
    assert all(a.json()["error"] == "in_progress" and a.headers["retry-after"]
               for a in answers if a.status_code == 409)  # fmt: skip
    published = await read_all(settings.require_kafka(), settings.topic)
    assert sorted(r.key for r in published) == [b"greenhouse:race-1", b"greenhouse:race-2"]


async def test_expired_idempotency_keys_are_pruned_in_the_background(
    settings: Settings, tmp_path: Path
) -> None:
    gw = Gateway(settings, tmp_path / "gw.log", JOBINGEST_GATEWAY_IDEMPOTENCY_PRUNE_S="0.5")
    try:
        await gw.ready()
        conn = await asyncpg.connect(settings.require_database())
        try:
            await conn.execute(
                "INSERT INTO gateway_idempotency (client, key, body_sha256, status, response, created_at) "
                "SELECT 'c', 'old-' || i, 'x', 202, '{}'::jsonb, now() - interval '3 days' "
                "FROM generate_series(1, 2500) AS i"
            )
            await conn.execute(
                "INSERT INTO gateway_idempotency (client, key, body_sha256, status, response) "
                "VALUES ('c', 'fresh', 'x', 202, '{}'::jsonb)"
            )

            async def pruned() -> bool:
                return await conn.fetchval("SELECT count(*) FROM gateway_idempotency") == 1

            await wait_until(pruned, timeout_s=20, what="expired keys pruned")
        finally:
            await conn.close()
        async with httpx.AsyncClient(base_url=gw.url) as client:
            metrics = (await client.get("/metrics")).text
        assert "jobingest_gateway_idempotency_pruned_total 2500.0" in metrics
    finally:
        gw.stop()


async def test_csv_cells_that_spreadsheets_would_run_are_neutralised(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    titles = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(1,1)",
              "\tTabbed", "Plain - title"]  # fmt: skip
    events = [
        job_event(f"f{i}", title=t, company="=cmd|' /C calc'!A0") for i, t in enumerate(titles)
    ]
    assert (await http.post("/v1/events", json=events)).status_code == 202
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, len(events)), what="ingested")
    text = (await http.get("/v1/jobs/export.csv")).text
    rows = {row["external_id"]: row for row in csv.DictReader(io.StringIO(text))}
    for i, title in enumerate(titles[:4]):
        assert rows[f"f{i}"]["title"] == "'" + title
        assert rows[f"f{i}"]["company"].startswith("'=")
    assert rows["f4"]["title"] == "Tabbed"  # the contract strips surrounding whitespace
    assert rows["f5"]["title"] == "Plain - title"


async def test_client_input_that_used_to_be_a_500_is_a_4xx_with_a_request_id(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    conn = await asyncpg.connect(settings.require_database())
    try:
        await migrate(conn, "hash-v1", 384)
    finally:
        await conn.close()
    deep = b"[" * 100_000 + b"]" * 100_000
    removed = job_event("gone", "job.removed")
    removed["occurred_at"] = "0001-01-01T00:00:00+01:00"
    nested = job_event("nested")
    nested["extra"] = json.loads("[" * 500 + "]" * 500)  # deeper than workers read
    cases = [
        await http.post("/v1/events", content=deep),
        await http.post("/v1/events", json=removed),
        await http.post("/v1/events", json=nested),
        await http.get("/v1/jobs/greenhouse/%00"),
        await http.get("/v1/jobs/search", params={"q": "nurse\x00"}),
        await http.get("/v1/jobs/search", params={"q": "nurse", "location": "Ber\x00lin"}),
        await http.get("/v1/jobs/export.csv", params={"location": "\x00"}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, (response.request.url, response.text)
        assert response.json()["request_id"]


async def test_uploads_report_every_bad_line_once_and_keep_going(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    removed = job_event("gone", "job.removed")
    removed["occurred_at"] = "0001-01-01T00:00:00+01:00"
    lines = [
        json.dumps(job_event("u1")).encode(),
        json.dumps(removed).encode(),  # used to raise OverflowError after u1 was published
        b'{"x": "' + b"y" * 3_000_000 + b'"}',  # overlong: reported once
        json.dumps(job_event("u2")).encode(),
    ]

    async def body() -> AsyncIterator[bytes]:
        data = b"\n".join(lines) + b"\n"
        for start in range(0, len(data), 65_536):
            yield data[start : start + 65_536]

    response = await http.post("/v1/events:upload", content=body())
    assert response.status_code == 202, response.text
    summary = response.json()
    assert (summary["lines"], summary["accepted"], summary["rejected"]) == (4, 2, 2)
    assert [r["line"] for r in summary["rejected_lines"]] == [2, 3]
    keys = sorted(r.key for r in await read_all(settings.require_kafka(), settings.topic))
    assert keys == [b"greenhouse:u1", b"greenhouse:u2"]


async def test_ids_with_slashes_wildcard_locations_and_long_request_ids(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    events = [job_event("team/4711", location="100% Remote_EU"),
              job_event("plain", location="Berlin 1000 Remote EU")]  # fmt: skip
    assert (await http.post("/v1/events", json=events)).status_code == 202
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 2), what="ingested")
    one = await http.get("/v1/jobs/greenhouse/team/4711")
    assert one.status_code == 200 and one.json()["external_id"] == "team/4711"
    assert one.json()["cluster"]["members"][0]["external_id"] == "team/4711"
    for location in ("%", "0% R", "_EU"):
        found = await http.get("/v1/jobs/search", params={"q": "engineer", "location": location})
        assert [r["external_id"] for r in found.json()["results"]] == ["team/4711"], location
        exported = (await http.get("/v1/jobs/export.csv", params={"location": location})).text
        assert len(exported.splitlines()) == 2, location
    long_id = await http.get("/healthz", headers={"X-Request-ID": "r" * 8000})
    assert len(long_id.headers["x-request-id"]) == 32
    kept = await http.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert kept.headers["x-request-id"] == "trace-123"


async def test_sigterm_drains_in_flight_requests_and_exits_0(
    settings: Settings, tmp_path: Path
) -> None:
    gw = Gateway(settings, tmp_path / "gw.log")
    await gw.ready()
    async with httpx.AsyncClient(base_url=gw.url, headers=HEADERS, timeout=60) as client:

        async def slow_upload() -> httpx.Response:
            async def body() -> AsyncIterator[bytes]:
                for i in range(20):
                    yield (json.dumps(job_event(f"drain-{i}")) + "\n").encode()
                    await asyncio.sleep(0.1)

            return await client.post("/v1/events:upload", content=body())

        in_flight = asyncio.create_task(slow_upload())
        await asyncio.sleep(0.5)
        gw.proc.send_signal(signal.SIGTERM)
        response = await in_flight
    code = await asyncio.to_thread(gw.proc.wait, 30)
    assert response.status_code == 202 and response.json()["accepted"] == 20
    assert code == 0
    keys = {r.key for r in await read_all(settings.require_kafka(), settings.topic)}
    assert keys == {f"greenhouse:drain-{i}".encode() for i in range(20)}


async def test_a_database_failing_at_start_up_closes_what_was_opened(
    settings: Settings, tmp_path: Path
) -> None:
    from worker.store import database_url_for

    broken = settings.model_copy(
        update={"database_url": database_url_for(settings.require_database(), "no_such_db")}
    )
    gw = Gateway(broken, tmp_path / "gw.log")
    code = await asyncio.to_thread(gw.proc.wait, 30)
    assert code != 0
    log = (tmp_path / "gw.log").read_text()
    assert "DATABASE_URL" in log


async def test_search_modes_filters_and_cursor_pages(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    events = [job_event(f"h{i}", title=f"Python Engineer {i}", location=["Berlin", "Paris"][i % 2],
                        employment_type=["full_time", "contract"][i % 2], tags=["python", "go"])
              for i in range(25)]  # fmt: skip
    events.append(job_event("kt", title="Android Developer", description="Kotlin and Compose."))
    assert (await http.post("/v1/events", json=events)).status_code == 202
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, len(events)), what="ingested")
    kotlin = (await http.get("/v1/jobs/search", params={"q": "kotlin"})).json()["results"]
    assert kotlin[0]["external_id"] == "kt" and "kotlin" in kotlin[0]["why"]["matched_terms"]
    params = {"q": "python engineer", "location": "Berlin", "employment_type": "full_time",
              "tag": ["python", "go"], "limit": 5, "mode": "lexical"}  # fmt: skip
    seen: list[str] = []
    cursor = None
    while True:
        page = (
            await http.get(
                "/v1/jobs/search", params={**params, **({"cursor": cursor} if cursor else {})}
            )
        ).json()
        seen += [r["external_id"] for r in page["results"]]
        assert all(r["location"] == "Berlin" for r in page["results"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"h{i}" for i in range(0, 25, 2))
    other = await http.get("/v1/jobs/search", params={"q": "nurse", "cursor": "bm9wZQ"})
    assert other.status_code == 422 and other.json()["error"] == "invalid_cursor"
    # fifty hybrid searches at once: more than the pool holds, each may want a second
    # connection; none waits on another for it, all answer alike
    burst = await asyncio.gather(
        *(http.get("/v1/jobs/search", params={"q": "python engineer"}) for _ in range(50))
    )
    assert {r.status_code for r in burst} == {200}
    assert len({json.dumps(r.json()["results"], sort_keys=True) for r in burst}) == 1


async def test_the_gateway_logs_start_stop_and_one_access_line_per_request(
    settings: Settings, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(settings.require_database())
    try:  # the jobs table a worker would have created
        await migrate(conn, "hash-v1", 384)
    finally:
        await conn.close()
    log = tmp_path / "gw.log"
    gw = Gateway(settings, log)
    await gw.ready()
    secret_title = "Unmistakable Body Title 7f3a"
    async with httpx.AsyncClient(base_url=gw.url, headers=HEADERS, timeout=60) as client:
        posted = await client.post(
            "/v1/events",
            json=job_event("logged-1", title=secret_title),
            headers={"X-Request-ID": "rid-1"},
        )
        found = await client.get("/v1/jobs/greenhouse/no/such", params={"q": "private query"})
        refused = await client.get(
            "/v1/jobs/search", params={"q": "x"}, headers={"X-API-Key": "wrong-key"}
        )
        nul = await client.get("/v1/jobs/search%00")
    assert (posted.status_code, found.status_code, refused.status_code, nul.status_code) == (
        202,
        404,
        401,
        422,
    )
    gw.stop()
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    start = next(line for line in lines if line["message"] == "gateway started")
    assert start["address"].endswith(f":{gw.port}") and "api-key" in start["auth"]
    assert start["limits"]["max_batch"] == 500
    assert any(line["message"] == "gateway stopped" for line in lines)
    requests = [line for line in lines if line["message"] == "request"]
    by_id = {line["request_id"]: line for line in requests}
    post = by_id["rid-1"]
    assert (post["method"], post["route"], post["status"]) == ("POST", "/v1/events", 202)
    assert post["bytes_in"] > 100 and post["bytes_out"] > 0 and post["duration_ms"] > 0
    for response in (found, refused, nul):
        line = by_id[response.headers["x-request-id"]]
        assert line["status"] == response.status_code
    assert by_id[found.headers["x-request-id"]]["route"] == "/v1/jobs/{source}/{external_id:path}"
    assert len(requests) == 4 + 1  # the four calls and the readiness probe's /healthz
    for secret in (KEY, "wrong-key", key_digest(KEY), secret_title, "private query", "no/such"):
        assert secret not in text


async def test_search_and_export_validate_like_the_contract_and_rank_as_one(
    settings: Settings, tmp_path: Path
) -> None:
    """Filters the contract would refuse are 422 (never 500) on search and export; tags match
    in any case; an exact reference code comes first; the export with ``q`` is the search's
    ranking; hybrid search from eight clients at once on a pool of two never fails."""
    events = [job_event(f"se{i}", title=f"Software Engineer {i}", company=f"Firm {i}",
                        description="Build services with Python and Kafka for our platform.",
                        tags=["Python"] if i % 2 else ["go"], remote=["remote", "onsite"][i % 2])
              for i in range(40)]  # fmt: skip
    events.append(job_event("req", title="Platform Engineer", company="Ref Co",
                            description="Build services. Requisition REQ-2024-0815, apply now."))  # fmt: skip
    gw = Gateway(settings, tmp_path / "gateway.log", JOBINGEST_DB_POOL_SIZE="2", JOBINGEST_WRITE_LANES="1",
                 JOBINGEST_GATEWAY_RATE_PER_S="1000", JOBINGEST_GATEWAY_BURST="1000")  # fmt: skip
    try:
        await gw.ready()
        async with httpx.AsyncClient(base_url=gw.url, headers=HEADERS, timeout=60) as http:
            assert (await http.post("/v1/events", json=events)).status_code == 202
            async with running_worker(settings) as runtime:
                await wait_until(lambda: handled_at_least(runtime, len(events)), what="ingested")
            refused = [
                {"q": "engineer", "posted_after": "0001-01-01T00:00:00+01:00"},
                {"q": "engineer", "posted_after": "9999-12-31T23:59:59-01:00"},
                {"q": "engineer", "posted_after": "2026-01-01T00:00:00"},
                {"q": "engineer", "salary_min": "90000", "salary_max": "10"},
                {"q": "engineer", "tag": ["x" * 200]},
                {"q": "engineer", "sort": "newest"},
                {"q": "engineer", "source": "nowhere"},
            ]
            for params in refused:
                for route in ("/v1/jobs/search", "/v1/jobs/export.csv"):
                    answer = await http.get(route, params=params)
                    assert answer.status_code == 422, (route, params, answer.text)
                    assert answer.json()["request_id"]
            tagged = await http.get("/v1/jobs/search", params={"q": "engineer", "tag": "PYTHON",
                                                               "limit": 50, "mode": "lexical"})  # fmt: skip
            assert (
                len(tagged.json()["results"]) == 21
            )  # 20 and the reference posting (default tags)
            code = await http.get("/v1/jobs/search", params={"q": "REQ-2024-0815"})
            assert code.json()["results"][0]["external_id"] == "req"
            params = {"q": "software engineer python", "remote": "remote", "mode": "hybrid"}
            ranked = (await http.get("/v1/jobs/search", params={**params, "limit": 100})).json()
            exported = await http.get("/v1/jobs/export.csv", params=params)
            assert exported.status_code == 200
            rows = list(csv.DictReader(io.StringIO(exported.text)))
            assert [r["external_id"] for r in rows] == [r["external_id"] for r in ranked["results"]]
            assert rows and all(r["remote"] == "remote" for r in rows)

            async def client(n: int) -> list[int]:
                return [
                    (
                        await http.get("/v1/jobs/search", params={"q": f"engineer {n} {i}"})
                    ).status_code
                    for i in range(25)
                ]

            statuses = await asyncio.gather(*(client(n) for n in range(8)))
            assert {s for found in statuses for s in found} == {200}
    finally:
        gw.stop()
