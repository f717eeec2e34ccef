"""A search as people get it, whatever the embedder does.

The query is embedded with the model the jobs table records (:mod:`worker.table_model`), and
never waited for longer than ``JOBINGEST_EMBEDDER_WAIT_S``. When it cannot be (the embedder is
away, slow or refuses us; the search is configured with another model than the table's),
hybrid search answers from its lexical ranking and says so (:attr:`Searched.degraded`), and
semantic search refuses with :class:`SemanticUnavailable` naming the embedder. Lexical search
never needs the embedder. The ranking itself is :func:`worker.read.search_page`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from worker.embedders import Embedder, Vector, budget
from worker.errors import JobingestError
from worker.read import Mode, Page, SearchFilters, Snapshot, search_page
from worker.store import Conn
from worker.table_model import mismatch, read_table_embedding

UNAVAILABLE = "embedder unavailable"
MISMATCH = "embedder model differs from the table's"


class SemanticUnavailable(JobingestError):
    """Semantic search cannot embed its query: ``kind`` is UNAVAILABLE or MISMATCH."""

    def __init__(self, kind: str, reason: str, embedder: str) -> None:
        super().__init__(f"semantic search unavailable: {reason}")
        self.kind = kind
        self.reason = reason
        self.embedder = embedder

    @property
    def code(self) -> str:
        """A stable name for clients: embedder_unavailable or embedder_mismatch."""
        return "embedder_unavailable" if self.kind == UNAVAILABLE else "embedder_mismatch"


@dataclass
class Searched:
    results: list[dict[str, Any]]
    more: bool = False  # the ranking goes on after this page
    snapshot: Snapshot | None = None  # what the next page's cursor pins
    degraded: str | None = None  # UNAVAILABLE or MISMATCH: answered from the lexical ranking
    reason: str | None = None  # why, in one line

    @classmethod
    def of(cls, page: Page, degraded: str | None = None, reason: str | None = None) -> Searched:
        return cls(page.results, page.more, page.snapshot, degraded, reason)


class _Embedded:
    """An embedder whose query vector is already known (search_jobs asks for it)."""

    def __init__(self, embedder: Embedder, vector: Vector) -> None:
        self.provider, self.model, self.dims = embedder.provider, embedder.model, embedder.dims
        self.semantic = embedder.semantic
        self.vector = vector

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        raise NotImplementedError("only the query is known")

    async def embed_query(self, text: str) -> Vector:
        return self.vector

    async def close(self) -> None:
        return None


def embedder_name(embedder: Embedder) -> str:
    url = getattr(embedder, "url", None)
    return f"{embedder.provider} {embedder.model}" + (f" at {url}" if url else "")


async def query_problem(conn: Conn, embedder: Embedder) -> str | None:
    """Why queries embedded by ``embedder`` cannot be compared with the table's vectors."""
    table = await read_table_embedding(conn)
    return mismatch(table, embedder.model, embedder.dims, "this search")


async def search(
    conn: Conn,
    embedder: Embedder,
    query: str,
    filters: SearchFilters,
    limit: int = 10,
    *,
    mode: Mode = "hybrid",
    wait_s: float = 2.0,
    **options: Any,
) -> Searched:
    """:func:`worker.read.search_page` (``options`` passed on), degrading as the module says."""
    if mode == "lexical":
        return Searched.of(
            await search_page(conn, embedder, query, filters, limit, mode=mode, **options)
        )
    kind, reason = MISMATCH, await query_problem(conn, embedder)
    if reason is None:
        try:
            vector = await budget.query(embedder, query, wait_s)
        except JobingestError as exc:  # unavailable, misconfigured, a wrong dimension
            kind, reason = UNAVAILABLE, f"{embedder_name(embedder)}: {' '.join(str(exc).split())}"
    if reason is not None:
        if mode == "semantic":
            raise SemanticUnavailable(kind, reason, embedder_name(embedder))
        lexical = await search_page(
            conn, embedder, query, filters, limit, mode="lexical", **options
        )
        return Searched.of(lexical, kind, reason)
    known = _Embedded(embedder, vector)
    return Searched.of(await search_page(conn, known, query, filters, limit, mode=mode, **options))
