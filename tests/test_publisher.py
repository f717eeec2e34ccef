"""The publisher and `jobingest publish` against the real broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from producers.publisher import EventRejected, JobEventPublisher
from tests.events import job_event
from tests.support import ROOT, read_all


async def test_round_trip_sets_key_and_headers_and_keeps_per_job_order(
    kafka: str, topic: str
) -> None:
    versions = [job_event("job-7", "job.updated", at=i, salary_max=90000 + i) for i in range(30)]
    others = [job_event(f"other-{i}", at=i) for i in range(30)]
    async with JobEventPublisher(kafka, topic) as publisher:
        for a, b in zip(versions, others, strict=True):
            await publisher.send(a)
            await publisher.send(b)
    records = await read_all(kafka, topic)
    assert len(records) == 60
    mine = [r for r in records if r.key == b"greenhouse:job-7"]
    assert len({r.partition for r in mine}) == 1
    assert [
        json.loads(r.value)["job"]["salary_max"] for r in sorted(mine, key=lambda r: r.offset)
    ] == [90000 + i for i in range(30)]
    headers = dict(mine[0].headers)
    assert headers["content-type"] == b"application/json"
    assert headers["schema-version"] == b"1"
    assert headers["event-type"] == b"job.updated"
    assert headers["idempotency-key"].startswith(b"derived:")


async def test_an_invalid_event_raises_with_field_errors_and_sends_nothing(
    kafka: str, topic: str
) -> None:
    bad = job_event()
    del bad["job"]["title"]
    async with JobEventPublisher(kafka, topic) as publisher:
        with pytest.raises(EventRejected) as info:
            await publisher.send(bad)
    assert any(e.startswith("job.title") for e in info.value.errors)
    assert await read_all(kafka, topic, timeout_s=2) == []


def test_publish_command_rejects_bad_lines_with_line_numbers(
    kafka: str, topic: str, tmp_path: Path
) -> None:
    bad = job_event("job-bad")
    bad["job"]["remote"] = "moon"
    lines = [
        json.dumps(job_event("job-1")),
        "{oops",
        json.dumps(bad),
        "",
        json.dumps(job_event("job-2")),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "cli", "publish", str(path), "--topic", topic],
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka},
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "line 2: rejected" in result.stderr
    assert "line 3: rejected" in result.stderr and "job.remote" in result.stderr
    assert "published 2, rejected 2" in result.stdout
    import asyncio

    keys = sorted(r.key for r in asyncio.run(read_all(kafka, topic)))
    assert keys == [b"greenhouse:job-1", b"greenhouse:job-2"]


def test_publish_command_exits_zero_when_every_line_is_valid(
    kafka: str, topic: str, tmp_path: Path
) -> None:
    sample = subprocess.run(
        [sys.executable, "-m", "cli", "sample", "--count", "300", "--seed", "4"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "cli", "publish", "-", "--topic", topic],
        input=sample.stdout, env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka},
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "published 300, rejected 0" in result.stdout
