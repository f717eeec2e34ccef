"""`jobingest bench`: raw limit, naive, and jobingest with 1 and 2 workers, side by side.

Same broker, same topic (one backlog of unique postings), same table schema, each variant in
its own fresh database and consumer group, each with and without the HNSW index.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from devtools.bench.measure import histogram_quantile, peak_rss_mb
from devtools.devstack import DevStack
from devtools.devstack.procs import free_port
from producers.sample import unique_postings
from worker.kafka_admin import KafkaAdmin
from worker.kafka_client import connection
from worker.migrations import migrate
from worker.store import database_url_for
from worker.topics import ensure_topics

T = TypeVar("T")


@dataclass
class Result:
    variant: str
    index: str
    events: int
    seconds: float
    p50_s: float
    p99_s: float
    peak_rss_mb: list[float]
    rows: int

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


async def produce_backlog(servers: str, topic: str, count: int, seed: int) -> float:
    return await produce_lines(servers, topic, unique_postings(count, seed))


async def produce_lines(servers: str, topic: str, lines: Iterable[str]) -> float:
    """Publish events (JSON lines) keyed source:external_id, as fast as the broker takes them."""
    producer = connection(servers).producer(acks="all", linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    started = time.perf_counter()
    try:
        futures = []
        for line in lines:
            data = json.loads(line)
            key = f"{data['source']}:{data['job']['external_id']}".encode()
            futures.append(await producer.send(topic, line.encode(), key=key))
            if len(futures) >= 20_000:
                await asyncio.gather(*futures)
                futures = []
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def fresh_database(admin_url: str, name: str, hnsw: bool | None) -> str:
    """A new database; migrated for the hash embedder unless ``hnsw`` is None."""
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = database_url_for(admin_url, name)
    if hnsw is not None:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn, "hash-v1", 384, hnsw_index=hnsw)
        finally:
            await conn.close()
    return url


def with_database(main: Callable[[str], Coroutine[Any, Any, T]]) -> T:
    """Run ``main(admin_url)`` against DATABASE_URL, else an embedded PostgreSQL of its own
    (in a temporary directory, removed afterwards)."""
    if os.environ.get("DATABASE_URL"):
        return asyncio.run(main(os.environ["DATABASE_URL"]))
    with DevStack(kafka=False) as stack:
        return asyncio.run(main(stack.database_url))


async def count_rows(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM jobs"))
    finally:
        await conn.close()


async def run_baseline(
    variant: str,
    servers: str,
    topic: str,
    url: str,
    events: int,
    produce: Callable[[], Awaitable[float]],
) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devtools.bench.baselines",
        variant,
        "--servers",
        servers,
        "--topic",
        topic,
        "--database-url",
        url,
        "--events",
        str(events),
        "--group",
        f"bench-{variant}-{uuid.uuid4().hex[:6]}",
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    while (await proc.stdout.readline()).strip() != b"ready":
        if proc.returncode is not None:
            raise RuntimeError(f"{variant} baseline exited before it was ready")
    started = time.perf_counter()
    await produce()
    stdout = await proc.stdout.read()
    await proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"{variant} baseline failed with exit {proc.returncode}")
    result = dict(json.loads(stdout.decode().strip().splitlines()[-1]))
    result["seconds"] = time.perf_counter() - started
    return result


async def _any_ready(client: httpx.AsyncClient, ports: list[int]) -> bool:
    for port in ports:
        try:
            if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
    return False


async def run_workers(
    count: int,
    servers: str,
    topic: str,
    url: str,
    group: str,
    expected: int,
    produce: Callable[[], Awaitable[float]],
    embedder: str = "hash",
    hnsw: bool = True,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    ports = [free_port() for _ in range(count)]
    env_base = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "DATABASE_URL": url,
        "JOBINGEST_TOPIC": topic,
        "JOBINGEST_GROUP_ID": group,
        "JOBINGEST_EMBEDDER": embedder,
        "JOBINGEST_LOG_LEVEL": "WARNING",
        "JOBINGEST_HNSW_INDEX": str(hnsw).lower(),
        **(env or {}),
    }
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "worker",
            env={**env_base, "JOBINGEST_HTTP_PORT": str(p)},
        )
        for p in ports
    ]
    try:
        async with httpx.AsyncClient() as client, KafkaAdmin(servers) as admin:
            while True:  # the clock starts when the first worker is ready (joined, migrated)
                if await _any_ready(client, ports):
                    break
                if any(proc.returncode is not None for proc in procs):
                    raise RuntimeError("a worker exited during startup")
                await asyncio.sleep(0.05)
            started = time.perf_counter()
            await produce()
            tps = await admin.partitions(topic)
            ends = await admin.end_offsets(tps)
            while True:
                committed = await admin.committed(group, topic)
                if all(committed.get(tp, 0) >= end for tp, end in ends.items()):
                    break
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - started
            buckets: list[tuple[float, float]] = []
            for p in ports:
                text = (await client.get(f"http://127.0.0.1:{p}/metrics")).text
                for family in text_string_to_metric_families(text):
                    if family.name == "jobingest_kafka_to_commit_latency_seconds":
                        for sample in family.samples:
                            if sample.name.endswith("_bucket"):
                                buckets.append((float(sample.labels["le"]), sample.value))
        merged: dict[float, float] = {}
        for le, value in buckets:
            merged[le] = merged.get(le, 0) + value
        ordered = sorted(merged.items())
        rss = [peak_rss_mb(proc.pid, children=True) for proc in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        await asyncio.gather(*(proc.wait() for proc in procs))
    return {
        "events": expected,
        "seconds": elapsed,
        "p50_s": round(histogram_quantile(ordered, 0.5), 3),
        "p99_s": round(histogram_quantile(ordered, 0.99), 3),
        "peak_rss_mb": rss,
    }


async def new_topic(servers: str, prefix: str, partitions: int) -> str:
    topic = f"{prefix}.{uuid.uuid4().hex[:6]}"
    await ensure_topics(servers, {topic: partitions, f"{topic}.dlq": 1})
    return topic


async def bench(
    stack: DevStack,
    events: int,
    naive_events: int,
    partitions: int,
    local_events: int,
    backlog_events: int,
    indexes: tuple[bool, ...] = (True, False),
) -> dict[str, Any]:
    """``indexes``: with the HNSW index, without, or both. Each variant reads its own topic; events are produced (at full speed, faster than any
    consumer) once the variant is ready, so latency is real: Kafka timestamp to commit."""
    servers, admin_url = stack.kafka_bootstrap_servers, stack.database_url
    results: list[Result] = []
    for hnsw in indexes:
        index = "hnsw" if hnsw else "none"
        plan = [
            ("raw", events),
            ("naive", naive_events),
            ("jobingest x1", events),
            ("jobingest x2", events),
        ]
        for variant, n in plan:
            url = await fresh_database(
                admin_url, f"bench_{variant.replace(' ', '_')}_{index}", hnsw
            )
            topic = await new_topic(servers, "bench", partitions)
            produce = partial(produce_backlog, servers, topic, n, 1)
            _say(f"{variant} ({index}): {n} events ...")
            if variant in ("raw", "naive"):
                measured = await run_baseline(variant, servers, topic, url, n, produce)
                measured["peak_rss_mb"] = [measured["peak_rss_mb"]]
            else:
                group = f"bench-{uuid.uuid4().hex[:6]}"
                measured = await run_workers(
                    int(variant[-1]), servers, topic, url, group, n, produce, hnsw=hnsw
                )
            result = Result(
                variant,
                index,
                n,
                measured["seconds"],
                measured["p50_s"],
                measured["p99_s"],
                measured["peak_rss_mb"],
                await count_rows(url),
            )
            _say(
                f"  {result.rate:,.0f} events/s, p99 {result.p99_s}s, rows {result.rows}, peak RSS {result.peak_rss_mb} MB"
            )
            results.append(result)
    extra: dict[str, Any] = {}
    if local_events:
        extra["local_model"] = [
            await _local_model_run(servers, admin_url, partitions, local_events, hnsw)
            for hnsw in indexes
        ]
    if backlog_events:
        topic = await new_topic(servers, "bench.backlog", partitions)
        await produce_backlog(servers, topic, backlog_events, seed=3)  # a real backlog, waiting
        url = await fresh_database(admin_url, "bench_backlog", False)  # RSS is the point; no index
        _say(f"jobingest x1 on a waiting {backlog_events}-event backlog ...")
        measured = await run_workers(
            1, servers, topic, url, "bench-backlog", backlog_events, _nothing, hnsw=False
        )
        extra["backlog"] = {
            "events": backlog_events,
            "events_per_s": round(backlog_events / measured["seconds"]),
            "peak_rss_mb": measured["peak_rss_mb"],
            "rows": await count_rows(url),
        }
    return {
        "events": events,
        "partitions": partitions,
        "kafka": str(stack.kafka_backend),
        "results": results,
        **extra,
    }


async def _local_model_run(
    servers: str, admin_url: str, partitions: int, events: int, hnsw: bool
) -> dict[str, Any]:
    """One worker with the local model on ``events`` postings, and the model alone (in this
    process, requests of 16 postings as a worker sends them) just before and just after it:
    this machine's speed drifts by 10-15% within minutes, so the ratio is to the mean of the
    two. The model is loaded here once; it idles while the worker runs."""
    from devtools.bench.embedders import posting_texts, texts_per_second
    from worker.embedders import build_embedder
    from worker.settings import load_settings

    index = "hnsw" if hnsw else "none"
    topic = await new_topic(servers, "bench.local", partitions)
    url = await fresh_database(admin_url, f"bench_local_{index}", None)
    embedder = build_embedder(load_settings(embedder="local"))
    texts = posting_texts(min(events, 400))
    try:
        before = await texts_per_second(embedder, texts, 16)
        _say(f"the local model alone ({embedder.model}): {before:.1f} texts/s")
        _say(f"jobingest x1 with the local model ({index}): {events} events ...")
        produce = partial(produce_backlog, servers, topic, events, 2)
        measured = await run_workers(
            1, servers, topic, url, "bench-local", events, produce, embedder="local", hnsw=hnsw
        )
        after = await texts_per_second(embedder, texts, 16)
        _say(f"the local model alone, again: {after:.1f} texts/s")
    finally:
        await embedder.close()
    rate, model_rate = events / measured["seconds"], (before + after) / 2
    return {
        "model": embedder.model,
        "index": index,
        "events": events,
        "seconds": round(measured["seconds"], 2),
        "events_per_s": round(rate, 2),
        "model_texts_per_s": round(model_rate, 1),
        "model_texts_per_s_before_after": [round(before, 1), round(after, 1)],
        "ratio_to_model": round(rate / model_rate, 3),
        "peak_rss_mb": measured["peak_rss_mb"],
    }


async def _nothing() -> float:
    return 0.0


def render(report: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    results: list[Result] = report["results"]
    lines = [
        f"# jobingest benchmark\n\n{report['events']:,} unique postings, {report['partitions']} partitions, "
        f"Kafka: {report['kafka']}, hash embedder (not semantic) for the pipeline ratios.\n",
        "| variant | index | events | events/s | x raw | x naive | p50 e2e (s) | p99 e2e (s) | peak RSS/worker (MB) | rows |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows_json = []
    for r in results:
        raw = next(x for x in results if x.variant == "raw" and x.index == r.index)
        naive = next(x for x in results if x.variant == "naive" and x.index == r.index)
        vs_raw, vs_naive = r.rate / raw.rate, r.rate / naive.rate
        lines.append(
            f"| {r.variant} | {r.index} | {r.events:,} | {r.rate:,.0f} | {vs_raw:.2f} | {vs_naive:.1f} | "
            f"{r.p50_s:.2f} | {r.p99_s:.2f} | {max(r.peak_rss_mb):.0f} | {r.rows:,} |"
        )
        rows_json.append(
            {
                "variant": r.variant,
                "index": r.index,
                "events": r.events,
                "seconds": round(r.seconds, 2),
                "events_per_s": round(r.rate, 1),
                "ratio_to_raw": round(vs_raw, 3),
                "ratio_to_naive": round(vs_naive, 2),
                "p50_s": r.p50_s,
                "p99_s": r.p99_s,
                "peak_rss_mb": r.peak_rss_mb,
                "rows": r.rows,
            }
        )
    for lm in report.get("local_model", []):
        lines.append(
            f"\nLocal model ({lm['model']}, in process, index {lm['index']}), 1 worker: {lm['events']} events in "
            f"{lm['seconds']} s = {lm['events_per_s']} events/s; the model alone {lm['model_texts_per_s']} texts/s "
            f"in the same run (mean of {' before and '.join(map(str, lm['model_texts_per_s_before_after']))} "
            f"after) ({lm['ratio_to_model']}x); peak RSS {lm['peak_rss_mb']} MB."
        )
    if "backlog" in report:
        b = report["backlog"]
        lines.append(
            f"\nBacklog: {b['events']:,} events already waiting, 1 worker, no index: {b['events_per_s']:,} events/s, "
            f"peak RSS {b['peak_rss_mb']} MB, rows {b['rows']:,}."
        )
    as_json = {**{k: v for k, v in report.items() if k != "results"}, "results": rows_json}
    return "\n".join(lines) + "\n", as_json


def run_bench(
    events: int,
    naive_events: int,
    partitions: int,
    local_events: int,
    backlog_events: int,
    out_dir: Path,
    indexes: tuple[bool, ...] = (True, False),
) -> int:
    with DevStack() as stack:
        _say(stack.describe())
        report = asyncio.run(
            bench(stack, events, naive_events, partitions, local_events, backlog_events, indexes)
        )
    markdown, as_json = render(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.md").write_text(markdown)
    (out_dir / "bench.json").write_text(json.dumps(as_json, indent=2) + "\n")
    print(markdown)
    _say(f"wrote {out_dir / 'bench.md'} and {out_dir / 'bench.json'}")
    return 0
