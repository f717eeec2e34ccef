"""JobEventPublisher: validated, keyed, acknowledged publishing of job events to Kafka.

With an OpenTelemetry SDK configured (globally, or a ``tracer_provider`` given), each send is a
producer span and its W3C ``traceparent`` (and ``tracestate``) go into the record's headers,
so the worker's batch span links to it; without one, nothing is traced and nothing added.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any, Self

from aiokafka.structs import RecordMetadata
from pydantic import ValidationError

from schemas import AnyJobEvent, field_errors, parse_event, resolve_idempotency_key
from schemas.events import SCHEMA_VERSION, clean_text
from worker.api import KafkaTarget, connection

EventInput = AnyJobEvent | Mapping[str, Any] | bytes | str


class EventRejected(ValueError):
    """The event is not the contract; nothing was sent. ``errors`` names each bad field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("invalid job event: " + "; ".join(errors))
        self.errors = errors


def _without_surrogates(value: Any) -> Any:
    """JSON data with lone surrogates replaced (they cannot be encoded as UTF-8)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_surrogates(v) for v in value]
    return value


def validate(raw: EventInput) -> tuple[AnyJobEvent, bytes]:
    """The validated event and the exact bytes to publish (unknown fields kept for newer readers).

    A mapping is serialised first and the bytes validated with the parser the workers use, so
    what is accepted here is exactly what a worker can read and store."""
    try:
        if isinstance(raw, bytes | str):
            event = parse_event(raw)
            return event, raw.encode() if isinstance(raw, str) else raw
        if isinstance(raw, Mapping):
            text = json.dumps(raw, default=str, separators=(",", ":"), ensure_ascii=False)
            try:
                value = text.encode()
            except UnicodeEncodeError:  # lone surrogates cannot be UTF-8: replaced, as readers do
                value = json.dumps(
                    _without_surrogates(raw), default=str, separators=(",", ":"), ensure_ascii=False
                ).encode()
            return parse_event(value), value
        return raw, raw.model_dump_json(exclude_none=True).encode()
    except ValidationError as exc:
        raise EventRejected(field_errors(exc)) from exc
    except RecursionError as exc:
        raise EventRejected(["<root>: nested too deeply"]) from exc
    except ValueError as exc:  # invalid JSON or UTF-8
        raise EventRejected([f"<root>: {exc}"]) from exc


def kafka_headers(event: AnyJobEvent, idempotency_key: str) -> list[tuple[str, bytes]]:
    return [
        ("content-type", b"application/json"),
        ("schema-version", str(SCHEMA_VERSION).encode()),
        ("event-type", event.type.encode()),
        ("idempotency-key", idempotency_key.encode()),
    ]


def _tracer_for(tracer_provider: Any) -> Any:
    """A tracer when an SDK is configured (given, or set globally), else None."""
    try:
        from opentelemetry import trace
    except ImportError:  # tracing is optional
        return None
    provider = tracer_provider or trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return None
    return provider.get_tracer("jobingest.publisher")


@contextlib.contextmanager
def _producer_span(tracer: Any, topic: str, headers: list[tuple[str, bytes]]) -> Iterator[None]:
    """A producer span around a send, its context written into ``headers``."""
    if tracer is None:
        yield
        return
    from opentelemetry.propagate import inject
    from opentelemetry.trace import SpanKind

    with tracer.start_as_current_span(
        f"{topic} publish",
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "kafka",
            "messaging.destination.name": topic,
            "messaging.operation.type": "send",
        },
    ):
        carrier: dict[str, str] = {}
        inject(carrier)
        named = {name for name, _ in headers}
        headers += [(k, v.encode()) for k, v in carrier.items() if k not in named]
        yield


class JobEventPublisher:
    """Async publisher. ``acks=all`` and the idempotent producer; at most ``max_in_flight``
    unacknowledged sends, so a fast caller waits instead of growing an unbounded buffer."""

    def __init__(
        self,
        kafka: KafkaTarget,
        topic: str = "jobs.events",
        *,
        max_in_flight: int = 5_000,
        linger_ms: int = 10,
        request_timeout_ms: int = 30_000,
        tracer_provider: Any = None,
        **producer_options: Any,
    ) -> None:
        self.topic = topic
        self._tracer_provider = tracer_provider
        self._tracer: Any = None
        self._producer = connection(kafka).producer(
            acks="all",
            enable_idempotence=True,
            linger_ms=linger_ms,
            request_timeout_ms=request_timeout_ms,
            max_batch_size=256 * 1024,
            compression_type=None,
            **producer_options,
        )
        self._slots = asyncio.Semaphore(max_in_flight)
        self._pending: set[asyncio.Future[RecordMetadata]] = set()
        self._started = False

    async def start(self) -> None:
        if not self._started:
            await self._producer.start()
            self._tracer = _tracer_for(self._tracer_provider)
            self._started = True

    async def close(self) -> None:
        if self._started:
            self._started = False
            try:
                await self.flush()
            finally:
                await self._producer.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send(
        self, raw: EventInput, extra_headers: Mapping[str, bytes] | None = None
    ) -> asyncio.Future[RecordMetadata]:
        """Validate and enqueue; the returned future resolves when Kafka acknowledged the write."""
        event, value = validate(raw)
        return await self.send_validated(event, value, extra_headers)

    async def send_validated(
        self, event: AnyJobEvent, value: bytes, extra_headers: Mapping[str, bytes] | None = None
    ) -> asyncio.Future[RecordMetadata]:
        """Send an event that :func:`validate` accepted, as ``value``."""
        if not self._started:
            raise RuntimeError(
                "JobEventPublisher is not started: use `async with` or await start()"
            )
        key = resolve_idempotency_key(event, extra_headers)
        headers = kafka_headers(event, key)
        if extra_headers:
            named = {name for name, _ in headers}
            headers += [(k, v) for k, v in extra_headers.items() if k not in named]
        await self._slots.acquire()
        try:
            with _producer_span(self._tracer, self.topic, headers):
                future: asyncio.Future[RecordMetadata] = await self._producer.send(
                    self.topic, value=value, key=event.kafka_key.encode(), headers=headers
                )
        except BaseException:
            self._slots.release()
            raise
        self._pending.add(future)
        future.add_done_callback(self._on_done)
        return future

    def _on_done(self, future: asyncio.Future[RecordMetadata]) -> None:
        self._pending.discard(future)
        self._slots.release()

    async def publish(self, raw: EventInput) -> RecordMetadata:
        """Validate, send and wait for the acknowledgement."""
        future = await self.send(raw)
        metadata: RecordMetadata = await future
        return metadata

    async def check_connection(self) -> None:
        """Raises unless the cluster answers a metadata request."""
        if not await self._producer.client.fetch_all_metadata():
            raise ConnectionError("no broker answered")

    async def flush(self) -> None:
        """Wait until every send so far is acknowledged; raises the first failure."""
        await self._producer.flush()
        if self._pending:
            await asyncio.gather(*list(self._pending))
