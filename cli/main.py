"""The `jobingest` entry point: every command group registered on the root app.

Only the console script and `python -m cli` import this module, so the SIGTERM handler below
is installed first, before the command modules' imports: a SIGTERM while the command is still
starting (importing, reading its configuration) is a clean exit, not death by signal.
"""

from __future__ import annotations

import signal
import sys

if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

import cli.dev  # noqa: F401  (each registers its commands on the root app)
import cli.dlq  # noqa: F401
import cli.index  # noqa: F401
import cli.operate  # noqa: F401
import cli.publish  # noqa: F401
import cli.read  # noqa: F401
import cli.run  # noqa: F401
from cli.app import app


def main() -> None:
    app()
