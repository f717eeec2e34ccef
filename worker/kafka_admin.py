"""Read-only Kafka facts for operators: partitions, offsets, lag, and consumer group members.

aiokafka's DescribeGroups v3 parses its answer with the v2 layout, which fails against
Kafka 4.x; :class:`_DescribeGroups` carries the right response layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.protocol.admin import (
    DescribeGroupsRequest_v2,
    DescribeGroupsRequest_v3,
    DescribeGroupsResponse_v3,
)
from aiokafka.protocol.api import Request, RequestStruct

from worker.kafka_client import KafkaTarget, connection


class _DescribeGroupsV3(RequestStruct):  # type: ignore[misc]
    API_KEY = 15
    API_VERSION = 3
    RESPONSE_TYPE = DescribeGroupsResponse_v3
    SCHEMA = DescribeGroupsRequest_v3.SCHEMA


class _DescribeGroups(Request[DescribeGroupsRequest_v2 | _DescribeGroupsV3]):  # type: ignore[misc]
    API_KEY = 15

    def __init__(self, groups: list[str]) -> None:
        self.groups = groups

    def build(self, request_struct_class: Any) -> Any:
        if request_struct_class.API_VERSION >= 3:
            return request_struct_class(self.groups, False)
        return request_struct_class(self.groups)


@dataclass(frozen=True)
class GroupMember:
    member_id: str
    client_id: str
    host: str
    partitions: list[TopicPartition]


@dataclass
class GroupInfo:
    group_id: str
    state: str  # Empty, Stable, PreparingRebalance, CompletingRebalance, Dead
    members: list[GroupMember] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.members) or self.state not in ("Empty", "Dead")


class KafkaAdmin:
    """One admin client and one group-less consumer, opened together."""

    def __init__(self, kafka: KafkaTarget) -> None:
        self.kafka = connection(kafka)

    async def __aenter__(self) -> KafkaAdmin:
        self.admin = self.kafka.admin(request_timeout_ms=15000)
        self.consumer = self.kafka.consumer(enable_auto_commit=False)
        await self.admin.start()
        try:
            await self.consumer.start()
        except BaseException:
            await self.admin.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()
        await self.admin.close()

    async def topics(self) -> set[str]:
        return set(await self.admin.list_topics())

    async def partitions(self, topic: str) -> list[TopicPartition]:
        await self.consumer._client.force_metadata_update()
        found = self.consumer._client.cluster.partitions_for_topic(topic) or set()
        return sorted(TopicPartition(topic, p) for p in found)

    async def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict(await self.consumer.end_offsets(tps)) if tps else {}

    async def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict(await self.consumer.beginning_offsets(tps)) if tps else {}

    async def committed(self, group: str, topic: str) -> dict[TopicPartition, int]:
        offsets = await self.admin.list_consumer_group_offsets(group)
        return {
            tp: meta.offset
            for tp, meta in offsets.items()
            if tp.topic == topic and meta.offset >= 0
        }

    async def known_groups(self) -> set[str]:
        return {group[0] for group in await self.admin.list_consumer_groups()}

    async def describe_group(self, group: str) -> GroupInfo:
        node = await self.admin.find_coordinator(group)
        response = await self.admin._client.send(node, _DescribeGroups([group]))
        raw = response.groups[0]
        members = []
        for member in raw[5]:
            member_id, client_id, host, _metadata, assignment = member[:5]
            partitions = (
                ConsumerProtocolMemberAssignment.decode(assignment).partitions()
                if assignment
                else []
            )
            members.append(GroupMember(member_id, client_id, host, sorted(partitions)))
        return GroupInfo(group, raw[2] or "Dead", members)
