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
        from worker.embedders.local import LocalE5Embedder
        from worker.embedders.minilm import MODEL_NAMES, MiniLMEmbedder

        if settings.model_name.lower() in MODEL_NAMES:
            return MiniLMEmbedder(settings.model_name, settings.dims, settings.embedder_concurrency)

        return LocalE5Embedder(
            settings.model_name, settings.dims, concurrency=settings.embedder_concurrency
        )
    if settings.embedder in ("ollama", "openai"):
        from worker.embedders.http import build_http_embedder

        return build_http_embedder(settings, metrics)
    raise ConfigError(f"unknown JOBINGEST_EMBEDDER {settings.embedder!r}")


__all__ = ["Embedder", "HashEmbedder", "Vector", "build_embedder", "check_vectors"]
