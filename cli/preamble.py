"""What every command shares: settings with one-line failures, running a coroutine, the common options and the two consoles."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from rich.console import Console

from worker.errors import ConfigError
from worker.settings import Settings, load_settings
from worker.store import connect

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


def traced(service: str, max_links: int = 1000) -> None:
    """OpenTelemetry on when the OTEL_* variables ask for it; a mistake exits 2."""
    from worker.tracing import configure

    try:
        configure(service, max_links)
    except ConfigError as exc:
        raise fail(str(exc), 2) from None


def untraced() -> None:
    from worker.tracing import shutdown

    shutdown()


def with_connection(url: str, work: Any) -> Any:
    async def go() -> Any:
        conn = await connect(url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return run(go())
