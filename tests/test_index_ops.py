"""Bulk loads build the vector index once: drop, load, build concurrently; a crashed build
is cleaned up and rebuilt; rows written during the build are searchable afterwards."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from tests.events import job_event
from worker.embedders import HashEmbedder
from worker.migrations import migrate
from worker.ops.index import CREATE, build_index, index_status
from worker.read import SearchFilters, search_jobs
from worker.text import embedding_text

DIMS = 64


def events(prefix: str, count: int) -> list[dict]:
    return [job_event(f"{prefix}{i}", title=f"Engineer {prefix}{i}", description=f"Role {prefix}{i}.")
            for i in range(count)]  # fmt: skip


async def test_an_interrupted_build_is_cleaned_up_and_rows_written_meanwhile_are_found(
    database: str, db: asyncpg.Connection
) -> None:
    embedder = HashEmbedder("hash-v1", DIMS)
    await migrate(db, embedder.model, DIMS, hnsw_index=False)
    await load_events(db, events("a", 6000), embedder, clustering=False)
    assert (await index_status(db))["state"] == "absent"
    await db.execute("SET statement_timeout = '20ms'")
    with pytest.raises(asyncpg.QueryCanceledError):
        await db.execute(CREATE)  # a build cut short, as by a crash
    await db.execute("RESET statement_timeout")
    assert (await index_status(db))["state"] == "invalid"
    await register_vector(db)
    found = await search_jobs(db, embedder, "anything", SearchFilters(), 10, mode="semantic")
    assert len(found) == 10  # the table stays searchable without a usable index

    writer = await asyncpg.connect(database)
    try:
        seconds, _ = await asyncio.gather(
            build_index(db, "256MB", 1),
            load_events(writer, events("b", 300), embedder, clustering=False),
        )
    finally:
        await writer.close()
    assert seconds > 0 and (await index_status(db))["state"] == "valid"
    assert await build_index(db) == 0.0  # already valid: nothing to do
    late = events("b", 300)[123]
    job = late["job"]
    text = embedding_text(
        type("J", (), {**job, "tags": job["tags"], "remote": job["remote"]})(), 2000
    )
    hit = await search_jobs(db, embedder, text, SearchFilters(), 1, mode="semantic")
    assert hit[0]["external_id"] == "b123"
    plan = await db.fetch(
        "EXPLAIN SELECT 1 FROM jobs WHERE deleted_at IS NULL ORDER BY embedding <=> $1 LIMIT 5",
        await embedder.embed_query("x"),
    )
    assert "jobs_embedding_hnsw" in " ".join(r[0] for r in plan)


async def test_index_status_is_a_table_and_json_on_request(database: str) -> None:
    import json
    import os
    import subprocess
    import sys

    from tests.support import ROOT

    conn = await asyncpg.connect(database)
    try:
        await migrate(conn, "hash-v1", DIMS)
    finally:
        await conn.close()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DATABASE_URL": database, "COLUMNS": "160"}
        command = [sys.executable, "-m", "cli", "index", "status", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)

    table, as_json = await asyncio.gather(asyncio.to_thread(cli), asyncio.to_thread(cli, "--json"))
    assert table.returncode == 0, table.stderr
    assert "jobs_embedding_hnsw" in table.stdout and "valid" in table.stdout
    assert not table.stdout.lstrip().startswith("{")
    assert json.loads(as_json.stdout)["state"] == "valid"
