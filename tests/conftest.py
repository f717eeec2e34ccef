"""Session services: real Kafka and PostgreSQL started by the project (see devtools.devstack)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from devtools.devstack import DevStack, KafkaBackend
from worker.clusters.places import gazetteer
from worker.settings import Settings
from worker.store import database_url_for
from worker.topics import ensure_topics

os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

_BACKEND: list[str] = []


@pytest.fixture(scope="session")
def stack() -> Iterator[DevStack]:
    # A directory of the stack's own (removed when it stops), not pytest's basetemp: pytest
    # prunes old basetemp directories, and another session on the machine must never prune
    # the data of this session's running Kafka and PostgreSQL.
    with DevStack(secure_kafka=True) as services:
        _BACKEND.append(str(services.kafka_backend))
        gazetteer()  # built and cached once per machine: workers started by tests load it fast
        yield services


@pytest.fixture(scope="session")
def kafka(stack: DevStack) -> str:
    return stack.kafka_bootstrap_servers


@pytest.fixture
def tansu_skip(stack: DevStack) -> None:
    if stack.kafka_backend == KafkaBackend.TANSU:
        pytest.skip("Tansu's ListOffsets/end_offsets are wrong after multi-record batches")


@pytest.fixture
async def topic(kafka: str) -> str:
    name = f"jobs.test.{uuid.uuid4().hex[:10]}"
    await ensure_topics(kafka, {name: 4, f"{name}.dlq": 2})
    return name


@pytest.fixture
async def database(stack: DevStack) -> AsyncIterator[str]:
    """A fresh database per test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(stack.database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield database_url_for(stack.database_url, name)
    admin = await asyncpg.connect(stack.database_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def db(database: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database)
    yield conn
    await conn.close()


@pytest.fixture
def settings(kafka: str, topic: str, database: str) -> Settings:
    return Settings(
        kafka_bootstrap_servers=kafka,
        database_url=database,
        topic=topic,
        group_id=f"g-{topic}",
        embedder="hash",
        batch_max_wait_ms=50,
        session_timeout_ms=6000,
        retry_initial_s=0.1,
        retry_max_s=1.0,
        shutdown_timeout_s=10,
    )


@pytest.fixture
def worker_env(settings: Settings) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": settings.require_kafka(),
        "DATABASE_URL": settings.require_database(),
        "JOBINGEST_TOPIC": settings.topic,
        "JOBINGEST_GROUP_ID": settings.group_id,
        "JOBINGEST_EMBEDDER": "hash",
        "JOBINGEST_HTTP_PORT": "0",
        "JOBINGEST_BATCH_MAX_WAIT_MS": "50",
        "JOBINGEST_SESSION_TIMEOUT_MS": "6000",
        "JOBINGEST_RETRY_INITIAL_S": "0.1",
        "JOBINGEST_RETRY_MAX_S": "1",
        "JOBINGEST_SHUTDOWN_TIMEOUT_S": "10",
    }


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    return tmp_path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _BACKEND:
        terminalreporter.write_line(f"jobingest kafka backend: {_BACKEND[0]}")
