"""A TLS front for the embedded PostgreSQL, whose build has no SSL support.

It listens on ``127.0.0.1``, answers PostgreSQL's ``SSLRequest`` with ``S``, completes the TLS
handshake with the dev stack's server certificate (optionally requiring a client certificate),
then relays the connection to the server's Unix socket. A client that does not ask for TLS is
refused, as ``hostnossl ... reject`` would. Clients see what a TLS-enabled PostgreSQL shows them:
``sslmode=verify-full``, ``sslrootcert`` and client certificates are checked by the client's own
TLS stack. For development and tests only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import struct
import threading
from pathlib import Path

from devtools.devstack.procs import free_port
from devtools.devstack.tls import DevCertificates

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


class PostgresTlsFront:
    def __init__(
        self, socket_path: Path, certs: DevCertificates, require_client_cert: bool = False
    ) -> None:
        self.socket_path = socket_path
        self.port = free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certs.server_cert, certs.server_key)
        if require_client_cert:
            context.load_verify_locations(certs.ca)
            context.verify_mode = ssl.CERT_REQUIRED
        self.context = context
        self.refused = 0  # connections that did not ask for TLS
        self.accepted = 0  # connections relayed after a TLS handshake
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> PostgresTlsFront:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        future.result(timeout=10)
        return self

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                length, code = struct.unpack("!ii", await reader.readexactly(8))
                if length == 8 and code == GSSENC_REQUEST:
                    writer.write(b"N")
                    continue
                if length != 8 or code != SSL_REQUEST:
                    self.refused += 1
                    writer.close()
                    return
                writer.write(b"S")
                await writer.drain()
                await writer.start_tls(self.context)
                self.accepted += 1
                break
            upstream_reader, upstream_writer = await asyncio.open_unix_connection(
                str(self.socket_path)
            )
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            writer.close()
            return
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )

    def url(
        self,
        host: str = "127.0.0.1",
        sslmode: str = "verify-full",
        rootcert: Path | None = None,
        database: str = "postgres",
    ) -> str:
        query = f"sslmode={sslmode}"
        if rootcert is not None:
            query += f"&sslrootcert={rootcert}"
        return f"postgresql://postgres@{host}:{self.port}/{database}?{query}"

    def close(self) -> None:
        async def shut() -> None:
            if self._server is not None:
                self._server.close()

        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shut(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    finally:
        with contextlib.suppress(Exception):
            writer.close()
