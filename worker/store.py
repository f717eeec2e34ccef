"""PostgreSQL access: the pool, the reads that plan a batch, and the writes of the batch's
transaction (:mod:`worker.write` runs it): rows, clusters decided for other rows, ledger keys.
Storage only: what to write is decided elsewhere."""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from pgvector.asyncpg import register_vector

from worker.embedders import Vector
from worker.errors import ConfigError
from worker.pg import MIGRATION_LOCK as MIGRATION_LOCK
from worker.pg import Conn as Conn
from worker.rows import STAGE_COLUMNS as STAGE_COLUMNS
from worker.rows import JobRow, StoredState

CONTENT_COLUMNS = (
    "title",
    "company",
    "location",
    "description",
    "url",
    "remote",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "tags",
    "posted_at",
    "content_hash",
    "row_hash",
    "company_key",
    "title_key",
    "location_key",
    "shingle_count",
    "minhash",
    "lsh_bands",
    "signals_version",
)


def _content_update(column: str) -> str:
    return f"{column} = CASE WHEN removing THEN j.{column} ELSE EXCLUDED.{column} END"


# A removal keeps the row's content and sets deleted_at; a posting or update replaces it and
# clears deleted_at. The embedding is kept when the text is unchanged, else replaced (NULL
# when pending). The WHERE clause is the per-job ordering guard.
_UPSERT = f"""
INSERT INTO jobs AS j ({", ".join(STAGE_COLUMNS)})
SELECT {", ".join(STAGE_COLUMNS)} FROM jobs_stage ORDER BY source, external_id
ON CONFLICT (source, external_id) DO UPDATE SET
    {", ".join(_content_update(c) for c in CONTENT_COLUMNS)},
    embedding = CASE
        WHEN removing THEN j.embedding
        WHEN EXCLUDED.embedding IS NOT NULL THEN EXCLUDED.embedding
        WHEN j.content_hash = EXCLUDED.content_hash THEN j.embedding
        ELSE NULL END,
    embedding_model = CASE
        WHEN removing THEN j.embedding_model
        WHEN EXCLUDED.embedding IS NOT NULL THEN EXCLUDED.embedding_model
        WHEN j.content_hash = EXCLUDED.content_hash THEN j.embedding_model
        ELSE NULL END,
    last_event_at = EXCLUDED.last_event_at,
    last_event_id = EXCLUDED.last_event_id,
    last_event_type = EXCLUDED.last_event_type,
    deleted_at = EXCLUDED.deleted_at,
    cluster_id = CASE WHEN removing THEN NULL ELSE coalesce(EXCLUDED.cluster_id, j.cluster_id) END,
    linkage_id = CASE WHEN removing THEN NULL WHEN EXCLUDED.cluster_id IS NULL THEN j.linkage_id
                      ELSE EXCLUDED.linkage_id END,
    updated_at = now()
WHERE (j.last_event_at, j.last_event_id) {{guard}} (EXCLUDED.last_event_at, EXCLUDED.last_event_id)
RETURNING source, external_id
""".replace("removing", "EXCLUDED.last_event_type = 'job.removed'")

UPSERT_NEWER = _UPSERT.format(guard="<")
UPSERT_NEWER_OR_SAME = _UPSERT.format(guard="<=")


def database_url_for(url: str, database: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


async def _init_connection(conn: asyncpg.Connection) -> None:
    await register_vector(conn)


# Refusals that no retry fixes: authentication, authorization, no such database.
_CONFIG_SQLSTATES = ("28", "3D", "42501")


async def connect(database_url: str) -> asyncpg.Connection:
    """A connection; a refusal that is a configuration mistake becomes a ConfigError that
    names DATABASE_URL (never the password)."""
    try:
        return await asyncpg.connect(database_url)
    except asyncpg.PostgresError as exc:
        sqlstate = getattr(exc, "sqlstate", "") or ""
        if sqlstate.startswith(_CONFIG_SQLSTATES):
            raise ConfigError(f"DATABASE_URL: PostgreSQL refused the connection: {exc}") from None
        raise
    except asyncpg.exceptions.ClientConfigurationError as exc:
        raise ConfigError(f"DATABASE_URL: {exc}") from None
    except (OSError, ssl.SSLError) as exc:
        mistake = tls_mistake(exc)
        if mistake is None:
            raise
        raise ConfigError(f"DATABASE_URL: {mistake}") from None


def tls_mistake(exc: BaseException) -> str | None:
    """What a TLS failure connecting to PostgreSQL says about DATABASE_URL, or None when
    ``exc`` is not one (an unreachable server is an outage, not a mistake)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or str(exc)
        if "mismatch" in reason:
            return (
                f"the server's TLS certificate is for another host ({reason}): connect by the "
                "name in its certificate"
            )
        return (
            f"the server's TLS certificate is not trusted ({reason}): set sslrootcert= to the "
            "CA that signed it"
        )
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"no such file {exc.filename} (sslrootcert, sslcert or sslkey)"
    if isinstance(exc, ssl.SSLError):
        return f"the TLS handshake failed ({exc.reason or exc}): check sslcert, sslkey, sslmode"
    if type(exc) is ConnectionError and "rejected SSL upgrade" in str(exc):
        return "the server does not offer TLS, but sslmode requires it"
    return None


async def create_pool(database_url: str, size: int) -> asyncpg.Pool:
    """A pool whose connections speak pgvector. The extension must exist (see migrations)."""
    bootstrap = await connect(database_url)
    try:  # under the migration lock: concurrent CREATE EXTENSION IF NOT EXISTS can still collide
        async with bootstrap.transaction():
            await bootstrap.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await bootstrap.execute("CREATE EXTENSION IF NOT EXISTS vector")
    finally:
        await bootstrap.close()
    pool = await asyncpg.create_pool(
        database_url, min_size=1, max_size=size, init=_init_connection, command_timeout=60
    )
    assert pool is not None
    return pool


async def reapply_windows(conn: Conn, topic: str) -> dict[int, int]:
    """Per partition, the offset below which records bypass the ledger (replay --reapply)."""
    rows = await conn.fetch(
        "SELECT partition, until_offset FROM jobingest_reapply WHERE topic = $1", topic
    )
    return {row[0]: row[1] for row in rows}


async def known_keys(conn: Conn, keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    rows = await conn.fetch(
        "SELECT idempotency_key FROM jobingest_ledger WHERE idempotency_key = ANY($1::text[])", keys
    )
    return {row[0] for row in rows}


async def stored_states(
    conn: Conn, identities: Sequence[tuple[str, str]], model: str
) -> dict[tuple[str, str], StoredState]:
    if not identities:
        return {}
    rows = await conn.fetch(
        """
        SELECT j.source, j.external_id, j.last_event_at, j.last_event_id, j.content_hash,
               j.row_hash, j.deleted_at IS NOT NULL AS deleted,
               (j.embedding IS NOT NULL AND j.embedding_model = $3) AS has_embedding
        FROM unnest($1::text[], $2::text[]) AS k(source, external_id)
        JOIN jobs j USING (source, external_id)
        """,
        [source for source, _ in identities],
        [external_id for _, external_id in identities],
        model,
    )
    return {
        (r["source"], r["external_id"]): StoredState(
            r["last_event_at"],
            r["last_event_id"],
            r["content_hash"],
            r["row_hash"],
            r["deleted"],
            r["has_embedding"],
        )
        for r in rows
    }


async def cached_embeddings(conn: Conn, hashes: Sequence[str], model: str) -> dict[str, Vector]:
    """Vectors already stored for these texts under this model (any job)."""
    if not hashes:
        return {}
    rows = await conn.fetch(
        """
        SELECT DISTINCT ON (content_hash) content_hash, embedding FROM jobs
        WHERE content_hash = ANY($1::text[]) AND embedding_model = $2 AND embedding IS NOT NULL
        """,
        hashes,
        model,
    )
    return {row[0]: row[1].to_numpy() for row in rows}


async def _stage_and_upsert(
    conn: Conn, rows: Sequence[JobRow], upsert: str, *, clear_first: bool = False
) -> set[tuple[str, str]]:
    if clear_first:  # the stage empties itself at commit; within a transaction, clear it here
        await conn.execute("TRUNCATE jobs_stage")
    await conn.copy_records_to_table(
        "jobs_stage",
        records=[tuple(getattr(row, c) for c in STAGE_COLUMNS) for row in rows],
        columns=STAGE_COLUMNS,
    )
    return {(r[0], r[1]) for r in await conn.fetch(upsert)}


async def check_model(conn: Conn, model: str) -> None:
    """In the write transaction: the table still embeds with ``model``. FOR SHARE: a
    `reembed` switch (which updates this row first) cannot slip in before the commit."""
    table_model = await conn.fetchval(
        "SELECT value FROM jobingest_meta WHERE key = 'embedding_model' FOR SHARE"
    )
    if table_model != model:
        raise ConfigError(
            f"the jobs table switched to embedding model {table_model} (jobingest reembed); "
            f"this worker embeds with {model}: restart it with JOBINGEST_EMBEDDER_MODEL={table_model} "
            "and the matching JOBINGEST_EMBEDDER / JOBINGEST_EMBEDDER_DIMS"
        )


async def upsert_rows(
    conn: Conn, rows: Sequence[JobRow], reapplied: Sequence[JobRow] = ()
) -> set[tuple[str, str]]:
    """Stage and upsert under the ordering guard (in the caller's transaction).

    ``reapplied`` rows (replay --reapply) may also rewrite the very event already stored.
    Returns the identities whose row was written; the rest lost to a newer stored event.
    """
    await conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS jobs_stage "
        "(LIKE jobs INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    written: set[tuple[str, str]] = set()
    if rows:
        written |= await _stage_and_upsert(conn, rows, UPSERT_NEWER)
    if reapplied:
        written |= await _stage_and_upsert(
            conn, reapplied, UPSERT_NEWER_OR_SAME, clear_first=bool(rows)
        )
    return written


async def set_clusters(
    conn: Conn, moved: Sequence[tuple[tuple[str, str], str, str | None]]
) -> None:
    """Store the clusters (and linkages) of active rows not in the batch."""
    if moved:
        await conn.execute(
            """
            UPDATE jobs SET cluster_id = u.cluster_id, linkage_id = u.linkage_id
            FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[])
                AS u(source, external_id, cluster_id, linkage_id)
            WHERE jobs.source = u.source AND jobs.external_id = u.external_id
              AND jobs.deleted_at IS NULL
            """,
            [i[0] for i, _, _ in moved],
            [i[1] for i, _, _ in moved],
            [c for _, c, _ in moved],
            [link for _, _, link in moved],
        )


async def record_keys(conn: Conn, ledger_keys: Iterable[str]) -> None:
    keys = list(ledger_keys)
    if keys:
        await conn.execute(
            "INSERT INTO jobingest_ledger (idempotency_key) SELECT unnest($1::text[]) "
            "ON CONFLICT DO NOTHING",
            keys,
        )


async def prune_ledger(conn: Conn, retention_days: int, batch: int = 10_000) -> int:
    """Delete expired ledger keys in small batches, so ingestion never waits on the prune."""
    removed = 0
    while True:
        status = await conn.execute(
            """
            DELETE FROM jobingest_ledger WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM jobingest_ledger
                WHERE applied_at < now() - make_interval(days => $1)
                LIMIT $2 FOR UPDATE SKIP LOCKED))
            """,
            retention_days,
            batch,
        )
        count = int(status.split()[-1])
        removed += count
        if count < batch:
            return removed


async def pending_embeddings(conn: Conn, limit: int) -> list[asyncpg.Record]:
    """Active rows stored without a vector (the `defer` outage policy), oldest first."""
    return await conn.fetch(
        """
        SELECT source, external_id, title, company, location, remote, tags, description, content_hash
        FROM jobs WHERE embedding IS NULL AND deleted_at IS NULL AND content_hash IS NOT NULL
        ORDER BY updated_at LIMIT $1
        """,
        limit,
    )


async def fill_embeddings(
    conn: Conn, filled: Sequence[tuple[str, str, str, Vector]], model: str
) -> None:
    """Store vectors, unless the row's text changed meanwhile (its content hash moved on)."""
    await conn.executemany(
        """
        UPDATE jobs SET embedding = $4, embedding_model = $5
        WHERE source = $1 AND external_id = $2 AND content_hash = $3 AND embedding IS NULL
        """,
        [(*item, model) for item in filled],
    )


async def count_pending_embeddings(conn: Conn) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM jobs WHERE embedding IS NULL AND deleted_at IS NULL "
            "AND content_hash IS NOT NULL"
        )
    )
