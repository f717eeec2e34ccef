"""The HNSW vector index: `index status`, `build`, `drop`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from cli.app import index_app
from cli.preamble import DatabaseOpt, configured, fail, out, with_connection


@index_app.command("status")
def index_status_cmd(
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """valid, invalid (an interrupted build), building (with progress) or absent."""
    from worker.ops.index import index_status

    url = configured(("database",), database_url=database_url).require_database()
    report = with_connection(url, index_status)
    if as_json:
        out.print_json(json.dumps(report, default=str))
        return
    table = Table(title="vector index")
    for column in ("index", "state", "size (MB)", "progress"):
        table.add_column(column, justify="right" if column == "size (MB)" else "left")
    progress = report["progress"]
    done = (
        f"{progress['phase']}: blocks {progress['blocks_done']}/{progress['blocks_total']}, "
        f"tuples {progress['tuples_done']}/{progress['tuples_total']}"
        if progress
        else "-"
    )
    table.add_row(report["index"], report["state"], f"{report['size_mb']:.1f}", done)
    out.print(table)


@index_app.command("drop")
def index_drop_cmd(database_url: DatabaseOpt = None) -> None:
    """Drop the index (concurrently): before a bulk load. Search scans exactly meanwhile."""
    from worker.ops.index import drop_index

    url = configured(("database",), database_url=database_url).require_database()
    with_connection(url, drop_index)
    out.print("index dropped; start workers with JOBINGEST_HNSW_INDEX=false for the load")


@index_app.command("build")
def index_build_cmd(
    memory: Annotated[str, typer.Option(help="maintenance_work_mem for the build.")] = "1GB",
    workers: Annotated[int, typer.Option(min=0, max=64, help="Parallel build workers.")] = 2,
    database_url: DatabaseOpt = None,
) -> None:
    """Build the index once, concurrently with reads and writes (resumes after a crash)."""
    from worker.ops.index import build_index

    url = configured(("database",), database_url=database_url).require_database()
    try:
        seconds = with_connection(url, lambda conn: build_index(conn, memory, workers))
    except (ValueError, RuntimeError) as exc:
        raise fail(str(exc), 2) from None
    out.print("index already valid" if not seconds else f"index built in {seconds:.1f}s")
