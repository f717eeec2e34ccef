"""The `jobingest` command tree: the root Typer app and its command groups (no commands)."""

from __future__ import annotations

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="jobingest: job events from Kafka into PostgreSQL + pgvector.",
)


schemas_app = typer.Typer(no_args_is_help=True, help="The event contract as JSON Schema.")


app.add_typer(schemas_app, name="schemas", rich_help_panel="Publish")


dlq_app = typer.Typer(no_args_is_help=True, help="The dead-letter topic: list, show, redrive.")


app.add_typer(dlq_app, name="dlq", rich_help_panel="Operate")


duplicates_app = typer.Typer(
    invoke_without_command=True,
    help="The same job on several boards: list clusters (default), or `duplicates backfill`.",
)


app.add_typer(duplicates_app, name="duplicates", rich_help_panel="Read")


index_app = typer.Typer(no_args_is_help=True, help="The HNSW vector index: status, build, drop.")


app.add_typer(index_app, name="index", rich_help_panel="Operate")


bench_app = typer.Typer(
    invoke_without_command=True,
    help="Benchmarks: ingestion side by side (default), or `bench search`.",
)


app.add_typer(bench_app, name="bench", rich_help_panel="Develop")
