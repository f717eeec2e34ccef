"""The dead-letter topic: `dlq list`, `show`, `redrive`, `export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cli.app import dlq_app
from cli.preamble import BootstrapOpt, DatabaseOpt, TopicOpt, configured, err, fail, out, run
from worker.store import connect


@dlq_app.command("list")
def dlq_list(
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Dead letters by the record they come from (an original and the letters of its redrive
    copies together, with their generation), then a count per error class."""
    from worker.kafka_admin import KafkaAdmin
    from worker.ops.dlq import by_original, read_letters, summarize
    from worker.ops.redrive_policy import refusal

    settings = configured(("kafka",), topic=topic, kafka_bootstrap_servers=bootstrap_servers)
    servers = settings.kafka_connection()

    async def letters() -> list[Any]:
        async with KafkaAdmin(servers) as admin:
            return await read_letters(admin, settings.dlq_topic)

    found = run(letters())
    groups = by_original(found)
    if as_json:
        out.print_json(json.dumps(groups))
        return
    table = Table(title=f"dead letters in {settings.dlq_topic}, by original record")
    for column in ("original (topic:partition:offset)", "error class", "dead letters"):
        table.add_column(column)
    for g in groups:
        marks = ", ".join(
            letter["at"] + (f" (redrive {letter['generation']})" if letter["generation"] else "")
            for letter in g["letters"]
        )
        table.add_row(g["original"], g["error_class"], marks)
    out.print(table)
    for c in summarize(found):
        fixable = "" if refusal(c["error_class"]) is None else " (a redrive cannot fix these)"
        out.print(f"{c['error_class']}: {c['count']} dead letters{fixable}", highlight=False)


@dlq_app.command("show")
def dlq_show(
    offset: Annotated[
        str, typer.Argument(help="OFFSET or PARTITION:OFFSET in the dead-letter topic.")
    ],
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
) -> None:
    """One dead letter with its decoded headers and payload."""
    from worker.kafka_admin import KafkaAdmin
    from worker.ops.dlq import describe, read_letters

    partition, _, number = offset.rpartition(":")
    if not number.isdigit() or (partition and not partition.isdigit()):
        raise fail("OFFSET must be a number or PARTITION:OFFSET", 2)
    settings = configured(("kafka",), topic=topic, kafka_bootstrap_servers=bootstrap_servers)
    servers = settings.kafka_connection()

    async def one_letter() -> list[Any]:
        async with KafkaAdmin(servers) as admin:
            return await read_letters(
                admin, settings.dlq_topic, int(partition or 0), int(number), int(number)
            )

    found = run(one_letter())
    if not found:
        raise fail(f"no dead letter at {partition or 0}:{number} in {settings.dlq_topic}")
    out.print_json(json.dumps(describe(found[0])))


@dlq_app.command("redrive")
def dlq_redrive(
    error_class: Annotated[
        str | None, typer.Option("--error-class", help="Only letters of this class.")
    ] = None,
    from_offset: Annotated[int | None, typer.Option("--from-offset")] = None,
    to_offset: Annotated[int | None, typer.Option("--to-offset")] = None,
    partition: Annotated[
        int | None, typer.Option("--partition", help="Only this dead-letter partition.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be sent, send nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Send again what was already redriven, and letters of a class a redrive "
            "cannot fix (invalid JSON, contract violations, not UTF-8, tombstones).",
        ),
    ] = False,
    max_redrives: Annotated[
        int, typer.Option(help="Refuse letters already redriven this many times.")
    ] = 3,
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Republish dead letters to their original topic (after fixing the cause)."""
    from worker.kafka_admin import KafkaAdmin
    from worker.migrations import ensure_operator_tables
    from worker.ops.dlq import read_letters, redrive

    settings = configured(
        ("kafka", "database"),
        topic=topic,
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )
    servers, db_url = settings.kafka_connection(), settings.require_database()

    async def send_letters() -> Any:
        async with KafkaAdmin(servers) as admin:
            letters = await read_letters(
                admin, settings.dlq_topic, partition, from_offset, to_offset
            )
        conn = await connect(db_url)
        try:
            await ensure_operator_tables(conn)
            with Progress(
                TextColumn("redriving"), BarColumn(), MofNCompleteColumn(), console=err
            ) as bar:
                task = bar.add_task("redrive", total=len(letters))
                return await redrive(
                    servers,
                    conn,
                    settings.dlq_topic,
                    letters,
                    error_class=error_class,
                    dry_run=dry_run,
                    force=force,
                    max_redrives=max_redrives,
                    on_progress=lambda n: bar.advance(task, n),
                )
        finally:
            await conn.close()

    from worker.ops.redrive_policy import refusal

    report = run(send_letters())
    verb = "would redrive" if dry_run else "redriven"
    out.print(
        f"{verb}: {len(report.sent)}; already redriven (use --force): {len(report.already_redriven)}; refused by the loop guard: {len(report.loop_guarded)}"
    )
    for name, where in sorted(report.refused.items()):
        out.print(
            f"not redriven: {len(where)} {name} (use --force to send anyway): {refusal(name)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for unrecoverable in report.unrecoverable:
        err.print(f"not redriven: {unrecoverable}", markup=False, soft_wrap=True)
    if report.unrecoverable:
        raise typer.Exit(1)


@dlq_app.command("export")
def dlq_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    error_class: Annotated[
        str | None, typer.Option("--error-class", help="Only letters of this class.")
    ] = None,
    partition: Annotated[
        int | None, typer.Option("--partition", help="Only this dead-letter partition.")
    ] = None,
    from_offset: Annotated[int | None, typer.Option("--from-offset")] = None,
    to_offset: Annotated[int | None, typer.Option("--to-offset")] = None,
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
) -> None:
    """Dead letters' payloads as JSON lines, to fix and `jobingest publish` again."""
    from worker.kafka_admin import KafkaAdmin
    from worker.ops.dlq import export_lines, headers_of, read_letters

    settings = configured(("kafka",), topic=topic, kafka_bootstrap_servers=bootstrap_servers)
    servers = settings.require_kafka()

    async def letters() -> list[Any]:
        async with KafkaAdmin(servers) as admin:
            return await read_letters(admin, settings.dlq_topic, partition, from_offset, to_offset)

    chosen = [
        r
        for r in run(letters())
        if error_class is None or headers_of(r).get("dlq.error.class") == error_class
    ]
    lines, skipped = export_lines(chosen)
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    where = f" to {output}" if output else ""
    err.print(f"exported {len(lines)} dead letters{where}", highlight=False)
    for reason, n in sorted(skipped.items()):
        err.print(f"skipped {n}: {reason}", markup=False, highlight=False)
    if lines:
        err.print("fix them, then: jobingest publish FILE", markup=False, highlight=False)
