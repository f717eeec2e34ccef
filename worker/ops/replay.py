"""Replay: move a stopped consumer group's committed offsets back so workers re-read.

The ledger and content hashes make re-reading unchanged events a no-op. ``reapply`` records
a window per partition inside which workers bypass the ledger (still under the per-job
ordering guard), to repair rows a faulty worker wrote.

A plan is only read from Kafka, so it is made while the group's workers run (a dry run, a
rehearsal); only applying it needs the group stopped, since running workers would overwrite
the moved offsets with their next commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition

from worker.kafka_admin import KafkaAdmin
from worker.kafka_client import KafkaTarget, connection
from worker.store import Conn


class ReplayRefused(Exception):
    """Nothing was changed; the message says why and what to do."""


def stop_first(group: str, members: int, state: str) -> str:
    """Why a real replay waits for the group to stop, and how to stop it."""
    return (
        f"group {group!r} has {members} active member(s) (state {state}): running workers "
        "would overwrite the moved offsets with their next commit. Stop its workers first "
        "(Ctrl-C `jobingest dev`; `kubectl scale deployment/jobingest-worker --replicas=0`; "
        "or SIGTERM each `jobingest worker`), wait until `jobingest status` shows the group "
        "Empty, then replay; `--dry-run` plans without stopping them"
    )


@dataclass(frozen=True)
class PartitionMove:
    partition: int
    current: int | None
    new: int
    end: int

    @property
    def to_reread(self) -> int:
        return max(self.end - self.new, 0)


@dataclass
class ReplayPlan:
    group: str
    topic: str
    moves: list[PartitionMove] = field(default_factory=list)
    active_members: int = 0  # members when the plan was made (a dry run allows some)
    group_state: str = "Empty"

    @property
    def total(self) -> int:
        return sum(m.to_reread for m in self.moves)


async def plan_replay(
    admin: KafkaAdmin,
    group: str,
    topic: str,
    *,
    from_beginning: bool = False,
    to_datetime: datetime | None = None,
    to_offset: int | None = None,
    shift_by: int | None = None,
    partitions: list[int] | None = None,
    require_stopped: bool = True,
) -> ReplayPlan:
    """The offsets a replay would commit. ``require_stopped`` refuses while the group has
    members (a real replay); a dry run passes False and the plan says who is running."""
    chosen = [from_beginning, to_datetime is not None, to_offset is not None, shift_by is not None]
    if sum(chosen) != 1:
        raise ReplayRefused(
            "choose exactly one of --from-beginning, --to-datetime, --to-offset, --shift-by"
        )
    if topic not in await admin.topics():
        raise ReplayRefused(f"unknown topic {topic!r}")
    info = await admin.describe_group(group)
    if info.state == "Dead" and group not in await admin.known_groups():
        raise ReplayRefused(f"unknown consumer group {group!r}")
    if info.active and require_stopped:
        raise ReplayRefused(stop_first(group, len(info.members), info.state))
    tps = await admin.partitions(topic)
    if partitions:
        unknown = set(partitions) - {tp.partition for tp in tps}
        if unknown:
            raise ReplayRefused(f"topic {topic!r} has no partition {sorted(unknown)}")
        tps = [tp for tp in tps if tp.partition in partitions]
    committed = await admin.committed(group, topic)
    starts = await admin.beginning_offsets(tps)
    ends = await admin.end_offsets(tps)
    targets: dict[TopicPartition, int] = {}
    if from_beginning:
        targets = dict(starts)
    elif to_offset is not None:
        targets = {tp: to_offset for tp in tps}
    elif shift_by is not None:
        targets = {tp: committed.get(tp, ends[tp]) + shift_by for tp in tps}
    else:
        assert to_datetime is not None
        targets = await _offsets_at(admin, tps, to_datetime, starts, ends)
    moves = [
        PartitionMove(
            tp.partition, committed.get(tp), min(max(targets[tp], starts[tp]), ends[tp]), ends[tp]
        )
        for tp in tps
    ]
    members = len(info.members) if info.active else 0
    return ReplayPlan(group, topic, moves, members, info.state)


async def _offsets_at(
    admin: KafkaAdmin,
    tps: list[TopicPartition],
    when: datetime,
    starts: dict[TopicPartition, int],
    ends: dict[TopicPartition, int],
) -> dict[TopicPartition, int]:
    if when.tzinfo is None:
        raise ReplayRefused("--to-datetime needs an offset, e.g. 2026-03-01T12:00:00+00:00")
    millis = int(when.timestamp() * 1000)
    found = await admin.consumer.offsets_for_times({tp: millis for tp in tps})
    targets = {}
    for tp in tps:
        if starts[tp] > 0 and starts[tp] < ends[tp]:
            earliest = await _first_timestamp(admin.consumer, tp, starts[tp])
            if earliest is not None and millis < earliest:
                raise ReplayRefused(
                    f"{when.isoformat()} is before the earliest retained event of partition "
                    f"{tp.partition} ({datetime.fromtimestamp(earliest / 1000).astimezone().isoformat()}); "
                    "older events were deleted by retention. Use --from-beginning to replay all that is left."
                )
        hit = found.get(tp)
        targets[tp] = hit.offset if hit is not None else ends[tp]
    return targets


async def _first_timestamp(
    consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int
) -> int | None:
    consumer.assign([tp])
    consumer.seek(tp, offset)
    batch = await consumer.getmany(tp, timeout_ms=5000, max_records=1)
    records = batch.get(tp) or []
    return int(records[0].timestamp) if records else None


async def apply_replay(
    kafka: KafkaTarget, plan: ReplayPlan, conn: Conn | None = None, reapply: bool = False
) -> None:
    """Commit the plan's offsets for the (stopped) group; record reapply windows first."""
    if conn is not None:
        async with conn.transaction():
            for move in plan.moves:
                if reapply and move.to_reread:
                    await conn.execute(
                        "INSERT INTO jobingest_reapply (topic, partition, until_offset) VALUES ($1, $2, $3) "
                        "ON CONFLICT (topic, partition) DO UPDATE SET until_offset = EXCLUDED.until_offset",
                        plan.topic,
                        move.partition,
                        move.end,
                    )
                else:
                    await conn.execute(
                        "DELETE FROM jobingest_reapply WHERE topic = $1 AND partition = $2",
                        plan.topic,
                        move.partition,
                    )
    consumer = connection(kafka).consumer(group_id=plan.group, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(plan.topic, m.partition) for m in plan.moves]
        consumer.assign(tps)
        await consumer.commit({TopicPartition(plan.topic, m.partition): m.new for m in plan.moves})
    finally:
        await consumer.stop()
