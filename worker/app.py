"""The worker as a FastStream application: broker, lifespan hooks and HTTP routes."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from worker.collector import tune_gc
from worker.endpoints import GracefulServer, routes
from worker.metrics import Metrics
from worker.runtime import WorkerRuntime
from worker.settings import Settings


def build_app(settings: Settings) -> tuple[AsgiFastStream, WorkerRuntime]:
    metrics = Metrics()
    kafka = settings.kafka_connection()
    broker = KafkaBroker(
        kafka.bootstrap_servers,
        security=kafka.faststream_security(),
        sasl_oauth_token_provider=kafka.options().get("sasl_oauth_token_provider"),
        acks="all",
        enable_idempotence=True,
        client_id=f"jobingest-dlq-{settings.group_id}",
        middlewares=[KafkaPrometheusMiddleware(registry=metrics.registry, app_name="jobingest")],
        logger=None,
    )
    runtime = WorkerRuntime(settings, metrics)
    app = AsgiFastStream(
        broker,
        asgi_routes=routes(metrics, runtime.readiness),
        after_startup=[runtime.start],
        on_shutdown=[runtime.stop],
        logger=None,
    )
    return app, runtime


async def _prepared_unless_stopped(runtime: WorkerRuntime, stop: asyncio.Event) -> bool:
    """Prepare the runtime; False when SIGTERM/SIGINT came first (start-up abandoned cleanly,
    nothing consumed: exit 0). The handlers stay until the HTTP server installs its own."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    preparing = asyncio.create_task(runtime.prepare())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({preparing, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if stop.is_set():
        preparing.cancel()
        await asyncio.gather(preparing, return_exceptions=True)
        await runtime.stop()
        return False
    stopping.cancel()
    preparing.result()  # a configuration error surfaces here
    return True


async def serve(settings: Settings) -> int:
    """Run the worker and its HTTP endpoints until SIGTERM/SIGINT; return the exit code."""
    app, runtime = build_app(settings)
    stop = asyncio.Event()
    if not await _prepared_unless_stopped(runtime, stop):
        return 0
    tune_gc()
    server = GracefulServer(
        uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_level=logging.WARNING,
            access_log=False,
            timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
            lifespan="on",
        )
    )

    def stop_on_fatal() -> None:
        server.should_exit = True

    runtime.on_fatal = stop_on_fatal
    if stop.is_set():  # a signal between start-up and the server's own handlers
        await runtime.stop()
        return 0
    await server.serve()
    if runtime.exit_code:
        return runtime.exit_code
    return 0 if server.started else 2
