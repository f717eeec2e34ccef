"""The services the tests, `make dev` and the benchmarks start: what they leave behind."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from devtools.devstack import DevStack
from devtools.devstack.procs import free_port, port_is_free
from tests.support import ROOT


async def _answers(url: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        return bool(await conn.fetchval("SELECT true"))
    finally:
        await conn.close()


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="an external PostgreSQL")
async def test_a_stack_removes_the_directory_it_made_and_keeps_one_it_was_given(
    tmp_path: Path,
) -> None:
    """A benchmark's stack holds gigabytes (Kafka's log, PostgreSQL's data); one started
    without a directory must not leave them in /tmp."""
    stack = DevStack(kafka=False)
    await asyncio.to_thread(stack.start)
    made = stack.workdir
    try:
        assert made is not None and made.is_dir()
        assert await _answers(stack.database_url)
    finally:
        await asyncio.to_thread(stack.close)
    assert not made.exists()

    given = tmp_path / "stack"
    given.mkdir()
    with DevStack(workdir=given, kafka=False) as kept:
        assert await _answers(kept.database_url)
    assert given.is_dir() and any(given.iterdir())


def _dev(state: Path, port: int, *args: str, **env: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JOBINGEST_")}
    environment |= {"JOBINGEST_STATE_DIR": str(state), "PYTHONUNBUFFERED": "1", **env}
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "dev", "--partitions", "2"]
        + ["--http-port", str(port), *args],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl-C reaches its whole process group, as in a terminal
    )


def _read_until(proc: subprocess.Popen[str], marker: str, timeout_s: float = 120) -> str:
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen += line
        if marker in line:
            return seen
    raise AssertionError(f"no {marker!r} in:\n{seen}")


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL") or os.environ.get("KAFKA_BOOTSTRAP_SERVERS")),
    reason="external services: `jobingest dev` would use them",
)
def test_dev_keeps_its_kafka_and_data_and_follows_its_worker(tmp_path: Path) -> None:
    """The second `jobingest dev` finds the first one's topic on the same port; a worker
    that cannot start stops the whole stack at once, non-zero, saying why."""
    state = tmp_path / "state"
    first = _dev(state, free_port(), "--count", "20", "--embedder", "hash")
    try:
        seen = _read_until(first, "worker handled 20 events")
        os.killpg(first.pid, signal.SIGINT)
        seen += first.communicate(timeout=60)[0]
        assert first.returncode == 0, seen
        assert "Kafka and PostgreSQL stopped" in seen
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    kafka_at = re.search(r"kafka: apache-kafka at (\S+);", seen)
    assert kafka_at is not None, seen

    # the table holds hash-v1: a worker configured for another model refuses to start
    second = _dev(state, free_port(), "--embedder", "hash", JOBINGEST_EMBEDDER_MODEL="hash-v2")
    started = time.monotonic()
    try:
        out = second.communicate(timeout=120)[0]
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
    assert second.returncode not in (0, None), out
    assert f"kafka: apache-kafka at {kafka_at.group(1)};" in out  # the same broker, same port
    assert "jobs.events holds 20 events" in out and "published" not in out
    assert "the worker exited with status 2" in out and "holds hash-v1 vectors" in out
    assert "Kafka and PostgreSQL stopped" in out
    assert time.monotonic() - started < 90
    port = int(kafka_at.group(1).rsplit(":", 1)[1])
    assert port_is_free(port)  # Kafka went with it


def test_the_dev_worker_embeds_with_the_model_the_table_holds() -> None:
    from devtools.devrun import choose_embedding

    assert choose_embedding(None, None, None, True).embedder == "local"
    assert choose_embedding(None, None, None, False).embedder == "hash"
    after_reembed = choose_embedding(None, None, ("all-MiniLM-L6-v2-int8", 384), True)
    assert after_reembed.model == "all-MiniLM-L6-v2-int8" and after_reembed.dims == 384
    assert after_reembed.embedder == "local"
    assert choose_embedding("local", None, ("hash-v1", 384), True).embedder == "hash"
    explicit = choose_embedding(None, "multilingual-e5-small", ("hash-v1", 384), True)
    assert (explicit.model, explicit.dims) == ("multilingual-e5-small", None)
