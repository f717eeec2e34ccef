"""Apache Kafka 4.x in KRaft mode from Maven Central jars, cached after the first download."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from devtools.devstack.procs import free_port, port_is_free, spawn, stop, wait_for_port
from devtools.devstack.tls import DevCertificates

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


@dataclass(frozen=True)
class SecureListeners:
    """The broker's secured listeners and what a client needs to use them.

    ``SSL`` (server certificate only), ``MTLS`` (a client certificate required), ``SASL_SSL``
    and ``SASL_PLAINTEXT`` (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN users named ``username``,
    and OAUTHBEARER with Kafka's unsecured-token validator: a development broker only).
    """

    ports: dict[str, int]
    certificates: DevCertificates
    username: str = "jobingest"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)

    def address(self, listener: str) -> str:
        return f"127.0.0.1:{self.ports[listener]}"

    def properties(self) -> list[str]:
        certs = self.certificates

        def inline(path: Path) -> str:  # Kafka reads PEM from the property, newlines escaped
            return path.read_text().strip().replace("\n", "\\n")

        jaas = {
            "scram-sha-512": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "scram-sha-256": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "plain": "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'user_{self.username}="{self.password}";',
            "oauthbearer": "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule "
            f'required unsecuredLoginStringClaim_sub="{self.username}";',
        }
        lines = [
            "ssl.keystore.type=PEM",
            f"ssl.keystore.certificate.chain={inline(certs.server_cert)}",
            f"ssl.keystore.key={inline(certs.server_key)}",
            "ssl.truststore.type=PEM",
            f"ssl.truststore.certificates={inline(certs.ca)}",
            "listener.name.mtls.ssl.client.auth=required",
            "sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER",
        ]
        for listener in ("sasl_ssl", "sasl_plaintext"):
            for mechanism, config in jaas.items():
                lines.append(f"listener.name.{listener}.{mechanism}.sasl.jaas.config={config}")
        return lines

    def scram_users(self) -> list[str]:
        """StorageTool arguments creating the SCRAM users when the storage is formatted."""
        return [
            arg
            for mechanism in ("SCRAM-SHA-512", "SCRAM-SHA-256")
            for arg in (
                "--add-scram",
                f"{mechanism}=[name={self.username},password={self.password}]",
            )
        ]


SECURE_LISTENERS = ("SSL", "MTLS", "SASL_SSL", "SASL_PLAINTEXT")
_PROTOCOL_OF = {
    "SSL": "SSL",
    "MTLS": "SSL",
    "SASL_SSL": "SASL_SSL",
    "SASL_PLAINTEXT": "SASL_PLAINTEXT",
}


class ApacheKafka:
    """A single-node combined broker+controller; stopped by :meth:`close`, started again
    (same ports, same data) by :meth:`start`.

    Its ports are kept in ``<workdir>/ports.json``: a broker started again on the same
    folder (the next `jobingest dev`) listens where it did before, so clients configured
    with its address and the KRaft voter recorded at format time stay valid.

    With ``secure``, it also listens with TLS, mutual TLS and SASL (see
    :class:`SecureListeners`): for a fresh folder (the test stack), as its SCRAM users are
    created when the storage is formatted."""

    def __init__(self, workdir: Path, port: int | None = None, secure: bool = False) -> None:
        self.workdir = workdir
        saved = self._saved_ports()
        self.port = port or saved.get("port") or free_port()
        self.controller_port = saved.get("controller_port") or free_port()
        self.secure: SecureListeners | None = None
        if secure:
            from devtools.devstack.tls import make_certificates

            self.secure = SecureListeners(
                ports={name: free_port() for name in SECURE_LISTENERS},
                certificates=make_certificates(workdir / "tls"),
            )
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

    def _listeners(self) -> tuple[str, str, str]:
        """listeners, advertised.listeners, listener.security.protocol.map"""
        named = {"PLAINTEXT": self.port}
        if self.secure is not None:
            named |= self.secure.ports
        listeners = ",".join(f"{name}://127.0.0.1:{port}" for name, port in named.items())
        protocols = ",".join(
            f"{name}:{_PROTOCOL_OF.get(name, 'PLAINTEXT')}" for name in [*named, "CONTROLLER"]
        )
        return (
            f"{listeners},CONTROLLER://127.0.0.1:{self.controller_port}",
            listeners,
            protocols,
        )

    def start(self, timeout_s: float = 60.0) -> ApacheKafka:
        libs = ensure_jars()
        self._keep_ports()
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "server.properties"
        listeners, advertised, protocols = self._listeners()
        secured = self.secure.properties() if self.secure is not None else []
        config.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.bootstrap.servers=127.0.0.1:{self.controller_port}",
                    f"listeners={listeners}",
                    f"advertised.listeners={advertised}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    f"listener.security.protocol.map={protocols}",
                    *secured,
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
                    *(self.secure.scram_users() if self.secure is not None else []),
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
