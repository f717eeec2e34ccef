"""What other parts of jobingest (the HTTP gateway) use of the worker: this module only.

Everything here is stable for them; everything else in ``worker`` is internal.
"""

from __future__ import annotations

from worker.embedders import Embedder, build_embedder
from worker.endpoints import GracefulServer
from worker.errors import ConfigError
from worker.kafka_client import KafkaConnection, KafkaTarget, connection
from worker.lexical import TermStats
from worker.read import (
    EXPORT_COLUMNS,
    SearchFilters,
    Snapshot,
    cluster_page,
    export_rows,
    get_job,
    has_jobs_table,
    search_jobs,
    search_page,
)
from worker.search import Searched, SemanticUnavailable, query_problem, search
from worker.settings import Settings, load_settings
from worker.store import connect, create_pool
from worker.table_model import for_queries, read_table_embedding
from worker.tracing import configure as configure_tracing
from worker.tracing import provider as tracer_provider

__all__ = [
    "EXPORT_COLUMNS",
    "ConfigError",
    "Embedder",
    "GracefulServer",
    "KafkaConnection",
    "KafkaTarget",
    "SearchFilters",
    "Searched",
    "SemanticUnavailable",
    "Settings",
    "Snapshot",
    "TermStats",
    "build_embedder",
    "cluster_page",
    "configure_tracing",
    "connect",
    "create_pool",
    "export_rows",
    "for_queries",
    "connection",
    "get_job",
    "has_jobs_table",
    "load_settings",
    "query_problem",
    "read_table_embedding",
    "search",
    "search_jobs",
    "search_page",
    "tracer_provider",
]
