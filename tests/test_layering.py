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


def _module_graph() -> dict[str, set[str]]:
    """worker's modules and the worker modules each file imports (anywhere in the file); a
    package's ``__init__`` re-exporting its modules is not an edge back to them."""
    modules: dict[str, Path] = {}
    for path in (ROOT / "worker").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        graph[name] = {
            m for m in found & set(modules) if m != name and not name.startswith(m + ".")
        }
    return graph


def test_no_module_of_the_worker_imports_one_that_imports_it_back() -> None:
    graph = _module_graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            if here == goal:
                return True
            if here not in seen:
                seen.add(here)
                todo.extend(graph[here])
        return False

    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if reaches(b, a))
    assert not cycles, cycles


def test_the_store_only_stores_and_rows_carry_no_database_code() -> None:
    """The pipeline decides clusters and hands them to the store; the plan and the rows it
    plans with import no database module."""
    graph = _module_graph()
    assert not {m for m in graph["worker.store"] if m.startswith("worker.clusters")}
    for pure in ("worker.plan", "worker.rows"):
        assert not graph[pure] & {"worker.store", "worker.pg", "worker.write"}, pure
