"""The `jobingest` command line: a thin layer over functions the tests call directly."""

from __future__ import annotations

import asyncio
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from worker.errors import ConfigError
from worker.settings import Settings, load_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="jobingest: job events from Kafka into PostgreSQL + pgvector.",
)
schemas_app = typer.Typer(no_args_is_help=True, help="The event contract as JSON Schema.")
app.add_typer(schemas_app, name="schemas")

out = Console()
err = Console(stderr=True)

TopicOpt = Annotated[str | None, typer.Option("--topic", help="Topic (JOBINGEST_TOPIC).")]
GroupOpt = Annotated[
    str | None, typer.Option("--group", "--group-id", help="Consumer group (JOBINGEST_GROUP_ID).")
]
BootstrapOpt = Annotated[
    str | None, typer.Option("--bootstrap-servers", help="Kafka brokers (KAFKA_BOOTSTRAP_SERVERS).")
]
DatabaseOpt = Annotated[
    str | None, typer.Option("--database-url", help="PostgreSQL URL (DATABASE_URL).")
]


def settings_or_exit(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


@app.command()
def worker(
    topic: TopicOpt = None,
    group: GroupOpt = None,
    bootstrap_servers: BootstrapOpt = None,
    database_url: DatabaseOpt = None,
    embedder: Annotated[
        str | None, typer.Option(help="hash | local | ollama | openai (JOBINGEST_EMBEDDER).")
    ] = None,
    http_port: Annotated[
        int | None, typer.Option(help="Port of /healthz, /readyz, /metrics (JOBINGEST_HTTP_PORT).")
    ] = None,
) -> None:
    """Run one ingestion worker until SIGTERM or Ctrl-C."""
    from worker.app import serve
    from worker.logs import configure_logging

    settings = settings_or_exit(
        topic=topic, group_id=group, kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url, embedder=embedder, http_port=http_port,
    )  # fmt: skip
    try:
        settings.require_kafka()
        settings.require_database()
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    secrets = [settings.embedder_api_key.get_secret_value()] if settings.embedder_api_key else []
    configure_logging(settings.log_level, secrets)
    try:
        code = asyncio.run(serve(settings))
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    except OSError as exc:
        raise fail(f"could not start: {exc}", 1) from exc
    raise typer.Exit(code)


@app.command()
def publish(
    file: Annotated[str, typer.Argument(help="JSON-lines file, or - for standard input.")],
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
) -> None:
    """Validate and publish JSON-lines events; invalid lines are reported and never sent."""
    from producers.publish_file import publish_lines
    from producers.publisher import JobEventPublisher

    settings = settings_or_exit(topic=topic, kafka_bootstrap_servers=bootstrap_servers)
    try:
        servers = settings.require_kafka()
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    if file == "-":
        lines = list(sys.stdin)
    else:
        path = Path(file)
        if not path.is_file():
            raise fail(f"no such file: {file}", 2)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()

    async def run() -> Any:
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

    summary = asyncio.run(run())
    for number, reason in summary.rejected:
        err.print(f"line {number}: rejected: {reason}")
    out.print(
        f"published {summary.published}, rejected {len(summary.rejected)} to {settings.topic}"
    )
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
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


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What you are looking for, in words.")],
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    remote: Annotated[str | None, typer.Option(help="remote | hybrid | onsite")] = None,
    location: Annotated[str | None, typer.Option(help="Substring of the location.")] = None,
    salary_min: Annotated[float | None, typer.Option(help="Minimum salary.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Semantic search over active jobs."""
    from worker import store
    from worker.embedders import build_embedder
    from worker.search import SearchFilters, search_jobs

    if remote not in (None, "remote", "hybrid", "onsite"):
        raise fail("--remote must be remote, hybrid or onsite", 2)
    settings = settings_or_exit(database_url=database_url)
    try:
        url = settings.require_database()
        embedder = build_embedder(settings)
    except ConfigError as exc:
        raise fail(str(exc), 2) from exc
    filters = SearchFilters(
        remote, location, Decimal(str(salary_min)) if salary_min is not None else None
    )

    async def run() -> list[dict[str, Any]]:
        pool = await store.create_pool(url, 1)
        try:
            async with pool.acquire() as conn:
                return await search_jobs(conn, embedder, query, filters, limit)
        finally:
            await pool.close()
            await embedder.close()

    results = asyncio.run(run())
    if as_json:
        out.print_json(json.dumps(results, default=str))
        return
    if not embedder.semantic:
        err.print(
            "[yellow]note: the hash embedder is not semantic; rankings are arbitrary[/yellow]"
        )
    table = Table(title=f"“{query}”: {len(results)} jobs")
    for column in ("score", "title", "company", "location", "remote", "salary", "job"):
        table.add_column(column)
    for row in results:
        salary = f"{row['salary_min'] or ''}-{row['salary_max'] or ''} {row['salary_currency'] or ''}".strip(
            " -"
        )
        table.add_row(
            f"{row['score']:.3f}", row["title"], row["company"], row["location"] or "",
            row["remote"] or "", salary, f"{row['source']}:{row['external_id']}",
        )  # fmt: skip
    out.print(table)


@app.command()
def dev(
    count: Annotated[int, typer.Option(help="Sample events to publish.")] = 200,
    embedder: Annotated[
        str | None, typer.Option(help="Embedder for the demo (default: local if installed).")
    ] = None,
    http_port: Annotated[int, typer.Option()] = 8080,
    partitions: Annotated[int, typer.Option()] = 6,
) -> None:
    """Start Kafka + PostgreSQL + a worker, publish a sample, and keep running until Ctrl-C."""
    from worker.devrun import run_dev

    raise typer.Exit(
        run_dev(count=count, embedder=embedder, http_port=http_port, partitions=partitions)
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
