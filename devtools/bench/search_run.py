"""`jobingest bench search`: relevance of lexical, semantic and hybrid search on two labelled
evaluation sets (per local model), beside reference rankers on the same postings, and latency
at scale with and without filters, on the first page and on page 30.

Relevance: each model and set gets a fresh database with the set's postings embedded by it;
every query runs in the three modes through :func:`worker.read.search_jobs`. Two reference
rankers run on the same postings in the same process: Okapi BM25 (``rank_bm25``, k1 1.5,
b 0.75, over title, company, location, tags and the description's text) and that BM25 fused
with jobingest's semantic ranking by reciprocal rank fusion (k 60), the usual hybrid a user
would assemble by hand. nDCG@10 (graded), recall@5 and @10 of the grade-2 postings and MRR are
averaged per query group: English, non-English, exact identifiers.

- ``current``: the generated set (``search_eval``), plus postings carrying a requisition code
  or a product name and the queries that ask for them;
- ``heldout``: ``heldout_search``, written without reading the ranking code.

Latency: a fresh database of ``latency_rows`` postings with hash vectors and the HNSW index;
p50/p99 of ``search_jobs`` per mode, without a filter, with a common filter and with a
selective one, on page 1 and page 30 (10 per page), plus the share of full pages. Query
embedding is excluded there (the hash embedder is instant) and reported per model above.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from devtools.bench.measure import peak_rss_mb, write_report
from devtools.bench.run import fresh_database, with_database
from devtools.bench.search_eval import (
    CITIES,
    QUERIES,
    corpus,
    events,
    identifier_queries,
    measures,
    needles,
)
from worker.embedders import Embedder, HashEmbedder, build_embedder
from worker.migrations import migrate
from worker.read import MODES, SearchFilters, Snapshot, filter_conditions, search_jobs, search_page
from worker.settings import load_settings
from worker.text import plain_text

REFERENCES = ("bm25", "bm25+semantic")
RRF_K = 60


def _say(message: str) -> None:
    print(f"bench search: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Judged:
    """One graded query of an evaluation set."""

    id: str
    text: str
    lang: str
    kind: str
    grades: dict[str, int]  # external id -> 1 or 2; unlisted postings are 0


def current_set(size: int) -> tuple[list[dict[str, Any]], list[Judged]]:
    """The generated set (search_eval): the corpus plus the identifier postings, its queries
    graded from the postings' attributes, and the identifier queries."""
    postings = corpus(size) + needles()
    judged = [
        Judged(
            f"q{i}", q.text, q.language, q.kind,
            {p.external_id: g for p in postings if (g := q.grade(p))},
        )
        for i, q in enumerate(QUERIES)
    ]  # fmt: skip
    judged += [
        Judged(f"id{i}", text, "en", "identifier", {wanted: 2})
        for i, (text, wanted) in enumerate(identifier_queries(postings[size:]))
    ]
    return list(events(postings)), judged


def heldout_set() -> tuple[list[dict[str, Any]], list[Judged]]:
    """The held-out set (heldout_search), written without reading the ranking code."""
    from devtools.bench import heldout_search

    judged = [
        Judged(q["id"], q["q"], q["lang"], q["kind"], dict(q["grades"]))
        for q in heldout_search.queries()
    ]
    return heldout_search.events(), judged


def scores(ranked: list[str], query: Judged) -> dict[str, float]:
    """nDCG@10 (graded), recall@5 and @10 of the grade-2 postings (of at most k), MRR of the
    first grade 2."""
    grades = [query.grades.get(r, 0) for r in ranked]
    found = measures(grades, list(query.grades.values()))
    wanted = sum(1 for g in query.grades.values() if g == 2)
    found["recall@5"] = sum(1 for g in grades[:5] if g == 2) / min(5, wanted) if wanted else 0.0
    return found


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


class ReferenceBM25:
    """Okapi BM25 (rank_bm25, k1 1.5, b 0.75) over the same postings, in memory."""

    def __init__(self, postings: list[dict[str, Any]]) -> None:
        from rank_bm25 import BM25Okapi

        self.ids = [p["job"]["external_id"] for p in postings]
        docs = []
        for p in postings:
            job = p["job"]
            fields = [job.get("title"), job.get("company"), job.get("location"),
                      " ".join(job.get("tags") or []), plain_text(job.get("description") or "")]  # fmt: skip
            docs.append(_tokens(" ".join(f for f in fields if f)))
        self.bm25 = BM25Okapi(docs, k1=1.5, b=0.75)

    def rank(self, query: str, k: int = 100) -> list[str]:
        found = self.bm25.get_scores(_tokens(query))
        order = sorted(range(len(self.ids)), key=lambda i: (-found[i], self.ids[i]))
        return [self.ids[i] for i in order[:k] if found[i] > 0]


def rrf(*rankings: list[str], k: int = RRF_K) -> list[str]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for position, ident in enumerate(ranking, start=1):
            fused[ident] = fused.get(ident, 0.0) + 1.0 / (k + position)
    return sorted(fused, key=lambda i: (-fused[i], i))


def summarise(per_query: list[dict[str, Any]]) -> dict[str, Any]:
    """Per ranker: every query, English, non-English, identifier queries, and per kind."""

    def mean(rows: list[dict[str, Any]], key: str) -> float | None:
        return round(sum(r[key] for r in rows) / len(rows), 4) if rows else None

    table: dict[str, Any] = {}
    for ranker in (*MODES, *REFERENCES):
        rows = [r for r in per_query if r["mode"] == ranker]
        groups = {
            "all": rows,
            "en": [r for r in rows if r["lang"] == "en"],
            "non_en": [r for r in rows if r["lang"] != "en"],
            "identifier": [r for r in rows if r["kind"] == "identifier"],
        }
        table[ranker] = {
            group: {k: mean(found, k) for k in ("ndcg@10", "recall@5", "recall@10", "mrr")}
            | {"queries": len(found)}
            for group, found in groups.items()
        }
        table[ranker]["by_kind"] = {
            kind: mean([r for r in rows if r["kind"] == kind], "ndcg@10")
            for kind in sorted({r["kind"] for r in rows})
        }
    return table


async def relevance(
    admin_url: str, model: str, name: str, data: tuple[list[dict[str, Any]], list[Judged]]
) -> dict[str, Any]:
    embedder = build_embedder(load_settings(embedder="local", embedder_model=model))
    postings, queries = data
    db = f"bench_rel_{name}_{model.replace('-', '_').lower()}"
    url = await fresh_database(admin_url, db, None)
    conn = await asyncpg.connect(url)
    per_query: list[dict[str, Any]] = []
    query_embed_s: list[float] = []
    reference = ReferenceBM25(postings)
    try:
        await migrate(conn, embedder.model, embedder.dims, hnsw_index=True)
        _say(f"{model}, {name}: embedding {len(postings)} postings")
        stats = await load_events(conn, postings, embedder, chunk=256)
        await conn.execute("ANALYZE jobs")
        await register_vector(conn)
        for query in queries:
            started = time.perf_counter()
            await embedder.embed_query(query.text)
            query_embed_s.append(time.perf_counter() - started)
            ranked: dict[str, list[str]] = {}
            for mode in MODES:
                found = await search_jobs(
                    conn, embedder, query.text, SearchFilters(), 100, mode=mode
                )
                ranked[mode] = [r["external_id"] for r in found]
            ranked["bm25"] = reference.rank(query.text)
            ranked["bm25+semantic"] = rrf(ranked["bm25"], ranked["semantic"])
            for ranker, ids in ranked.items():
                per_query.append(
                    {"id": query.id, "lang": query.lang, "kind": query.kind, "mode": ranker}
                    | scores(ids[:10], query)
                )
        walked = await walks(conn, embedder, [q.text for q in queries[:WALKS]])
    finally:
        await conn.close()
        await embedder.close()
    ordered = sorted(query_embed_s)
    return {
        "set": name, "model": model, "postings": len(postings), "queries": len(queries),
        "walks": walked,
        "measures": summarise(per_query), "per_query": per_query,
        "docs_per_s": round(stats["texts"] / stats["embed_s"], 1),
        "query_embed_p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
        "peak_rss_mb": peak_rss_mb(),
    }  # fmt: skip


WALKS = 20  # queries walked page by page per set and mode
WALK_PAGES = 30


async def walks(conn: Any, embedder: Embedder, texts: list[str]) -> dict[str, Any]:
    """Per mode: each query walked WALK_PAGES pages of 10, every page continuing the previous
    one's snapshot as a cursor does, twice; counted against one request for the whole depth:
    clusters shown twice, clusters of the whole ranking never shown, walks that differ."""
    found: dict[str, Any] = {}
    for mode in MODES:
        repeats = gaps = differ = shown = 0
        for text in texts:
            runs = []
            for _ in range(2):
                snapshot = Snapshot(await conn.fetchval("SELECT now()"))
                seen: list[str] = []
                for number in range(WALK_PAGES):
                    page = await search_page(
                        conn, embedder, text, SearchFilters(), 10, mode=mode,
                        offset=number * 10, snapshot=snapshot,
                    )  # fmt: skip
                    seen += [r["cluster_id"] or f"{r['source']}:{r['external_id']}"
                             for r in page.results]  # fmt: skip
                    snapshot = page.snapshot
                    if not page.more:
                        break
                runs.append(seen)
            whole = await search_page(conn, embedder, text, SearchFilters(), len(runs[0]) or 1,
                                      mode=mode)  # fmt: skip
            expected = [r["cluster_id"] or f"{r['source']}:{r['external_id']}"
                        for r in whole.results]  # fmt: skip
            repeats += len(runs[0]) - len(set(runs[0]))
            gaps += len(set(expected) - set(runs[0]))
            differ += runs[0] != runs[1]
            shown += len(runs[0])
        found[mode] = {"walks": len(texts), "results": shown, "repeats": repeats,
                       "gaps": gaps, "walks_differing": differ}  # fmt: skip
        _say(f"walks {mode}: {found[mode]}")
    return found


WARMUP = 20  # unmeasured queries per filter and mode before the timed ones
PAGES = (1, 30)
POSTED_UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
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

        def scaled() -> Any:  # posted over 90 days, as a board's live postings are
            for i in range(rows):
                p = base[i % len(base)]
                for event in events([replace(p, external_id=f"e{i}", city=rnd.choice(CITIES),
                                              title=f"{p.title} {i}")]):  # fmt: skip
                    posted = POSTED_UNTIL - timedelta(seconds=rnd.randrange(90 * 86_400))
                    event["job"]["posted_at"] = posted.isoformat()
                    yield event

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
            for mode, page in [(m, p) for m in MODES for p in PAGES]:
                timings: list[float] = []
                full = 0
                for i in range(samples):
                    started = time.perf_counter()
                    found = await search_jobs(
                        conn, embedder, texts[i % len(texts)], filters, 10, mode=mode,
                        lexical_conn=second, offset=(page - 1) * 10,
                    )  # fmt: skip
                    timings.append(time.perf_counter() - started)
                    expected = min(10, max(0, matching - (page - 1) * 10))
                    full += len(found) == expected or mode == "lexical"
                timings.sort()
                label = f"{mode}/{name}/page {page}"
                results[label] = {
                    "matching_rows": matching,
                    "p50_ms": round(timings[len(timings) // 2] * 1000, 2),
                    "p99_ms": round(timings[min(len(timings) - 1, int(0.99 * len(timings)))] * 1000, 2),
                    "full_pages": f"{full}/{samples}" if mode != "lexical" else "n/a",
                }  # fmt: skip
                _say(f"{label}: {results[label]}")
        await second.close()
    finally:
        await conn.close()
    return {"rows": rows, "load_s": round(load_s, 1), "index_build_s": round(index_s, 1),
            "queries": results}  # fmt: skip


def render(report: dict[str, Any]) -> str:
    lines = ["## Relevance", ""]
    for rel in report["relevance"]:
        lines += [
            f"**{rel['set']}**, {rel['model']}: {rel['postings']} postings, {rel['queries']} "
            f"queries, {rel['docs_per_s']} postings/s embedded, query embedding p50 "
            f"{rel['query_embed_p50_ms']} ms",
            "",
            "| ranker | nDCG@10 | R@5 | R@10 | MRR | English R@5 | English nDCG@10 | "
            "non-English R@5 | identifier MRR |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for mode, m in rel["measures"].items():
            cells = [m["all"]["ndcg@10"], m["all"]["recall@5"], m["all"]["recall@10"],
                     m["all"]["mrr"], m["en"]["recall@5"], m["en"]["ndcg@10"],
                     m["non_en"]["recall@5"], m["identifier"]["mrr"]]  # fmt: skip
            name = mode if mode in MODES else f"reference {mode}"
            lines.append(
                f"| {name} | " + " | ".join("-" if c is None else f"{c:.3f}" for c in cells) + " |"
            )
        walks = rel.get("walks") or {}
        if walks:
            lines += ["", "| walk (30 pages of 10, twice) | walks | results | repeats | gaps | "
                      "walks differing |", "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
            for mode, w in walks.items():
                lines.append(f"| {mode} | {w['walks']} | {w['results']} | {w['repeats']} | "
                             f"{w['gaps']} | {w['walks_differing']} |")  # fmt: skip
        kinds = rel["measures"]["hybrid"]["by_kind"]
        lines += ["", "nDCG@10 by query kind (hybrid/semantic/lexical/bm25): " + "; ".join(
            f"{kind} " + "/".join(f"{rel['measures'][m]['by_kind'][kind]:.2f}"
                                  for m in (*MODES, "bm25"))
            for kind in kinds) + ".", ""]  # fmt: skip
    if report.get("latency"):
        lat = report["latency"]
        lines += [f"## Latency at {lat['rows']:,} rows (load {lat['load_s']} s, HNSW build "
                  f"{lat['index_build_s']} s; query embedding excluded)", "",
                  "| mode / filter / page | matching rows | p50 ms | p99 ms | full pages |",
                  "|---|---:|---:|---:|---:|"]  # fmt: skip
        for name, r in lat["queries"].items():
            lines.append(
                f"| {name} | {r['matching_rows']} | {r['p50_ms']} | {r['p99_ms']} | {r['full_pages']} |"
            )
    return "\n".join(lines) + "\n"


def run_search_bench(
    postings: int,
    models: list[str],
    latency_rows: int,
    output: Path,
    sets: tuple[str, ...] = ("current", "heldout"),
) -> int:
    async def main(admin_url: str) -> dict[str, Any]:
        report: dict[str, Any] = {"relevance": [], "latency": None}
        for model in models:
            for name in sets:
                data = current_set(postings) if name == "current" else heldout_set()
                report["relevance"].append(await relevance(admin_url, model, name, data))
                measured = report["relevance"][-1]["measures"]
                _say(json.dumps({m: v["all"] for m, v in measured.items()}))
        if latency_rows:
            report["latency"] = await latency(admin_url, latency_rows)
        return report

    output.mkdir(parents=True, exist_ok=True)
    report = with_database(main)
    return write_report(output, "search", report, render(report))
