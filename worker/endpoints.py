"""The worker's HTTP surface: /healthz, /readyz and /metrics, as plain ASGI apps."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from types import FrameType
from typing import Any

import uvicorn
from prometheus_client import make_asgi_app

from worker.metrics import Metrics

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def healthz(scope: Scope, receive: Receive, send: Send) -> None:
    """Liveness: answering at all means the process and its event loop are alive."""
    await send_json(send, 200, {"status": "ok"})


def readyz(checks: Callable[[], Awaitable[dict[str, str]]]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        results = await checks()
        failing = {name: state for name, state in results.items() if state != "ok"}
        await send_json(
            send,
            503 if failing else 200,
            {
                "status": "unready" if failing else "ready",
                "checks": results,
                "failing": sorted(failing),
            },
        )

    return app


def routes(
    metrics: Metrics, checks: Callable[[], Awaitable[dict[str, str]]]
) -> list[tuple[str, ASGIApp]]:
    return [
        ("/healthz", healthz),
        ("/readyz", readyz(checks)),
        ("/metrics", make_asgi_app(metrics.registry)),
    ]


class GracefulServer(uvicorn.Server):
    """uvicorn, minus re-raising SIGTERM after a graceful stop: a clean shutdown exits 0."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self._captured_signals.clear()
