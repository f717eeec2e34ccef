"""Reading state: `search`, `status`, `check`, `duplicates`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

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
from cli.render import search_table
from worker.store import connect


@app.command(rich_help_panel="Read")
def search(
    query: Annotated[str, typer.Argument(help="What you are looking for, in words.")],
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    mode: Annotated[
        str, typer.Option(help="hybrid (lexical + semantic, fused) | semantic | lexical")
    ] = "hybrid",
    offset: Annotated[int, typer.Option(min=0, help="Skip this many results.")] = 0,
    page: Annotated[
        int | None, typer.Option(min=1, help="Page number (of --limit results).")
    ] = None,
    remote: Annotated[str | None, typer.Option(help="remote | hybrid | onsite")] = None,
    location: Annotated[str | None, typer.Option(help="Substring of the location.")] = None,
    salary_min: Annotated[
        float | None, typer.Option(help="The range reaches at least this.")
    ] = None,
    salary_max: Annotated[
        float | None, typer.Option(help="The range starts at most at this.")
    ] = None,
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code, e.g. EUR.")] = None,
    period: Annotated[str | None, typer.Option(help="hour | day | month | year")] = None,
    employment_type: Annotated[
        str | None, typer.Option(help="full_time | part_time | contract | internship | temporary")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only jobs from this source.")] = None,
    posted_after: Annotated[str | None, typer.Option(help="ISO 8601 datetime with offset.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Required tag (repeatable).")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON output, with why each matched.")
    ] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Search active jobs: hybrid lexical + semantic ranking, with filters and pages."""
    import logging
    import re
    from datetime import datetime
    from typing import get_args

    import asyncpg

    from schemas.events import EmploymentType, Remote, SalaryPeriod, utc_representable
    from worker import store
    from worker.embedders import build_embedder
    from worker.errors import ConfigError
    from worker.read import MODES, SearchFilters, has_jobs_table
    from worker.search import Searched, SemanticUnavailable
    from worker.search import search as run_search
    from worker.table_model import for_queries, read_table_embedding

    choices = {  # the vocabularies of the event contract
        "--mode": (mode, MODES),
        "--remote": (remote, get_args(Remote)),
        "--period": (period, get_args(SalaryPeriod)),
        "--employment-type": (employment_type, get_args(EmploymentType)),
    }
    for flag, (value, allowed) in choices.items():
        if value is not None and value not in allowed:
            raise fail(f"{flag} must be one of {', '.join(allowed)}", 2)
    when = None
    if posted_after is not None:
        try:
            when = datetime.fromisoformat(posted_after)
        except ValueError:
            raise fail(f"--posted-after: not an ISO 8601 datetime: {posted_after!r}", 2) from None
        if when.tzinfo is None:
            raise fail("--posted-after needs an offset, e.g. 2026-03-01T00:00:00+00:00", 2)
        try:
            utc_representable(when)
        except ValueError as exc:
            raise fail(f"--posted-after: {exc}", 2) from None
    for flag, amount in (("--salary-min", salary_min), ("--salary-max", salary_max)):
        if amount is not None and not 0 <= amount <= 10**12:
            raise fail(f"{flag} must be between 0 and 1000000000000", 2)
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        raise fail("--salary-min is above --salary-max", 2)
    if currency is not None and not re.fullmatch("[A-Za-z]{3}", currency):
        raise fail("--currency must be an ISO 4217 code, e.g. EUR", 2)
    settings = configured(("database",), database_url=database_url)
    url = settings.require_database()
    logging.disable(logging.WARNING)  # an embedder outage is the one `note:` line below
    filters = SearchFilters(
        remote=remote,
        location=location,
        salary_min=Decimal(str(salary_min)) if salary_min is not None else None,
        salary_max=Decimal(str(salary_max)) if salary_max is not None else None,
        salary_currency=currency.upper() if currency else None,
        salary_period=period,
        employment_type=employment_type,
        source=source,
        posted_after=when,
        tags=tuple(dict.fromkeys(t.lower() for t in tag or ())),
    )
    start = (page - 1) * limit if page is not None else offset

    async def find() -> tuple[bool, Searched]:
        pool = await store.create_pool(url, 1)
        embedder = None
        try:
            async with pool.acquire() as conn:  # queries embedded with the table's model
                if not await has_jobs_table(conn):
                    raise ConfigError("no jobs table in this database yet: start a worker first")
                table = await read_table_embedding(conn)
                embedder = build_embedder(for_queries(settings, table))
                found = await run_search(
                    conn,
                    embedder,
                    query,
                    filters,
                    limit,
                    mode=mode,  # type: ignore[arg-type]
                    offset=start,
                    config=settings.search_config,
                    wait_s=settings.embedder_wait_s,
                )
                return embedder.semantic, found
        finally:
            await pool.close()
            if embedder is not None:
                await embedder.close()

    try:
        semantic, found = run(find())
    except SemanticUnavailable as exc:  # 2: the configuration differs from the table's
        raise fail(str(exc), 1 if exc.code == "embedder_unavailable" else 2) from None
    except asyncpg.PostgresError as exc:
        raise fail(f"search failed in PostgreSQL: {type(exc).__name__}: {exc}") from None
    results = found.results
    if found.degraded:
        err.print(
            f"note: {found.degraded} ({found.reason}): results from the lexical ranking only",
            style="yellow",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if as_json:
        print(json.dumps(results, default=str))
        return
    if not semantic and mode != "lexical" and not found.degraded:
        err.print(
            "[yellow]note: the hash embedder is not semantic; its part of the ranking is arbitrary[/yellow]"
        )
    out.print(search_table(query, mode, start, results))


@app.command(rich_help_panel="Read")
def check(
    topic: TopicOpt = None,
    bootstrap_servers: BootstrapOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Exit 0 when Kafka, PostgreSQL (pgvector, migrations) and the embedder are reachable and
    consistent; else one line per problem and exit 1."""
    import logging
    import warnings

    from worker.ops.check import check_all

    logging.disable(logging.CRITICAL)  # the problems below are the output, not library logs
    warnings.simplefilter("ignore", ResourceWarning)
    settings = configured(
        ("kafka", "database"),
        topic=topic,
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )
    problems = run(check_all(settings))
    for problem in problems:
        err.print(problem, markup=False, highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    out.print("ok: kafka, database and embedder are ready")


@duplicates_app.callback()
def duplicates(
    ctx: typer.Context,
    company: Annotated[str | None, typer.Option(help="Only this company (any spelling).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Clusters of active jobs posted on more than one board, largest first."""
    if ctx.invoked_subcommand is not None:
        return
    from worker.read import duplicate_clusters

    url = configured(("database",), database_url=database_url).require_database()

    async def listing() -> list[dict[str, Any]]:
        conn = await connect(url)
        try:
            return await duplicate_clusters(conn, company, limit)
        finally:
            await conn.close()

    clusters = run(listing())
    if as_json:
        print(json.dumps(clusters, default=str))
        return
    table = Table(
        title=f"{len(clusters)} clusters with copies" + (f" at {company}" if company else "")
    )
    for column in ("cluster", "size", "title", "company", "postings"):
        table.add_column(column)
    for c in clusters:
        first = c["members"][0]
        where = ", ".join(
            f"{m['source']}:{m['external_id']} ({m['location'] or '-'})" for m in c["members"]
        )
        table.add_row(c["cluster_id"][:8], str(c["size"]), first["title"], first["company"], where)
    out.print(table)


@app.command(rich_help_panel="Read")
def status(
    topic: TopicOpt = None,
    group: GroupOpt = None,
    bootstrap_servers: BootstrapOpt = None,
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Lag per partition, group members, dead-letter depth and the jobs table, at a glance."""
    from worker.kafka_admin import KafkaAdmin
    from worker.ops.status import database_status, kafka_status

    settings = configured(
        ("kafka",),
        topic=topic,
        group_id=group,
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )
    servers = settings.kafka_connection()

    async def gather() -> dict[str, Any]:
        async with KafkaAdmin(servers) as admin:
            report = await kafka_status(
                admin, settings.group_id, settings.topic, settings.dlq_topic
            )
        if settings.database_url:
            conn = await connect(settings.database_url)
            try:
                report["database"] = await database_status(conn)
            finally:
                await conn.close()
        return report

    report = run(gather())
    if as_json:
        out.print_json(json.dumps(report, default=str))
        return
    if "error" in report:
        raise fail(report["error"])
    table = Table(
        title=f"{report['topic']} · group {report['group']} ({report['group_state']}, {len(report['members'])} members)"
    )
    for column in ("partition", "end offset", "committed", "lag", "owner"):
        table.add_column(column, justify="right" if column != "owner" else "left")
    for p in report["partitions"]:
        table.add_row(
            str(p["partition"]),
            str(p["end_offset"]),
            str(p["committed_offset"] if p["committed_offset"] is not None else "-"),
            str(p["lag"]),
            p["owner"] or "-",
        )
    out.print(table)
    out.print(
        f"total lag: {report['total_lag']}   dead letters in {report['dlq_topic']}: {report['dlq_depth']}"
    )
    db = report.get("database")
    if db and "error" not in db:
        out.print(
            f"jobs: {db['active']} active, {db['removed']} removed, {db['pending_embeddings']} pending embedding; "
            f"model {db['embedding_model']} ({db['embedding_dims']} dims); {db['ledger_keys']} ledger keys"
        )
    elif db:
        out.print(f"database: {db['error']}")
