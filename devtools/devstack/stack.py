"""Start (or adopt) the Kafka and PostgreSQL that jobingest runs against, and stop them."""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from devtools.devstack import apache_kafka, docker_kafka, tansu
from devtools.devstack.apache_kafka import SecureListeners
from devtools.devstack.postgres import EmbeddedPostgres
from worker.kafka_client import KafkaConnection
from worker.topics import ensure_topics, wait_for_broker

log = logging.getLogger("jobingest.devstack")


class KafkaBackend(enum.StrEnum):
    EXTERNAL = "external"
    APACHE = "apache-kafka"
    DOCKER = "docker"
    TANSU = "tansu"


class _Service(Protocol):
    def close(self) -> None: ...


@dataclass
class DevStack:
    """Kafka + PostgreSQL for one session. Use as a context manager; stops what it started.
    Without a ``workdir`` it makes a temporary one (Kafka's log, PostgreSQL's data: gigabytes
    after a benchmark) and removes it when it stops."""

    workdir: Path | None = None
    pg_data_dir: Path | None = None
    kafka_backend: KafkaBackend | None = None
    kafka_bootstrap_servers: str = ""
    database_url: str = ""
    postgres: EmbeddedPostgres | None = None
    kafka: bool = True  # False: PostgreSQL only (the search benchmark)
    apache_broker: apache_kafka.ApacheKafka | None = None  # the broker it started, if Apache
    secure_kafka: bool = False  # also TLS, mTLS and SASL listeners (Apache Kafka only)
    kafka_security: SecureListeners | None = None
    notes: list[str] = field(default_factory=list)
    _exit: ExitStack = field(default_factory=ExitStack)

    def __enter__(self) -> DevStack:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _own(self, service: _Service) -> None:
        self._exit.callback(service.close)

    def start(self) -> None:
        if self.workdir is None:  # a directory of its own: removed again at close
            self.workdir = Path(tempfile.mkdtemp(prefix="jobingest-"))
            self._exit.callback(shutil.rmtree, self.workdir, ignore_errors=True)
        if self.kafka:
            self._start_kafka(self.workdir)
        self._start_postgres()

    def _start_kafka(self, workdir: Path) -> None:
        external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if external:
            self.kafka_backend, self.kafka_bootstrap_servers = KafkaBackend.EXTERNAL, external
            return
        ok, why = apache_kafka.available()
        if ok:
            broker = apache_kafka.ApacheKafka(workdir / "kafka", secure=self.secure_kafka)
            self._own(broker)
            broker.start()
            self.apache_broker = broker
            self.kafka_security = broker.secure
            self.kafka_backend, self.kafka_bootstrap_servers = (
                KafkaBackend.APACHE,
                broker.bootstrap_servers,
            )
            return
        self.notes.append(f"Apache Kafka unavailable: {why}")
        docker_ok, docker_why = docker_kafka.available()
        if docker_ok:
            container = docker_kafka.DockerKafka()
            self._own(container)
            container.start()
            self.kafka_backend, self.kafka_bootstrap_servers = (
                KafkaBackend.DOCKER,
                container.bootstrap_servers,
            )
            return
        self.notes.append(docker_why)
        tansu_ok, tansu_why = tansu.available()
        if not tansu_ok:
            raise RuntimeError("no Kafka available: " + "; ".join([*self.notes, tansu_why]))
        print(
            "WARNING: falling back to the Tansu broker (Kafka-compatible, not Apache Kafka): "
            + "; ".join(self.notes),
            file=sys.stderr,
        )
        fallback = tansu.TansuBroker(workdir / "tansu")
        self._own(fallback)
        fallback.start()
        self.kafka_backend, self.kafka_bootstrap_servers = (
            KafkaBackend.TANSU,
            fallback.bootstrap_servers,
        )

    def _start_postgres(self) -> None:
        external = os.environ.get("DATABASE_URL")
        if external:
            self.database_url = external
            return
        assert self.workdir is not None
        self.postgres = EmbeddedPostgres(self.pg_data_dir or self.workdir / "pgdata")
        self._own(self.postgres)
        self.postgres.start()
        self.database_url = self.postgres.url

    @property
    def kafka_connection(self) -> KafkaConnection:
        """How to reach the stack's Kafka: an external broker with the KAFKA_* security
        settings of the environment, the stack's own over plaintext."""
        if self.kafka_backend == KafkaBackend.EXTERNAL:
            from worker.settings import Settings

            return Settings(kafka_bootstrap_servers=self.kafka_bootstrap_servers).kafka_connection()
        return KafkaConnection(self.kafka_bootstrap_servers)

    def create_topics(self, topic: str, partitions: int) -> None:
        async def run() -> None:
            await wait_for_broker(self.kafka_connection)
            await ensure_topics(
                self.kafka_connection, {topic: partitions, f"{topic}.dlq": partitions}
            )

        asyncio.run(run())

    def describe(self) -> str:
        where = "postgres (embedded)" if self.postgres else "postgres (DATABASE_URL)"
        return f"kafka: {self.kafka_backend} at {self.kafka_bootstrap_servers}; {where}"

    def env(self) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "DATABASE_URL": self.database_url,
        }

    def close(self) -> None:
        self._exit.close()
