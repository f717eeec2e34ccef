"""Dead-letter tools: list by error class, show one, and redrive to the original topic.

Redrive republishes the original key, value and headers (the ``dlq.*`` headers dropped) and
counts redrives in ``jobingest-redrive-count``; a letter redriven ``max_redrives`` times is
refused (loop guard). What was redriven is remembered in PostgreSQL, so running redrive
twice does not send twice unless forced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from worker.kafka_admin import KafkaAdmin
from worker.store import Conn

REDRIVE_COUNT_HEADER = "jobingest-redrive-count"


def headers_of(record: ConsumerRecord) -> dict[str, str]:
    return {k: v.decode("utf-8", errors="replace") for k, v in (record.headers or ())}


async def read_letters(
    admin: KafkaAdmin,
    dlq_topic: str,
    partition: int | None = None,
    from_offset: int | None = None,
    to_offset: int | None = None,
) -> list[ConsumerRecord]:
    """Dead letters currently retained, in (partition, offset) order, optionally a range."""
    tps = [
        tp
        for tp in await admin.partitions(dlq_topic)
        if partition is None or tp.partition == partition
    ]
    if not tps:
        return []
    starts = await admin.beginning_offsets(tps)
    ends = await admin.end_offsets(tps)
    consumer = admin.consumer
    consumer.assign(tps)
    letters: list[ConsumerRecord] = []
    for tp in tps:
        start = max(starts[tp], from_offset or 0)
        stop = ends[tp] if to_offset is None else min(ends[tp], to_offset + 1)
        if start >= stop:
            continue
        consumer.seek(tp, start)
        while await consumer.position(tp) < stop:
            batch = await consumer.getmany(tp, timeout_ms=2000)
            for record in batch.get(tp, []):
                if record.offset < stop:
                    letters.append(record)
            if not batch:
                break
    return letters


def summarize(letters: list[ConsumerRecord]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for record in letters:
        error_class = headers_of(record).get("dlq.error.class", "unknown")
        where = f"{record.partition}:{record.offset}"
        group = groups.setdefault(
            error_class, {"error_class": error_class, "count": 0, "first": where, "last": where}
        )
        group["count"] += 1
        group["last"] = where
    return sorted(groups.values(), key=lambda g: -g["count"])


def describe(record: ConsumerRecord) -> dict[str, Any]:
    value = record.value or b""
    try:
        payload: Any = value.decode("utf-8")
    except UnicodeDecodeError:
        payload = value.hex()
    return {
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", errors="replace") if record.key else None,
        "headers": headers_of(record),
        "payload": payload,
    }


@dataclass
class RedriveReport:
    sent: list[str] = field(default_factory=list)
    already_redriven: list[str] = field(default_factory=list)
    loop_guarded: list[str] = field(default_factory=list)


async def redrive(
    bootstrap_servers: str,
    conn: Conn,
    dlq_topic: str,
    letters: list[ConsumerRecord],
    *,
    error_class: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    max_redrives: int = 3,
    on_progress: Callable[[int], None] | None = None,
) -> RedriveReport:
    report = RedriveReport()
    chosen = [
        r
        for r in letters
        if error_class is None or headers_of(r).get("dlq.error.class") == error_class
    ]
    done = {
        (row[0], row[1])
        for row in await conn.fetch(
            'SELECT partition, "offset" FROM jobingest_redrives WHERE dlq_topic = $1', dlq_topic
        )
    }
    producer = (
        None
        if dry_run
        else AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=True
        )
    )
    if producer is not None:
        await producer.start()
    try:
        for record in chosen:
            where = f"{record.partition}:{record.offset}"
            headers = headers_of(record)
            count = int(headers.get(REDRIVE_COUNT_HEADER, "0") or 0)
            if (record.partition, record.offset) in done and not force:
                report.already_redriven.append(where)
            elif count >= max_redrives:
                report.loop_guarded.append(where)
            else:
                if producer is not None:
                    original = [
                        (k, v)
                        for k, v in (record.headers or ())
                        if not k.startswith("dlq.") and k != REDRIVE_COUNT_HEADER
                    ]
                    original.append((REDRIVE_COUNT_HEADER, str(count + 1).encode()))
                    await producer.send_and_wait(
                        headers["dlq.original.topic"],
                        value=record.value,
                        key=record.key,
                        headers=original,
                    )
                    await conn.execute(
                        'INSERT INTO jobingest_redrives (dlq_topic, partition, "offset") VALUES ($1, $2, $3) '
                        "ON CONFLICT DO NOTHING",
                        dlq_topic, record.partition, record.offset,
                    )  # fmt: skip
                report.sent.append(where)
            if on_progress is not None:
                on_progress(1)
    finally:
        if producer is not None:
            await producer.stop()
    return report
