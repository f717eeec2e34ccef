"""Changing state: `replay`, `reembed`, `duplicates backfill`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.app import app, duplicates_app
from cli.preamble import (
    BootstrapOpt,
    DatabaseOpt,
    GroupOpt,
    TopicOpt,
    configured,
    err,
    fail,
    out,
    run,
)
from cli.render import print_replay_preview, replay_plan_table
from worker.errors import ConfigError
from worker.store import connect


@duplicates_app.command("backfill")
def duplicates_backfill(
    batch: Annotated[int, typer.Option(min=1, help="Rows per step.")] = 500,
    database_url: DatabaseOpt = None,
) -> None:
    """Cluster an existing table (resumable; safe while workers ingest)."""
    from worker.clusters.backfill import backfill
    from worker.migrations import migrate_clusters

    url = configured(("database",), database_url=database_url).require_database()

    async def go() -> int:
        conn = await connect(url)
        try:
            await migrate_clusters(conn)
            with Progress(
                TextColumn("clustering"), MofNCompleteColumn(), TimeElapsedColumn(), console=err
            ) as bar:
                task = bar.add_task("cluster", total=None)
                return await backfill(conn, batch, lambda n: bar.advance(task, n))
        finally:
            await conn.close()

    out.print(f"clustered: {run(go())} row steps; every active job now has a cluster")


@app.command(rich_help_panel="Operate")
def replay(
    group: GroupOpt = None,
    topic: TopicOpt = None,
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="Re-read everything retained.")
    ] = False,
    to_datetime: Annotated[
        str | None,
        typer.Option("--to-datetime", help="Re-read from this time (ISO 8601 with offset)."),
    ] = None,
    to_offset: Annotated[
        int | None, typer.Option("--to-offset", help="Re-read from this offset in each partition.")
    ] = None,
    shift_by: Annotated[
        int | None,
        typer.Option("--shift-by", help="Move committed offsets by N (negative re-reads N)."),
    ] = None,
    partition: Annotated[
        list[int] | None, typer.Option("--partition", help="Only these partitions (repeatable).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan, change nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    reapply: Annotated[
        bool,
        typer.Option(
            "--reapply",
            help="Bypass the idempotency ledger for the replayed events (repairs rows; the ordering guard still holds).",
        ),
    ] = False,
    scan_limit: Annotated[
        int, typer.Option(min=0, help="A dry run reads at most this many records to judge them.")
    ] = 100_000,
    bootstrap_servers: BootstrapOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Reset a stopped group's offsets so the workers re-read from there (--dry-run: plan
    while the workers run)."""
    from datetime import datetime

    from worker.kafka_admin import KafkaAdmin
    from worker.migrations import ensure_operator_tables
    from worker.ops.replay import ReplayRefused, apply_replay, plan_replay, stop_first

    settings = configured(
        ("kafka",),
        topic=topic,
        group_id=group,
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )
    servers = settings.kafka_connection()
    if reapply and not settings.database_url:
        raise fail("--reapply needs DATABASE_URL (the workers read the reapply window from it)", 2)
    when = None
    if to_datetime is not None:
        try:
            when = datetime.fromisoformat(to_datetime)
        except ValueError as exc:
            raise fail(f"--to-datetime: not an ISO 8601 datetime: {to_datetime!r}", 2) from exc

    async def make_plan() -> Any:
        async with KafkaAdmin(servers) as admin:
            plan = await plan_replay(
                admin,
                settings.group_id,
                settings.topic,
                from_beginning=from_beginning,
                to_datetime=when,
                to_offset=to_offset,
                shift_by=shift_by,
                partitions=partition,
                require_stopped=not dry_run,
            )
            if not dry_run:
                return plan, None
            return plan, await _replay_preview(
                admin, plan, settings.database_url, reapply, scan_limit
            )

    try:
        plan, preview = run(make_plan())
    except ReplayRefused as exc:
        raise fail(str(exc)) from exc
    out.print(replay_plan_table(plan, reapply))
    out.print(f"{plan.total} events will be re-read")
    if dry_run:
        print_replay_preview(preview)
        if plan.active_members:
            out.print(
                "the real replay: " + stop_first(plan.group, plan.active_members, plan.group_state),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        out.print("dry run: nothing changed")
        return
    if not yes and not typer.confirm("apply this plan?"):
        raise fail("aborted: nothing changed")

    async def apply() -> None:
        # Re-check right before committing: a worker may have started meanwhile.
        async with KafkaAdmin(servers) as admin:
            if (await admin.describe_group(settings.group_id)).active:
                raise ReplayRefused(
                    f"group {settings.group_id!r} became active: stop its workers first"
                )
        conn = await connect(settings.database_url) if settings.database_url else None
        try:
            if conn is not None:
                await ensure_operator_tables(conn)
            await apply_replay(servers, plan, conn, reapply=reapply)
        finally:
            if conn is not None:
                await conn.close()

    try:
        run(apply())
    except ReplayRefused as exc:
        raise fail(str(exc)) from exc
    out.print(
        f"offsets reset: start the workers of group {plan.group} to re-read {plan.total} events"
    )


async def _replay_preview(
    admin: Any, plan: Any, database_url: str | None, reapply: bool, limit: int
) -> Any:
    """What the workers would do with the re-read events (None without a database)."""
    from worker.ops.replay_preview import preview_replay

    if not database_url or not plan.total or not limit:
        return None
    conn = await connect(database_url)
    try:
        if not await conn.fetchval("SELECT to_regclass('jobingest_ledger') IS NOT NULL"):
            return await preview_replay(admin, plan, None, True, limit)
        return await preview_replay(admin, plan, conn, reapply, limit)
    finally:
        await conn.close()


@app.command(rich_help_panel="Operate")
def reembed(
    model: Annotated[str, typer.Option("--model", help="The new embedding model.")],
    dims: Annotated[
        int | None, typer.Option("--dims", help="Its dimension (default: the provider's).")
    ] = None,
    embedder: Annotated[
        str | None, typer.Option(help="Provider of the new model (default: JOBINGEST_EMBEDDER).")
    ] = None,
    batch: Annotated[int, typer.Option(min=1, help="Rows per backfill batch.")] = 256,
    database_url: DatabaseOpt = None,
) -> None:
    """Re-embed every active job with another model while ingestion continues, then switch."""
    from worker.embedders import build_embedder
    from worker.ops.reembed import ReembedRefused
    from worker.ops.reembed import reembed as run_reembed
    from worker.store import create_pool

    settings = configured(
        ("database",),
        database_url=database_url,
        embedder=embedder,
        embedder_model=model,
        embedder_dims=dims,
    )
    url = settings.require_database()
    try:
        new_embedder = build_embedder(settings)
    except ConfigError as exc:
        raise fail(str(exc), 2) from None

    async def switch() -> Any:
        pool = await create_pool(url, 1)
        try:
            async with pool.acquire() as conn:
                with Progress(
                    TextColumn("re-embedding"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=err,
                ) as bar:
                    task = bar.add_task("reembed", total=None)
                    return await run_reembed(
                        conn,
                        new_embedder,
                        settings.embedder_max_chars,
                        batch=batch,
                        on_total=lambda n: bar.update(task, total=n),
                        on_progress=lambda n: bar.advance(task, n),
                    )
        finally:
            await pool.close()
            await new_embedder.close()

    try:
        report = run(switch())
    except ReembedRefused as exc:
        raise fail(str(exc)) from exc
    out.print(
        f"switched to {report.model} ({report.dims} dims) after embedding {report.embedded} jobs. "
        f"Restart the workers and the gateway with {report.settings} (workers still on the old "
        "model are unready and write nothing). The old vectors stay in "
        f"jobs.{report.old_column}; drop them when done: ALTER TABLE jobs DROP COLUMN {report.old_column}"
    )
