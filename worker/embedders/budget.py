"""Embedding under the ``defer`` outage policy: within a time budget, or not at all.

The ingest path (a batch, and the next batch's texts embedded ahead) asks an embedder that can
be away (one behind HTTP, with a circuit breaker) for vectors only while its circuit is closed,
and waits at most ``JOBINGEST_EMBEDDER_WAIT_S`` for them. No answer in time opens the circuit
at once, so later batches do not wait at all; the probe that closes it again is sent by the
backfill, off the ingest path. Whatever is not embedded is stored pending and filled later.
An in-process embedder is always there and is simply called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from worker.embedders.base import Embedder, Vector
from worker.embedders.resilience import breaker_of
from worker.errors import EmbedderMisconfigured, EmbedderUnavailable


async def within(embedder: Embedder, texts: Sequence[str], wait_s: float) -> list[Vector] | None:
    """A vector per text, or None when the embedder cannot give them within ``wait_s``: its
    circuit is open (nothing is sent), it fails, or it does not answer in time. A text the
    embedder refuses still raises :class:`~worker.errors.EmbedderRejected`."""
    breaker = breaker_of(embedder)
    if breaker is not None and breaker.open:
        return None
    try:
        async with asyncio.timeout(wait_s if breaker is not None else None):
            return await embedder.embed_documents(texts)
    except TimeoutError:
        assert breaker is not None  # only an embedder that can be away has a budget
        breaker.trip(f"no answer within {wait_s:g}s (JOBINGEST_EMBEDDER_WAIT_S)")
        return None
    except (EmbedderUnavailable, EmbedderMisconfigured):
        return None


def count_deferred(embedder: Embedder, rows: int) -> None:
    """Rows stored pending during the current outage (said when the circuit closes)."""
    breaker = breaker_of(embedder)
    if breaker is not None and rows:
        breaker.deferred += rows


async def query(embedder: Embedder, text: str, wait_s: float) -> Vector:
    """The query's vector within ``wait_s`` (a search never waits longer). No answer in time
    opens an HTTP embedder's circuit, so the next searches fail fast until a probe answers."""
    breaker = breaker_of(embedder)
    try:
        async with asyncio.timeout(wait_s if breaker is not None else None):
            return await embedder.embed_query(text)
    except TimeoutError:
        assert breaker is not None
        reason = f"no answer within {wait_s:g}s (JOBINGEST_EMBEDDER_WAIT_S)"
        breaker.trip(reason)
        raise EmbedderUnavailable(f"{embedder.provider}: {reason}") from None
