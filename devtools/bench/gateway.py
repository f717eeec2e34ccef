"""Gateway throughput with wrk: one event per POST and 100 events per POST.

    python -m devtools.bench.gateway [--duration 15] [--connections 16] [--code-root DIR]

Starts Kafka and PostgreSQL (or uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL), a
`jobingest gateway` process (from ``--code-root``, to compare two versions of the code on one
machine), and runs ``wrk -t1 -cN -dS --latency`` against ``POST /v1/events``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from devtools.devstack import DevStack
from devtools.devstack.procs import free_port
from producers.gateway.access import key_digest
from producers.sample import unique_postings
from worker.topics import ensure_topics

KEY = "bench-key"
LUA = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "{key}"
wrk.body = [==[{body}]==]
"""


def _percentile(text: str, label: str) -> str:
    match = re.search(rf"^\s+{label}%\s+([\d.]+\w+)", text, re.MULTILINE)
    return match.group(1) if match else "?"


def wrk(url: str, body: str, duration: int, connections: int) -> dict[str, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(key=KEY, body=body))
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "requests_per_s": rate.group(1) if rate else "?",
        "p50": _percentile(out, "50"),
        "p99": _percentile(out, "99"),
        "non_2xx": non2xx.group(1) if non2xx else "0",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--code-root", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    events = [json.loads(line) for line in unique_postings(100, seed=4)]
    with DevStack() as stack:
        topic = "jobs.bench.gateway"
        asyncio.run(ensure_topics(stack.kafka_bootstrap_servers, {topic: 6}))
        port = free_port()
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap_servers,
            "DATABASE_URL": stack.database_url,
            "JOBINGEST_TOPIC": topic,
            "JOBINGEST_GATEWAY_PORT": str(port),
            "JOBINGEST_GATEWAY_API_KEYS": key_digest(KEY),
            "JOBINGEST_GATEWAY_RATE_PER_S": "1000000",
            "JOBINGEST_GATEWAY_BURST": "1000000",
            "PYTHONPATH": str(args.code_root),
        }
        gateway = subprocess.Popen(
            [sys.executable, "-m", "cli", "gateway"],
            env=env,
            cwd=args.code_root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            print("| request | requests/s | p50 | p99 | non-2xx |\n|---|---:|---:|---:|---:|")
            for label, body in (
                ("one event per POST", json.dumps(events[0])),
                ("100 events per POST", json.dumps(events)),
            ):
                result = wrk(url + "/v1/events", body, args.duration, args.connections)
                print(
                    f"| {label} | {result['requests_per_s']} | {result['p50']} | "
                    f"{result['p99']} | {result['non_2xx']} |",
                    flush=True,
                )
        finally:
            gateway.terminate()
            gateway.wait(30)


if __name__ == "__main__":
    main()
