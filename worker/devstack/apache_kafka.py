"""Apache Kafka 4.x in KRaft mode from Maven Central jars, cached after the first download."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

from worker.devstack.procs import free_port, port_is_free, spawn, stop, wait_for_port

KAFKA_VERSION = os.environ.get("JOBINGEST_KAFKA_VERSION", "4.4.0")
CACHE_DIR = Path(os.environ.get("JOBINGEST_CACHE_DIR", Path.home() / ".cache" / "jobingest"))

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.jobingest</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{version}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
"""


def java_major_version() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    for token in out.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and "." in token:
            major = int(head)
            return int(token.split(".")[1]) if major == 1 else major
    return None


def available() -> tuple[bool, str]:
    major = java_major_version()
    if major is None:
        return False, "java is not installed"
    if major < 17:
        return False, f"Kafka {KAFKA_VERSION} needs Java 17+, found Java {major}"
    if (
        not (jars_dir().is_dir() and any(jars_dir().glob("kafka_2.13-*.jar")))
        and shutil.which("mvn") is None
    ):
        return False, "Maven (mvn) is not installed and the Kafka jars are not cached"
    return True, f"Java {major}"


def jars_dir() -> Path:
    return CACHE_DIR / f"kafka-{KAFKA_VERSION}" / "libs"


def ensure_jars() -> Path:
    libs = jars_dir()
    if any(libs.glob("kafka_2.13-*.jar")):
        return libs
    build = libs.parent / "build"
    build.mkdir(parents=True, exist_ok=True)
    (build / "pom.xml").write_text(_POM.format(version=KAFKA_VERSION))
    staging = libs.parent / "libs.partial"
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run(
        ["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={staging}"],
        cwd=build,
        check=True,
    )
    staging.rename(libs)  # atomic: a half-finished download is never mistaken for a cache
    return libs


class ApacheKafka:
    """A single-node combined broker+controller; stopped by :meth:`close`, started again
    (same ports, same data) by :meth:`start`.

    Its ports are kept in ``<workdir>/ports.json``: a broker started again on the same
    folder (the next `jobingest dev`) listens where it did before, so clients configured
    with its address and the KRaft voter recorded at format time stay valid."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        saved = self._saved_ports()
        self.port = port or saved.get("port") or free_port()
        self.controller_port = saved.get("controller_port") or free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    def _saved_ports(self) -> dict[str, int]:
        try:
            saved = json.loads((self.workdir / "ports.json").read_text())
        except (OSError, ValueError):
            return {}
        return {k: int(v) for k, v in saved.items() if k in ("port", "controller_port")}

    def _keep_ports(self) -> None:
        for port in (self.port, self.controller_port):
            if not port_is_free(port):
                raise RuntimeError(
                    f"port {port} of the Kafka kept in {self.workdir} is taken by another "
                    f"process: stop it, or remove {self.workdir} to start a new, empty Kafka"
                )
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "ports.json").write_text(
            json.dumps({"port": self.port, "controller_port": self.controller_port})
        )

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> ApacheKafka:
        libs = ensure_jars()
        self._keep_ports()
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "server.properties"
        config.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.bootstrap.servers=127.0.0.1:{self.controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                    f"CONTROLLER://127.0.0.1:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    f"log.dirs={data}",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=10",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    "num.partitions=1",
                    "",
                ]
            )
        )
        classpath = f"{libs}/*"
        if not (data / "meta.properties").exists():
            cluster_id = new_cluster_id()
            subprocess.run(
                [
                    "java",
                    "-cp",
                    classpath,
                    "kafka.tools.StorageTool",
                    "format",
                    "--standalone",
                    "-t",
                    cluster_id,
                    "-c",
                    str(config),
                ],
                check=True,
                capture_output=True,
            )
        heap = os.environ.get("JOBINGEST_KAFKA_HEAP", "-Xmx768m")
        self._proc = spawn(
            ["java", heap, "-XX:+UseSerialGC", "-cp", classpath, "kafka.Kafka", str(config)],
            self.workdir / "kafka.log",
        )
        wait_for_port("127.0.0.1", self.port, timeout_s, self._proc)
        return self

    def close(self) -> None:
        if self._proc is not None:
            stop(self._proc)
            self._proc = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None


def new_cluster_id() -> str:
    """A KRaft cluster id: 22 url-safe base64 characters of a UUID. One that begins with '-'
    would be read by StorageTool as an option (about 1 draw in 64): draw again."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id
