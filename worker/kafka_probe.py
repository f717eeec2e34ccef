"""Why a Kafka connection fails, in one line that names the setting to fix.

aiokafka's clients report every bootstrap failure as "Unable to bootstrap from [...]" and log
the cause. :func:`probe` opens one connection to each bootstrap server the way the clients do
(TLS, SASL) and sends a metadata request, so the real cause is an exception; :func:`explain`
maps it to a :class:`Problem`: a configuration mistake (wrong password, untrusted CA,
certificate for another host, protocol and listener disagree, client certificate refused),
which no retry fixes, or an unreachable broker, which may come back.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from aiokafka.conn import create_conn
from aiokafka.errors import (
    IllegalSaslStateError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.protocol.metadata import MetadataRequest

from worker.kafka_client import KafkaConnection

TLS_RECORD_PREFIX = 0x1503  # a TLS alert record: what a TLS listener answers to plaintext


@dataclass(frozen=True)
class Problem:
    message: str
    mistake: bool  # True: a setting is wrong (exit 2); False: the broker is unreachable


def _tls_answered(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, asyncio.IncompleteReadError) and cause.expected is not None:
        return cause.expected >> 16 == TLS_RECORD_PREFIX
    return False


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    for candidate in (exc, exc.__cause__, exc.__context__):
        if isinstance(candidate, ssl.SSLError):
            return candidate
    return None


def explain(exc: BaseException, kafka: KafkaConnection, server: str) -> Problem:
    """The one-line reason ``exc`` (raised connecting to ``server``) stands for."""
    protocol = kafka.security_protocol
    if isinstance(exc, SaslAuthenticationFailed):
        return Problem(
            f"Kafka at {server} refused the SASL {kafka.sasl_mechanism} login of user "
            f"{kafka.sasl_username!r}: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
            True,
        )
    if isinstance(exc, UnsupportedSaslMechanismError):
        return Problem(
            f"Kafka at {server} does not offer SASL mechanism {kafka.sasl_mechanism}: "
            "set KAFKA_SASL_MECHANISM to one its listener enables",
            True,
        )
    if isinstance(exc, IllegalSaslStateError):
        return Problem(
            f"Kafka at {server} is not a SASL listener: KAFKA_SECURITY_PROTOCOL={protocol} "
            "does not match it (PLAINTEXT or SSL?)",
            True,
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or str(exc)
        if "Hostname mismatch" in reason or "IP address mismatch" in reason:
            return Problem(
                f"the TLS certificate of Kafka at {server} is for another host ({reason}): "
                "use the name the certificate was issued for in KAFKA_BOOTSTRAP_SERVERS",
                True,
            )
        return Problem(
            f"the TLS certificate of Kafka at {server} is not trusted ({reason}): set "
            "KAFKA_SSL_CAFILE to the CA that signed the broker's certificate",
            True,
        )
    tls_error = _ssl_cause(exc)
    if tls_error is not None and kafka.uses_tls:
        reason = tls_error.reason or str(tls_error)
        if "CERTIFICATE" in reason.upper() and kafka.tls.certfile:
            return Problem(
                f"Kafka at {server} refused the client certificate ({reason}): "
                "KAFKA_SSL_CERTFILE must be signed by a CA the broker trusts",
                True,
            )
        if "CERTIFICATE" in reason.upper():
            return Problem(
                f"Kafka at {server} requires a client certificate ({reason}): set "
                "KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE (mutual TLS)",
                True,
            )
        return Problem(
            f"no TLS handshake with Kafka at {server} ({reason}): is it a TLS listener? "
            f"KAFKA_SECURITY_PROTOCOL={protocol} may not match it",
            True,
        )
    if _tls_answered(exc) and not kafka.uses_tls:
        return Problem(
            f"Kafka at {server} speaks TLS: set KAFKA_SECURITY_PROTOCOL to SSL or SASL_SSL "
            f"(got {protocol})",
            True,
        )
    if isinstance(exc, ConnectionResetError | BrokenPipeError) and kafka.uses_tls:
        return Problem(
            f"Kafka at {server} closed the connection during the TLS handshake: it is not a "
            f"TLS listener; KAFKA_SECURITY_PROTOCOL={protocol} does not match it",
            True,
        )
    if isinstance(exc, KafkaConnectionError) and not kafka.uses_sasl:
        return Problem(
            f"Kafka at {server} closed the connection: the listener may require SASL "
            f"(KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT; got {protocol})",
            True,
        )
    if isinstance(exc, TimeoutError):
        return Problem(f"Kafka at {server} did not answer in time", False)
    reason = str(exc) or type(exc).__name__
    return Problem(f"cannot reach Kafka at {server}: {reason}", False)


async def probe(kafka: KafkaConnection, timeout_s: float = 10.0) -> Problem | None:
    """None when one bootstrap server answers a metadata request over these settings; else
    the problem met (a mistake, if any server showed one)."""
    problems = []
    options = kafka.options()
    del options["bootstrap_servers"]
    for server in kafka.bootstrap_servers.split(","):
        server = server.strip()
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit():
            problems.append(Problem(f"KAFKA_BOOTSTRAP_SERVERS: {server!r} is not host:port", True))
            continue
        try:
            async with asyncio.timeout(timeout_s):
                conn = await create_conn(
                    host.strip("[]"), int(port), request_timeout_ms=int(timeout_s * 1000), **options
                )
                try:
                    await conn.send(MetadataRequest([]))
                finally:
                    conn.close()
            return None
        except (OSError, KafkaError, asyncio.IncompleteReadError) as exc:  # ssl errors too
            problems.append(explain(exc, kafka, server))
    mistakes = [p for p in problems if p.mistake]
    return (mistakes or problems)[0]
