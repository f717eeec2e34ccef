"""What the gateway says about itself: a log line at start and stop, and per request an access
line plus the request count and latency metrics.

An access line is JSON like the worker's logs: request id, method, the route *template*
(``/v1/jobs/{source}/{external_id:path}``, never the path or query a client sent), status,
latency and bytes in and out. Never a header value other than the request id (so never the
API key), never a body.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from producers.gateway.resources import GatewayMetrics
from producers.gateway.settings import GatewaySettings

log = logging.getLogger("jobingest.gateway")
access = logging.getLogger("jobingest.gateway.access")


def startup_facts(settings: GatewaySettings, host: str, port: int) -> dict[str, Any]:
    """The start line's fields: where, how clients authenticate, the limits. No secrets: the
    number of accepted keys, not their digests; the database without its URL."""
    keys = len(settings.gateway_key_hashes)
    return {
        "address": f"{host}:{port}",
        "auth": f"api-key (X-API-Key, {keys} key{'s' if keys != 1 else ''} accepted)",
        "topic": settings.topic,
        "limits": {
            "rate_per_s": settings.gateway_rate_per_s,
            "burst": settings.gateway_burst,
            "max_batch": settings.gateway_max_batch,
            "max_body_bytes": settings.gateway_max_body_bytes,
            "publish_timeout_s": settings.gateway_publish_timeout_s,
            "idempotency_ttl_h": settings.gateway_idempotency_ttl_h,
        },
    }


class Observe:
    """Pure ASGI middleware, outermost (nothing buffered): metrics and one access line per
    request, whatever answered it (a route, an error handler, the request-id guard)."""

    def __init__(self, app: Any, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        bytes_in = 0
        bytes_out = 0

        async def counting_receive() -> Any:
            nonlocal bytes_in
            message = await receive()
            bytes_in += len(message.get("body", b""))
            return message

        async def counting_send(message: Any) -> None:
            nonlocal status, bytes_out
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                bytes_out += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            access.info(
                "request",
                extra={
                    "request_id": scope.get("state", {}).get("request_id"),
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "bytes_in": bytes_in,
                    "bytes_out": bytes_out,
                },
            )
