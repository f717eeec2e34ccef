"""The dead-letter topic: the original record, unchanged, plus headers saying why and whence.

A dead letter always gets out. The producer's ``max_request_size`` is sized from the DLQ
topic's ``max.message.bytes`` at start-up. When the original record plus the ``dlq.*``
headers is still too large, a *truncated* letter is published instead: the original key, a
prefix of the value, the ``dlq.*`` headers plus ``dlq.truncated=true``,
``dlq.original.size`` and ``dlq.original.sha256`` (the original headers are dropped, except
its W3C trace context).
``jobingest dlq redrive`` re-reads a truncated letter's original from the source topic.
A tombstone (null value) stays null.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka.errors import MessageSizeTooLargeError
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.structs import ConsumerRecord

from worker import __version__
from worker.kafka_client import KafkaTarget, connection
from worker.pipeline import DeadLetter

MAX_ERROR_MESSAGE_CHARS = 1_000
TRUNCATED_VALUE_BYTES = 16 * 1024
TRUNCATED_HEADER = "dlq.truncated"  # the names are the contract in schemas.asyncapi
TRACE_HEADERS = ("traceparent", "tracestate")
Headers = list[tuple[str, bytes]]
Letter = tuple[bytes | None, bytes | None, Headers]


def dlq_headers(record: ConsumerRecord, error_class: str, message: str) -> dict[str, str]:
    """The ``dlq.*`` headers: why the record failed and where it came from."""
    return {
        "dlq.error.class": error_class,
        "dlq.error.message": message[:MAX_ERROR_MESSAGE_CHARS],
        "dlq.original.topic": record.topic,
        "dlq.original.partition": str(record.partition),
        "dlq.original.offset": str(record.offset),
        "dlq.original.timestamp": str(record.timestamp),
        "dlq.failed.at": datetime.now(UTC).isoformat(),
        "dlq.worker.version": __version__,
    }


def _encoded(headers: dict[str, str]) -> Headers:
    return [(name, value.encode("utf-8", errors="replace")) for name, value in headers.items()]


def full_letter(letter: DeadLetter) -> tuple[bytes | None, Headers]:
    """The original value and headers plus the ``dlq.*`` headers."""
    record = letter.record
    original = [
        (name, value if value is not None else b"") for name, value in (record.headers or ())
    ]
    own = dlq_headers(record, letter.error_class, letter.message)
    return record.value, [h for h in original if h[0] not in own] + _encoded(own)


def truncated_letter(letter: DeadLetter, value_budget: int) -> tuple[bytes | None, Headers]:
    """What still fits: a prefix of the value and the facts needed to find the original."""
    record = letter.record
    value: bytes = record.value or b""
    own = dlq_headers(record, letter.error_class, letter.message)
    own[TRUNCATED_HEADER] = "true"
    own["dlq.original.size"] = str(len(value))
    own["dlq.original.sha256"] = hashlib.sha256(value).hexdigest()
    own["dlq.original.headers"] = str(len(record.headers or ()))
    # the original headers are dropped, but not its trace context (worker.tracing)
    kept = [(k, v) for k, v in (record.headers or ()) if k in TRACE_HEADERS and v is not None]
    return value[: max(value_budget, 0)], _encoded(own) + kept


def letter_size(key: bytes | None, value: bytes | None, headers: Headers) -> int:
    return int(DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers))


class DeadLetterPublisher:
    """An idempotent producer of its own (acks=all) for the dead-letter topic."""

    def __init__(self, kafka: KafkaTarget, topic: str, max_bytes: int) -> None:
        self.topic = topic
        self.max_bytes = max_bytes
        self.producer = connection(kafka).producer(
            acks="all",
            enable_idempotence=True,
            max_request_size=max_bytes,
            client_id=f"jobingest-dlq-{topic}",
        )

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    def _fitting(self, letter: DeadLetter) -> Letter:
        value, headers = full_letter(letter)
        if letter_size(letter.record.key, value, headers) <= self.max_bytes:
            return letter.record.key, value, headers
        return self._truncated(letter)

    def _truncated(self, letter: DeadLetter) -> Letter:
        key = letter.record.key
        if letter.record.value is None:  # only the headers can be too large: drop them
            value, headers = truncated_letter(letter, 0)
            value = None
        else:
            budget = min(TRUNCATED_VALUE_BYTES, self.max_bytes // 2)
            value, headers = truncated_letter(letter, budget)
            while budget > 0 and letter_size(key, value, headers) > self.max_bytes:
                budget //= 2
                value, headers = truncated_letter(letter, budget)
        if letter_size(key, value, headers) > self.max_bytes:
            key = None  # a key larger than the topic allows: partition and offset still say
        return key, value, headers

    async def publish_all(self, letters: Sequence[DeadLetter]) -> None:
        """Publish every dead letter and wait for all acknowledgements; raises on a failure
        other than size (a letter the broker refuses as too large is sent truncated)."""
        if not letters:
            return
        futures = []
        for letter in letters:
            key, value, headers = self._fitting(letter)
            futures.append(
                await self.producer.send(self.topic, value=value, key=key, headers=headers)
            )
        results = await asyncio.gather(*futures, return_exceptions=True)
        for letter, outcome in zip(letters, results, strict=True):
            if isinstance(outcome, MessageSizeTooLargeError):
                key, value, headers = self._truncated(letter)
                await self.producer.send_and_wait(self.topic, value=value, key=key, headers=headers)
            elif isinstance(outcome, BaseException):
                raise outcome
