"""Load events straight into the jobs table through the worker's own plan and write path
(decode, rows, embed, COPY + upsert), without Kafka: for benchmarks and read-side tests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from aiokafka.structs import ConsumerRecord
from pgvector.asyncpg import register_vector

from worker.decode import Decoded, decode
from worker.embedders import Embedder
from worker.pg import Conn
from worker.plan import identity_of, rows_and_texts
from worker.write import write_batch


def as_record(event: dict[str, Any], offset: int) -> ConsumerRecord:
    value = json.dumps(event).encode()
    key = f"{event['source']}:{event['job']['external_id']}".encode()
    return ConsumerRecord("bench", 0, offset, 0, 0, key, value, None, len(key), len(value), [])


async def load_events(
    conn: Conn,
    events: Iterable[dict[str, Any]],
    embedder: Embedder,
    chunk: int = 2_000,
    max_chars: int = 2_000,
    clustering: bool = True,
) -> dict[str, float]:
    """Apply ``events``; returns rows written and seconds spent embedding and writing."""
    await register_vector(conn)  # type: ignore[arg-type]
    stats = {"rows": 0.0, "embed_s": 0.0, "write_s": 0.0, "texts": 0.0}
    batch: list[Decoded] = []

    async def flush() -> None:
        applying = {identity_of(d): d for d in batch}
        rows, texts = rows_and_texts(applying, max_chars, clustering)
        started = time.perf_counter()
        vectors = await embedder.embed_documents(list(texts.values()))
        stats["embed_s"] += time.perf_counter() - started
        stats["texts"] += len(texts)
        by_hash = dict(zip(texts, vectors, strict=True))
        for row in rows.values():
            if row.content_hash is not None:
                row.embedding, row.embedding_model = by_hash[row.content_hash], embedder.model
        started = time.perf_counter()
        await write_batch(conn, list(rows.values()), [d.idempotency_key for d in batch],
                          model=embedder.model, clustering=clustering)  # fmt: skip
        stats["write_s"] += time.perf_counter() - started
        stats["rows"] += len(rows)
        batch.clear()

    for offset, event in enumerate(events):
        item = decode(as_record(event, offset))
        if not isinstance(item, Decoded):
            raise ValueError(f"not a valid event: {item.message}")
        batch.append(item)
        if len(batch) >= chunk:
            await flush()
    if batch:
        await flush()
    return stats
