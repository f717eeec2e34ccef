"""Schema migrations, run at startup under an advisory lock so concurrent workers are safe."""

from __future__ import annotations

from worker.errors import ConfigError
from worker.pg import MIGRATION_LOCK, Conn
from worker.table_model import TableEmbedding, mismatch

_DDL = """
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS jobingest_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE IF NOT EXISTS jobs (
    source          text        NOT NULL,
    external_id     text        NOT NULL,
    title           text,
    company         text,
    location        text,
    description     text,
    url             text,
    remote          text,
    employment_type text,
    salary_min      numeric(14, 2),
    salary_max      numeric(14, 2),
    salary_currency text,
    salary_period   text,
    tags            text[]      NOT NULL DEFAULT '{{}}',
    posted_at       timestamptz,
    content_hash    text,
    row_hash        text,
    embedding       vector({dims}),
    embedding_model text,
    last_event_at   timestamptz NOT NULL,
    last_event_id   uuid        NOT NULL,
    last_event_type text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (source, external_id)
);
CREATE INDEX IF NOT EXISTS jobs_content_hash ON jobs (content_hash);
CREATE INDEX IF NOT EXISTS jobs_pending_embedding ON jobs (source, external_id)
    WHERE embedding IS NULL AND deleted_at IS NULL;

CREATE TABLE IF NOT EXISTS jobingest_ledger (
    idempotency_key text        PRIMARY KEY,
    applied_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS jobingest_ledger_applied_at ON jobingest_ledger (applied_at);

"""

_OPS_DDL = """
-- Set by `jobingest replay --reapply`: records below until_offset bypass the ledger.
CREATE TABLE IF NOT EXISTS jobingest_reapply (
    topic        text   NOT NULL,
    partition    int    NOT NULL,
    until_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);

-- What `jobingest dlq redrive` republished, so a second run does not send it again.
CREATE TABLE IF NOT EXISTS jobingest_redrives (
    dlq_topic   text        NOT NULL,
    partition   int         NOT NULL,
    "offset"    bigint      NOT NULL,
    redriven_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dlq_topic, partition, "offset")
);
"""

# Lexical search: a weighted tsvector kept by PostgreSQL itself (title A; company and tags B;
# location C; description D), a GIN index, and B-tree indexes for the filters people use.
_SEARCH_DDL = """
CREATE OR REPLACE FUNCTION jobingest_tags_text(text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('{cfg}', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('{cfg}', coalesce(company, '') || ' ' || jobingest_tags_text(tags)), 'B') ||
    setweight(to_tsvector('{cfg}', coalesce(location, '')), 'C') ||
    setweight(to_tsvector('{cfg}', coalesce(description, '')), 'D')
) STORED;
CREATE INDEX IF NOT EXISTS jobs_filter_posted ON jobs (posted_at) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS jobs_filter_salary ON jobs (salary_currency, salary_period, salary_max)
    WHERE deleted_at IS NULL;
"""
# Cross-board duplicates (worker.clusters). Rows signed under an older scheme keep their
# columns until `jobingest duplicates backfill` signs them again (signals_version).
_CLUSTER_DDL = """
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS company_key text;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS title_key text;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS location_key text;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS minhash bytea;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS lsh_bands bigint[];
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS cluster_id uuid;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS shingle_count integer;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS signals_version smallint;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS linkage_id uuid;
-- the same company and title in a compatible place: one scan per (company, title, city)
CREATE INDEX IF NOT EXISTS jobs_title_block
    ON jobs (company_key, title_key, split_part(location_key, '|', 1)) WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS jobs_company_title_place;
DROP INDEX IF EXISTS jobs_company_key;
DROP INDEX IF EXISTS jobs_unplaced;
-- looked up in every write transaction: no pending list to scan on each lookup
CREATE INDEX IF NOT EXISTS jobs_lsh_bands ON jobs USING gin (lsh_bands) WITH (fastupdate = off)
    WHERE deleted_at IS NULL;
ALTER INDEX jobs_lsh_bands SET (fastupdate = off);
CREATE INDEX IF NOT EXISTS jobs_cluster ON jobs (cluster_id) WHERE deleted_at IS NULL;
-- the clusters one component was cut into (rare): read whole when one of them changes
CREATE INDEX IF NOT EXISTS jobs_linkage ON jobs (linkage_id)
    WHERE linkage_id IS NOT NULL AND deleted_at IS NULL;
DROP FUNCTION IF EXISTS jobingest_lsh_bands(text, bytea);
DROP FUNCTION IF EXISTS jobingest_lsh_bands(text, text, bytea);
"""
_SEARCH_GIN = """
CREATE INDEX IF NOT EXISTS jobs_search_tsv ON jobs USING gin (search_tsv) WHERE deleted_at IS NULL;
"""
# The text index carries the posting date (btree_gin): the newest postings holding a query's
# common words are found in one index scan that also cuts by date (worker.lexical), instead
# of reading every posting that holds them. Words alone are looked up in it as fast.
_SEARCH_POSTED_GIN = """
CREATE INDEX IF NOT EXISTS jobs_search_posted ON jobs USING gin (search_tsv, posted_at)
    WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS jobs_search_tsv;
"""
_SEPARATE_FILTERS = """
CREATE INDEX IF NOT EXISTS jobs_filter_remote ON jobs (remote, employment_type) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS jobs_filter_tags ON jobs USING gin (tags) WHERE deleted_at IS NULL;
"""
_TRGM = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS jobs_filter_location ON jobs USING gin (location gin_trgm_ops)
    WHERE deleted_at IS NULL;
"""
# One GIN index over the filters people combine (btree_gin for the plain columns): a search
# filtered by tag, place and remote mode finds the few rows that match all of them in one
# index scan, instead of reading every row of its most selective filter and checking the rest.
_FILTERS_GIN = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX IF NOT EXISTS jobs_filters ON jobs USING gin (
    tags, location gin_trgm_ops, remote, employment_type, source, salary_currency, salary_period
) WHERE deleted_at IS NULL;
DROP INDEX IF EXISTS jobs_filter_tags;
DROP INDEX IF EXISTS jobs_filter_location;
DROP INDEX IF EXISTS jobs_filter_remote;
"""

_HNSW = (
    "CREATE INDEX IF NOT EXISTS jobs_embedding_hnsw ON jobs "
    "USING hnsw (embedding vector_cosine_ops) WHERE deleted_at IS NULL"
)


# Tags are matched case-insensitively: stored lower case (worker.rows.folded_tags); rows
# stored before are folded once, under the migration lock.
TAGS_SCHEME = "lower"
_FOLD_TAGS = """
UPDATE jobs SET tags = ARRAY(
    SELECT t FROM (SELECT lower(t) AS t, min(n) AS n FROM unnest(tags) WITH ORDINALITY AS u(t, n)
                   GROUP BY 1) AS f ORDER BY n)
WHERE tags::text <> lower(tags::text)
   OR cardinality(tags) <> (SELECT count(DISTINCT lower(t)) FROM unnest(tags) AS t)
"""


async def migrate(
    conn: Conn,
    model: str,
    dims: int,
    hnsw_index: bool = True,
    search_config: str = "english",
    provider: str | None = None,
) -> None:
    """Create or check the schema. Refuses a model or dimension other than the table's; records
    the table's model, dimension and (when given, and not recorded yet) provider."""
    if not await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = $1)", search_config
    ):
        raise ConfigError(
            f"JOBINGEST_SEARCH_CONFIG: PostgreSQL has no text search configuration "
            f"{search_config!r} (see \\dF in psql; e.g. english, german, simple)"
        )
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await _lock_jobs_first(conn)
        await conn.execute(_DDL.format(dims=int(dims)))
        await conn.execute(_OPS_DDL)
        stored = await conn.fetchval("SELECT value FROM jobingest_meta WHERE key = 'search_config'")
        if stored is not None and stored != search_config:  # rebuilt with the new configuration
            await conn.execute("ALTER TABLE jobs DROP COLUMN IF EXISTS search_tsv")
        await conn.execute(_SEARCH_DDL.format(cfg=search_config))
        await _cluster_schema(conn)
        await _fold_tags(conn)
        await conn.execute(
            "INSERT INTO jobingest_meta (key, value) VALUES ('search_config', $1) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            search_config,
        )
        available = {
            r[0]
            for r in await conn.fetch(
                "SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm', 'btree_gin')"
            )
        }
        if available == {"pg_trgm", "btree_gin"}:
            await conn.execute(_FILTERS_GIN)
            await conn.execute(_SEARCH_POSTED_GIN)
        else:  # without the extensions: an index per filter
            await conn.execute(_SEARCH_GIN)
            await conn.execute(_SEPARATE_FILTERS)
            if "pg_trgm" in available:
                await conn.execute(_TRGM)
        if hnsw_index:
            await conn.execute(_HNSW)
        await conn.execute(
            "INSERT INTO jobingest_meta (key, value) VALUES ('embedding_model', $1), "
            "('embedding_dims', $2) ON CONFLICT (key) DO NOTHING",
            model,
            str(dims),
        )
        meta = {
            r["key"]: r["value"] for r in await conn.fetch("SELECT key, value FROM jobingest_meta")
        }
    table = TableEmbedding(
        meta["embedding_model"], int(meta["embedding_dims"]), meta.get("embedding_provider")
    )
    problem = mismatch(table, model, dims, "this worker")
    if problem:
        raise ConfigError(
            f"{problem}, or migrate the table with `jobingest reembed --model {model} --dims {dims}"
            + (f" --embedder {provider}`" if provider else "`")
        )
    if provider and table.provider is None:
        await conn.execute(
            "INSERT INTO jobingest_meta (key, value) VALUES ('embedding_provider', $1) "
            "ON CONFLICT (key) DO NOTHING",
            provider,
        )


async def _lock_jobs_first(conn: Conn) -> None:
    """The DDL takes the jobs table's strongest lock anyway (``ALTER TABLE ... IF NOT EXISTS``
    does, even with nothing to add), after weaker ones (``CREATE INDEX IF NOT EXISTS``). Taken
    in steps, a write transaction that has read the table and then writes it deadlocks with
    it (a worker starting beside running ones). Taken first, in one step, such a write goes
    ahead of the waiting migration (PostgreSQL lets a holder of a conflicting lock pass) and
    the migration runs after it."""
    if await conn.fetchval("SELECT to_regclass('jobs') IS NOT NULL"):
        await conn.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE")


async def ensure_operator_tables(conn: Conn) -> None:
    """The tables operator commands write (replay windows, redrive memory)."""
    await conn.execute(_OPS_DDL)


async def migrate_clusters(conn: Conn) -> None:
    """The duplicate-cluster columns and indexes alone (for `jobingest duplicates backfill`)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await _lock_jobs_first(conn)
        await _cluster_schema(conn)


async def _fold_tags(conn: Conn) -> None:
    scheme = await conn.fetchval("SELECT value FROM jobingest_meta WHERE key = 'tags_scheme'")
    if scheme != TAGS_SCHEME:
        await conn.execute(_FOLD_TAGS)
        await conn.execute(
            "INSERT INTO jobingest_meta (key, value) VALUES ('tags_scheme', $1) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            TAGS_SCHEME,
        )


async def _cluster_schema(conn: Conn) -> None:
    await conn.execute(_CLUSTER_DDL)
