"""The worker as a FastStream application: broker, lifespan hooks and HTTP routes."""

from __future__ import annotations

import logging

import uvicorn
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from worker.http import GracefulServer, routes
from worker.metrics import Metrics
from worker.runtime import WorkerRuntime
from worker.settings import Settings


def build_app(settings: Settings) -> tuple[AsgiFastStream, WorkerRuntime]:
    metrics = Metrics()
    broker = KafkaBroker(
        settings.require_kafka(),
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


async def serve(settings: Settings) -> int:
    """Run the worker and its HTTP endpoints until SIGTERM/SIGINT; return the exit code."""
    app, runtime = build_app(settings)
    await runtime.prepare()
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
    await server.serve()
    if runtime.exit_code:
        return runtime.exit_code
    return 0 if server.started else 2
