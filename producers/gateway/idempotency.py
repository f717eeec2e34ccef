"""Idempotent requests: one publish per ``X-Idempotency-Key``, whatever the concurrency.

A request *reserves* its key with one atomic ``INSERT ... ON CONFLICT DO NOTHING`` before it
publishes anything. Exactly one request wins the reservation; it publishes, then stores its
response (:func:`complete`), or, when the publish fails, deletes the reservation
(:func:`release`) so a retry can succeed. A concurrent request with the same key finds the
reservation: it waits (bounded) for the winner's response and replays it, or answers 409
``in_progress`` with ``Retry-After``. A reservation left by a process that died mid-request
is taken over once it is older than ``stale_after_s`` (longer than any publish can take).
Expired keys are pruned off the request path in small batches (:func:`prune`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

DDL = """
CREATE TABLE IF NOT EXISTS gateway_idempotency (
    client      text        NOT NULL,
    key         text        NOT NULL,
    body_sha256 text        NOT NULL,
    status      int         NOT NULL,
    response    jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client, key)
);
ALTER TABLE gateway_idempotency ALTER COLUMN response DROP NOT NULL;
CREATE INDEX IF NOT EXISTS gateway_idempotency_created_at ON gateway_idempotency (created_at);
"""

IN_PROGRESS = 0  # status of a reservation whose request has not answered yet


@dataclass(frozen=True)
class Remembered:
    body_sha256: str
    status: int
    response: dict[str, Any] | None

    @property
    def in_progress(self) -> bool:
        return self.status == IN_PROGRESS


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def reserve(
    pool: asyncpg.Pool, client: str, key: str, digest: str, ttl_h: float, stale_after_s: float
) -> Remembered | None:
    """Reserve ``key`` for this request: None when reserved (go ahead and publish), else what
    another request with this key left (in progress, or its response)."""
    async with pool.acquire() as conn, conn.transaction():
        # An expired key, or a reservation abandoned by a process that died, is free again.
        await conn.execute(
            "DELETE FROM gateway_idempotency WHERE client = $1 AND key = $2 AND ("
            "created_at <= now() - make_interval(secs => $3) OR "
            "(status = $4 AND created_at <= now() - make_interval(secs => $5)))",
            client,
            key,
            ttl_h * 3600,
            IN_PROGRESS,
            stale_after_s,
        )
        won = await conn.fetchval(
            "INSERT INTO gateway_idempotency (client, key, body_sha256, status) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (client, key) DO NOTHING RETURNING true",
            client,
            key,
            digest,
            IN_PROGRESS,
        )
        if won:
            return None
        row = await conn.fetchrow(
            "SELECT body_sha256, status, response FROM gateway_idempotency "
            "WHERE client = $1 AND key = $2",
            client,
            key,
        )
    if row is None:  # completed and pruned in between: unlikely; ask the caller to retry
        return Remembered(digest, IN_PROGRESS, None)
    return _remembered(row)


async def wait_for_answer(
    pool: asyncpg.Pool, client: str, key: str, timeout_s: float, interval_s: float = 0.05
) -> Remembered | None:
    """The winner's stored answer once it has one, or None after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = await pool.fetchrow(
            "SELECT body_sha256, status, response FROM gateway_idempotency "
            "WHERE client = $1 AND key = $2",
            client,
            key,
        )
        if row is None:
            return None  # released: the winner's publish failed
        found = _remembered(row)
        if not found.in_progress:
            return found
        await asyncio.sleep(interval_s)
        interval_s = min(interval_s * 2, 0.5)
    return None


async def complete(
    pool: asyncpg.Pool, client: str, key: str, status: int, response: dict[str, Any]
) -> None:
    await pool.execute(
        "UPDATE gateway_idempotency SET status = $3, response = $4::jsonb "
        "WHERE client = $1 AND key = $2",
        client,
        key,
        status,
        json.dumps(response),
    )


async def release(pool: asyncpg.Pool, client: str, key: str) -> None:
    await pool.execute(
        "DELETE FROM gateway_idempotency WHERE client = $1 AND key = $2 AND status = $3",
        client,
        key,
        IN_PROGRESS,
    )


async def prune(pool: asyncpg.Pool, ttl_h: float, batch: int = 1_000) -> int:
    """Delete expired keys in small batches; returns how many."""
    removed = 0
    while True:
        status = await pool.execute(
            """
            DELETE FROM gateway_idempotency WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM gateway_idempotency
                WHERE created_at <= now() - make_interval(secs => $1)
                LIMIT $2 FOR UPDATE SKIP LOCKED))
            """,
            ttl_h * 3600,
            batch,
        )
        count = int(status.split()[-1])
        removed += count
        if count < batch:
            return removed


def _remembered(row: asyncpg.Record) -> Remembered:
    response = json.loads(row["response"]) if row["response"] is not None else None
    return Remembered(row["body_sha256"], row["status"], response)
