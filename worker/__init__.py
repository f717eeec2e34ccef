"""jobingest worker: Kafka job events into PostgreSQL + pgvector, effectively once."""

__version__ = "0.1.0"
