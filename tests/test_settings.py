"""Configuration: the public variable names, and mistakes that fail at startup with a fix."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest

from tests.support import ROOT
from worker.errors import ConfigError
from worker.migrations import migrate
from worker.settings import load_settings


def test_public_names_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("JOBINGEST_") or name in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL"):
            monkeypatch.delenv(name)
    settings = load_settings()
    assert (settings.topic, settings.group_id, settings.http_port, settings.embedder) == (
        "jobs.events", "jobingest", 8080, "hash",
    )  # fmt: skip
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k:9092")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("JOBINGEST_TOPIC", "t")
    monkeypatch.setenv("JOBINGEST_GROUP_ID", "g")
    monkeypatch.setenv("JOBINGEST_EMBEDDER", "ollama")
    monkeypatch.setenv("JOBINGEST_EMBEDDER_URL", "http://o:11434")
    monkeypatch.setenv("JOBINGEST_EMBEDDER_MODEL", "m")
    monkeypatch.setenv("JOBINGEST_HTTP_PORT", "9000")
    s = load_settings()
    assert (s.kafka_bootstrap_servers, s.database_url, s.topic, s.group_id, s.embedder,
            s.embedder_url, s.model_name, s.http_port, s.dlq_topic) == (
        "k:9092", "postgresql://u@h/db", "t", "g", "ollama", "http://o:11434", "m", 9000, "t.dlq",
    )  # fmt: skip
    assert load_settings(topic="from-flag").topic == "from-flag"


def test_http_embedder_without_url_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBINGEST_EMBEDDER_URL", raising=False)
    with pytest.raises(ConfigError, match="JOBINGEST_EMBEDDER_URL"):
        load_settings(embedder="openai")


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="JOBINGEST_HTTP_PORT"):
        load_settings(http_port=70000)
    with pytest.raises(ConfigError, match="JOBINGEST_EMBEDDER"):
        load_settings(embedder="word2vec")


def test_write_lanes_need_a_connection_each_and_one_more() -> None:
    assert load_settings(write_lanes=3, db_pool_size=4).write_lanes == 3
    assert load_settings(write_lanes=1, db_pool_size=1).write_lanes == 1
    with pytest.raises(ConfigError, match="JOBINGEST_DB_POOL_SIZE of at least 5"):
        load_settings(write_lanes=4, db_pool_size=4)


def test_worker_without_kafka_fails_at_startup_with_a_fix() -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")
    }
    result = subprocess.run(
        [sys.executable, "-m", "cli", "worker"], env=env, capture_output=True, text=True,
        cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "KAFKA_BOOTSTRAP_SERVERS" in result.stderr


def test_worker_with_a_different_model_than_the_table_refuses_to_start(
    kafka: str, database: str, topic: str
) -> None:
    base = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka, "DATABASE_URL": database,
            "JOBINGEST_TOPIC": topic, "JOBINGEST_HTTP_PORT": "0"}  # fmt: skip
    import asyncio

    import asyncpg

    from worker.migrations import migrate  # the table is created for hash-v1 / 384 dims

    async def create() -> None:
        conn = await asyncpg.connect(database)
        try:
            await migrate(conn, "hash-v1", 384)
        finally:
            await conn.close()

    asyncio.run(create())
    result = subprocess.run(
        [sys.executable, "-m", "cli", "worker"],
        env={**base, "JOBINGEST_EMBEDDER_DIMS": "256"}, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    assert "reembed" in result.stderr and "384" in result.stderr


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", "check"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env={**os.environ, **env})  # fmt: skip


async def test_check_passes_against_running_services_and_names_each_problem(
    worker_env: dict[str, str], db: asyncpg.Connection
) -> None:
    ok = await asyncio.to_thread(_check, worker_env)
    assert ok.returncode == 0, ok.stderr
    await migrate(db, "other-model", 384)
    dead = {**worker_env, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
            "JOBINGEST_EMBEDDER": "openai", "JOBINGEST_EMBEDDER_URL": "http://127.0.0.1:1"}  # fmt: skip
    bad = await asyncio.to_thread(_check, dead)
    assert bad.returncode == 1
    lines = bad.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["kafka", "database", "embedder"], lines
    assert "other-model" in lines[1] and "127.0.0.1:1" in lines[0]
