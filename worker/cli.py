"""The `jobingest` command line: a thin layer over functions the tests call directly."""

from __future__ import annotations

import signal
import sys

# Stopped before the worker or gateway installs its own handlers (still importing, reading the
# configuration): nothing has started, so a SIGTERM then is a clean exit, not death by signal.
if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

import asyncio
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from worker.errors import ConfigError
from worker.settings import Settings, load_settings
from worker.store import connect

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="jobingest: job events from Kafka into PostgreSQL + pgvector.",
)
schemas_app = typer.Typer(no_args_is_help=True, help="The event contract as JSON Schema.")
app.add_typer(schemas_app, name="schemas")
dlq_app = typer.Typer(no_args_is_help=True, help="The dead-letter topic: list, show, redrive.")
app.add_typer(dlq_app, name="dlq")

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


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise (2: fix the configuration)."""
    err.print("[red]error:[/red] ", end="")
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def configured(
    needs: tuple[str, ...] = (), model: type[Settings] = Settings, **overrides: Any
) -> Settings:
    """Every command's preamble: settings (``model``: Settings, or the gateway's) from the
    environment and flags, the services the command ``needs`` ("kafka", "database") checked;
    a mistake exits 2 with one line. Every component's variables are known, so the worker
    started with the gateway's environment does not call them unknown."""
    import producers.gateway.settings  # noqa: F401  (its variables are settings too)

    try:
        settings = load_settings(model=model, **overrides)
        if "kafka" in needs:
            settings.kafka_connection()
        if "database" in needs:
            settings.require_database()
        if "kafka" in needs:
            kafka_mistake(settings)
    except ConfigError as exc:
        raise fail(str(exc), 2) from None
    return settings


def kafka_mistake(settings: Settings) -> None:
    """Raise ConfigError when the Kafka settings cannot work (wrong password, untrusted CA,
    protocol and listener disagree...); an unreachable broker is left to the command."""
    from worker.kafka_probe import probe

    problem = asyncio.run(probe(settings.kafka_connection()))
    if problem is not None and problem.mistake:
        raise ConfigError(problem.message)


def run(coro: Any) -> Any:
    """Run a command's coroutine: a configuration mistake exits 2, an unreachable broker or
    database exits 1, each with one line and no traceback."""
    from aiokafka.errors import KafkaConnectionError, KafkaError

    try:
        return asyncio.run(coro)
    except ConfigError as exc:
        raise fail(str(exc), 2) from None
    except (KafkaConnectionError, OSError) as exc:
        raise fail(f"cannot reach Kafka or PostgreSQL: {exc}") from None
    except KafkaError as exc:
        raise fail(f"Kafka error: {exc}") from None


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

    settings = configured(
        ("kafka", "database"), topic=topic, group_id=group,
        kafka_bootstrap_servers=bootstrap_servers, database_url=database_url, embedder=embedder,
        http_port=http_port,
    )  # fmt: skip
    _traced("jobingest-worker", settings.batch_max_records)
    configure_logging(settings.log_level, settings.secret_values())
    try:
        code = run(serve(settings))
    finally:
        _untraced()
    raise typer.Exit(code)


def _traced(service: str, max_links: int = 1000) -> None:
    """OpenTelemetry on when the OTEL_* variables ask for it; a mistake exits 2."""
    from worker.tracing import configure

    try:
        configure(service, max_links)
    except ConfigError as exc:
        raise fail(str(exc), 2) from None


def _untraced() -> None:
    from worker.tracing import shutdown

    shutdown()


@app.command()
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

    _traced("jobingest-publish")
    try:
        summary = run(publish_all())
    finally:
        _untraced()
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
    from datetime import datetime

    from worker import store
    from worker.embedders import build_embedder
    from worker.read import MODES, SearchFilters
    from worker.search import Searched, SemanticUnavailable
    from worker.search import search as run_search
    from worker.table_model import for_queries, read_table_embedding

    choices = {
        "--mode": (mode, MODES),
        "--remote": (remote, ("remote", "hybrid", "onsite")),
        "--period": (period, ("hour", "day", "month", "year")),
        "--employment-type": (
            employment_type, ("full_time", "part_time", "contract", "internship", "temporary")
        ),
    }  # fmt: skip
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
    settings = configured(("database",), database_url=database_url)
    url = settings.require_database()
    logging.disable(logging.WARNING)  # an embedder outage is the one `note:` line below
    filters = SearchFilters(
        remote=remote, location=location,
        salary_min=Decimal(str(salary_min)) if salary_min is not None else None,
        salary_max=Decimal(str(salary_max)) if salary_max is not None else None,
        salary_currency=currency.upper() if currency else None, salary_period=period,
        employment_type=employment_type, source=source, posted_after=when, tags=tuple(tag or ()),
    )  # fmt: skip
    start = (page - 1) * limit if page is not None else offset

    async def find() -> tuple[bool, Searched]:
        pool = await store.create_pool(url, 1)
        embedder = None
        try:
            async with pool.acquire() as conn:  # queries embedded with the table's model
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
    table = Table(title=f"“{query}”: {len(results)} jobs ({mode}, from {start + 1})")
    for column in ("score", "title", "company", "location", "remote", "salary", "why", "job"):
        table.add_column(column)
    for row in results:
        salary = f"{row['salary_min'] or ''}-{row['salary_max'] or ''} {row['salary_currency'] or ''}".strip(
            " -"
        )
        why = row["why"]
        reason = ", ".join(why.get("matched_terms", []))
        if "semantic_score" in why:
            reason = (reason + f" ~{why['semantic_score']:.2f}").strip()
        table.add_row(
            f"{row['score']:.4f}", row["title"], row["company"], row["location"] or "",
            row["remote"] or "", salary, reason, f"{row['source']}:{row['external_id']}",
        )  # fmt: skip
    out.print(table)


@app.command()
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
        ("kafka", "database"), topic=topic, kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )  # fmt: skip
    problems = run(check_all(settings))
    for problem in problems:
        err.print(problem, markup=False, highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    out.print("ok: kafka, database and embedder are ready")


duplicates_app = typer.Typer(
    invoke_without_command=True,
    help="The same job on several boards: list clusters (default), or `duplicates backfill`.",
)
app.add_typer(duplicates_app, name="duplicates")


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
        where = ", ".join(f"{m['source']}:{m['external_id']} ({m['location'] or '-'})"
                          for m in c["members"])  # fmt: skip
        table.add_row(c["cluster_id"][:8], str(c["size"]), first["title"], first["company"], where)
    out.print(table)


@duplicates_app.command("backfill")
def duplicates_backfill(
    batch: Annotated[int, typer.Option(min=1, help="Rows per step.")] = 500,
    database_url: DatabaseOpt = None,
) -> None:
    """Cluster an existing table (resumable; safe while workers ingest)."""
    from worker.cluster_backfill import backfill
    from worker.migrations import migrate_clusters

    url = configured(("database",), database_url=database_url).require_database()

    async def go() -> int:
        conn = await connect(url)
        try:
            await migrate_clusters(conn)
            with Progress(TextColumn("clustering"), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=err) as bar:  # fmt: skip
                task = bar.add_task("cluster", total=None)
                return await backfill(conn, batch, lambda n: bar.advance(task, n))
        finally:
            await conn.close()

    out.print(f"clustered: {run(go())} row steps; every active job now has a cluster")


index_app = typer.Typer(no_args_is_help=True, help="The HNSW vector index: status, build, drop.")
app.add_typer(index_app, name="index")


def _with_connection(url: str, work: Any) -> Any:
    async def go() -> Any:
        conn = await connect(url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return run(go())


@index_app.command("status")
def index_status_cmd(
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """valid, invalid (an interrupted build), building (with progress) or absent."""
    from worker.ops.index import index_status

    url = configured(("database",), database_url=database_url).require_database()
    report = _with_connection(url, index_status)
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
    _with_connection(url, drop_index)
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
        seconds = _with_connection(url, lambda conn: build_index(conn, memory, workers))
    except (ValueError, RuntimeError) as exc:
        raise fail(str(exc), 2) from None
    out.print("index already valid" if not seconds else f"index built in {seconds:.1f}s")


@app.command()
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
        ("kafka",), topic=topic, group_id=group, kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )  # fmt: skip
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


@app.command()
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
        ("kafka",), topic=topic, group_id=group, kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )  # fmt: skip
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
                admin, settings.group_id, settings.topic, from_beginning=from_beginning,
                to_datetime=when, to_offset=to_offset, shift_by=shift_by, partitions=partition,
                require_stopped=not dry_run,
            )  # fmt: skip
            if not dry_run:
                return plan, None
            return plan, await _replay_preview(
                admin, plan, settings.database_url, reapply, scan_limit
            )

    try:
        plan, preview = run(make_plan())
    except ReplayRefused as exc:
        raise fail(str(exc)) from exc
    table = Table(
        title=f"replay plan: group {plan.group} on {plan.topic}" + (" (reapply)" if reapply else "")
    )
    for column in ("partition", "current offset", "new offset", "events to re-read"):
        table.add_column(column, justify="right")
    for move in plan.moves:
        table.add_row(
            str(move.partition),
            str(move.current if move.current is not None else "-"),
            str(move.new),
            str(move.to_reread),
        )
    out.print(table)
    out.print(f"{plan.total} events will be re-read")
    if dry_run:
        _print_preview(preview)
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


def _print_preview(preview: Any) -> None:
    if preview is None:
        out.print("(with DATABASE_URL set, a dry run also says what would be re-applied)")
        return
    scope = f"of the first {preview.read} read" if preview.truncated else f"of {preview.read}"
    classes = ", ".join(f"{name} {n}" for name, n in sorted(preview.dead_lettered.items()))
    again = f"{preview.dead_lettered_total} would be dead-lettered again"
    out.print(
        f"{scope}: {preview.reapplied} would be applied again (the per-job ordering guard "
        f"decides), {preview.skipped} already applied (the ledger skips them: nothing written "
        f"or embedded), {again}" + (f" ({classes})" if classes else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


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
        ("kafka", "database"), topic=topic, kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
    )  # fmt: skip
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
                    servers, conn, settings.dlq_topic, letters, error_class=error_class, dry_run=dry_run,
                    force=force, max_redrives=max_redrives, on_progress=lambda n: bar.advance(task, n),
                )  # fmt: skip
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


@app.command()
def gateway(
    port: Annotated[int | None, typer.Option(help="HTTP port (JOBINGEST_GATEWAY_PORT).")] = None,
    host: Annotated[str, typer.Option()] = "0.0.0.0",
) -> None:
    """HTTP gateway: scrapers POST events (published to Kafka), people search the jobs."""
    import uvicorn

    from producers.gateway.app import create_app
    from producers.gateway.settings import GatewaySettings
    from worker.endpoints import GracefulServer
    from worker.logs import configure_logging

    loaded = configured(("kafka", "database"), GatewaySettings, gateway_port=port)
    assert isinstance(loaded, GatewaySettings)
    settings = loaded
    if not settings.gateway_key_hashes:
        raise fail("JOBINGEST_GATEWAY_API_KEYS is empty: set it to the SHA-256 digests of the accepted keys "
                   "(comma-separated; `jobingest hash-key KEY` prints one)", 2)  # fmt: skip
    _traced("jobingest-gateway")
    configure_logging(settings.log_level, settings.secret_values())
    server = GracefulServer(
        uvicorn.Config(
            create_app(settings, host),
            host=host,
            port=settings.gateway_port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=int(settings.gateway_publish_timeout_s) + 5,
        )
    )
    try:
        run(server.serve())
    finally:
        _untraced()
    raise typer.Exit(0 if server.started else 2)


@app.command("hash-key")
def hash_key(
    key: Annotated[str, typer.Argument(help="An API key to accept at the gateway.")],
) -> None:
    """Print the SHA-256 digest to put in JOBINGEST_GATEWAY_API_KEYS (the key itself is never stored)."""
    from producers.gateway.access import key_digest

    out.print(key_digest(key))


@app.command()
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
        ("database",), database_url=database_url, embedder=embedder, embedder_model=model,
        embedder_dims=dims,
    )  # fmt: skip
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
                        conn, new_embedder, settings.embedder_max_chars, batch=batch,
                        on_total=lambda n: bar.update(task, total=n),
                        on_progress=lambda n: bar.advance(task, n),
                    )  # fmt: skip
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


bench_app = typer.Typer(
    invoke_without_command=True,
    help="Benchmarks: ingestion side by side (default), or `bench search`.",
)
app.add_typer(bench_app, name="bench")


@bench_app.callback()
def bench(
    ctx: typer.Context,
    events: Annotated[int, typer.Option(help="Backlog size for the side-by-side runs.")] = 200_000,
    naive_events: Annotated[
        int, typer.Option(help="Events for the (slow) naive baseline.")
    ] = 5_000,
    partitions: Annotated[int, typer.Option()] = 6,
    local_events: Annotated[
        int, typer.Option(help="Events for the local-model run (0 to skip).")
    ] = 300,
    backlog_events: Annotated[
        int, typer.Option(help="A single-worker backlog run for peak RSS (0 to skip).")
    ] = 0,
    output: Annotated[Path, typer.Option(help="Where bench.json and bench.md go.")] = Path(
        "bench-results"
    ),
    index: Annotated[
        Literal["both", "hnsw", "none"],
        typer.Option(help="Run with the HNSW index, without it, or both (local-model run too)."),
    ] = "both",
) -> None:
    """Benchmark jobingest against the raw limit and a naive consumer; writes JSON and markdown."""
    if ctx.invoked_subcommand is not None:
        return
    from worker.bench.run import run_bench

    indexes = {"both": (True, False), "hnsw": (True,), "none": (False,)}[index]
    raise typer.Exit(
        run_bench(events, naive_events, partitions, local_events, backlog_events, output, indexes)
    )


@bench_app.command("tracing")
def bench_tracing(
    events: Annotated[int, typer.Option(help="Events per run.")] = 50_000,
    rounds: Annotated[int, typer.Option(min=1, help="Runs of each, off and on alternating.")] = 2,
    output: Annotated[Path, typer.Option(help="Where tracing.json and .md go.")] = Path(
        "bench-results"
    ),
) -> None:
    """The worker's rate with tracing off and on (every span exported), in the same run."""
    from worker.bench.tracing import run_tracing_bench

    raise typer.Exit(run_tracing_bench(events, rounds, output))


@bench_app.command("duplicates")
def bench_duplicates(
    groups: Annotated[int, typer.Option(help="Jobs in the labelled set (postings: ~3x).")] = 2_000,
    output: Annotated[Path, typer.Option(help="Where duplicates.json and .md go.")] = Path(
        "bench-results"
    ),
) -> None:
    """Pairwise precision/recall of duplicate clusters, and ingest throughput on vs off."""
    from worker.bench.duplicates import run_duplicates_bench

    raise typer.Exit(run_duplicates_bench(groups, output))


@bench_app.command("bulk")
def bench_bulk(
    postings: Annotated[
        int, typer.Option(min=0, help="Postings loaded into an empty table (0 to skip).")
    ] = 200_000,
    recall_model: Annotated[
        str | None, typer.Option(help="Also measure index recall with this local model's vectors.")
    ] = None,
    recall_postings: Annotated[
        int, typer.Option(min=100, help="Postings for --recall-model.")
    ] = 20_000,
    output: Annotated[Path, typer.Option(help="Where bulk.json and bulk.md go.")] = Path(
        "bench-results"
    ),
) -> None:
    """An initial load through the HNSW index against load-then-build; halfvec recall."""
    from worker.bench.bulk import run_bulk_bench

    raise typer.Exit(run_bulk_bench(postings, recall_model, recall_postings, output))


@bench_app.command("search")
def bench_search(
    postings: Annotated[int, typer.Option(help="Evaluation corpus size.")] = 3_000,
    model: Annotated[
        list[str] | None,
        typer.Option(help="Local model(s) to evaluate (repeatable; default: the local default)."),
    ] = None,
    latency_rows: Annotated[
        int, typer.Option(help="Rows for the latency run (0 to skip).")
    ] = 200_000,
    output: Annotated[Path, typer.Option(help="Where search.json and search.md go.")] = Path(
        "bench-results"
    ),
) -> None:
    """Search relevance (nDCG@10, recall@10, MRR per mode) and latency at scale."""
    from worker.bench.search_run import run_search_bench
    from worker.settings import DEFAULT_MODELS

    models = model or [DEFAULT_MODELS["local"]]
    raise typer.Exit(run_search_bench(postings, models, latency_rows, output))


@bench_app.command("embedder-outage")
def bench_embedder_outage(
    policy: Annotated[
        list[str] | None, typer.Option(help="pause and/or defer (repeatable; default: both).")
    ] = None,
    fault: Annotated[
        list[str] | None, typer.Option(help="503, hang and/or slow (repeatable; default: all).")
    ] = None,
    before: Annotated[float, typer.Option(help="Seconds of load before the outage.")] = 15,
    during: Annotated[float, typer.Option(help="Seconds of outage.")] = 30,
    after: Annotated[float, typer.Option(help="Seconds of load after it.")] = 20,
    rate: Annotated[float, typer.Option(help="Events per second offered.")] = 25,
    output: Annotated[Path, typer.Option(help="Where embedder-outage.json and .md go.")] = Path(
        "bench-results"
    ),
    worker_checkout: Annotated[
        Path | None, typer.Option(help="Run the worker from this checkout (another revision).")
    ] = None,
) -> None:
    """Committed events/s before, during and after an embedder outage, per policy and fault."""
    from worker.bench.embedder_outage import FAULTS, POLICIES, run_outage_bench

    for given, allowed, flag in ((policy, POLICIES, "--policy"), (fault, FAULTS, "--fault")):
        if any(value not in allowed for value in given or ()):
            raise fail(f"{flag} must be one of {', '.join(allowed)}", 2)
    raise typer.Exit(
        run_outage_bench(
            list(policy or POLICIES),
            list(fault or FAULTS),
            (before, during, after),
            rate,
            output,
            worker_checkout,
        )
    )


@app.command()
def dev(
    count: Annotated[
        int | None,
        typer.Option(help="Sample events to publish (default: 200 when the topic is empty)."),
    ] = None,
    embedder: Annotated[
        str | None,
        typer.Option(help="Embedder for the demo (default: the table's model, else local)."),
    ] = None,
    http_port: Annotated[int, typer.Option()] = 8080,
    partitions: Annotated[int, typer.Option()] = 6,
    services_only: Annotated[
        bool, typer.Option("--services-only", help="Kafka and PostgreSQL, no worker.")
    ] = False,
) -> None:
    """Start Kafka + PostgreSQL (data kept in .jobingest/) + a worker, publish a sample, and
    keep running until Ctrl-C or until the worker exits."""
    from worker.devrun import run_dev

    raise typer.Exit(
        run_dev(
            count=count,
            embedder=embedder,
            http_port=http_port,
            partitions=partitions,
            services_only=services_only,
        )
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
