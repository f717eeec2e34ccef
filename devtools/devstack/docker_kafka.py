"""Kafka in a container via testcontainers, where a Docker engine answers."""

from __future__ import annotations

from typing import Any


def available() -> tuple[bool, str]:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True, "docker engine answers"
    except Exception as exc:
        return False, f"no Docker engine: {type(exc).__name__}"


class DockerKafka:
    def __init__(self) -> None:
        self._container: Any = None

    @property
    def bootstrap_servers(self) -> str:
        return str(self._container.get_bootstrap_server())

    def start(self) -> DockerKafka:
        from testcontainers.kafka import KafkaContainer

        self._container = KafkaContainer("apache/kafka:4.1.0").with_kraft()
        self._container.start()
        return self

    def close(self) -> None:
        if self._container is not None:
            self._container.stop()
            self._container = None
