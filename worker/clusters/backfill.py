"""Cluster an existing table: active rows stored without current signals (loaded before this
scheme, or with clustering off) are signed again from their stored fields and clustered, a
small step at a time, each step one transaction under the same per-company locks as the
write path. Resumable (it picks up whatever still lacks either) and safe while workers
ingest; the clusters it leaves are the ones a fresh load would build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from worker import store
from worker.clusters.assign import decide
from worker.clusters.signature import SIGNALS_VERSION, Signals, signals
from worker.pg import Conn


@dataclass(frozen=True, slots=True)
class Resigned:
    """A stored row with the signals it gets now."""

    identity: tuple[str, str]
    signals: Signals
    deleted_at: datetime | None = None

    @property
    def company_key(self) -> str:
        return self.signals.company


async def backfill_step(
    conn: Conn, batch: int, after: tuple[str, str] = ("", "")
) -> list[tuple[str, str]]:
    """Sign and cluster up to ``batch`` rows that need it, after ``after`` in key order;
    returns the rows done."""
    records = await conn.fetch(
        """
        SELECT source, external_id, title, company, location, remote, description FROM jobs
        WHERE deleted_at IS NULL AND (source, external_id) > ($1, $2)
          AND (signals_version IS DISTINCT FROM $3 OR cluster_id IS NULL)
        ORDER BY source, external_id LIMIT $4
        """,
        after[0],
        after[1],
        SIGNALS_VERSION,
        batch,
    )
    rows = [
        Resigned(
            (r["source"], r["external_id"]),
            signals(
                r["title"] or "",
                r["company"] or "",
                r["location"],
                r["remote"],
                r["description"] or "",
            ),
        )
        for r in records
    ]
    if not rows:
        return []
    async with conn.transaction():
        decision = await decide(conn, rows)
        await conn.executemany(
            """
            UPDATE jobs SET company_key = $3, title_key = $4, location_key = $5,
                shingle_count = $6, minhash = $7, lsh_bands = $8, signals_version = $9,
                cluster_id = $10, linkage_id = $11
            WHERE source = $1 AND external_id = $2 AND deleted_at IS NULL
            """,
            [
                (
                    *r.identity,
                    r.signals.company,
                    r.signals.title,
                    r.signals.place,
                    r.signals.shingles,
                    r.signals.minhash,
                    list(r.signals.bands),
                    SIGNALS_VERSION,
                    decision.rows[r.identity].cluster_id,
                    decision.rows[r.identity].linkage_id,
                )
                for r in rows
            ],
        )
        await store.set_clusters(conn, [(i, a.cluster_id, a.linkage_id) for i, a in decision.moved])
    return [r.identity for r in rows]


async def backfill(
    conn: Conn, batch: int = 500, on_progress: Callable[[int], None] | None = None
) -> int:
    """Every row that needs it, in steps of ``batch``; returns the rows done."""
    done, after = 0, ("", "")
    while step := await backfill_step(conn, batch, after):
        done += len(step)
        after = step[-1]
        if on_progress is not None:
            on_progress(len(step))
    return done
