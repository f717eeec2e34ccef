"""Deterministic pseudo-vectors from a hash of the text. NOT semantic: for tests and benchmarks."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from worker.embedders.base import Vector


class HashEmbedder:
    provider = "hash"
    semantic = False

    def __init__(self, model: str = "hash-v1", dims: int = 384) -> None:
        self.model = model
        self.dims = dims
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> Vector:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(self.dims).astype(np.float32)
        return vector / np.linalg.norm(vector)

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._vector(text) for text in texts]

    async def embed_query(self, text: str) -> Vector:
        return self._vector(text)

    async def close(self) -> None:
        return None
