"""The dead-letter topic: the original record, unchanged, plus headers saying why and whence."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker

from worker import __version__

MAX_ERROR_MESSAGE_CHARS = 1_000


def dlq_headers(record: ConsumerRecord, error_class: str, message: str) -> dict[str, str]:
    original = {
        name: value.decode("utf-8", errors="replace") for name, value in (record.headers or ())
    }
    return {
        **original,
        "dlq.error.class": error_class,
        "dlq.error.message": message[:MAX_ERROR_MESSAGE_CHARS],
        "dlq.original.topic": record.topic,
        "dlq.original.partition": str(record.partition),
        "dlq.original.offset": str(record.offset),
        "dlq.original.timestamp": str(record.timestamp),
        "dlq.failed.at": datetime.now(UTC).isoformat(),
        "dlq.worker.version": __version__,
    }


class DeadLetterPublisher:
    def __init__(self, broker: KafkaBroker, topic: str) -> None:
        self.broker = broker
        self.topic = topic

    async def publish_all(self, letters: list[tuple[ConsumerRecord, str, str]]) -> None:
        """Publish every dead letter and wait for all acknowledgements; raises on any failure."""
        if not letters:
            return
        futures = [
            await self.broker.publish(
                record.value or b"",
                self.topic,
                key=record.key,
                headers=dlq_headers(record, error_class, message),
                no_confirm=True,
            )
            for record, error_class, message in letters
        ]
        await asyncio.gather(*futures)
