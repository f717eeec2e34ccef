"""`jobingest bench tracing`: the worker's rate with tracing off and on, in the same run.

Each round ingests the same events twice into a fresh table and topic (hash embedder, no
vector index, one worker process), once with tracing off and once exporting every span over
OTLP/HTTP to a local sink that accepts them, in alternating order so the machine's drift
falls on both. Every event carries a W3C ``traceparent`` (as the publisher writes it), so the
traced run also pays for one link per event.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import statistics
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devtools.bench.measure import write_report
from devtools.bench.run import fresh_database, new_topic, run_workers
from devtools.devstack import DevStack
from producers.sample import sample_lines
from worker.kafka_client import connection

OFF = {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": ""}


def _say(message: str) -> None:
    print(f"bench tracing: {message}", file=sys.stderr, flush=True)


class _Sink(BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver that accepts everything (and counts the bytes)."""

    received = 0

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        length = int(self.headers.get("Content-Length", 0))
        _Sink.received += len(self.rfile.read(length))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


async def _produce(servers: str, topic: str, lines: list[str]) -> float:
    producer = connection(servers).producer(acks="all", linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    started = time.perf_counter()
    try:
        futures = []
        for line in lines:
            data = json.loads(line)
            key = f"{data['source']}:{data['job']['external_id']}".encode()
            parent = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01".encode()
            futures.append(
                await producer.send(
                    topic, line.encode(), key=key, headers=[("traceparent", parent)]
                )
            )
            if len(futures) >= 20_000:
                await asyncio.gather(*futures)
                futures = []
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def _one(stack: DevStack, lines: list[str], env: dict[str, str], label: str) -> float:
    url = await fresh_database(stack.database_url, f"bench_trace_{label}", False)
    servers = stack.kafka_bootstrap_servers
    topic = await new_topic(servers, "bench.trace", 6)
    group = f"bench-trace-{uuid.uuid4().hex[:6]}"
    measured = await run_workers(
        1,
        servers,
        topic,
        url,
        group,
        len(lines),
        lambda: _produce(servers, topic, lines),
        hnsw=False,
        env=env,
    )
    return len(lines) / float(measured["seconds"])


async def _run(stack: DevStack, events: int, rounds: int, sink_port: int) -> dict[str, Any]:
    lines = list(sample_lines(events, seed=7))
    on = {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://127.0.0.1:{sink_port}/v1/traces",
        "OTEL_SERVICE_NAME": "jobingest-bench",
    }
    rates: dict[str, list[float]] = {"off": [], "on": []}
    for index in range(rounds):
        order = ("off", "on") if index % 2 == 0 else ("on", "off")
        for mode in order:
            rate = await _one(stack, lines, on if mode == "on" else OFF, f"{mode}{index}")
            rates[mode].append(rate)
            _say(f"round {index + 1}, tracing {mode}: {rate:,.0f} events/s")
    off, traced = statistics.median(rates["off"]), statistics.median(rates["on"])
    return {
        "events": events,
        "rounds": rounds,
        "events_per_s": {mode: [round(r) for r in values] for mode, values in rates.items()},
        "median_off": round(off),
        "median_on": round(traced),
        "on_over_off": round(traced / off, 3),
        "exported_bytes": _Sink.received,
    }


def render(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            "# Tracing overhead",
            "",
            f"{r['events']:,} events, one worker, hash embedder, no vector index; "
            f"{r['rounds']} rounds, off and on alternating.",
            "",
            "| tracing | events/s per round | median |",
            "|---|---|---|",
            f"| off | {', '.join(f'{v:,}' for v in r['events_per_s']['off'])} | {r['median_off']:,} |",
            f"| on (OTLP/HTTP, every span) | {', '.join(f'{v:,}' for v in r['events_per_s']['on'])} | {r['median_on']:,} |",
            "",
            f"on / off: **{r['on_over_off']}**; {r['exported_bytes']:,} bytes of spans exported.",
            "",
        ]
    )


def run_tracing_bench(events: int, rounds: int, output: Path) -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env_before = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("OTEL_")}
    try:
        with DevStack() as stack:
            _say(stack.describe())
            report = asyncio.run(_run(stack, events, rounds, server.server_address[1]))
    finally:
        server.shutdown()
        os.environ.update(env_before)
    markdown = render(report)
    return write_report(output, "tracing", report, markdown)
