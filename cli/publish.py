"""Events in: `publish`, `sample`, `schemas export`, `hash-key`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.app import app, schemas_app
from cli.preamble import BootstrapOpt, TopicOpt, configured, err, fail, out, run, traced, untraced


@app.command(rich_help_panel="Publish")
def publish(
    file: Annotated[str, typer.Argument(help="JSON-lines file, or - for standard input.")],
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
) -> None:
    """Validate and publish JSON-lines events; invalid lines are reported and never sent."""
    from producers.publish_file import publish_lines
    from producers.publisher import JobEventPublisher

    settings = configured(("kafka",), topic=topic, kafka_bootstrap_servers=bootstrap_servers)
    servers = settings.kafka_connection()
    if file == "-":
        lines = list(sys.stdin)
    else:
        path = Path(file)
        if not path.is_file():
            raise fail(f"no such file: {file}", 2)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()

    async def publish_all() -> Any:
        with Progress(
            TextColumn("publishing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        ) as bar:
            task = bar.add_task("publish", total=len(lines))
            async with JobEventPublisher(servers, settings.topic) as publisher:
                return await publish_lines(publisher, lines, lambda n: bar.advance(task, n))

    traced("jobingest-publish")
    try:
        summary = run(publish_all())
    finally:
        untraced()
    for number, reason in summary.rejected:
        err.print(f"line {number}: rejected: {reason}")
    out.print(
        f"published {summary.published}, rejected {len(summary.rejected)} to {settings.topic}"
    )
    if not summary.ok:
        raise typer.Exit(1)


@app.command(rich_help_panel="Publish")
def sample(
    count: Annotated[int, typer.Option(min=1, help="How many events.")] = 1000,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same events.")
    ] = 0,
    invalid_ratio: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of invalid events.")
    ] = 0.0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write realistic synthetic job events as JSON lines."""
    from producers.sample import sample_lines

    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for line in sample_lines(count, seed=seed, invalid_ratio=invalid_ratio):
            stream.write(line + "\n")
    finally:
        if output:
            stream.close()


@schemas_app.command("export")
def schemas_export(
    directory: Annotated[
        Path | None, typer.Option(help="Where to write (default: schemas/json).")
    ] = None,
    check: Annotated[bool, typer.Option(help="Only check that the files are current.")] = False,
) -> None:
    """Export the contract as JSON Schema (what non-Python producers code against)."""
    from schemas.export import SCHEMA_DIR, export_schemas, render_schemas

    target = directory or SCHEMA_DIR
    if check:
        stale = [
            n
            for n, text in render_schemas().items()
            if not (target / n).is_file() or (target / n).read_text() != text
        ]
        if stale:
            raise fail(f"out of date: {', '.join(stale)}; run `jobingest schemas export`")
        out.print("schemas are current")
        return
    for path in export_schemas(target):
        out.print(f"wrote {path}")


@app.command("hash-key", rich_help_panel="Publish")
def hash_key(
    key: Annotated[str, typer.Argument(help="An API key to accept at the gateway.")],
) -> None:
    """Print the SHA-256 digest to put in JOBINGEST_GATEWAY_API_KEYS (the key itself is never stored)."""
    from producers.gateway.access import key_digest

    out.print(key_digest(key))
