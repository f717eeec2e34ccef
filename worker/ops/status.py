"""`jobingest status`: where ingestion stands, from Kafka and PostgreSQL, in one look."""

from __future__ import annotations

from typing import Any

from worker.kafka_admin import KafkaAdmin
from worker.store import Conn


async def kafka_status(admin: KafkaAdmin, group: str, topic: str, dlq_topic: str) -> dict[str, Any]:
    topics = await admin.topics()
    if topic not in topics:
        return {"topic": topic, "error": f"topic {topic!r} does not exist"}
    tps = await admin.partitions(topic)
    ends = await admin.end_offsets(tps)
    committed = await admin.committed(group, topic)
    info = await admin.describe_group(group)
    owner = {tp: member.client_id for member in info.members for tp in member.partitions}
    partitions = [
        {
            "partition": tp.partition,
            "end_offset": ends[tp],
            "committed_offset": committed.get(tp),
            "lag": ends[tp] - committed.get(tp, 0),
            "owner": owner.get(tp),
        }
        for tp in tps
    ]
    dlq_depth = None
    if dlq_topic in topics:
        dlq_tps = await admin.partitions(dlq_topic)
        dlq_ends = await admin.end_offsets(dlq_tps)
        dlq_starts = await admin.beginning_offsets(dlq_tps)
        dlq_depth = sum(dlq_ends[tp] - dlq_starts[tp] for tp in dlq_tps)
    return {
        "topic": topic,
        "group": group,
        "group_state": info.state,
        "members": [
            {
                "member_id": m.member_id,
                "client_id": m.client_id,
                "host": m.host,
                "partitions": [tp.partition for tp in m.partitions if tp.topic == topic],
            }
            for m in info.members
        ],
        "partitions": partitions,
        "total_lag": sum(p["lag"] for p in partitions),
        "dlq_topic": dlq_topic,
        "dlq_depth": dlq_depth,
    }


async def database_status(conn: Conn) -> dict[str, Any]:
    exists = await conn.fetchval("SELECT to_regclass('jobs') IS NOT NULL")
    if not exists:
        return {"error": "no jobs table yet (no worker has started against this database)"}
    counts = await conn.fetchrow(
        """
        SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS active,
               count(*) FILTER (WHERE deleted_at IS NOT NULL) AS removed,
               count(*) FILTER (WHERE deleted_at IS NULL AND embedding IS NULL) AS pending_embeddings
        FROM jobs
        """
    )
    assert counts is not None
    meta = {r["key"]: r["value"] for r in await conn.fetch("SELECT key, value FROM jobingest_meta")}
    return {
        **dict(counts),
        "ledger_keys": await conn.fetchval("SELECT count(*) FROM jobingest_ledger"),
        "embedding_model": meta.get("embedding_model"),
        "embedding_dims": int(meta["embedding_dims"]) if "embedding_dims" in meta else None,
    }
