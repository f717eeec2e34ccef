"""Every Kafka client jobingest opens, built from one connection description.

``KafkaConnection`` holds the bootstrap servers and the security settings (TLS, SASL, mTLS,
OAUTHBEARER); its ``consumer()``, ``producer()`` and ``admin()`` are the only places in the
project that construct an aiokafka client, so a secured cluster is reached the same way by the
worker, its dead-letter producer, topic creation, the operator commands and the gateway.

The TLS context is built once, when the connection is described: a missing or unreadable
certificate or key fails at start-up naming the setting, not at the first connect.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.abc import AbstractTokenProvider
from aiokafka.admin import AIOKafkaAdminClient

from worker.errors import ConfigError

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]
OAuthProvider = Literal["aws-msk-iam", "unsecured-jwt"]
SECURITY_PROTOCOLS: tuple[str, ...] = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS: tuple[str, ...] = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER")


@dataclass(frozen=True)
class TlsFiles:
    """PEM files for TLS: the CA to trust (default: the system's), and a client certificate and
    key for mutual TLS."""

    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None
    key_password: str | None = field(default=None, repr=False)
    check_hostname: bool = True

    def context(self) -> ssl.SSLContext:
        """A client context that verifies the broker (hostname too, unless turned off)."""
        for setting, path in (
            ("KAFKA_SSL_CAFILE", self.cafile),
            ("KAFKA_SSL_CERTFILE", self.certfile),
            ("KAFKA_SSL_KEYFILE", self.keyfile),
        ):
            if path and not os.path.isfile(path):
                raise ConfigError(f"{setting}: no such file {path}")
        try:
            context = ssl.create_default_context(cafile=self.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(_file_problem("KAFKA_SSL_CAFILE", self.cafile, exc)) from None
        context.check_hostname = self.check_hostname
        if self.certfile or self.keyfile:
            if not self.certfile:
                raise ConfigError("KAFKA_SSL_KEYFILE is set without KAFKA_SSL_CERTFILE")
            try:
                context.load_cert_chain(self.certfile, self.keyfile, self.key_password)
            except FileNotFoundError as exc:
                setting = (
                    "KAFKA_SSL_KEYFILE" if exc.filename == self.keyfile else "KAFKA_SSL_CERTFILE"
                )
                raise ConfigError(f"{setting}: no such file {exc.filename}") from None
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(
                    "KAFKA_SSL_CERTFILE / KAFKA_SSL_KEYFILE: the client certificate and key "
                    f"could not be loaded ({_reason(exc)}); both must be PEM and belong together"
                ) from None
        return context


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    return getattr(exc, "strerror", None) or type(exc).__name__


def _file_problem(setting: str, path: str | None, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"{setting}: no such file {path}"
    return f"{setting}: {path} is not a readable PEM certificate ({_reason(exc)})"


class MskIamTokenProvider(AbstractTokenProvider):  # type: ignore[misc]
    """OAUTHBEARER tokens for Amazon MSK IAM, from ``aws-msk-iam-sasl-signer-python`` (the
    ``msk`` extra). Credentials come from the usual AWS chain (environment, profile, role).
    A token is reused until a minute before it expires; signing runs off the event loop."""

    def __init__(
        self,
        region: str,
        signer: Callable[[str], tuple[str, int]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if signer is None:
            try:
                from aws_msk_iam_sasl_signer import MSKAuthTokenProvider  # type: ignore[import-untyped]
            except ImportError:
                raise ConfigError(
                    "KAFKA_SASL_OAUTHBEARER_PROVIDER=aws-msk-iam needs the msk extra: "
                    "pip install 'jobingest[msk]'"
                ) from None
            signer = MSKAuthTokenProvider.generate_auth_token
        self.region = region
        self._signer = signer
        self._clock = clock
        self._token: str | None = None
        self._expires_ms = 0

    async def token(self) -> str:
        if self._token is None or self._clock() * 1000 > self._expires_ms - 60_000:
            token, expires_ms = await asyncio.to_thread(self._signer, self.region)
            self._token, self._expires_ms = token, int(expires_ms)
        return self._token


class UnsecuredJwtTokenProvider(AbstractTokenProvider):  # type: ignore[misc]
    """An unsigned JWT (``alg: none``) naming ``subject``: what Apache Kafka's default
    OAUTHBEARER validator accepts on a development broker. Never for production."""

    def __init__(self, subject: str, lifetime_s: int = 3600) -> None:
        self.subject = subject
        self.lifetime_s = lifetime_s

    async def token(self) -> str:
        import base64
        import json

        def part(value: dict[str, Any]) -> str:
            raw = json.dumps(value, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        now = int(time.time())
        claims = {"sub": self.subject, "iat": now, "exp": now + self.lifetime_s}
        return f"{part({'alg': 'none'})}.{part(claims)}."


@dataclass(frozen=True)
class KafkaConnection:
    """Where the brokers are and how to authenticate to them. Secrets are kept out of repr."""

    bootstrap_servers: str
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    tls: TlsFiles = field(default_factory=TlsFiles)
    oauth_provider: OAuthProvider | None = None
    aws_region: str | None = None
    _ssl: ssl.SSLContext | None = field(default=None, init=False, repr=False, compare=False)
    _tokens: AbstractTokenProvider | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise ConfigError(problem)
        if self.uses_tls:
            object.__setattr__(self, "_ssl", self.tls.context())
        if self.sasl_mechanism == "OAUTHBEARER":
            object.__setattr__(self, "_tokens", self._token_provider())

    def __str__(self) -> str:
        return self.bootstrap_servers

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    def problem(self) -> str | None:
        """What is inconsistent in these settings, as one line naming the setting; or None."""
        if not self.bootstrap_servers.strip():
            return "KAFKA_BOOTSTRAP_SERVERS is empty"
        if self.uses_sasl and self.sasl_mechanism is None:
            return (
                f"KAFKA_SECURITY_PROTOCOL={self.security_protocol} needs KAFKA_SASL_MECHANISM "
                f"({' | '.join(SASL_MECHANISMS)})"
            )
        if not self.uses_sasl and self.sasl_mechanism is not None:
            return (
                f"KAFKA_SASL_MECHANISM={self.sasl_mechanism} needs KAFKA_SECURITY_PROTOCOL="
                f"SASL_SSL or SASL_PLAINTEXT (got {self.security_protocol})"
            )
        if self.sasl_mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
            if not self.sasl_username:
                return f"KAFKA_SASL_MECHANISM={self.sasl_mechanism} needs KAFKA_SASL_USERNAME"
            if not self.sasl_password:
                return (
                    f"KAFKA_SASL_MECHANISM={self.sasl_mechanism} needs KAFKA_SASL_PASSWORD "
                    "(or KAFKA_SASL_PASSWORD_FILE)"
                )
        if self.sasl_mechanism == "OAUTHBEARER":
            if self.oauth_provider is None:
                return (
                    "KAFKA_SASL_MECHANISM=OAUTHBEARER needs KAFKA_SASL_OAUTHBEARER_PROVIDER "
                    "(aws-msk-iam, or unsecured-jwt for a development broker)"
                )
            if self.oauth_provider == "aws-msk-iam" and not self.aws_region:
                return "KAFKA_SASL_OAUTHBEARER_PROVIDER=aws-msk-iam needs AWS_REGION"
            if self.oauth_provider == "unsecured-jwt" and not self.sasl_username:
                return "KAFKA_SASL_OAUTHBEARER_PROVIDER=unsecured-jwt needs KAFKA_SASL_USERNAME"
        tls_files = self.tls.cafile or self.tls.certfile or self.tls.keyfile
        if tls_files and not self.uses_tls:
            return (
                "KAFKA_SSL_* files are set but KAFKA_SECURITY_PROTOCOL is "
                f"{self.security_protocol}: use SSL or SASL_SSL"
            )
        return None

    def _token_provider(self) -> AbstractTokenProvider:
        if self.oauth_provider == "aws-msk-iam":
            assert self.aws_region is not None
            return MskIamTokenProvider(self.aws_region)
        assert self.sasl_username is not None
        return UnsecuredJwtTokenProvider(self.sasl_username)

    def options(self) -> dict[str, Any]:
        """The keyword arguments every aiokafka client takes for this connection."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        if self._ssl is not None:
            options["ssl_context"] = self._ssl
        if self.sasl_mechanism is not None:
            options["sasl_mechanism"] = self.sasl_mechanism
            if self.sasl_mechanism == "OAUTHBEARER":
                options["sasl_oauth_token_provider"] = self._tokens
            else:
                options["sasl_plain_username"] = self.sasl_username
                options["sasl_plain_password"] = self.sasl_password
        return options

    def consumer(self, *topics: str, **options: Any) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(*topics, **self.options(), **options)

    def producer(self, **options: Any) -> AIOKafkaProducer:
        return AIOKafkaProducer(**self.options(), **options)

    def admin(self, **options: Any) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(**self.options(), **options)

    def faststream_security(self) -> Any:
        """The same settings as FastStream's security object (for its ``KafkaBroker``)."""
        from faststream.security import (
            BaseSecurity,
            SASLOAuthBearer,
            SASLPlaintext,
            SASLScram256,
            SASLScram512,
        )

        use_ssl = self.uses_tls
        context = self._ssl
        if self.sasl_mechanism is None:
            return BaseSecurity(ssl_context=context, use_ssl=use_ssl) if use_ssl else None
        if self.sasl_mechanism == "OAUTHBEARER":
            return SASLOAuthBearer(ssl_context=context, use_ssl=use_ssl)
        kinds = {
            "PLAIN": SASLPlaintext,
            "SCRAM-SHA-256": SASLScram256,
            "SCRAM-SHA-512": SASLScram512,
        }
        return kinds[self.sasl_mechanism](
            username=self.sasl_username or "",
            password=self.sasl_password or "",
            ssl_context=context,
            use_ssl=use_ssl,
        )


KafkaTarget = KafkaConnection | str


def connection(target: KafkaTarget) -> KafkaConnection:
    """A connection for ``target``; a bare string is plaintext bootstrap servers (a local
    development or test broker)."""
    return target if isinstance(target, KafkaConnection) else KafkaConnection(target)
