"""The fault suite's harness: a sample stream, worker processes, and the end-state checks.

Profiles: `short` (default, for CI) and `long` (JOBINGEST_FAULTS_PROFILE=long, for soak runs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from devtools.devstack.procs import free_port
from producers.sample import sample_lines
from tests.reference import assert_table_matches
from tests.support import WorkerProcess, keyed, produce, read_all, wait_committed
from worker.settings import Settings

LONG = os.environ.get("JOBINGEST_FAULTS_PROFILE", "short") == "long"
EVENTS = 200_000 if LONG else 12_000
KILLS = 100 if LONG else 20


@dataclass
class FaultRun:
    settings: Settings
    env: dict[str, str]
    logs: Path
    lines: list[str] = field(default_factory=list)
    workers: list[WorkerProcess] = field(default_factory=list)

    def worker(self, **extra_env: str) -> WorkerProcess:
        port = free_port()
        env = {**self.env, "JOBINGEST_HTTP_PORT": str(port), **extra_env}
        process = WorkerProcess(env, self.logs / f"worker-{len(self.workers)}.log").start()
        process.port = port  # type: ignore[attr-defined]
        self.workers.append(process)
        return process

    async def publish(
        self, count: int = EVENTS, seed: int = 1, invalid_ratio: float = 0.01
    ) -> None:
        lines = list(sample_lines(count, seed=seed, invalid_ratio=invalid_ratio))
        self.lines += lines
        await produce(self.settings.require_kafka(), self.settings.topic, map(keyed, lines))

    async def wait_done(self, timeout_s: float = 240) -> None:
        await wait_committed(self.settings, timeout_s=timeout_s)

    def stop_all(self) -> None:
        for process in self.workers:
            if process.alive():
                assert process.terminate(timeout_s=60) == 0
        self.workers = [w for w in self.workers if w.alive()]

    async def assert_end_state(self, db: asyncpg.Connection) -> None:
        """The table equals the reference model; every invalid event is in the DLQ."""
        expected = await assert_table_matches(db, self.lines)
        letters = await read_all(
            self.settings.require_kafka(), self.settings.dlq_topic, timeout_s=30
        )
        originals = {
            (h["dlq.original.topic"], h["dlq.original.partition"], h["dlq.original.offset"])
            for h in ({k: v.decode() for k, v in r.headers} for r in letters)
        }
        # A dead letter re-published after a crash is a duplicate with the same origin headers.
        assert len(originals) == expected.invalid, (len(originals), expected.invalid, len(letters))
        pending = await db.fetchval(
            "SELECT count(*) FROM jobs WHERE embedding IS NULL AND deleted_at IS NULL"
        )
        assert pending == 0

    async def assert_replay_embeds_nothing(self, db: asyncpg.Connection) -> None:
        """Re-read everything: the table stays as it is and no text is embedded again."""
        before = await db.fetch("SELECT * FROM jobs ORDER BY source, external_id")
        group = self.settings.group_id + "-replay"
        worker = self.worker(JOBINGEST_GROUP_ID=group)
        await wait_committed(self.settings, group, timeout_s=240)
        async with httpx.AsyncClient() as client:
            text = (await client.get(f"http://127.0.0.1:{worker.port}/metrics")).text  # type: ignore[attr-defined]
        misses = [
            line
            for line in text.splitlines()
            if line.startswith('jobingest_embedding_cache_lookups_total{result="miss"}')
        ]
        assert not misses or float(misses[0].rsplit(" ", 1)[1]) == 0, misses
        assert worker.terminate(timeout_s=60) == 0
        assert await db.fetch("SELECT * FROM jobs ORDER BY source, external_id") == before


def crash_log_free(logs: Path) -> None:
    for log in logs.glob("worker-*.log"):
        text = log.read_text()
        assert "Traceback" not in text, f"{log.name}: {text[-2000:]}"
