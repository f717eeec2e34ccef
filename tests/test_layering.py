"""Dependencies run one way: ``cli`` and ``devtools`` compose the rest; the gateway reaches the
worker only through ``worker.api``; the runtime package ``worker`` imports neither the
producers, nor the command line, nor the development tools."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def test_the_worker_imports_neither_producers_nor_entry_points_nor_tools() -> None:
    for path in (ROOT / "worker").rglob("*.py"):
        rel = str(path.relative_to(ROOT))
        upward = {m for m in imports(path) if m.split(".")[0] in ("producers", "cli", "devtools")}
        assert not upward, f"{rel} imports {sorted(upward)}"


def test_the_schemas_import_nothing_of_the_rest() -> None:
    for path in (ROOT / "schemas").rglob("*.py"):
        upward = {m for m in imports(path) if m.split(".")[0] in ("worker", "producers", "cli")}
        assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}"


def test_no_command_module_is_over_300_lines() -> None:
    for path in (ROOT / "cli").glob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 320, f"{path.relative_to(ROOT)}: {lines} lines"
