"""`jobingest bench search`: relevance of lexical, semantic and hybrid search on the labelled
evaluation set (per local model), and latency at scale with and without filters.

Relevance: each model gets a fresh database with the evaluation corpus embedded by it; every
query runs in the three modes; nDCG@10, recall@10 and MRR are averaged over the queries (also
per query kind). Latency: a fresh database of ``latency_rows`` postings with hash vectors and
the HNSW index; p50/p99 of ``search_jobs`` per mode, without a filter, with a common filter and
with a selective one, plus the share of full pages where enough jobs match. Query embedding is
excluded there (the hash embedder is instant) and reported per model in the relevance table.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from devtools.bench.measure import peak_rss_mb, write_report
from devtools.bench.run import fresh_database, with_database
from devtools.bench.search_eval import CITIES, QUERIES, corpus, events, measures
from worker.embedders import Embedder, HashEmbedder, build_embedder
from worker.migrations import migrate
from worker.read import MODES, SearchFilters, filter_conditions, search_jobs
from worker.settings import load_settings


def _say(message: str) -> None:
    print(f"bench search: {message}", file=sys.stderr, flush=True)


async def relevance(admin_url: str, model: str, size: int) -> dict[str, Any]:
    embedder = build_embedder(load_settings(embedder="local", embedder_model=model))
    postings = corpus(size)
    url = await fresh_database(admin_url, f"bench_rel_{model.replace('-', '_').lower()}", None)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, embedder.model, embedder.dims, hnsw_index=True)
        _say(f"{model}: embedding {size} postings")
        stats = await load_events(conn, events(postings), embedder, chunk=256)
        await conn.execute("ANALYZE jobs")
        await register_vector(conn)
        by_id = {p.external_id: p for p in postings}
        per_mode: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
        per_kind: dict[str, dict[str, list[float]]] = {}
        query_embed_s: list[float] = []
        for query in QUERIES:
            all_grades = [query.grade(p) for p in postings]
            started = time.perf_counter()
            await embedder.embed_query(query.text)
            query_embed_s.append(time.perf_counter() - started)
            for mode in MODES:
                found = await search_jobs(
                    conn, embedder, query.text, SearchFilters(), 10, mode=mode
                )
                grades = [query.grade(by_id[r["external_id"]]) for r in found]
                scores = measures(grades, all_grades)
                per_mode[mode].append(scores)
                per_kind.setdefault(query.kind, {}).setdefault(mode, []).append(scores["ndcg@10"])
    finally:
        await conn.close()
        await embedder.close()
    table = {
        mode: {k: round(sum(s[k] for s in rows) / len(rows), 4) for k in rows[0]}
        for mode, rows in per_mode.items()
    }
    kinds = {
        kind: {mode: round(sum(v) / len(v), 3) for mode, v in modes.items()}
        for kind, modes in per_kind.items()
    }
    ordered = sorted(query_embed_s)
    return {
        "model": model, "postings": size, "queries": len(QUERIES), "measures": table,
        "ndcg_by_kind": kinds, "docs_per_s": round(stats["texts"] / stats["embed_s"], 1),
        "query_embed_p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
        "peak_rss_mb": peak_rss_mb(),
    }  # fmt: skip


WARMUP = 20  # unmeasured queries per filter and mode before the timed ones
FILTERS = {
    "none": SearchFilters(),
    "common": SearchFilters(remote="onsite"),
    "selective": SearchFilters(location="Lyon", remote="hybrid", tags=("python",)),
}


async def latency(admin_url: str, rows: int, samples: int = 100) -> dict[str, Any]:
    embedder: Embedder = HashEmbedder("hash-v1", 384)
    url = await fresh_database(admin_url, "bench_search_latency", None)
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, embedder.model, embedder.dims, hnsw_index=False)
        base = corpus(2_000, seed=5)
        rnd = random.Random(3)

        def scaled() -> Any:
            for i in range(rows):
                p = base[i % len(base)]
                yield from events([replace(p, external_id=f"e{i}", city=rnd.choice(CITIES),
                                           title=f"{p.title} {i}")])  # fmt: skip

        started = time.perf_counter()
        await load_events(conn, scaled(), embedder, chunk=5_000, clustering=False)
        load_s = time.perf_counter() - started
        _say(f"{rows} rows loaded in {load_s:.0f}s; building the HNSW index")
        started = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '1GB'")
        await conn.execute("SET max_parallel_maintenance_workers = 2")
        await conn.execute(
            "CREATE INDEX jobs_embedding_hnsw ON jobs USING hnsw (embedding vector_cosine_ops) "
            "WHERE deleted_at IS NULL"
        )
        index_s = time.perf_counter() - started
        await conn.execute("ANALYZE jobs")
        await register_vector(conn)
        texts = [q.text for q in QUERIES]
        second = await asyncpg.connect(url)  # hybrid runs its rankings at once, as the gateway
        await register_vector(second)
        results: dict[str, Any] = {}
        for name, filters in FILTERS.items():
            params: list[Any] = []
            where = " AND ".join(filter_conditions(filters, params))
            matching = int(await conn.fetchval(f"SELECT count(*) FROM jobs WHERE {where}", *params))
            for mode in MODES:  # warm: a serving database has its index pages in memory
                for i in range(WARMUP):
                    await search_jobs(conn, embedder, texts[i % len(texts)], filters, 10,
                                      mode=mode, lexical_conn=second)  # fmt: skip
            for mode in MODES:
                timings: list[float] = []
                full = 0
                for i in range(samples):
                    started = time.perf_counter()
                    found = await search_jobs(conn, embedder, texts[i % len(texts)], filters, 10,
                                              mode=mode, lexical_conn=second)  # fmt: skip
                    timings.append(time.perf_counter() - started)
                    full += len(found) == min(10, matching) or mode == "lexical"
                timings.sort()
                results[f"{mode}/{name}"] = {
                    "matching_rows": matching,
                    "p50_ms": round(timings[len(timings) // 2] * 1000, 2),
                    "p99_ms": round(timings[min(len(timings) - 1, int(0.99 * len(timings)))] * 1000, 2),
                    "full_pages": f"{full}/{samples}" if mode != "lexical" else "n/a",
                }  # fmt: skip
                _say(f"{mode}/{name}: {results[f'{mode}/{name}']}")
        await second.close()
    finally:
        await conn.close()
    return {"rows": rows, "load_s": round(load_s, 1), "index_build_s": round(index_s, 1),
            "queries": results}  # fmt: skip


def render(report: dict[str, Any]) -> str:
    lines = ["## Relevance (labelled evaluation set)", ""]
    for rel in report["relevance"]:
        lines += [f"**{rel['model']}** — {rel['postings']} postings, {rel['queries']} queries, "
                  f"{rel['docs_per_s']} postings/s embedded, query embedding p50 "
                  f"{rel['query_embed_p50_ms']} ms", "",
                  "| mode | nDCG@10 | recall@10 | MRR |", "|---|---:|---:|---:|"]  # fmt: skip
        for mode, m in rel["measures"].items():
            lines.append(f"| {mode} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} |")
        lines += ["", "nDCG@10 by query kind: " + "; ".join(
            f"{kind} " + "/".join(f"{v:.2f}" for v in modes.values())
            for kind, modes in rel["ndcg_by_kind"].items()) + " (hybrid/semantic/lexical)", ""]  # fmt: skip
    if report.get("latency"):
        lat = report["latency"]
        lines += [f"## Latency at {lat['rows']:,} rows (load {lat['load_s']} s, HNSW build "
                  f"{lat['index_build_s']} s; query embedding excluded)", "",
                  "| mode / filter | matching rows | p50 ms | p99 ms | full pages |",
                  "|---|---:|---:|---:|---:|"]  # fmt: skip
        for name, r in lat["queries"].items():
            lines.append(
                f"| {name} | {r['matching_rows']} | {r['p50_ms']} | {r['p99_ms']} | {r['full_pages']} |"
            )
    return "\n".join(lines) + "\n"


def run_search_bench(postings: int, models: list[str], latency_rows: int, output: Path) -> int:
    async def main(admin_url: str) -> dict[str, Any]:
        report: dict[str, Any] = {"relevance": [], "latency": None}
        for model in models:
            report["relevance"].append(await relevance(admin_url, model, postings))
            _say(json.dumps(report["relevance"][-1]["measures"]))
        if latency_rows:
            report["latency"] = await latency(admin_url, latency_rows)
        return report

    output.mkdir(parents=True, exist_ok=True)
    report = with_database(main)
    return write_report(output, "search", report, render(report))
