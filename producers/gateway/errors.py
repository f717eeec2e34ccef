"""Every error the gateway answers: JSON with ``error``, ``message`` and ``request_id``."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("jobingest.gateway")

RETRY_AFTER_S = 5
MAX_REQUEST_ID_CHARS = 128
_PRINTABLE = re.compile(r"[\x21-\x7e]{1,128}")


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def kafka_unavailable(exc: BaseException) -> ApiError:
    return ApiError(
        503,
        "kafka_unavailable",
        f"Kafka did not acknowledge the events: {type(exc).__name__}",
        {"Retry-After": str(RETRY_AFTER_S)},
    )


def field_errors(errors: list[str]) -> list[dict[str, str]]:
    return [{"loc": loc, "msg": msg} for loc, _, msg in (e.partition(": ") for e in errors)]


def error_response(
    status: int,
    error: str,
    message: str,
    request_id: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        {"error": error, "message": message, "request_id": request_id, **extra},
        status,
        headers=headers,
    )


def request_id_of(given: str | None) -> str:
    """The caller's X-Request-ID when it is 1-128 printable ASCII characters, else a new one."""
    if given and _PRINTABLE.fullmatch(given):
        return given
    return uuid.uuid4().hex


def _rid(request: Request) -> str:
    return str(getattr(request.state, "request_id", "")) or request_id_of(None)


class RequestIds:
    """Pure ASGI middleware (no body buffering): a request id on every request and response,
    NUL in the path or query refused with a 422, and the last line of defence against a 500
    with a stack trace."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1") or None
        request_id = request_id_of(given)
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        if (
            b"%00" in raw_path
            or "\x00" in scope.get("path", "")
            or b"%00" in scope.get("query_string", b"")
        ):
            response: Response = error_response(
                422,
                "invalid_request",
                "NUL (U+0000) is not allowed in the path or query",
                request_id,
            )
            await response(scope, receive, send_with_id)
            return
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id})
            if not started:
                await error_response(500, "internal_error", "internal error", request_id)(
                    scope, receive, send_with_id
                )


def install(app: FastAPI) -> None:
    """Exception handlers and the request-id middleware; no stack trace reaches a client."""
    app.add_middleware(RequestIds)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            exc.status, exc.error, exc.message, _rid(request), exc.headers, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()
        ]
        return error_response(
            422, "invalid_request", "the request is invalid", _rid(request), errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, "http_error", str(exc.detail), _rid(request))
