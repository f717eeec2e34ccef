"""Prometheus metrics of one worker, in a registry of its own (served at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600)
STAGE_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
OUTCOMES = ("upserted", "unchanged", "duplicate", "stale", "removed", "dead_lettered")


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events = Counter(
            "jobingest_events",
            "Consumed events by final outcome.",
            ["source", "outcome"],
            registry=r,
        )
        self.dead_letters = Counter(
            "jobingest_dead_letters",
            "Events sent to the dead-letter topic, by error class and the source the record "
            "named (other when it named none).",
            ["reason", "source"],
            registry=r,
        )
        self.batch_retries = Counter(
            "jobingest_batch_retries",
            "Batch attempts that failed transiently and were retried.",
            ["error"],
            registry=r,
        )
        self.batch_attempts = Gauge(
            "jobingest_batch_attempts",
            "Attempts of the batch in flight (0 when none is failing).",
            registry=r,
        )
        self.isolations = Counter(
            "jobingest_isolations",
            "Batches bisected to find the record(s) that fail on their own.",
            registry=r,
        )
        self.ingestion_paused = Gauge(
            "jobingest_ingestion_paused",
            "1 while ingestion is paused by a configuration problem or an outage.",
            registry=r,
        )
        self.stalled_seconds = Gauge(
            "jobingest_stalled_seconds",
            "Seconds since the last offset commit while events wait (0 when none wait).",
            registry=r,
        )
        self.commit_failures = Counter(
            "jobingest_commit_failures",
            "Offset commits refused (rebalance); the batch is re-read by the new owner.",
            registry=r,
        )
        self.batches_abandoned = Counter(
            "jobingest_batches_abandoned",
            "Batches dropped uncommitted (revocation or shutdown); re-read later.",
            registry=r,
        )
        self.batches_ahead = Counter(
            "jobingest_batches_ahead",
            "Batches fetched (and digested) while the previous one was written; then applied, "
            "or dropped at a revocation or shutdown and read again.",
            ["outcome"],
            registry=r,
        )
        self.consumer_lag = Gauge(
            "jobingest_consumer_lag",
            "High watermark minus committed offset.",
            ["topic", "partition"],
            registry=r,
        )
        self.kafka_connected = Gauge(
            "jobingest_kafka_connected",
            "1 while the broker answered a fetch, metadata or offsets request within "
            "JOBINGEST_KAFKA_UNREACHABLE_S, else 0.",
            registry=r,
        )
        self.kafka_silent_seconds = Gauge(
            "jobingest_kafka_silent_seconds",
            "Seconds since the broker last answered a fetch, metadata or offsets request.",
            registry=r,
        )
        self.assigned_partitions = Gauge(
            "jobingest_assigned_partitions", "Partitions assigned to this worker.", registry=r
        )
        self.last_progress = Gauge(
            "jobingest_last_commit_timestamp_seconds",
            "When this worker last committed offsets.",
            registry=r,
        )
        self.e2e_latency = Histogram(
            "jobingest_end_to_end_latency_seconds",
            "From the event's occurred_at to its database commit.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.kafka_latency = Histogram(
            "jobingest_kafka_to_commit_latency_seconds",
            "From the Kafka record timestamp to its database commit.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_size = Histogram(
            "jobingest_batch_size_events",
            "Records per batch.",
            buckets=(1, 10, 50, 100, 250, 500, 1000, 2500, 5000),
            registry=r,
        )
        self.batch_duration = Histogram(
            "jobingest_batch_duration_seconds",
            "From fetch to offset commit, per batch.",
            buckets=STAGE_BUCKETS,
            registry=r,
        )
        self.stage_duration = Histogram(
            "jobingest_stage_duration_seconds",
            "Time per pipeline stage per batch.",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=r,
        )
        self.embedder_requests = Counter(
            "jobingest_embedder_requests",
            "Embedding requests by provider and status.",
            ["provider", "status"],
            registry=r,
        )
        self.embedder_in_flight = Gauge(
            "jobingest_embedder_in_flight_requests", "Embedding requests in flight.", registry=r
        )
        self.embedder_retries = Counter(
            "jobingest_embedder_retries", "Embedding requests retried.", ["provider"], registry=r
        )
        self.embedder_circuit_open = Gauge(
            "jobingest_embedder_circuit_open",
            "1 while the embedder's circuit breaker is open.",
            registry=r,
        )
        self.embedding_cache = Counter(
            "jobingest_embedding_cache_lookups",
            "Texts whose vector was found (hit), had to be computed (miss), or was computed for "
            "the next batch while one was written (ahead).",
            ["result"],
            registry=r,
        )
        self.embeddings_deferred = Counter(
            "jobingest_embeddings_deferred",
            "Rows stored with the embedding pending because the embedder was away or slower "
            "than JOBINGEST_EMBEDDER_WAIT_S (the defer policy).",
            registry=r,
        )
        self.embeddings_pending = Gauge(
            "jobingest_embeddings_pending",
            "Active rows stored without an embedding yet.",
            registry=r,
        )
        self.db_pool_size = Gauge(
            "jobingest_db_pool_connections", "Connections in the pool.", registry=r
        )
        self.db_pool_in_use = Gauge(
            "jobingest_db_pool_connections_in_use", "Pool connections in use.", registry=r
        )
        self.clusters = Gauge(
            "jobingest_clusters",
            "Clusters of active jobs (a job alone is a cluster of one).",
            registry=r,
        )
        self.copied_share = Gauge(
            "jobingest_jobs_with_copies_ratio",
            "Share of active jobs posted on more than one board (in a cluster of two or more).",
            registry=r,
        )
        self.build_info = Info(
            "jobingest_build", "Version and embedding configuration.", registry=r
        )
