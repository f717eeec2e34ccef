"""The services the tests, `make dev` and the benchmarks start: what they leave behind."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncpg
import pytest

from worker.devstack import DevStack


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
