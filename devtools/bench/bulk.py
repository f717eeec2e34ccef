"""`jobingest bench bulk`: an initial load from an empty table to searchable with an HNSW index,
side by side — through the index (every row inserted into the graph) against loading without it
and building it once (`jobingest index build`: concurrently, parallel workers) — and how well
the approximate top 10 agrees with exact search, for the index over `vector` and over `halfvec`.

Both loads go through the workers' write path (plan, COPY, upsert under the ordering guard) in
batches of 2,000, hash embedder, duplicate clustering off in both (the vector index is what is
compared). Each variant has a fresh database.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from devtools.bench.measure import write_report
from devtools.bench.run import fresh_database, with_database
from devtools.bench.search_eval import QUERIES
from producers.sample import unique_postings
from worker.embedders import Embedder, HashEmbedder, build_embedder
from worker.migrations import migrate
from worker.ops.index import build_index
from worker.settings import load_settings

DIMS = 384


def _say(message: str) -> None:
    print(f"bench bulk: {message}", file=sys.stderr, flush=True)


async def _load(url: str, events: list[dict[str, Any]]) -> float:
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        await load_events(conn, events, HashEmbedder("hash-v1", DIMS), clustering=False)
        return time.perf_counter() - started
    finally:
        await conn.close()


async def _distances(conn: asyncpg.Connection, order: str, vector: np.ndarray) -> list[float]:
    """The exact distances of the top 10 rows as ``order`` ranks them."""
    sql = f"SELECT embedding <=> $1 FROM jobs WHERE deleted_at IS NULL ORDER BY {order} LIMIT 10"
    return [float(r[0]) for r in await conn.fetch(sql, vector)]


async def agreement(conn: asyncpg.Connection, embedder: Embedder, queries: int) -> dict[str, float]:
    """Recall@10 of each approximate index against exact search over ``queries`` queries
    (ef_search 40, as search uses for a page of 10): the share of returned rows at least as
    near as the exact 10th (so rows tied in distance count alike)."""
    dims = embedder.dims
    vectors = [await embedder.embed_query(q.text) for q in QUERIES[:queries]]
    exact: list[list[float]] = []
    async with conn.transaction():
        await conn.execute("SET LOCAL enable_indexscan = off")
        for v in vectors:
            exact.append(await _distances(conn, "embedding <=> $1", v))
    async with conn.transaction():  # the indexes, as search walks them
        await conn.execute("SET LOCAL enable_seqscan = off")
        await conn.execute("SET LOCAL hnsw.ef_search = 40")
        full = [await _distances(conn, "embedding <=> $1", v) for v in vectors]
        half = [
            await _distances(conn, f"embedding::halfvec({dims}) <=> $1::vector::halfvec({dims})", v)
            for v in vectors
        ]

    def recall(found: list[list[float]]) -> float:
        hits = sum(sum(d <= e[-1] + 1e-6 for d in a) for a, e in zip(found, exact, strict=True))
        return round(hits / max(1, sum(len(e) for e in exact)), 4)

    return {"vector": recall(full), "halfvec": recall(half)}


async def _build_half(conn: asyncpg.Connection, dims: int) -> float:
    await conn.execute("SET maintenance_work_mem = '1GB'")
    await conn.execute("SET max_parallel_maintenance_workers = 2")
    started = time.perf_counter()
    await conn.execute(
        f"CREATE INDEX jobs_embedding_hnsw_half ON jobs USING hnsw "
        f"((embedding::halfvec({dims})) halfvec_cosine_ops) WHERE deleted_at IS NULL"
    )
    return time.perf_counter() - started


async def model_agreement(admin_url: str, model: str, postings: int) -> dict[str, Any]:
    """The same recall, in a real model's vector space: ``postings`` embedded by ``model``."""
    embedder = build_embedder(load_settings(embedder="local", embedder_model=model))
    url = await fresh_database(admin_url, "bench_bulk_model", None)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, embedder.model, embedder.dims, hnsw_index=False)
        events = [json.loads(line) for line in unique_postings(postings, seed=23)]
        _say(f"{model}: embedding {postings} postings ...")
        await load_events(conn, events, embedder, chunk=256, clustering=False)
        await register_vector(conn)
        await build_index(conn)
        await _build_half(conn, embedder.dims)
        await conn.execute("ANALYZE jobs")
        return {
            "model": model,
            "postings": postings,
            "recall_at_10": await agreement(conn, embedder, 78),
        }
    finally:
        await conn.close()


async def _run(admin_url: str, postings: int) -> dict[str, Any]:
    events = [json.loads(line) for line in unique_postings(postings, seed=11)]
    report: dict[str, Any] = {"postings": postings}

    url = await fresh_database(admin_url, "bench_bulk_through", True)
    _say(f"{postings} postings through the HNSW index ...")
    through = await _load(url, events)
    _say(f"  {through:.1f} s")

    url = await fresh_database(admin_url, "bench_bulk_build", False)
    _say(f"{postings} postings without the index ...")
    load = await _load(url, events)
    conn = await asyncpg.connect(url)
    try:
        await register_vector(conn)
        _say(f"  {load:.1f} s; building the index (vector) ...")
        build = await build_index(conn)
        report["index_mb"] = round(
            await conn.fetchval("SELECT pg_relation_size('jobs_embedding_hnsw')") / 2**20, 1
        )
        _say(f"  {build:.1f} s; the same as halfvec ...")
        half = await _build_half(conn, DIMS)
        report["half_index_mb"] = round(
            await conn.fetchval("SELECT pg_relation_size('jobs_embedding_hnsw_half')") / 2**20, 1
        )
        await conn.execute("ANALYZE jobs")
        report["recall_at_10"] = await agreement(conn, HashEmbedder("hash-v1", DIMS), 78)
    finally:
        await conn.close()
    report.update(
        through_index_s=round(through, 1),
        load_s=round(load, 1),
        build_s=round(build, 1),
        half_build_s=round(half, 1),
        load_then_build_s=round(load + build, 1),
        speedup=round(through / (load + build), 2),
        load_then_build_half_s=round(load + half, 1),
        speedup_half=round(through / (load + half), 2),
    )
    return report


def render(r: dict[str, Any]) -> str:
    text = ""
    if "model_recall" in r:
        m = r["model_recall"]
        text = (
            f"Recall@10 against exact search with {m['model']} vectors ({m['postings']:,} "
            f"postings, 78 queries, ef_search 40): vector {m['recall_at_10']['vector']}, "
            f"halfvec {m['recall_at_10']['halfvec']}.\n"
        )
    if "postings" not in r:
        return text
    recall = r["recall_at_10"]
    return text + (
        f"## Bulk load: {r['postings']:,} postings, empty table to searchable with an HNSW index\n\n"
        "| way | load s | index build s | total s | × faster |\n|---|---:|---:|---:|---:|\n"
        f"| through the index | {r['through_index_s']} | – | {r['through_index_s']} | 1.00 |\n"
        f"| load, then `index build` (vector) | {r['load_s']} | {r['build_s']} | "
        f"{r['load_then_build_s']} | {r['speedup']} |\n"
        f"| load, then build over halfvec | {r['load_s']} | {r['half_build_s']} | "
        f"{r['load_then_build_half_s']} | {r['speedup_half']} |\n\n"
        f"Index size: vector {r['index_mb']} MB, halfvec {r['half_index_mb']} MB. Recall@10 of the "
        f"approximate top 10 against exact search (78 queries, ef_search 40): vector "
        f"{recall['vector']}, halfvec {recall['halfvec']}.\n"
    )


def run_bulk_bench(
    postings: int, recall_model: str | None, recall_postings: int, output: Path
) -> int:
    output.mkdir(parents=True, exist_ok=True)

    async def main(admin_url: str) -> dict[str, Any]:
        report = await _run(admin_url, postings) if postings else {}
        if recall_model:
            report["model_recall"] = await model_agreement(admin_url, recall_model, recall_postings)
        return report

    report = with_database(main)
    return write_report(output, "bulk", report, render(report))
