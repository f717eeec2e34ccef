"""Kafka security settings, secrets from files, unknown settings: parsed without services."""

from __future__ import annotations

import ast
import base64
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from producers.gateway.settings import GatewaySettings
from worker.errors import ConfigError
from worker.kafka_client import KafkaConnection, MskIamTokenProvider, TlsFiles
from worker.settings import Settings, load_settings, unknown_variables

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-sasl-pw"


def loaded(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name in list(os.environ):
        if name.startswith(("KAFKA_", "JOBINGEST_", "DATABASE_URL")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(model=GatewaySettings)


def test_sasl_ssl_scram_becomes_the_options_every_client_gets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = loaded(
        monkeypatch,
        KAFKA_BOOTSTRAP_SERVERS="b1:9096,b2:9096",
        KAFKA_SECURITY_PROTOCOL="sasl_ssl",
        KAFKA_SASL_MECHANISM="scram-sha-512",
        KAFKA_SASL_USERNAME="svc",
        KAFKA_SASL_PASSWORD=SECRET,
    )
    options = s.kafka_connection().options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "svc"
    assert options["sasl_plain_password"] == SECRET
    assert options["ssl_context"].check_hostname  # hostname verification on by default
    assert SECRET not in repr(s) and SECRET not in repr(s.kafka_connection())


def test_plaintext_has_no_tls_and_no_sasl(monkeypatch: pytest.MonkeyPatch) -> None:
    options = loaded(monkeypatch, KAFKA_BOOTSTRAP_SERVERS="k:9092").kafka_connection().options()
    assert options == {"bootstrap_servers": "k:9092", "security_protocol": "PLAINTEXT"}


def test_secrets_are_read_from_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(SECRET + "\n")
    (tmp_path / "db").write_text("postgresql://u:dbpw@db:5432/jobs?sslmode=verify-full\n")
    (tmp_path / "key").write_text("sk-embed\n")
    (tmp_path / "keys").write_text("ab" * 32)
    s = loaded(
        monkeypatch,
        KAFKA_BOOTSTRAP_SERVERS="k:9092",
        KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM="PLAIN",
        KAFKA_SASL_USERNAME="svc",
        KAFKA_SASL_PASSWORD_FILE=str(tmp_path / "pw"),
        DATABASE_URL_FILE=str(tmp_path / "db"),
        JOBINGEST_EMBEDDER_API_KEY_FILE=str(tmp_path / "key"),
        JOBINGEST_GATEWAY_API_KEYS_FILE=str(tmp_path / "keys"),
    )
    assert s.kafka_connection().options()["sasl_plain_password"] == SECRET
    assert s.database_url == "postgresql://u:dbpw@db:5432/jobs?sslmode=verify-full"
    assert s.embedder_api_key is not None and s.embedder_api_key.get_secret_value() == "sk-embed"
    assert s.gateway_key_hashes == {"ab" * 32}
    assert {SECRET, "dbpw", "sk-embed"} <= set(s.secret_values())
    assert "dbpw" not in repr(s)


def test_a_secret_set_twice_or_a_missing_file_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "pw").write_text(SECRET)
    with pytest.raises(ConfigError, match="KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE"):
        loaded(
            monkeypatch,
            KAFKA_SASL_PASSWORD="x",
            KAFKA_SASL_PASSWORD_FILE=str(tmp_path / "pw"),
        )
    with pytest.raises(ConfigError, match="DATABASE_URL_FILE: no such file"):
        loaded(monkeypatch, DATABASE_URL_FILE=str(tmp_path / "missing"))


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "KAFKA_SASL_MECHANISM"),
        ({"KAFKA_SASL_MECHANISM": "PLAIN"}, "KAFKA_SECURITY_PROTOCOL"),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256"},
            "KAFKA_SASL_USERNAME",
        ),
        ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "KAFKA_SECURITY_PROTOCOL"),
        ({"KAFKA_SASL_MECHANISM": "GSSAPI"}, "KAFKA_SASL_MECHANISM"),
        ({"KAFKA_SSL_CAFILE": "/etc/ca.pem"}, "KAFKA_SSL_"),
        ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": "/nope.pem"}, "KAFKA_SSL_CAFILE"),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "OAUTHBEARER"},
            "KAFKA_SASL_OAUTHBEARER_PROVIDER",
        ),
        (
            {
                "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "KAFKA_SASL_MECHANISM": "OAUTHBEARER",
                "KAFKA_SASL_OAUTHBEARER_PROVIDER": "aws-msk-iam",
            },
            "AWS_REGION",
        ),
        ({"JOBINGEST_EMBEDER": "local"}, "did you mean JOBINGEST_EMBEDDER?"),
        ({"KAFKA_SASL_PASWORD": SECRET}, "did you mean KAFKA_SASL_PASSWORD?"),
    ],
)
def test_each_inconsistent_kafka_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        loaded(monkeypatch, KAFKA_BOOTSTRAP_SERVERS="k:9092", **env)
    assert named in str(raised.value)
    assert SECRET not in str(raised.value)


def test_variables_of_other_programs_are_not_refused() -> None:
    env = {"KAFKA_PORT": "tcp://10.0.0.1:9092", "KAFKA_HEAP_OPTS": "-Xmx1g", "PATH": "/bin"}
    assert unknown_variables(env) == []


@given(
    protocol=st.text(max_size=20),
    mechanism=st.text(max_size=20),
    password=st.text(
        min_size=8, max_size=30, alphabet=st.characters(codec="ascii", min_codepoint=33)
    ),
)
@settings(max_examples=200, deadline=None)
def test_any_value_is_settings_or_one_named_error_without_the_password(
    protocol: str, mechanism: str, password: str
) -> None:
    assume(password not in protocol and password not in mechanism)
    try:
        s = Settings(
            kafka_bootstrap_servers="k:9092",
            kafka_security_protocol=protocol,
            kafka_sasl_mechanism=mechanism,
            kafka_sasl_username="svc",
            kafka_sasl_password=password,
        )
        s.kafka_connection()
    except ConfigError as exc:
        assert password not in str(exc)
    except ValueError as exc:  # pydantic's ValidationError: load_settings turns it into a line
        assert password not in str(exc)


def test_msk_iam_tokens_are_signed_for_the_region_and_reused_until_near_expiry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("aws_msk_iam_sasl_signer")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE12")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example/secret/key/for/signing/only000000")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    import asyncio

    kafka = KafkaConnection(
        "b-1.msk.eu-west-1.amazonaws.com:9098",
        security_protocol="SASL_SSL",
        sasl_mechanism="OAUTHBEARER",
        oauth_provider="aws-msk-iam",
        aws_region="eu-west-1",
    )
    provider = kafka.options()["sasl_oauth_token_provider"]
    assert isinstance(provider, MskIamTokenProvider)
    token = asyncio.run(provider.token())
    url = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).netloc == "kafka.eu-west-1.amazonaws.com"
    assert query["Action"] == ["kafka-cluster:Connect"]
    assert query["X-Amz-Credential"][0].startswith("AKIAEXAMPLEEXAMPLE12/")

    calls: list[str] = []
    now = [1_000.0]

    def signer(region: str) -> tuple[str, int]:
        calls.append(region)
        return f"token-{len(calls)}", int((now[0] + 900) * 1000)

    cached = MskIamTokenProvider("us-east-1", signer=signer, clock=lambda: now[0])
    assert asyncio.run(cached.token()) == "token-1"
    now[0] += 600
    assert asyncio.run(cached.token()) == "token-1"  # still 5 minutes left
    now[0] += 250
    assert asyncio.run(cached.token()) == "token-2"  # within a minute of expiry: signed again


def test_tls_files_that_do_not_belong_together_are_named(tmp_path: Path) -> None:
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("client")
    (tmp_path / "cert.pem").write_bytes(leaf.cert_chain_pems[0].bytes())
    (tmp_path / "other.key").write_bytes(ca.issue_cert("x").private_key_pem.bytes())
    with pytest.raises(ConfigError, match="KAFKA_SSL_CERTFILE / KAFKA_SSL_KEYFILE"):
        TlsFiles(certfile=str(tmp_path / "cert.pem"), keyfile=str(tmp_path / "other.key")).context()


KAFKA_CLIENTS = {"AIOKafkaConsumer", "AIOKafkaProducer", "AIOKafkaAdminClient", "KafkaBroker"}
BUILDERS = {"worker/kafka_client.py", "worker/app.py"}  # app.py: FastStream's broker, same options


def test_no_kafka_client_is_constructed_outside_the_connection_module() -> None:
    for folder in ("worker", "producers"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = str(path.relative_to(ROOT))
            if rel in BUILDERS:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    assert name not in KAFKA_CLIENTS, f"{rel}:{node.lineno} constructs {name}"
