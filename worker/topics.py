"""Topic creation: the events topic and its dead-letter topic, with explicit partition counts."""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiokafka.admin import NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from worker.kafka_client import KafkaTarget, connection

DEFAULT_MAX_MESSAGE_BYTES = 1_048_588  # Kafka's default message.max.bytes
DLQ_HEADROOM_BYTES = 64 * 1024  # room for the dlq.* headers on top of the original record


async def wait_for_broker(kafka: KafkaTarget, timeout_s: float = 60.0) -> None:
    """Return once the broker answers a metadata request."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        admin = connection(kafka).admin(request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.describe_cluster()
            return
        except (KafkaConnectionError, KafkaError, OSError) as exc:
            last = exc
            await asyncio.sleep(0.3)
        finally:
            await admin.close()
    raise TimeoutError(f"Kafka at {kafka} did not answer within {timeout_s:.0f}s: {last}")


async def ensure_topics(
    kafka: KafkaTarget,
    topics: dict[str, int],
    replication_factor: int = 1,
    configs: dict[str, dict[str, str]] | None = None,
) -> list[str]:
    """Create missing topics with the given partition counts (and topic configs); return the
    names created."""
    configs = configs or {}
    admin = connection(kafka).admin(request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, partitions, replication_factor, topic_configs=configs.get(name))
            for name, partitions in topics.items()
            if name not in existing
        ]
        if not wanted:
            return []
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(wanted, timeout_ms=15000)
        return [topic.name for topic in wanted]
    finally:
        await admin.close()


async def max_message_bytes(kafka: KafkaTarget, topic: str) -> int:
    """The topic's effective ``max.message.bytes`` (its own, else the broker's default)."""
    admin = connection(kafka).admin(request_timeout_ms=15000)
    await admin.start()
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    for response in responses:
        for resource in response.resources:
            error_code, entries = resource[0], resource[4]
            if error_code:
                continue
            for entry in entries:
                if entry[0] == "max.message.bytes" and entry[1]:
                    return int(entry[1])
    return DEFAULT_MAX_MESSAGE_BYTES


def dlq_config(source_max_bytes: int) -> dict[str, str]:
    """The dead-letter topic takes any record of its source topic plus the dlq.* headers."""
    return {"max.message.bytes": str(source_max_bytes + DLQ_HEADROOM_BYTES)}


async def ensure_event_topics(
    kafka: KafkaTarget,
    topic: str,
    partitions: int,
    replication_factor: int = 1,
    source_configs: dict[str, str] | None = None,
) -> list[str]:
    """The events topic and its dead-letter topic, sized to carry any event as a dead letter."""
    created = await ensure_topics(
        kafka, {topic: partitions}, replication_factor, {topic: source_configs or {}}
    )
    source_max = await max_message_bytes(kafka, topic)
    created += await ensure_topics(
        kafka,
        {f"{topic}.dlq": partitions},
        replication_factor,
        {f"{topic}.dlq": dlq_config(source_max)},
    )
    return created
