"""Dead-letter tools: list by original record, show one, export, and redrive to the original
topic.

Redrive republishes the original key, value and headers (the ``dlq.*`` headers dropped) and
counts redrives in ``jobingest-redrive-count``; a letter redriven ``max_redrives`` times is
refused (loop guard). What was redriven is remembered in PostgreSQL, so running redrive
twice does not send twice unless forced. Letters whose failure is in their own bytes
(:mod:`worker.ops.redrive_policy`) are refused by class unless forced; ``export`` writes
their payloads as JSON lines to edit and publish again.

A *truncated* letter (``dlq.truncated=true``: the original was too large to dead-letter
whole) is shown with its original size and SHA-256; redrive re-reads the original from the
source topic at ``dlq.original.partition``/``dlq.original.offset`` and sends that, provided it
is still retained and its SHA-256 matches, else refuses the letter with the reason.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import MessageSizeTooLargeError
from aiokafka.structs import ConsumerRecord

from worker.dead_letters import TRUNCATED_HEADER
from worker.kafka_admin import KafkaAdmin
from worker.kafka_client import KafkaTarget, connection
from worker.ops.redrive_policy import (
    REDRIVE_COUNT_HEADER,
    REDRIVE_OF_HEADER,
    generation,
    origin,
    refusal,
)
from worker.store import Conn

MAX_ORIGINAL_BYTES = 100 * 1024 * 1024


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


def _origin_order(where: str) -> tuple[str, int, int]:
    topic, _, rest = where.partition(":")
    partition, _, offset = rest.partition(":")
    digits = (partition.isdigit() and offset.isdigit()) or False
    return topic, int(partition) if digits else -1, int(offset) if digits else -1


def by_original(letters: list[ConsumerRecord]) -> list[dict[str, Any]]:
    """Dead letters grouped by the record they come from: an original and the dead letters of
    its redrive copies together, each letter with its generation (0: the original)."""
    groups: dict[str, dict[str, Any]] = {}
    for record in letters:
        headers = headers_of(record)
        first = origin(headers)
        where = f"{record.partition}:{record.offset}"
        group = groups.setdefault(
            first, {"original": first, "count": 0, "first": where, "last": where, "letters": []}
        )
        group["count"] += 1
        group["last"] = where
        group["error_class"] = headers.get("dlq.error.class", "unknown")  # the latest one
        group["letters"].append(
            {"at": where, "generation": generation(headers), "error_class": group["error_class"]}
        )
    for group in groups.values():
        group["generations"] = max(letter["generation"] for letter in group["letters"])
    return sorted(groups.values(), key=lambda g: _origin_order(g["original"]))


def export_lines(letters: list[ConsumerRecord]) -> tuple[list[str], Counter[str]]:
    """The letters' payloads as JSON lines to edit and `jobingest publish` again (one line
    each, in the order given), and how many were skipped for what reason."""
    lines: list[str] = []
    skipped: Counter[str] = Counter()
    for record in letters:
        if record.value is None:
            skipped["tombstone: no payload"] += 1
        elif is_truncated(record):
            skipped["truncated: `dlq redrive` re-reads its original"] += 1
        else:
            try:
                text = record.value.decode("utf-8")
            except UnicodeDecodeError:
                skipped["not UTF-8"] += 1
                continue
            try:  # one line each: a parseable payload compacted, any other kept on one line
                lines.append(json.dumps(json.loads(text), ensure_ascii=False))
            except ValueError:
                lines.append(" ".join(text.splitlines()))
    return lines, skipped


def describe(record: ConsumerRecord) -> dict[str, Any]:
    value = record.value or b""
    try:
        payload: Any = value.decode("utf-8")
    except UnicodeDecodeError:
        payload = value.hex()
    headers = headers_of(record)
    shown = {
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", errors="replace") if record.key else None,
        "headers": headers,
        "payload": payload if record.value is not None else None,
    }
    if is_truncated(record):
        shown["truncated"] = {
            "original_size": int(headers.get("dlq.original.size", "0") or 0),
            "original_sha256": headers.get("dlq.original.sha256"),
            "original": f"{headers.get('dlq.original.topic')} partition "
            f"{headers.get('dlq.original.partition')} offset {headers.get('dlq.original.offset')}",
            "note": "the payload is a prefix; redrive re-reads the original while it is retained",
        }
    return shown


def is_truncated(record: ConsumerRecord) -> bool:
    return headers_of(record).get(TRUNCATED_HEADER) == "true"


async def read_original(
    kafka: KafkaTarget, letter: ConsumerRecord
) -> tuple[ConsumerRecord | None, str]:
    """The original record of a truncated letter, re-read from its source topic, or None and
    why not (no longer retained, or not the same bytes)."""
    headers = headers_of(letter)
    try:
        tp = TopicPartition(headers["dlq.original.topic"], int(headers["dlq.original.partition"]))
        offset = int(headers["dlq.original.offset"])
    except (KeyError, ValueError):
        return None, "the letter does not say where its original is"
    consumer = connection(kafka).consumer(
        enable_auto_commit=False,
        max_partition_fetch_bytes=MAX_ORIGINAL_BYTES,
        fetch_max_bytes=MAX_ORIGINAL_BYTES,
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        first = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if not first <= offset < end:
            return None, f"the original ({tp.topic} {tp.partition}:{offset}) is no longer retained"
        consumer.seek(tp, offset)
        for _ in range(10):
            batch = await consumer.getmany(tp, timeout_ms=2000)
            for record in batch.get(tp, []):
                if record.offset == offset:
                    digest = hashlib.sha256(record.value or b"").hexdigest()
                    if digest != headers.get("dlq.original.sha256"):
                        return None, "the record at the original offset is not the same bytes"
                    return record, ""
                if record.offset > offset:
                    break
        return None, f"the original ({tp.topic} {tp.partition}:{offset}) could not be read"
    finally:
        await consumer.stop()


@dataclass
class RedriveReport:
    sent: list[str] = field(default_factory=list)
    already_redriven: list[str] = field(default_factory=list)
    loop_guarded: list[str] = field(default_factory=list)
    unrecoverable: list[str] = field(default_factory=list)  # truncated, original gone
    # error class -> letters refused because a redrive cannot fix that class
    refused: dict[str, list[str]] = field(default_factory=dict)


async def redrive(
    kafka: KafkaTarget,
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
        else connection(kafka).producer(
            acks="all",
            enable_idempotence=True,
            max_request_size=MAX_ORIGINAL_BYTES,
        )
    )
    if producer is not None:
        await producer.start()
    try:
        for record in chosen:
            where = f"{record.partition}:{record.offset}"
            headers = headers_of(record)
            count = int(headers.get(REDRIVE_COUNT_HEADER, "0") or 0)
            error = headers.get("dlq.error.class", "unknown")
            if (record.partition, record.offset) in done and not force:
                report.already_redriven.append(where)
            elif refusal(error) is not None and not force:
                report.refused.setdefault(error, []).append(where)
            elif count >= max_redrives:
                report.loop_guarded.append(where)
            else:
                source = record
                if is_truncated(record):
                    found, why = await read_original(kafka, record)
                    if found is None:
                        report.unrecoverable.append(f"{where}: {why}")
                        if on_progress is not None:
                            on_progress(1)
                        continue
                    source = found
                if producer is not None:
                    original = [
                        (k, v)
                        for k, v in (source.headers or ())
                        if not k.startswith("dlq.")
                        and k not in (REDRIVE_COUNT_HEADER, REDRIVE_OF_HEADER)
                    ]
                    original.append((REDRIVE_COUNT_HEADER, str(count + 1).encode()))
                    first = (REDRIVE_OF_HEADER, origin(headers).encode())
                    try:
                        await producer.send_and_wait(
                            headers["dlq.original.topic"],
                            value=source.value,
                            key=source.key,
                            headers=[*original, first],
                        )
                    except MessageSizeTooLargeError:  # a record at the topic's limit: the
                        await producer.send_and_wait(  # copy is listed on its own
                            headers["dlq.original.topic"],
                            value=source.value,
                            key=source.key,
                            headers=original,
                        )
                    await conn.execute(
                        'INSERT INTO jobingest_redrives (dlq_topic, partition, "offset") VALUES ($1, $2, $3) '
                        "ON CONFLICT DO NOTHING",
                        dlq_topic,
                        record.partition,
                        record.offset,
                    )
                report.sent.append(where)
            if on_progress is not None:
                on_progress(1)
    finally:
        if producer is not None:
            await producer.stop()
    return report
