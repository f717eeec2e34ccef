"""Topic creation: the events topic and its dead-letter topic, with explicit partition counts."""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError


async def wait_for_broker(bootstrap_servers: str, timeout_s: float = 60.0) -> None:
    """Return once the broker answers a metadata request."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.describe_cluster()
            return
        except (KafkaConnectionError, KafkaError, OSError) as exc:
            last = exc
            await asyncio.sleep(0.3)
        finally:
            await admin.close()
    raise TimeoutError(
        f"Kafka at {bootstrap_servers} did not answer within {timeout_s:.0f}s: {last}"
    )


async def ensure_topics(
    bootstrap_servers: str, topics: dict[str, int], replication_factor: int = 1
) -> list[str]:
    """Create missing topics with the given partition counts; return the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, partitions, replication_factor)
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
