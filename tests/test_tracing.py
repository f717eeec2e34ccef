"""One event followed end to end with OpenTelemetry, on real Kafka and PostgreSQL: the gateway's
request, the publish, the worker's batch and its stages, the dead letter, the log lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from producers.gateway.access import key_digest
from producers.gateway.app import create_app
from producers.gateway.settings import GatewaySettings
from producers.publisher import JobEventPublisher
from tests.events import job_event
from tests.support import handled_at_least, produce, read_all, running_worker, wait_until
from worker import tracing
from worker.errors import ConfigError
from worker.settings import Settings

KEY = "trace-key"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.configure("jobingest-test", exporter=exporter, set_global=False)
    try:
        yield exporter
    finally:
        tracing.shutdown()


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(tracing.TraceIds())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _hex(value: int, width: int = 32) -> str:
    return format(value, f"0{width}x")


def _tree(finished: list[Any], root: Any, depth: int = 0) -> list[str]:
    links = f"  links: {len(root.links)}" if root.links else ""
    lines = [f"{'  ' * depth}{root.name}{links}"]
    for child in sorted(finished, key=lambda s: s.start_time):
        if child.parent is not None and child.parent.span_id == root.context.span_id:
            lines += _tree(finished, child, depth + 1)
    return lines


async def test_an_event_is_traced_from_the_gateway_to_the_database_and_the_dead_letter(
    settings: Settings, spans: InMemorySpanExporter
) -> None:
    s = GatewaySettings(
        **(settings.model_dump() | {"gateway_api_keys": key_digest(KEY), "clustering": False})
    )
    servers = s.require_kafka()
    app = create_app(s)
    async with app.router.lifespan_context(app):  # the gateway, in this process
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            answer = await client.post(
                "/v1/events", json=job_event("traced-1"), headers={"X-API-Key": KEY}
            )
    assert answer.status_code == 202, answer.text
    async with JobEventPublisher(servers, s.topic, tracer_provider=tracing.provider()) as pub:
        await pub.publish(job_event("traced-2"))
    with tracing._tracer.start_as_current_span("scraper"):  # a bad record with a context
        carrier: dict[str, str] = {}
        from opentelemetry.propagate import inject

        inject(carrier)
    poison_parent = carrier["traceparent"]
    await produce(
        servers, s.topic, [(b"k", b"{not json", [("traceparent", poison_parent.encode())])]
    )

    lines = _Lines()
    logger = logging.getLogger("jobingest")
    level = logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    try:
        async with running_worker(s) as runtime:
            await wait_until(lambda: handled_at_least(runtime, 3), what="3 handled")
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)

    finished = list(spans.get_finished_spans())
    by_name: dict[str, list[Any]] = {}
    for span in finished:
        by_name.setdefault(span.name, []).append(span)
    server = next(
        sp for sp in finished if sp.name.startswith("POST /v1/events") and sp.kind.name == "SERVER"
    )
    publishes = by_name[f"{s.topic} publish"]
    from_gateway = next(
        p for p in publishes if p.parent and p.parent.trace_id == server.context.trace_id
    )
    batches = by_name[f"{s.topic} process"]
    linked = {(link.context.trace_id, link.context.span_id) for b in batches for link in b.links}
    for producer in publishes:  # every event's producer span is linked from its batch
        assert (producer.context.trace_id, producer.context.span_id) in linked
    gateway_event = from_gateway.context.span_id
    batch = next(b for b in batches if any(k.context.span_id == gateway_event for k in b.links))
    children = {
        sp.name for sp in finished if sp.parent and sp.parent.span_id == batch.context.span_id
    }
    assert {"decode", "plan", "embed", "write", "commit"} <= children, children

    # the dead letter keeps its event's trace context
    letters = await read_all(servers, s.dlq_topic)
    assert [dict(r.headers)["traceparent"].decode() for r in letters] == [poison_parent]
    assert any("dead letters" in sp.name for sp in finished)

    # the worker's batch line carries the batch's trace id
    committed = [r for r in lines.records if r.getMessage() == "batch committed"]
    assert {getattr(r, "trace_id", None) for r in committed} <= {
        _hex(b.context.trace_id) for b in batches
    }
    assert committed and all(getattr(r, "trace_id", None) for r in committed)

    print("\n" + "\n".join(_tree(finished, server)))
    print("\n".join(_tree(finished, batch)))
    print(
        json.dumps(
            {
                "gateway trace": _hex(server.context.trace_id),
                "batch trace": _hex(batch.context.trace_id),
                "batch links": [
                    f"{_hex(link.context.trace_id)}/{_hex(link.context.span_id, 16)}"
                    for link in batch.links
                ],
            },
            indent=1,
        )
    )


def test_tracing_is_off_unless_the_standard_variables_ask_for_it() -> None:
    assert not tracing.wanted({})
    assert not tracing.wanted({"OTEL_SERVICE_NAME": "x"})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert tracing.wanted({"OTEL_TRACES_EXPORTER": "console"})
    assert not tracing.wanted({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "x"})
    assert not tracing.wanted({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"})
    with pytest.raises(ConfigError, match="OTEL_TRACES_EXPORTER='zipkin'"):
        tracing.configure("x", env={"OTEL_TRACES_EXPORTER": "zipkin"}, set_global=False)
    assert not tracing.enabled()


@settings(max_examples=200, deadline=None)
@given(
    trace_id=st.integers(min_value=0, max_value=2**128 - 1),
    span_id=st.integers(min_value=0, max_value=2**64 - 1),
    flags=st.sampled_from(["00", "01"]),
    noise=st.one_of(st.none(), st.binary(max_size=80), st.text(max_size=60).map(str.encode)),
)
def test_a_traceparent_header_is_read_as_the_w3c_propagator_reads_it(
    trace_id: int, span_id: int, flags: str, noise: bytes | None
) -> None:
    from opentelemetry import trace
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    def reference(value: bytes) -> Any:
        carrier = {"traceparent": value.decode("latin-1")}
        found = trace.get_current_span(TraceContextTextMapPropagator().extract(carrier))
        context = found.get_span_context()
        return _ids(context) if context.is_valid else None

    well_formed = f"00-{trace_id:032x}-{span_id:016x}-{flags}".encode()
    assert _ids(tracing.context_of([("traceparent", well_formed)])) == reference(well_formed)
    if noise is not None:  # never a context the propagator would refuse
        ours = _ids(tracing.context_of([("traceparent", noise)]))
        assert ours is None or ours == reference(noise)


def _ids(context: Any) -> tuple[int, int, int] | None:
    if context is None:
        return None
    return context.trace_id, context.span_id, int(context.trace_flags)
