"""Long-running processes: `jobingest worker` and `jobingest gateway`."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import app
from cli.preamble import (
    BootstrapOpt,
    DatabaseOpt,
    GroupOpt,
    TopicOpt,
    configured,
    fail,
    run,
    traced,
    untraced,
)


@app.command(rich_help_panel="Run")
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
        ("kafka", "database"),
        topic=topic,
        group_id=group,
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=database_url,
        embedder=embedder,
        http_port=http_port,
    )
    traced("jobingest-worker", settings.batch_max_records)
    configure_logging(settings.log_level, settings.secret_values())
    try:
        code = run(serve(settings))
    finally:
        untraced()
    raise typer.Exit(code)


@app.command(rich_help_panel="Run")
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
        raise fail(
            "JOBINGEST_GATEWAY_API_KEYS is empty: set it to the SHA-256 digests of the accepted keys "
            "(comma-separated; `jobingest hash-key KEY` prints one)",
            2,
        )
    traced("jobingest-gateway")
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
        untraced()
    raise typer.Exit(0 if server.started else 2)
