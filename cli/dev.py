"""Development: `jobingest dev` and the benchmarks (`jobingest bench ...`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from cli.app import app, bench_app
from cli.preamble import fail


def require_devtools() -> None:
    """The dev stack and the benchmarks ship with the source checkout, not the wheel."""
    import importlib.util

    if importlib.util.find_spec("devtools") is None:
        raise fail(
            "this command needs the jobingest source checkout (devtools/): run it from a "
            "clone after `make install`",
            2,
        )


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
    require_devtools()
    from devtools.bench.run import run_bench

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
    from devtools.bench.tracing import run_tracing_bench

    raise typer.Exit(run_tracing_bench(events, rounds, output))


@bench_app.command("duplicates")
def bench_duplicates(
    groups: Annotated[int, typer.Option(help="Jobs in the labelled set (postings: ~3x).")] = 2_000,
    output: Annotated[Path, typer.Option(help="Where duplicates.json and .md go.")] = Path(
        "bench-results"
    ),
    crossposts_jobs: Annotated[
        int, typer.Option(min=0, help="Jobs of the independent cross-posting set (0: skip).")
    ] = 1_200,
    seed: Annotated[int, typer.Option(help="Seed of the cross-posting set.")] = 1,
    local_events: Annotated[
        int, typer.Option(min=0, help="Also on vs off with the local model, on this many events.")
    ] = 0,
) -> None:
    """Pairwise precision/recall of duplicate clusters, and ingest throughput on vs off."""
    from devtools.bench.duplicates import run_duplicates_bench

    raise typer.Exit(
        run_duplicates_bench(
            groups, output, local_events, crossposts_jobs=crossposts_jobs, seed=seed
        )
    )


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
    from devtools.bench.bulk import run_bulk_bench

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
    eval_set: Annotated[
        list[str] | None,
        typer.Option("--set", help="current | heldout (repeatable; default: both)."),
    ] = None,
) -> None:
    """Search relevance per mode beside reference BM25 and BM25 + semantic (nDCG@10, R@5,
    R@10, MRR; English, non-English, identifier queries) on the generated and the held-out
    sets, and latency at scale on pages 1 and 30."""
    from devtools.bench.search_run import run_search_bench
    from worker.settings import DEFAULT_MODELS

    models = model or [DEFAULT_MODELS["local"]]
    sets = tuple(eval_set or ("current", "heldout"))
    if not set(sets) <= {"current", "heldout"}:
        raise fail("--set must be current or heldout", 2)
    raise typer.Exit(run_search_bench(postings, models, latency_rows, output, sets))


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
    from devtools.bench.embedder_outage import FAULTS, POLICIES, run_outage_bench

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


@app.command(rich_help_panel="Develop")
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
    require_devtools()
    from devtools.devrun import run_dev

    raise typer.Exit(
        run_dev(
            count=count,
            embedder=embedder,
            http_port=http_port,
            partitions=partitions,
            services_only=services_only,
        )
    )
