"""Cluster an existing table: features for rows stored without them, then clusters for active
rows without one. Resumable (it picks up whatever still lacks either) and safe while
ingestion runs (the same per-company locks as the write path)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from worker import dedupe
from worker.clusters import assign_clusters
from worker.store import Conn


@dataclass
class StoredRow:
    source: str
    external_id: str
    company_key: str | None
    title_key: str | None
    location_key: str | None
    minhash: bytes | None
    lsh_bands: list[int] | None
    deleted_at: datetime | None = None


async def backfill_features(conn: Conn, batch: int) -> int:
    rows = await conn.fetch(
        "SELECT source, external_id, title, company, location, remote, description FROM jobs "
        "WHERE deleted_at IS NULL AND minhash IS NULL AND description IS NOT NULL "
        "ORDER BY source, external_id LIMIT $1",
        batch,
    )
    if not rows:
        return 0
    found = [(r["source"], r["external_id"],
              dedupe.features(r["title"] or "", r["company"] or "", r["location"], r["remote"],
                              r["description"] or "")) for r in rows]  # fmt: skip
    await conn.executemany(
        "UPDATE jobs SET company_key = $3, title_key = $4, location_key = $5, minhash = $6, "
        "lsh_bands = $7 WHERE source = $1 AND external_id = $2",
        [
            (s, e, f.company_key, f.title_key, f.location_key, f.minhash, f.lsh_bands)
            for s, e, f in found
        ],  # fmt: skip
    )
    return len(found)


async def backfill_clusters(conn: Conn, batch: int) -> int:
    async with conn.transaction():
        rows = await conn.fetch(
            "SELECT source, external_id, company_key, title_key, location_key, minhash, "
            "lsh_bands FROM jobs WHERE deleted_at IS NULL AND cluster_id IS NULL "
            "AND (minhash IS NOT NULL OR description IS NULL) ORDER BY source, external_id LIMIT $1",
            batch,
        )
        if not rows:
            return 0
        await assign_clusters(conn, [
            StoredRow(r["source"], r["external_id"], r["company_key"], r["title_key"],
                      r["location_key"], bytes(r["minhash"] or b""), list(r["lsh_bands"] or []))
            for r in rows
        ])  # fmt: skip
    return len(rows)


async def backfill(
    conn: Conn, batch: int = 500, on_progress: Callable[[int], None] | None = None
) -> int:
    done = 0
    for step in (backfill_features, backfill_clusters):
        while count := await step(conn, batch):
            done += count
            if on_progress is not None:
                on_progress(count)
    return done
