"""One batch's write transaction: the pipeline's decision about clusters handed to the store.

In one transaction: the table's model is checked, the clusters of the rows about to be
written are decided (:func:`worker.clusters.assign.decide`, under per-company locks), the
rows are upserted with their clusters under the ordering guard, the clusters of other stored
rows that the batch moved are stored, and the ledger keys are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from worker import store
from worker.clusters.assign import decide
from worker.pg import Conn
from worker.rows import JobRow


async def write_batch(
    conn: Conn,
    rows: Sequence[JobRow],
    ledger_keys: Iterable[str],
    *,
    model: str,
    reapplied: Sequence[JobRow] = (),
    clustering: bool = True,
) -> set[tuple[str, str]]:
    """Write ``rows`` (and ``reapplied`` ones, replay --reapply) with ``ledger_keys``; returns
    the identities whose row was written (the rest lost to a newer stored event)."""
    async with conn.transaction():
        await store.check_model(conn, model)
        moved = []
        if clustering:
            decision = await decide(conn, [*rows, *reapplied])
            for row in (*rows, *reapplied):
                found = decision.rows.get(row.identity)
                row.cluster_id = found.cluster_id if found else None
                row.linkage_id = found.linkage_id if found else None
            moved = [(i, a.cluster_id, a.linkage_id) for i, a in decision.moved]
        written = await store.upsert_rows(conn, rows, reapplied)
        await store.set_clusters(conn, moved)
        await store.record_keys(conn, ledger_keys)
    return written
