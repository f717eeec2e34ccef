"""Ingestion over HTTP: one event or a batch, and streamed JSON-lines uploads."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from producers.gateway import idempotency
from producers.gateway.deps import Client, Pool, Publisher, ResourcesDep, SettingsDep
from producers.gateway.errors import RETRY_AFTER_S, ApiError, field_errors, kafka_unavailable
from producers.publisher import EventRejected, JobEventPublisher, validate
from schemas import resolve_idempotency_key

log = logging.getLogger("jobingest.gateway")
router = APIRouter(tags=["events"])

MAX_LINE_BYTES = 1_000_000
MAX_REPORTED_REJECTIONS = 1_000
MAX_IDEMPOTENCY_KEY_CHARS = 200


@router.post("/v1/events", status_code=202, summary="Publish one event or a batch")
async def post_events(
    request: Request,
    who: Client,
    pool: Pool,
    publisher: Publisher,
    settings: SettingsDep,
    res: ResourcesDep,
) -> JSONResponse:
    body = await read_body(request, settings.gateway_max_body_bytes)
    key = request.headers.get("x-idempotency-key")
    items, single = parse_events(body, settings.gateway_max_batch)
    if not key:
        status, response = await publish_events(publisher, items, single, settings)
        res.metrics.published.labels("accepted").inc(response["accepted"])
        res.metrics.published.labels("rejected").inc(response["rejected"])
        return JSONResponse(response, status)
    if len(key) > MAX_IDEMPOTENCY_KEY_CHARS or "\x00" in key:
        raise ApiError(
            422, "invalid_request", "X-Idempotency-Key must be at most 200 characters, without NUL"
        )
    digest = idempotency.body_digest(body)
    timeout = settings.gateway_publish_timeout_s
    ttl = settings.gateway_idempotency_ttl_h
    found = await idempotency.reserve(pool, who, key, digest, ttl, stale_after_s=3 * timeout + 30)
    if found is None:  # this request holds the key: publish, then store the answer
        try:
            status, response = await publish_events(publisher, items, single, settings)
        except BaseException:
            await idempotency.release(pool, who, key)
            raise
        await idempotency.complete(pool, who, key, status, response)
        res.metrics.published.labels("accepted").inc(response["accepted"])
        res.metrics.published.labels("rejected").inc(response["rejected"])
        return JSONResponse(response, status)
    if found.body_sha256 != digest:
        raise ApiError(
            409, "idempotency_key_reused", "this X-Idempotency-Key was used with another body"
        )
    if found.in_progress:
        answered = await idempotency.wait_for_answer(pool, who, key, timeout)
        if answered is None or answered.body_sha256 != digest or answered.response is None:
            res.metrics.idempotency_replays.labels("in_progress").inc()
            raise ApiError(
                409,
                "in_progress",
                "a request with this X-Idempotency-Key is still being processed",
                {"Retry-After": "1"},
            )
        found = answered
    res.metrics.idempotency_replays.labels("replayed").inc()
    return JSONResponse(found.response, found.status, headers={"Idempotent-Replayed": "true"})


def parse_events(body: bytes, max_batch: int) -> tuple[list[dict[str, Any]], bool]:
    """The events of a body (one object or a non-empty array), or a 4xx ApiError."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise ApiError(422, "invalid_json", "the body is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(422, "invalid_json", f"the body is not JSON: {exc}") from None
    single = isinstance(data, dict)
    items = [data] if single else data
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise ApiError(
            422, "invalid_request", "the body must be an event object or a non-empty array of them"
        )
    if len(items) > max_batch:
        raise ApiError(413, "too_large", f"at most {max_batch} events per request")
    return items, single


async def publish_events(
    publisher: JobEventPublisher, items: list[dict[str, Any]], single: bool, settings: Any
) -> tuple[int, dict[str, Any]]:
    """Validate and publish; returns 202 and the per-event results once Kafka acknowledged."""
    results: list[dict[str, Any]] = []
    futures = []
    try:
        for index, item in enumerate(items):
            try:
                event, value = validate(item)
            except EventRejected as exc:
                if single:
                    raise ApiError(
                        422,
                        "invalid_event",
                        "the event is not the contract",
                        errors=field_errors(exc.errors),
                    ) from None
                results.append(
                    {"index": index, "status": "rejected", "errors": field_errors(exc.errors)}
                )
                continue
            futures.append(await publisher.send_validated(event, value))
            results.append(
                {
                    "index": index,
                    "status": "accepted",
                    "idempotency_key": resolve_idempotency_key(event),
                }
            )
        await asyncio.wait_for(asyncio.gather(*futures), settings.gateway_publish_timeout_s)
    except (KafkaError, TimeoutError) as exc:
        for future in futures:
            future.cancel()
        raise kafka_unavailable(exc) from exc
    accepted = sum(r["status"] == "accepted" for r in results)
    return 202, {"accepted": accepted, "rejected": len(results) - accepted, "results": results}


class UploadSummary:
    def __init__(self) -> None:
        self.lines = 0
        self.accepted = 0
        self.rejected = 0
        self.rejected_lines: list[dict[str, Any]] = []

    def reject(self, line: int, errors: list[dict[str, str]]) -> None:
        self.rejected += 1
        if len(self.rejected_lines) < MAX_REPORTED_REJECTIONS:
            self.rejected_lines.append({"line": line, "errors": errors})

    def as_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "rejected_lines": self.rejected_lines,
        }


@router.post("/v1/events:upload", status_code=202, summary="Publish a JSON-lines file, streamed")
async def upload(
    request: Request, who: Client, publisher: Publisher, settings: SettingsDep, res: ResourcesDep
) -> JSONResponse:
    summary = UploadSummary()
    pending = b""
    skipping = False  # inside an overlong line already reported: drop until its newline
    try:
        async for chunk in request.stream():
            pending += chunk
            while True:
                cut = pending.find(b"\n")
                if cut < 0:
                    break
                line, pending = pending[:cut], pending[cut + 1 :]
                if skipping:
                    skipping = False
                    continue
                summary.lines += 1
                await publish_line(publisher, line, summary)
            if len(pending) > MAX_LINE_BYTES:
                if not skipping:
                    summary.lines += 1
                    summary.reject(
                        summary.lines, [{"loc": "<line>", "msg": "line longer than 1 MB"}]
                    )
                pending, skipping = b"", True
        if pending.strip() and not skipping:
            summary.lines += 1
            await publish_line(publisher, pending, summary)
        await asyncio.wait_for(publisher.flush(), settings.gateway_publish_timeout_s)
    except (KafkaError, TimeoutError) as exc:
        raise ApiError(
            503,
            "kafka_unavailable",
            f"Kafka did not acknowledge the events: {type(exc).__name__}",
            {"Retry-After": str(RETRY_AFTER_S)},
            **summary.as_json(),
        ) from exc
    res.metrics.published.labels("accepted").inc(summary.accepted)
    res.metrics.published.labels("rejected").inc(summary.rejected)
    return JSONResponse(summary.as_json(), 202)


async def publish_line(publisher: JobEventPublisher, line: bytes, summary: UploadSummary) -> None:
    """Send one line, or record why not; a blank line counts for nothing."""
    text = line.strip()
    if not text:
        return
    try:
        await publisher.send(text)
    except EventRejected as exc:
        summary.reject(summary.lines, field_errors(exc.errors))
        return
    except (KafkaError, TimeoutError):
        raise
    except Exception as exc:  # anything else about this line: reported, the upload goes on
        log.warning("upload line %d failed: %s", summary.lines, exc)
        summary.reject(
            summary.lines, [{"loc": "<line>", "msg": f"could not process: {type(exc).__name__}"}]
        )
        return
    summary.accepted += 1


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    return body
