"""The HTTP embedder path against the in-process one: the worker's batch processor ingests the
same postings with the `hash` embedder and with the `openai` embedder talking to an instant
OpenAI-compatible server (another process, no model: each vector is drawn from the text's
CRC-32), side by side, alternating, best of two each.

    python -m devtools.bench.http_path [--postings 20000]
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

from devtools.bench.duplicates import through_the_worker
from devtools.bench.run import fresh_database, with_database
from devtools.devstack.procs import free_port, wait_for_port
from producers.sample import unique_postings
from worker.embedders import Embedder, HashEmbedder
from worker.embedders.http import OpenAIEmbedder

DIMS = 384


class _Instant(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        data = []
        for index, text in enumerate(body["input"]):
            vector = np.random.default_rng(zlib.crc32(text.encode())).standard_normal(DIMS)
            vector = (vector / np.linalg.norm(vector)).astype("<f4")
            data.append({"index": index, "embedding": base64.b64encode(vector.tobytes()).decode()})
        answer = json.dumps({"data": data, "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


def serve(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), _Instant).serve_forever()


async def _run(admin_url: str, postings: int, url: str) -> dict[str, Any]:
    events = [json.loads(line) for line in unique_postings(postings, seed=17)]
    makers: dict[str, Any] = {
        "hash": lambda: HashEmbedder("hash-v1", DIMS),
        "openai": lambda: OpenAIEmbedder(url, "hash-v1", DIMS),  # the table's model name
    }
    rates: dict[str, list[float]] = {name: [] for name in makers}
    for name in [*makers, *makers]:
        db = await fresh_database(admin_url, f"bench_http_{name}", False)
        embedder: Embedder = makers[name]()
        seconds = await through_the_worker(db, events, clustering=False, embedder=embedder)
        rates[name].append(round(postings / seconds, 1))
        print(f"bench http: {name}: {postings / seconds:.0f} events/s", file=sys.stderr, flush=True)
    best = {name: max(found) for name, found in rates.items()}
    return {
        "postings": postings,
        "events_per_s": rates,
        "ratio": round(best["openai"] / best["hash"], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=20_000)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "devtools.bench.http_path", "--serve", str(port)]
    )
    try:
        wait_for_port("127.0.0.1", port, 30, server)
        report = with_database(lambda admin: _run(admin, args.postings, f"http://127.0.0.1:{port}"))
    finally:
        server.terminate()
        server.wait(10)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
