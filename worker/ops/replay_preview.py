"""What a replay would re-apply: the planned window read from Kafka, judged against the ledger.

Nothing is written: the records between each partition's new offset and its end are read by a
group-less consumer, decoded as a worker would, and their idempotency keys looked up in the
ledger. An event whose key the ledger holds is skipped by the workers (nothing embedded,
nothing written); one it does not hold (never applied, or pruned after
``JOBINGEST_LEDGER_RETENTION_DAYS``) is applied again under the per-job ordering guard; a
record that does not decode is dead-lettered again. With ``--reapply`` every decoded event
bypasses the ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from worker.decode import Decoded, Rejected, decode
from worker.kafka_admin import KafkaAdmin
from worker.ops.replay import ReplayPlan
from worker.store import Conn, known_keys

DEFAULT_SCAN_LIMIT = 100_000


@dataclass
class ReplayPreview:
    read: int = 0
    reapplied: int = 0  # the ledger does not hold the key (or --reapply): applied again
    skipped: int = 0  # already applied: the ledger holds the key
    dead_lettered: Counter[str] = field(default_factory=Counter)  # by error class
    truncated: bool = False  # the window is larger than the scan limit: counts are a prefix

    @property
    def dead_lettered_total(self) -> int:
        return sum(self.dead_lettered.values())


def judge(items: Iterable[Decoded | Rejected], in_ledger: set[str], reapply: bool) -> ReplayPreview:
    """Pure: what the workers would do with each re-read record."""
    preview = ReplayPreview()
    for item in items:
        preview.read += 1
        if isinstance(item, Rejected):
            preview.dead_lettered[item.error_class] += 1
        elif reapply or item.idempotency_key not in in_ledger:
            preview.reapplied += 1
        else:
            preview.skipped += 1
    return preview


async def read_window(
    admin: KafkaAdmin, plan: ReplayPlan, limit: int
) -> tuple[list[ConsumerRecord], bool]:
    """The records the plan would re-read, at most ``limit``; True when there were more."""
    consumer = admin.consumer
    records: list[ConsumerRecord] = []
    wanted = [m for m in plan.moves if m.to_reread]
    consumer.assign([TopicPartition(plan.topic, m.partition) for m in wanted])
    for move in wanted:
        tp = TopicPartition(plan.topic, move.partition)
        consumer.seek(tp, move.new)
        while len(records) < limit and await consumer.position(tp) < move.end:
            batch = await consumer.getmany(tp, timeout_ms=2000, max_records=1000)
            if not batch:
                break
            records += [r for r in batch.get(tp, []) if r.offset < move.end]
        if len(records) >= limit:
            return records[:limit], True
    return records, False


async def preview_replay(
    admin: KafkaAdmin,
    plan: ReplayPlan,
    conn: Conn | None,
    reapply: bool = False,
    limit: int = DEFAULT_SCAN_LIMIT,
) -> ReplayPreview:
    """Read the window and judge it (without a database every decoded event counts as
    re-applied only under ``reapply``; see :func:`judge`)."""
    records, truncated = await read_window(admin, plan, limit)
    items = [decode(record) for record in records]
    keys: Sequence[str] = [i.idempotency_key for i in items if isinstance(i, Decoded)]
    in_ledger: set[str] = set()
    if conn is not None:
        for start in range(0, len(keys), 10_000):
            in_ledger |= await known_keys(conn, keys[start : start + 10_000])
    preview = judge(items, in_ledger, reapply)
    preview.truncated = truncated
    return preview
