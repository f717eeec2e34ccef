"""The vector index as an operator sees it: status, build (concurrently, in parallel, resuming
after a crash), drop. For bulk loads: start workers with JOBINGEST_HNSW_INDEX=false, drop the
index, load, then build it once — pgvector builds an HNSW graph in parallel far faster than it
absorbs rows one by one. Search keeps working meanwhile (an exact scan while there is no
index)."""

from __future__ import annotations

import time
from typing import Any

from worker.store import Conn

INDEX = "jobs_embedding_hnsw"
CREATE = (
    f"CREATE INDEX CONCURRENTLY {INDEX} ON jobs USING hnsw (embedding vector_cosine_ops) "
    "WHERE deleted_at IS NULL"
)


async def index_status(conn: Conn) -> dict[str, Any]:
    row = await conn.fetchrow(
        "SELECT i.indisvalid, i.indisready, pg_relation_size(i.indexrelid) AS bytes "
        "FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
        INDEX,
    )
    progress = await conn.fetchrow(
        "SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total "
        "FROM pg_stat_progress_create_index WHERE relid = to_regclass('jobs')"
    )
    state = "absent" if row is None else ("valid" if row["indisvalid"] else "invalid")
    if progress is not None:
        state = "building"
    return {
        "index": INDEX,
        "state": state,
        "size_mb": round(row["bytes"] / 2**20, 1) if row is not None else 0.0,
        "progress": dict(progress) if progress is not None else None,
    }


async def drop_index(conn: Conn) -> None:
    await conn.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


async def build_index(conn: Conn, maintenance_work_mem: str = "1GB", workers: int = 2) -> float:
    """Build the index if it is not there and valid; returns the seconds it took (0 when it
    was already valid). An invalid index (a build interrupted by a crash) is dropped first."""
    status = await index_status(conn)
    if status["state"] == "valid":
        return 0.0
    if status["state"] == "building":
        raise RuntimeError("an index build is already running (see `jobingest index status`)")
    if status["state"] == "invalid":
        await drop_index(conn)
    if not maintenance_work_mem.rstrip("kMGB").isdigit():
        raise ValueError(
            f"maintenance_work_mem must look like 512MB or 2GB, not {maintenance_work_mem!r}"
        )
    await conn.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
    await conn.execute(f"SET max_parallel_maintenance_workers = {int(workers)}")
    started = time.perf_counter()
    await conn.execute(CREATE)
    return time.perf_counter() - started
