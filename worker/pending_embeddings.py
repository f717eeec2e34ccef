"""Embeds rows stored while the embedder was down (the `defer` outage policy)."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg

from worker import store
from worker.embedders import Embedder
from worker.text import embedding_text


async def backfill_once(
    pool: asyncpg.Pool, embedder: Embedder, max_chars: int, limit: int = 64
) -> int:
    """Embed up to `limit` pending rows; return how many were filled."""
    async with pool.acquire() as conn:
        rows = await store.pending_embeddings(conn, limit)
    if not rows:
        return 0
    texts = [embedding_text(SimpleNamespace(**dict(row)), max_chars) for row in rows]
    vectors = await embedder.embed_documents(texts)
    filled = [
        (row["source"], row["external_id"], row["content_hash"], vector)
        for row, vector in zip(rows, vectors, strict=True)
    ]
    async with pool.acquire() as conn:
        await store.fill_embeddings(conn, filled, embedder.model)
    return len(filled)
