"""The two baselines jobingest is measured against, run as child processes of the benchmark.

raw:   aiokafka batches + pydantic validation + hash vectors + COPY into the same table
       (no dedupe, no ordering guard, no DLQ: the ceiling for this broker and database).
naive: per message: validate, embed, single-row upsert, commit the offset.
Each prints one JSON line: events, seconds, latency percentiles, peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from devtools.bench.measure import peak_rss_mb, percentiles
from schemas import JobRemoved, parse_event
from worker import store
from worker.collector import tune_gc
from worker.embedders.hash import HashEmbedder
from worker.kafka_client import connection
from worker.rows import job_row

MAX_CHARS = 2000


def _row(processor_row: Any) -> tuple[Any, ...]:
    return tuple(getattr(processor_row, c) for c in store.STAGE_COLUMNS)


async def _consumer(servers: str, topic: str, group: str, max_records: int) -> AIOKafkaConsumer:
    consumer = connection(servers).consumer(
        topic,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=max_records,
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    while not consumer.assignment():  # joined the group: the benchmark may start producing
        await consumer.getmany(timeout_ms=100)
    print("ready", flush=True)
    return consumer


async def run_raw(
    servers: str, topic: str, database_url: str, expected: int, group: str
) -> dict[str, Any]:
    embedder = HashEmbedder()
    pool = await store.create_pool(database_url, 2)
    consumer = await _consumer(servers, topic, group, 2000)
    latencies: list[float] = []
    done = 0
    started: float | None = None
    try:
        while done < expected:
            batches = await consumer.getmany(timeout_ms=500, max_records=2000)
            records = [r for rs in batches.values() for r in rs]
            if not records:
                continue
            started = started or time.perf_counter()
            rows = []
            for record in records:
                event = parse_event(record.value)
                row, text = job_row(event, MAX_CHARS)
                if not isinstance(event, JobRemoved):
                    row.embedding = (await embedder.embed_documents([text]))[0]
                    row.embedding_model = embedder.model
                rows.append(_row(row))
            async with pool.acquire() as conn:
                await conn.copy_records_to_table("jobs", records=rows, columns=store.STAGE_COLUMNS)
            await consumer.commit(
                {TopicPartition(r.topic, r.partition): r.offset + 1 for r in records}
            )
            now = time.time()
            latencies += [now - r.timestamp / 1000 for r in records]
            done += len(records)
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        await consumer.stop()
        await pool.close()
    return {
        "events": done,
        "seconds": elapsed,
        **percentiles(latencies),
        "peak_rss_mb": peak_rss_mb(),
    }


async def run_naive(
    servers: str, topic: str, database_url: str, expected: int, group: str
) -> dict[str, Any]:
    embedder = HashEmbedder()
    conn = await asyncpg.connect(database_url)
    from pgvector.asyncpg import register_vector

    await register_vector(conn)
    consumer = await _consumer(servers, topic, group, 1)
    latencies: list[float] = []
    done = 0
    started: float | None = None
    upsert = (
        f"INSERT INTO jobs ({', '.join(store.STAGE_COLUMNS)}) VALUES "
        f"({', '.join(f'${i + 1}' for i in range(len(store.STAGE_COLUMNS)))}) "
        "ON CONFLICT (source, external_id) DO UPDATE SET title = EXCLUDED.title, "
        "description = EXCLUDED.description, embedding = EXCLUDED.embedding, "
        "last_event_at = EXCLUDED.last_event_at, last_event_id = EXCLUDED.last_event_id "
        "WHERE jobs.last_event_at < EXCLUDED.last_event_at"
    )
    try:
        while done < expected:
            batches = await consumer.getmany(timeout_ms=500, max_records=1)
            for records in batches.values():
                for record in records:
                    started = started or time.perf_counter()
                    event = parse_event(record.value)
                    row, text = job_row(event, MAX_CHARS)
                    if not isinstance(event, JobRemoved):
                        row.embedding = (await embedder.embed_documents([text]))[0]
                        row.embedding_model = embedder.model
                    await conn.execute(upsert, *_row(row))
                    await consumer.commit(
                        {TopicPartition(record.topic, record.partition): record.offset + 1}
                    )
                    latencies.append(time.time() - record.timestamp / 1000)
                    done += 1
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        await consumer.stop()
        await conn.close()
    return {
        "events": done,
        "seconds": elapsed,
        **percentiles(latencies),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variant", choices=["raw", "naive"])
    parser.add_argument("--servers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--group", required=True)
    args = parser.parse_args()
    run = run_raw if args.variant == "raw" else run_naive
    tune_gc()  # the worker's collector settings: the same interpreter, measured alike
    print(
        json.dumps(
            asyncio.run(run(args.servers, args.topic, args.database_url, args.events, args.group))
        )
    )


if __name__ == "__main__":
    main()
