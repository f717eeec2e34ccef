"""Test certificates for the dev stack's TLS listeners (Kafka, PostgreSQL), made with trustme.

One CA signs a server certificate for ``127.0.0.1`` only (so ``localhost`` is, on purpose,
another host name) and a client certificate for mutual TLS. A second, unrelated CA stands for
"a CA the server does not trust". Everything is written as PEM files under one directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SERVER_HOST = "127.0.0.1"


@dataclass(frozen=True)
class DevCertificates:
    directory: Path
    ca: Path  # the CA that signed the server and client certificates
    server_cert: Path
    server_key: Path  # PKCS#8, as Kafka's PEM key store requires
    client_cert: Path
    client_key: Path
    other_ca: Path  # trusted by nobody here
    other_client_cert: Path  # signed by other_ca
    other_client_key: Path

    def pem(self, path: Path) -> str:
        return path.read_text()


def _pkcs8(key_pem: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(key_pem, password=None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_certificates(directory: Path) -> DevCertificates:
    """A CA, a server and a client certificate (and a foreign CA with its own client), once per
    directory: files already there are reused."""
    files = DevCertificates(
        directory=directory,
        ca=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        client_cert=directory / "client.pem",
        client_key=directory / "client.key",
        other_ca=directory / "other-ca.pem",
        other_client_cert=directory / "other-client.pem",
        other_client_key=directory / "other-client.key",
    )
    if files.other_client_key.exists():
        return files
    import trustme

    directory.mkdir(parents=True, exist_ok=True)
    ca, other = trustme.CA(), trustme.CA()
    server = ca.issue_cert(SERVER_HOST)
    client = ca.issue_cert("jobingest-client", common_name="jobingest-client")
    stranger = other.issue_cert("jobingest-client", common_name="jobingest-client")
    files.ca.write_bytes(ca.cert_pem.bytes())
    files.other_ca.write_bytes(other.cert_pem.bytes())
    for leaf, cert, key in (
        (server, files.server_cert, files.server_key),
        (client, files.client_cert, files.client_key),
        (stranger, files.other_client_cert, files.other_client_key),
    ):
        cert.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
        key.write_bytes(_pkcs8(leaf.private_key_pem.bytes()))
        key.chmod(0o600)
    return files
