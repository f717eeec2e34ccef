"""Idempotent requests: the response to an `X-Idempotency-Key` is kept (with a TTL) and replayed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import asyncpg

DDL = """
CREATE TABLE IF NOT EXISTS gateway_idempotency (
    client      text        NOT NULL,
    key         text        NOT NULL,
    body_sha256 text        NOT NULL,
    status      int         NOT NULL,
    response    jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client, key)
);
CREATE INDEX IF NOT EXISTS gateway_idempotency_created_at ON gateway_idempotency (created_at);
"""


@dataclass(frozen=True)
class Remembered:
    body_sha256: str
    status: int
    response: dict[str, Any]


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def recall(pool: asyncpg.Pool, client: str, key: str, ttl_h: float) -> Remembered | None:
    row = await pool.fetchrow(
        "SELECT body_sha256, status, response FROM gateway_idempotency "
        "WHERE client = $1 AND key = $2 AND created_at > now() - make_interval(secs => $3)",
        client, key, ttl_h * 3600,
    )  # fmt: skip
    if row is None:
        return None
    return Remembered(row["body_sha256"], row["status"], json.loads(row["response"]))


async def remember(
    pool: asyncpg.Pool,
    client: str,
    key: str,
    digest: str,
    status: int,
    response: dict[str, Any],
    ttl_h: float,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "DELETE FROM gateway_idempotency WHERE client = $1 AND key = $2 "
            "AND created_at <= now() - make_interval(secs => $3)",
            client, key, ttl_h * 3600,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO gateway_idempotency (client, key, body_sha256, status, response) "
            "VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (client, key) DO NOTHING",
            client, key, digest, status, json.dumps(response),
        )  # fmt: skip


async def prune(pool: asyncpg.Pool, ttl_h: float) -> None:
    await pool.execute(
        "DELETE FROM gateway_idempotency WHERE created_at <= now() - make_interval(secs => $1)",
        ttl_h * 3600,
    )
