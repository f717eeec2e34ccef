"""The embedder interface the pipeline talks to."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from worker.errors import ConfigError, EmbedderUnavailable

Vector = np.ndarray


class Embedder(Protocol):
    provider: str
    model: str
    dims: int
    semantic: bool  # False for the hash embedder: vectors carry no meaning

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        """One vector per text, in input order."""
        ...

    async def embed_query(self, text: str) -> Vector: ...

    async def close(self) -> None: ...


def check_vectors(
    vectors: Sequence[Sequence[float]] | np.ndarray, expected: int, dims: int, provider: str
) -> list[Vector]:
    """Validate a provider's answer: count, dimension, finite numbers."""
    if len(vectors) != expected:
        raise EmbedderUnavailable(
            f"{provider} returned {len(vectors)} vectors for {expected} texts"
        )
    checked = []
    for vector in vectors:
        array = np.asarray(vector, dtype=np.float32)
        if array.shape != (dims,):
            raise ConfigError(
                f"{provider} returned {array.shape[-1] if array.ndim else 0}-dimensional vectors but "
                f"the table holds {dims}: set JOBINGEST_EMBEDDER_DIMS to match the model, or "
                "migrate with `jobingest reembed --model NAME --dims N`"
            )
        if not np.isfinite(array).all() or not math.isfinite(float(np.linalg.norm(array))):
            raise EmbedderUnavailable(f"{provider} returned a vector with non-finite numbers")
        checked.append(array)
    return checked


class InProcessEmbedder:
    """The async side of an in-process model: one inference at a time (its threads use every
    core) in a worker thread, off the event loop. Subclasses set ``dims``/``provider`` and
    implement ``encode(texts) -> (n, dims) float32``."""

    provider = "local"
    semantic = True
    dims: int

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self.texts_embedded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        async with self._lock:
            array = await asyncio.to_thread(self.encode, list(texts))
        self.texts_embedded += len(texts)
        return check_vectors(array, len(texts), self.dims, self.provider)

    async def embed_query(self, text: str) -> Vector:
        return (await self.embed_documents([text]))[0]

    async def close(self) -> None:
        return None
