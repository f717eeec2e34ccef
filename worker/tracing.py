"""Tracing with OpenTelemetry: off unless the standard ``OTEL_*`` variables ask for it.

On when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp``, ``console``) or an OTLP endpoint
is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``), unless
``OTEL_SDK_DISABLED=true``; the SDK reads the rest (``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES``, sampler, ``OTEL_SPAN_LINK_COUNT_LIMIT``). It needs the
``tracing`` extra; asked for without it, start-up stops naming the variable.

What is traced: the publisher and the gateway write a W3C ``traceparent`` into each event's
Kafka headers (a producer span per event); the worker makes one span per batch, linked to the
producer span of each of its events, with child spans ``decode``, ``plan``, ``embed``
(the embedder's HTTP calls under it), ``write``, ``dead letters`` and ``commit``. Dead letters
keep the original headers, so a letter (and a redrive of it) carries its event's trace
context. Log lines written inside a span carry ``trace_id`` and ``span_id``.

Off, every helper here is a ``nullcontext`` or a constant: nothing of OpenTelemetry is
imported and the hot path does no work for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from aiokafka.structs import ConsumerRecord

from worker.errors import ConfigError

TRACEPARENT = "traceparent"
_provider: Any = None  # the SDK's TracerProvider while tracing is on
_tracer: Any = None


def wanted(env: Mapping[str, str]) -> bool:
    """Pure: whether the standard variables ask for traces."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER")
    if exporter is not None:
        return exporter.strip().lower() not in ("", "none")
    return bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def enabled() -> bool:
    return _tracer is not None


def configure(
    service_name: str,
    max_links: int = 1000,
    exporter: Any = None,
    env: Mapping[str, str] | None = None,
    set_global: bool = True,
) -> bool:
    """Turn tracing on when the environment asks for it (or ``exporter`` is given: tests pass
    the SDK's in-memory exporter); True when on. ``max_links``: links a batch span keeps when
    ``OTEL_SPAN_LINK_COUNT_LIMIT`` is not set (one per event of a full batch)."""
    global _provider, _tracer
    env = os.environ if env is None else env
    if exporter is None and not wanted(env):
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import SpanLimits, TracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            ConsoleSpanExporter,
            SimpleSpanProcessor,
        )
    except ImportError:
        raise ConfigError(
            "OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_ENDPOINT ask for traces but the tracing "
            "extra is not installed: pip install 'jobingest[tracing]' (or unset them)"
        ) from None
    links = env.get("OTEL_SPAN_LINK_COUNT_LIMIT")
    attributes = {} if env.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    provider = TracerProvider(
        resource=Resource.create(attributes),
        span_limits=SpanLimits(max_links=int(links) if links else max_links),
    )
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        names = [n.strip().lower() for n in env.get("OTEL_TRACES_EXPORTER", "otlp").split(",")]
        for name in filter(None, names):
            if name == "otlp":
                provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(env)))
            elif name == "console":
                provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
            else:
                raise ConfigError(
                    f"OTEL_TRACES_EXPORTER={name!r} is not supported here: use otlp or console"
                )
    if set_global:
        trace.set_tracer_provider(provider)
        _instrument_httpx(provider)
    _provider, _tracer = provider, provider.get_tracer("jobingest")
    return True


def _otlp_exporter(env: Mapping[str, str]) -> Any:
    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    if protocol != "http/protobuf":
        raise ConfigError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: jobingest exports http/protobuf only"
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def _instrument_httpx(provider: Any) -> None:
    """The embedder's HTTP calls as spans under ``embed`` (when the instrumentation is there)."""
    try:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    except ImportError:
        return
    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


def provider() -> Any:
    """The SDK's TracerProvider while tracing is on, else None."""
    return _provider


def shutdown() -> None:
    """Export what is buffered and turn tracing off."""
    global _provider, _tracer
    if _provider is not None:
        _provider.shutdown()
    _provider = _tracer = None


def span(name: str, **attributes: Any) -> contextlib.AbstractContextManager[Any]:
    """A child span of the current one (a no-op while tracing is off, or outside a span:
    work done ahead for the next batch is not a trace of its own)."""
    if _tracer is None:
        return contextlib.nullcontext()
    from opentelemetry import trace

    if not trace.get_current_span().get_span_context().is_valid:
        return contextlib.nullcontext()
    return _tracer.start_as_current_span(name, attributes=attributes)  # type: ignore[no-any-return]


def _header(headers: Sequence[tuple[str, bytes | None]] | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name and value is not None:
            return value.decode("latin-1")
    return None


def context_of(headers: Sequence[tuple[str, bytes | None]] | None) -> Any:
    """The valid span context a record's ``traceparent`` header names, else None. Parsed
    here (version 00: ``00-<trace id>-<span id>-<flags>``) rather than through the
    propagator: a batch span reads one per event, and this is several times cheaper."""
    from opentelemetry.trace import SpanContext, TraceFlags

    value = _header(headers, TRACEPARENT)
    parts = value.split("-") if value else ()
    if len(parts) != 4 or parts[0] != "00" or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3][:2], 16)
    except ValueError:
        return None
    if not trace_id or not span_id:
        return None
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags))


def trace_id_of(record: ConsumerRecord) -> str | None:
    """The trace id an event's ``traceparent`` header carries (for its DEBUG line)."""
    value = _header(record.headers, TRACEPARENT)
    parts = value.split("-") if value else []
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


@contextlib.contextmanager
def batch_span(records: Sequence[ConsumerRecord]) -> Iterator[None]:
    """The span of one batch, linked to each event's producer span."""
    if _tracer is None:
        yield
        return
    from opentelemetry.trace import Link, SpanKind

    links = [Link(c) for r in records if (c := context_of(r.headers)) is not None]
    topic = records[0].topic if records else ""
    with _tracer.start_as_current_span(
        f"{topic} process",
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.batch.message_count": len(records),
        },
    ):
        yield


class TraceIds(logging.Filter):
    """Adds ``trace_id`` and ``span_id`` to a log record written inside a span."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _tracer is not None:
            from opentelemetry import trace

            context = trace.get_current_span().get_span_context()
            if context.is_valid:
                record.trace_id = format(context.trace_id, "032x")
                record.span_id = format(context.span_id, "016x")
        return True
