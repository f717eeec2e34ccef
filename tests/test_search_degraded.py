"""Search while the embedder is away, slow, or not the table's: hybrid answers from the lexical
ranking and says so, semantic refuses naming the embedder; never a traceback, never a silent
empty semantic result. Real PostgreSQL, a real OpenAI-compatible server, the real CLI and
gateway processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from devtools.bench.load import load_events
from tests.embedding_server import EmbeddingServer, embedding_server
from tests.events import job_event
from tests.support import ROOT
from tests.test_gateway import HEADERS, Gateway
from worker.embedders import HashEmbedder
from worker.embedders.http import OpenAIEmbedder
from worker.migrations import migrate
from worker.ops.reembed import reembed
from worker.settings import Settings

TITLES = ["ICU Nurse", "Python Engineer", "Truck Driver", "Data Analyst", "Line Cook"]


def _jobs() -> list[dict[str, object]]:
    return [
        job_event(
            f"j{i}",
            title=f"{TITLES[i % 5]} {i}",
            company=f"Company {i}",
            description=f"{TITLES[i % 5]} number {i} for team {i}.",
        )
        for i in range(20)
    ]


@pytest.fixture
def server() -> Iterator[EmbeddingServer]:
    with embedding_server() as running:
        yield running


async def _load(db: asyncpg.Connection, server: EmbeddingServer) -> None:
    """20 jobs embedded by the server's `test-model` (16 dims); the table records it."""
    embedder = OpenAIEmbedder(server.url, "test-model", 16, send_dimensions=True)
    try:
        await migrate(db, embedder.model, embedder.dims, provider="openai")
        await load_events(db, _jobs(), embedder)
    finally:
        await embedder.close()


def _cli(database: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`jobingest search` as a user runs it: no model named (the table's is used)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "search", *args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "DATABASE_URL": database, **env},
    )


async def test_cli_search_during_an_outage_degrades_to_lexical_or_refuses_in_one_line(
    database: str, db: asyncpg.Connection, server: EmbeddingServer
) -> None:
    await _load(db, server)
    env = {"JOBINGEST_EMBEDDER": "openai", "JOBINGEST_EMBEDDER_URL": server.url}
    healthy = await asyncio.to_thread(_cli, database, "nurse", "--mode", "semantic", **env)
    assert healthy.returncode == 0 and healthy.stderr == "", healthy.stderr
    assert len(json.loads(healthy.stdout)) == 10  # embedded with test-model

    server.down = True
    hybrid = await asyncio.to_thread(_cli, database, "nurse", **env)
    assert hybrid.returncode == 0, hybrid.stderr
    assert "ICU Nurse" in hybrid.stdout
    assert len(hybrid.stderr.strip().splitlines()) == 1
    assert "embedder unavailable" in hybrid.stderr and "lexical ranking" in hybrid.stderr
    semantic = await asyncio.to_thread(_cli, database, "nurse", "--mode", "semantic", **env)
    assert semantic.returncode == 1 and semantic.stdout == ""
    assert "Traceback" not in semantic.stderr
    assert len(semantic.stderr.strip().splitlines()) == 1, semantic.stderr
    assert f"openai test-model at {server.url}" in semantic.stderr
    lexical = await asyncio.to_thread(_cli, database, "nurse", "--mode", "lexical", **env)
    assert lexical.returncode == 0 and lexical.stderr == ""

    server.down, server.hang_s = False, 600.0  # accepts, never answers
    started = time.monotonic()
    slow = {"JOBINGEST_EMBEDDER_WAIT_S": "1", "JOBINGEST_EMBEDDER_TIMEOUT_S": "60"}
    hung = await asyncio.to_thread(_cli, database, "nurse", **env, **slow)
    assert hung.returncode == 0 and "ICU Nurse" in hung.stdout
    assert "no answer within 1s" in hung.stderr
    assert len(hung.stderr.strip().splitlines()) == 1, hung.stderr
    assert time.monotonic() - started < 30  # not the 60 s request timeout
    server.hang_s = 0.0


async def test_gateway_search_degrades_refuses_and_readyz_follows_the_tables_model(
    settings: Settings, db: asyncpg.Connection, server: EmbeddingServer, tmp_path: Path
) -> None:
    await _load(db, server)
    gateway = Gateway(
        settings,
        tmp_path / "gateway.log",
        JOBINGEST_EMBEDDER="openai",
        JOBINGEST_EMBEDDER_URL=server.url,
        JOBINGEST_EMBEDDER_WAIT_S="1",
    )
    try:
        await gateway.ready()
        async with httpx.AsyncClient(base_url=gateway.url, headers=HEADERS, timeout=60) as http:
            assert (await http.get("/readyz")).json()["checks"]["search"] == "ok"
            ok = await http.get("/v1/jobs/search", params={"q": "nurse", "mode": "semantic"})
            assert ok.status_code == 200 and len(ok.json()["results"]) == 10
            assert "degraded" not in ok.json()

            server.down = True
            hybrid = await http.get("/v1/jobs/search", params={"q": "nurse"})
            assert hybrid.status_code == 200
            assert hybrid.json()["degraded"] == "embedder unavailable"
            assert "openai" in hybrid.json()["degraded_reason"]
            assert hybrid.json()["results"][0]["title"].startswith("ICU Nurse")
            semantic = await http.get("/v1/jobs/search", params={"q": "nurse", "mode": "semantic"})
            assert semantic.status_code == 503, semantic.text
            body = semantic.json()
            assert body["error"] == "embedder_unavailable"
            assert body["embedder"] == f"openai test-model at {server.url}"
            assert semantic.headers["retry-after"]
            server.down = False

            switched = HashEmbedder("hash-v2", 32)  # `jobingest reembed` while it runs
            await reembed(db, switched, 2000)
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            reason = ready.json()["checks"]["search"]
            assert "holds hash-v2 vectors (32 dims)" in reason
            assert "JOBINGEST_EMBEDDER=hash JOBINGEST_EMBEDDER_MODEL=hash-v2" in reason
            refused = await http.get("/v1/jobs/search", params={"q": "nurse", "mode": "semantic"})
            assert refused.status_code == 503
            assert refused.json()["error"] == "embedder_mismatch"
            assert "hash-v2" in refused.json()["message"]
            degraded = await http.get("/v1/jobs/search", params={"q": "nurse"})
            assert degraded.status_code == 200 and degraded.json()["results"]
            assert degraded.json()["degraded"] == "embedder model differs from the table's"
    finally:
        gateway.stop()


async def test_cli_search_embeds_with_the_tables_model_or_refuses_naming_the_settings(
    database: str, db: asyncpg.Connection
) -> None:
    old = HashEmbedder("hash-v1", 384)
    await migrate(db, old.model, old.dims, provider="hash")
    await load_events(db, _jobs(), old)
    report = await reembed(db, HashEmbedder("hash-v2", 64), 2000)
    assert report.settings == (
        "JOBINGEST_EMBEDDER=hash JOBINGEST_EMBEDDER_MODEL=hash-v2 JOBINGEST_EMBEDDER_DIMS=64"
    )
    follows = await asyncio.to_thread(_cli, database, "nurse", "--mode", "semantic")
    assert follows.returncode == 0, follows.stderr
    assert len(json.loads(follows.stdout)) == 10  # not a silent empty result
    pinned = {"JOBINGEST_EMBEDDER_MODEL": "hash-v1"}
    refused = await asyncio.to_thread(_cli, database, "nurse", "--mode", "semantic", **pinned)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "holds hash-v2 vectors (64 dims)" in refused.stderr
    assert "JOBINGEST_EMBEDDER_DIMS=64" in refused.stderr
    degraded = await asyncio.to_thread(_cli, database, "nurse", **pinned)
    assert degraded.returncode == 0 and degraded.stdout.strip() != "[]"
    assert "embedder model differs from the table's" in degraded.stderr
