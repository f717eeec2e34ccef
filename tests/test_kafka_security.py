"""Secured Kafka and PostgreSQL over verified TLS, on the real services.

The session's Apache Kafka also listens with TLS, mutual TLS, SASL_SSL and SASL_PLAINTEXT
(SCRAM-SHA-512/256, PLAIN and OAUTHBEARER users created when its storage is formatted); the
embedded PostgreSQL is reached through a TLS front with the same test CA (its build has no SSL
of its own). Every path runs over them: publish, worker, dead letters, operator commands,
gateway publish and search; and every mistake an operator can make fails fast in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.devstack import DevStack
from devtools.devstack.apache_kafka import SecureListeners
from devtools.devstack.pg_tls import PostgresTlsFront
from producers.publisher import JobEventPublisher
from tests.events import job_event
from tests.support import ROOT, committed_and_end, produce, read_all, running_worker, wait_until
from worker.settings import Settings


@pytest.fixture(scope="session")
def secure(stack: DevStack) -> SecureListeners:
    if stack.kafka_security is None:
        pytest.skip("secured listeners come with the project's Apache Kafka only")
    return stack.kafka_security


@pytest.fixture(scope="session")
def pg_tls(stack: DevStack, secure: SecureListeners) -> Iterator[PostgresTlsFront]:
    if stack.postgres is None:
        pytest.skip("the TLS front serves the embedded PostgreSQL only")
    front = PostgresTlsFront(stack.postgres.socket_path, secure.certificates).start()
    yield front
    front.close()


def tls_database_url(front: PostgresTlsFront, database: str, secure: SecureListeners) -> str:
    name = database.split("?")[0].rsplit("/", 1)[1]
    return front.url(rootcert=secure.certificates.ca, database=name)


def kafka_env(secure: SecureListeners, mode: str, password_file: Path) -> dict[str, str]:
    """The environment an operator sets for each way of reaching the broker."""
    certs = secure.certificates
    password_file.write_text(secure.password + "\n")
    password = {
        "KAFKA_SASL_USERNAME": secure.username,
        "KAFKA_SASL_PASSWORD_FILE": str(password_file),
    }
    return {
        "sasl_ssl-scram-sha-512": {
            "KAFKA_BOOTSTRAP_SERVERS": secure.address("SASL_SSL"),
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SSL_CAFILE": str(certs.ca),
            **password,
        },
        "sasl_ssl-plain": {
            "KAFKA_BOOTSTRAP_SERVERS": secure.address("SASL_SSL"),
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SSL_CAFILE": str(certs.ca),
            **password,
        },
        "sasl_ssl-oauthbearer": {
            "KAFKA_BOOTSTRAP_SERVERS": secure.address("SASL_SSL"),
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "OAUTHBEARER",
            "KAFKA_SASL_OAUTHBEARER_PROVIDER": "unsecured-jwt",
            "KAFKA_SASL_USERNAME": secure.username,
            "KAFKA_SSL_CAFILE": str(certs.ca),
        },
        "sasl_plaintext-scram-sha-256": {
            "KAFKA_BOOTSTRAP_SERVERS": secure.address("SASL_PLAINTEXT"),
            "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            **password,
        },
        "ssl": {
            "KAFKA_BOOTSTRAP_SERVERS": secure.address("SSL"),
            "KAFKA_SECURITY_PROTOCOL": "SSL",
            "KAFKA_SSL_CAFILE": str(certs.ca),
        },
        "mtls": {
            "KAFKA_BOOTSTRAP_SERVERS": secure.address("MTLS"),
            "KAFKA_SECURITY_PROTOCOL": "SSL",
            "KAFKA_SSL_CAFILE": str(certs.ca),
            "KAFKA_SSL_CERTFILE": str(certs.client_cert),
            "KAFKA_SSL_KEYFILE": str(certs.client_key),
        },
    }[mode]


def settings_from(env: dict[str, str], **fields: Any) -> Settings:
    """Settings read the way the entry points read them: from these variables."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return Settings(**fields)
    finally:
        os.environ.clear()
        os.environ.update(saved)


MODES = [
    "sasl_ssl-scram-sha-512",
    "sasl_ssl-plain",
    "sasl_ssl-oauthbearer",
    "sasl_plaintext-scram-sha-256",
    "ssl",
    "mtls",
]


@pytest.mark.parametrize("mode", MODES)
async def test_events_flow_over_each_security_mode_into_postgres_over_verified_tls(
    mode: str,
    secure: SecureListeners,
    pg_tls: PostgresTlsFront,
    database: str,
    tmp_path: Path,
) -> None:
    topic = f"jobs.secure.{uuid.uuid4().hex[:8]}"
    env = kafka_env(secure, mode, tmp_path / "kafka-password")
    settings = settings_from(
        env,
        database_url=tls_database_url(pg_tls, database, secure),
        topic=topic,
        group_id=f"g-{topic}",
        embedder="hash",
        batch_max_wait_ms=50,
        session_timeout_ms=6000,
        partitions=2,
        signal_processes=0,
    )
    kafka = settings.kafka_connection()
    assert kafka.security_protocol == env["KAFKA_SECURITY_PROTOCOL"]
    accepted_before = pg_tls.accepted
    async with running_worker(settings) as runtime:
        async with JobEventPublisher(kafka, topic) as publisher:
            for i in range(10):
                await publisher.publish(job_event(f"s{i}", title=f"Secure engineer {i}"))
        await produce(kafka, topic, [(b"poison", b"{not json", [])])

        async def stored() -> bool:
            assert runtime.pool is not None
            return await runtime.pool.fetchval("SELECT count(*) FROM jobs") == 10

        await wait_until(stored, timeout_s=60, what="10 rows over TLS")
        letters = await read_all(kafka, settings.dlq_topic, timeout_s=20)
    assert [letter.key for letter in letters] == [b"poison"]
    assert pg_tls.accepted > accepted_before  # the pool's connections came through TLS
    assert pg_tls.refused == 0


def cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


async def test_operator_commands_and_gateway_work_over_sasl_ssl_and_verified_tls(
    secure: SecureListeners,
    pg_tls: PostgresTlsFront,
    database: str,
    tmp_path: Path,
) -> None:
    from producers.gateway.access import key_digest

    topic = f"jobs.secure.{uuid.uuid4().hex[:8]}"
    env = {
        **kafka_env(secure, "sasl_ssl-scram-sha-512", tmp_path / "kafka-password"),
        "DATABASE_URL": tls_database_url(pg_tls, database, secure),
        "JOBINGEST_TOPIC": topic,
        "JOBINGEST_GROUP_ID": f"g-{topic}",
        "JOBINGEST_SIGNAL_PROCESSES": "0",
        "JOBINGEST_BATCH_MAX_WAIT_MS": "50",
    }
    settings = settings_from(env, embedder="hash", session_timeout_ms=6000, partitions=2)
    async with running_worker(settings) as runtime:
        await produce(settings.kafka_connection(), topic, [(b"bad", b"[1, 2", [])])

        async def lettered() -> bool:
            return len(await read_all(settings.kafka_connection(), settings.dlq_topic, 2)) == 1

        await wait_until(lettered, timeout_s=60, what="a dead letter over SASL_SSL")

        key_file = tmp_path / "gateway-keys"
        key_file.write_text(key_digest("secure-key"))
        port = _free_port()
        gateway = start_gateway(
            {
                **env,
                "JOBINGEST_GATEWAY_PORT": str(port),
                "JOBINGEST_GATEWAY_API_KEYS_FILE": str(key_file),
            },
            tmp_path / "gateway.log",
        )
        try:
            url = f"http://127.0.0.1:{port}"
            headers = {"X-API-Key": "secure-key"}
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:

                async def up() -> bool:
                    assert gateway.poll() is None, (tmp_path / "gateway.log").read_text()[-2000:]
                    try:
                        return (await http.get("/readyz")).status_code == 200
                    except httpx.HTTPError:
                        return False

                await wait_until(up, timeout_s=60, what="gateway ready")
                posted = await http.post(
                    "/v1/events",
                    json=job_event("gw-secure", title="Kafka security engineer"),
                    headers=headers,
                )
                assert posted.status_code == 202, posted.text

                async def searchable() -> bool:
                    found = await http.get(
                        "/v1/jobs/search",
                        params={"q": "kafka security", "mode": "lexical"},
                        headers=headers,
                    )
                    assert found.status_code == 200, found.text
                    return any(j["external_id"] == "gw-secure" for j in found.json()["results"])

                await wait_until(searchable, timeout_s=60, what="the gateway's event searchable")
        finally:
            gateway.terminate()
            gateway.wait(30)
        assert runtime.pool is not None
    log = (tmp_path / "gateway.log").read_text()
    assert secure.password not in log

    listed = cli("dlq", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "InvalidJson" in listed.stdout or "invalid" in listed.stdout.lower(), listed.stdout
    status = cli("status", env=env)
    assert status.returncode == 0, status.stderr
    replay = cli("replay", "--from-beginning", "--dry-run", env=env)
    assert replay.returncode == 0, replay.stdout + replay.stderr
    checked = cli("check", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    committed, ends = await committed_and_end(settings.kafka_connection(), f"g-{topic}", topic)
    assert sum(committed.values()) == sum(ends.values()) > 0
    replayed = cli("replay", "--from-beginning", "--yes", env=env)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    committed, _ = await committed_and_end(settings.kafka_connection(), f"g-{topic}", topic)
    assert sum(committed.values()) == 0  # the group re-reads from the start
    for result in (listed, status, replay, replayed, checked):
        assert secure.password not in result.stdout + result.stderr


def start_gateway(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "gateway"],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


def _free_port() -> int:
    from devtools.devstack.procs import free_port

    return free_port()


def mistakes(
    secure: SecureListeners, plain: str, tmp_path: Path
) -> dict[str, tuple[dict[str, str], str]]:
    """Each mistake: its settings, and the setting its one-line message must name."""
    certs = secure.certificates
    scram = kafka_env(secure, "sasl_ssl-scram-sha-512", tmp_path / "kafka-password")
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not-the-password")
    return {
        "wrong SASL password": (
            {**scram, "KAFKA_SASL_PASSWORD_FILE": str(wrong)},
            "KAFKA_SASL_PASSWORD",
        ),
        "unknown CA": ({**scram, "KAFKA_SSL_CAFILE": str(certs.other_ca)}, "KAFKA_SSL_CAFILE"),
        "certificate for another host": (
            {
                **scram,
                "KAFKA_BOOTSTRAP_SERVERS": secure.address("SASL_SSL").replace(
                    "127.0.0.1", "localhost"
                ),
            },
            "KAFKA_BOOTSTRAP_SERVERS",
        ),
        "plaintext client on a TLS port": (
            {"KAFKA_BOOTSTRAP_SERVERS": secure.address("SSL")},
            "KAFKA_SECURITY_PROTOCOL",
        ),
        "TLS client on a plaintext port": (
            {
                "KAFKA_BOOTSTRAP_SERVERS": plain,
                "KAFKA_SECURITY_PROTOCOL": "SSL",
                "KAFKA_SSL_CAFILE": str(certs.ca),
            },
            "KAFKA_SECURITY_PROTOCOL",
        ),
        "missing key file": (
            {
                **kafka_env(secure, "mtls", tmp_path / "p"),
                "KAFKA_SSL_KEYFILE": str(tmp_path / "gone.key"),
            },
            "KAFKA_SSL_KEYFILE",
        ),
        "no client certificate on an mTLS listener": (
            {
                "KAFKA_BOOTSTRAP_SERVERS": secure.address("MTLS"),
                "KAFKA_SECURITY_PROTOCOL": "SSL",
                "KAFKA_SSL_CAFILE": str(certs.ca),
            },
            "KAFKA_SSL_CERTFILE",
        ),
        "misspelt setting": ({**scram, "KAFKA_SASL_PASWORD": "x"}, "KAFKA_SASL_PASSWORD"),
    }


@pytest.mark.parametrize("command", ["check", "worker"])
def test_each_security_mistake_fails_fast_in_one_line_naming_the_setting(
    command: str, stack: DevStack, secure: SecureListeners, tmp_path: Path
) -> None:
    cases = mistakes(secure, stack.kafka_bootstrap_servers, tmp_path)
    for name, (env, setting) in cases.items():
        env = {**env, "DATABASE_URL": stack.database_url, "JOBINGEST_HTTP_PORT": "0"}
        started = time.monotonic()
        result = cli(command, env=env, timeout=45)
        took = time.monotonic() - started
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (name, result.returncode, result.stderr[-2000:])
        assert len(lines) == 1, (name, result.stderr)
        assert setting in lines[0], (name, lines[0])
        assert "Traceback" not in result.stderr
        assert secure.password not in result.stdout + result.stderr
        assert took < 30, (name, took)


def test_a_database_url_that_verifies_against_the_wrong_ca_stops_the_worker_in_one_line(
    secure: SecureListeners, pg_tls: PostgresTlsFront, stack: DevStack
) -> None:
    wrong_ca = pg_tls.url(rootcert=secure.certificates.other_ca)
    other_host = pg_tls.url(host="localhost", rootcert=secure.certificates.ca)
    for url, phrase in ((wrong_ca, "not trusted"), (other_host, "another host")):
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap_servers,
            "DATABASE_URL": url,
            "JOBINGEST_HTTP_PORT": "0",
        }
        result = cli("worker", env=env, timeout=45)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, result.stderr[-2000:]
        assert "DATABASE_URL" in lines[-1] and phrase in lines[-1], lines
        assert "Traceback" not in result.stderr
