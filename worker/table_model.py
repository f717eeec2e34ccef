"""The embedding the jobs table holds (``jobingest_meta``: model, dimensions and, since it is
recorded, the provider), and what a worker or a search configured otherwise must change.

Vectors of two models never mix: a worker whose model differs from the table's refuses to
write (and goes unready, :mod:`worker.runtime`), a search embeds its query with the table's
model or does not rank semantically (:mod:`worker.search`).
"""

from __future__ import annotations

from dataclasses import dataclass

from worker.settings import Settings
from worker.store import Conn


@dataclass(frozen=True)
class TableEmbedding:
    model: str
    dims: int
    provider: str | None  # None for a table written before the provider was recorded

    def settings(self) -> str:
        """The settings that embed with this model, as environment assignments."""
        provider = f"JOBINGEST_EMBEDDER={self.provider} " if self.provider else ""
        return (
            f"{provider}JOBINGEST_EMBEDDER_MODEL={self.model} JOBINGEST_EMBEDDER_DIMS={self.dims}"
        )


async def read_table_embedding(conn: Conn) -> TableEmbedding | None:
    """What the table records; None before the first worker migrated it."""
    if not await conn.fetchval("SELECT to_regclass('jobingest_meta') IS NOT NULL"):
        return None
    meta = {
        r["key"]: r["value"]
        for r in await conn.fetch(
            "SELECT key, value FROM jobingest_meta WHERE key IN "
            "('embedding_model', 'embedding_dims', 'embedding_provider')"
        )
    }
    if "embedding_model" not in meta:
        return None
    return TableEmbedding(
        meta["embedding_model"],
        int(meta.get("embedding_dims") or 0),
        meta.get("embedding_provider"),
    )


def mismatch(table: TableEmbedding | None, model: str, dims: int, who: str) -> str | None:
    """Why ``who`` (embedding with ``model`` of ``dims``) cannot use the table's vectors, naming
    every setting to change; None when it can."""
    if table is None or (table.model, table.dims) == (model, dims):
        return None
    return (
        f"the jobs table holds {table.model} vectors ({table.dims} dims) but {who} embeds with "
        f"{model} ({dims} dims): set {table.settings()}"
    )


def for_queries(settings: Settings, table: TableEmbedding | None) -> Settings:
    """The settings a search embeds its queries with: the table's model, with the provider
    JOBINGEST_EMBEDDER names or else the one the table records, unless JOBINGEST_EMBEDDER_MODEL
    says otherwise. Unchanged when no provider is known to serve that model here (the hash
    embedder serves only hash models; a server needs JOBINGEST_EMBEDDER_URL): the search then
    says which settings to set."""
    fixed = settings.model_fields_set
    if table is None or "embedder_model" in fixed:
        return settings
    provider = settings.embedder if "embedder" in fixed else table.provider
    if provider is None and table.model.lower().startswith("hash"):
        provider = "hash"
    if (
        provider is None
        or (provider == "hash") != table.model.lower().startswith("hash")
        or (provider in ("ollama", "openai") and not settings.embedder_url)
    ):
        return settings
    adopted = settings.model_copy(update={"embedder": provider, "embedder_model": table.model})
    if adopted.dims != table.dims:  # only when it differs: OpenAI then gets `dimensions`
        adopted = adopted.model_copy(update={"embedder_dims": table.dims})
    return adopted
