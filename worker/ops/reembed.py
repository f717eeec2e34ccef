"""Move the table to another embedding model while ingestion continues.

1. Backfill: new vectors go to ``embedding_next`` (with the content hash they were computed
   for), in batches, resumable: a row is done when its ``embedding_next_hash`` equals its
   ``content_hash``, so rows that ingestion changes meanwhile are picked up again.
2. Switch, in one transaction: lock the model metadata (workers read it, FOR SHARE, in every
   write transaction), catch up the rows still behind, rename ``embedding`` to
   ``embedding_<old model>`` and ``embedding_next`` to ``embedding``, index it, record the new
   model. Running workers of the old model then stop with a message saying what to set.
The old vectors stay in their renamed column until the operator drops it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from worker.embedders import Embedder
from worker.store import Conn
from worker.table_model import TableEmbedding
from worker.text import embedding_text

_PENDING = """
    FROM jobs WHERE deleted_at IS NULL AND content_hash IS NOT NULL
      AND embedding_next_hash IS DISTINCT FROM content_hash
"""


class ReembedRefused(Exception):
    pass


@dataclass
class ReembedReport:
    model: str
    dims: int
    embedded: int
    old_column: str | None
    provider: str = ""

    @property
    def settings(self) -> str:
        """Every setting a worker (or a search) needs for the new model."""
        return TableEmbedding(self.model, self.dims, self.provider or None).settings()


def column_suffix(model: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")[:40] or "old"


async def prepare(conn: Conn, model: str, dims: int) -> None:
    meta = {r["key"]: r["value"] for r in await conn.fetch("SELECT key, value FROM jobingest_meta")}
    if meta.get("embedding_model") == model and int(meta.get("embedding_dims", 0)) == dims:
        raise ReembedRefused(f"the table already holds {model} ({dims} dims) vectors")
    target = meta.get("reembed_target")
    if target and target != f"{model}:{dims}":
        await conn.execute(
            "ALTER TABLE jobs DROP COLUMN IF EXISTS embedding_next, DROP COLUMN IF EXISTS embedding_next_hash"
        )
    async with conn.transaction():
        await conn.execute(
            f"ALTER TABLE jobs ADD COLUMN IF NOT EXISTS embedding_next vector({int(dims)})"
        )
        await conn.execute("ALTER TABLE jobs ADD COLUMN IF NOT EXISTS embedding_next_hash text")
        await conn.execute(
            "INSERT INTO jobingest_meta (key, value) VALUES ('reembed_target', $1) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            f"{model}:{dims}",
        )


async def pending_count(conn: Conn) -> int:
    return int(await conn.fetchval("SELECT count(*) " + _PENDING))


async def backfill_batch(conn: Conn, embedder: Embedder, max_chars: int, limit: int) -> int:
    rows = await conn.fetch(
        "SELECT source, external_id, title, company, location, remote, tags, description, content_hash "
        + _PENDING
        + " ORDER BY source, external_id LIMIT $1",
        limit,
    )
    if not rows:
        return 0
    texts = [embedding_text(SimpleNamespace(**dict(row)), max_chars) for row in rows]
    vectors = await embedder.embed_documents(texts)
    await conn.executemany(
        "UPDATE jobs SET embedding_next = $4, embedding_next_hash = $3 "
        "WHERE source = $1 AND external_id = $2 AND content_hash = $3",
        [
            (r["source"], r["external_id"], r["content_hash"], v)
            for r, v in zip(rows, vectors, strict=True)
        ],
    )
    return len(rows)


async def switch(conn: Conn, embedder: Embedder, max_chars: int) -> str:
    """Catch up and swap columns atomically; returns the column holding the old vectors."""
    async with conn.transaction():
        old_model = await conn.fetchval(
            "SELECT value FROM jobingest_meta WHERE key = 'embedding_model' FOR UPDATE"
        )
        await conn.execute("LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE")
        while await backfill_batch(conn, embedder, max_chars, 500):
            pass
        old_column = f"embedding_{column_suffix(old_model)}"
        await conn.execute(f"ALTER TABLE jobs DROP COLUMN IF EXISTS {old_column}")
        await conn.execute(f"ALTER TABLE jobs RENAME COLUMN embedding TO {old_column}")
        await conn.execute("ALTER TABLE jobs RENAME COLUMN embedding_next TO embedding")
        await conn.execute("ALTER TABLE jobs DROP COLUMN embedding_next_hash")
        await conn.execute("DROP INDEX IF EXISTS jobs_embedding_hnsw")
        await conn.execute(
            "CREATE INDEX jobs_embedding_hnsw ON jobs USING hnsw (embedding vector_cosine_ops) WHERE deleted_at IS NULL"
        )
        await conn.execute(
            "UPDATE jobs SET embedding_model = $1 WHERE embedding IS NOT NULL", embedder.model
        )
        await conn.execute(
            "UPDATE jobingest_meta SET value = CASE key WHEN 'embedding_model' THEN $1 ELSE $2 END "
            "WHERE key IN ('embedding_model', 'embedding_dims')",
            embedder.model,
            str(embedder.dims),
        )
        await conn.execute(
            "INSERT INTO jobingest_meta (key, value) VALUES ('embedding_provider', $1) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            embedder.provider,
        )
        await conn.execute("DELETE FROM jobingest_meta WHERE key = 'reembed_target'")
    return old_column


async def reembed(
    conn: Conn,
    embedder: Embedder,
    max_chars: int,
    *,
    batch: int = 256,
    max_batches: int | None = None,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ReembedReport:
    """Backfill then switch. With ``max_batches`` it stops early (resumable) and does not switch."""
    await prepare(conn, embedder.model, embedder.dims)
    if on_total is not None:
        on_total(await pending_count(conn))
    embedded = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        done = await backfill_batch(conn, embedder, max_chars, batch)
        if not done:
            break
        embedded += done
        batches += 1
        if on_progress is not None:
            on_progress(done)
    if max_batches is not None and await pending_count(conn):
        return ReembedReport(embedder.model, embedder.dims, embedded, None, embedder.provider)
    old_column = await switch(conn, embedder, max_chars)
    return ReembedReport(embedder.model, embedder.dims, embedded, old_column, embedder.provider)
