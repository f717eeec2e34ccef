"""Dependencies run one way: the gateway reaches the worker only through ``worker.api``, and
the worker's core never imports the producers (only its entry points compose both)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSITION_ROOTS = {"worker/cli.py", "worker/devrun.py"}  # the CLI and `make dev`
TOOLS = ("worker/bench/",)  # benchmarks generate data with the sample producer


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_gateway_uses_the_worker_through_its_public_module_only() -> None:
    for path in (ROOT / "producers").rglob("*.py"):
        internal = {m for m in imports(path) if m.startswith("worker") and m != "worker.api"}
        assert not internal, f"{path.relative_to(ROOT)} imports {sorted(internal)}"


def test_the_worker_core_does_not_import_the_producers() -> None:
    for path in (ROOT / "worker").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        if rel in COMPOSITION_ROOTS or rel.startswith(TOOLS):
            continue
        upward = {m for m in imports(path) if m.startswith("producers")}
        assert not upward, f"{rel} imports {sorted(upward)}"
