"""`jobingest check`: are the worker's dependencies reachable and consistent? One line per
problem; none means a worker started with this configuration would run (for init containers
and smoke tests). What a worker creates itself (topics, the extension, the schema) is not a
problem; a table holding another model's vectors is."""

from __future__ import annotations

import asyncio

import asyncpg

from worker.embedders import build_embedder
from worker.errors import JobingestError, describe
from worker.kafka_admin import KafkaAdmin
from worker.kafka_probe import probe
from worker.settings import Settings
from worker.store import connect

TIMEOUT_S = 10.0


async def check_kafka(settings: Settings) -> list[str]:
    kafka = settings.kafka_connection()
    problem = await probe(kafka, TIMEOUT_S)
    if problem is not None:
        return [f"kafka: {problem.message}"]
    try:
        async with asyncio.timeout(TIMEOUT_S):
            async with KafkaAdmin(kafka) as admin:
                await admin.topics()  # missing topics are fine: a worker creates them
    except Exception as exc:
        return [f"kafka: cannot reach {settings.kafka_bootstrap_servers}: {describe(exc)}"]
    return []


async def check_database(settings: Settings, model: str, dims: int) -> list[str]:
    try:
        async with asyncio.timeout(TIMEOUT_S):
            conn = await connect(settings.require_database())
    except JobingestError as exc:
        return [f"database: {exc}"]
    except Exception as exc:
        return [f"database: cannot reach PostgreSQL: {describe(exc)}"]
    problems: list[str] = []
    try:
        available = await conn.fetchval(
            "SELECT count(*) > 0 FROM pg_available_extensions WHERE name = 'vector'"
        )
        if not available:
            problems.append("database: the pgvector extension is not available on this server")
        migrated = await conn.fetchval("SELECT to_regclass('jobingest_meta') IS NOT NULL")
        if migrated:  # not migrated yet is fine: a worker migrates at start-up
            meta = {
                r["key"]: r["value"]
                for r in await conn.fetch("SELECT key, value FROM jobingest_meta")
            }
            if meta.get("embedding_model") not in (None, model) or (
                meta.get("embedding_dims") not in (None, str(dims))
            ):
                problems.append(
                    f"database: the jobs table holds {meta.get('embedding_model')} vectors "
                    f"({meta.get('embedding_dims')} dims) but JOBINGEST_EMBEDDER_MODEL is {model} "
                    f"({dims} dims): configure the table's model or run `jobingest reembed`"
                )
    except asyncpg.PostgresError as exc:
        problems.append(f"database: {describe(exc)}")
    finally:
        await conn.close()
    return problems


async def check_embedder(settings: Settings) -> tuple[list[str], str, int]:
    try:
        embedder = build_embedder(settings)
    except JobingestError as exc:
        return [f"embedder: {exc}"], settings.model_name, settings.dims
    try:
        async with asyncio.timeout(TIMEOUT_S * 3):
            await embedder.embed_documents(["jobingest check: a probe text"])
    except Exception as exc:
        return [f"embedder: {describe(exc)}"], embedder.model, embedder.dims
    finally:
        await embedder.close()
    return [], embedder.model, embedder.dims


async def check_all(settings: Settings) -> list[str]:
    """Every problem found, in words that say what to fix; empty when all is well."""
    embedder_problems, model, dims = await check_embedder(settings)
    kafka, database = await asyncio.gather(
        check_kafka(settings), check_database(settings, model, dims)
    )
    return [*kafka, *database, *embedder_problems]
