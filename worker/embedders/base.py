"""The embedder interface the pipeline talks to."""

from __future__ import annotations

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
