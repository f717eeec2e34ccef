"""Search people can trust: full pages under filters, hybrid ranking, filters, pagination."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import numpy as np
import pytest
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from tests.events import T0, job_event
from tests.support import ROOT
from worker.embedders import HashEmbedder
from worker.migrations import migrate
from worker.read import SearchFilters, search_jobs

CITIES = ["Berlin, Germany", "Paris, France", "Madrid, Spain", "Austin, TX", "Toronto, Canada",
          "Remote (EU)", "London, UK", "Chicago, IL"]  # fmt: skip
DIMS = 32


async def load(conn: asyncpg.Connection, events: list[dict], embedder: HashEmbedder) -> None:
    """Rows through the worker's own write path (COPY + upsert), embedded with `embedder`."""
    await load_events(conn, events, embedder)


@pytest.fixture
async def big(db: asyncpg.Connection) -> tuple[asyncpg.Connection, HashEmbedder]:
    """20,000 active jobs, with the HNSW index built after the load."""
    embedder = HashEmbedder("hash-v1", DIMS)
    await migrate(db, embedder.model, DIMS, hnsw_index=False)
    rnd = random.Random(7)
    events = [
        job_event(
            f"j{i}", at=i, title=f"{rnd.choice(['Backend', 'Data', 'Frontend', 'Platform'])} Engineer {i}",
            location=rnd.choice(CITIES), remote=rnd.choice(["remote", "hybrid", "onsite"]),
            salary_min=rnd.randrange(30, 90) * 1000, salary_max=rnd.randrange(90, 150) * 1000,
            salary_currency=rnd.choice(["EUR", "USD"]), tags=[rnd.choice(["python", "go", "java"])],
            employment_type=rnd.choice(["full_time", "contract"]),
            posted_at=(T0 - timedelta(days=rnd.randrange(0, 90))).isoformat(),
        )
        for i in range(20_000)
    ]  # fmt: skip
    await load_events(db, events, embedder, clustering=False)  # search alone, fast
    await db.execute(
        "CREATE INDEX jobs_embedding_hnsw ON jobs USING hnsw (embedding vector_cosine_ops) "
        "WHERE deleted_at IS NULL"
    )
    await db.execute("ANALYZE jobs")
    await register_vector(db)
    return db, embedder


async def test_selective_filters_on_20000_rows_return_full_pages_in_distance_order(
    big: tuple[asyncpg.Connection, HashEmbedder],
) -> None:
    conn, embedder = big
    cases = [
        SearchFilters(remote="remote", location="Berlin"),  # ~1/24 of the table
        SearchFilters(remote="onsite", location="Toronto", salary_currency="EUR",
                      employment_type="contract"),  # ~1/200
        SearchFilters(location="Madrid", tags=("go",), salary_min=Decimal(140_000)),  # very few
        SearchFilters(posted_after=T0 - timedelta(days=3), remote="hybrid"),
    ]  # fmt: skip
    for filters in cases:
        for query in ("python backend", "data platform engineer", "frontend"):
            found = await search_jobs(conn, embedder, query, filters, 10, mode="semantic")
            vector = await embedder.embed_query(query)
            matching = await conn.fetch(
                "SELECT external_id, embedding FROM jobs WHERE external_id = ANY($1::text[])",
                [r["external_id"] for r in await _all_matching(conn, filters)],
            )
            distances = sorted(
                (1 - float(np.dot(vector, r["embedding"].to_numpy())), r["external_id"])
                for r in matching
            )
            expected = [eid for _, eid in distances[:10]]
            assert [r["external_id"] for r in found] == expected, (filters, query, len(matching))
    for filters in (SearchFilters(), SearchFilters(salary_currency="EUR")):  # the HNSW path
        for query in ("python backend", "data platform engineer"):
            found = await search_jobs(conn, embedder, query, filters, 10, mode="semantic")
            assert len(found) == 10
            scores = [r["score"] for r in found]
            assert scores == sorted(scores, reverse=True)


async def test_combined_filters_read_only_the_rows_that_match_all_of_them(
    big: tuple[asyncpg.Connection, HashEmbedder],
) -> None:
    """Tag, place and remote mode are answered by one index scan: the rows read are the rows
    that match, not every row of the most selective single filter."""
    from worker.read import filter_conditions

    conn, _ = big
    filters = SearchFilters(location="Madrid", remote="hybrid", tags=("go",))
    params: list = []
    where = " AND ".join(filter_conditions(filters, params))
    # 20,000 rows are still cheaper to scan than to look up, so the planner is left no other
    # way in (inside a transaction that is rolled back): what one index scan reads is measured.
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute("SET LOCAL enable_seqscan = off")
        for name in await conn.fetch(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'jobs'::regclass "
            "AND indexrelid::regclass::text NOT IN ('jobs_filters', 'jobs_pkey')"
        ):
            await conn.execute(f"DROP INDEX {name[0]}")
        plan = json.loads(await conn.fetchval(
            f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT source FROM jobs WHERE {where}", *params))  # fmt: skip
    finally:
        await transaction.rollback()

    def nodes(node: dict) -> list[dict]:
        return [node, *(n for child in node.get("Plans", []) for n in nodes(child))]

    found = nodes(plan[0]["Plan"])
    matching = plan[0]["Plan"]["Actual Rows"]
    discarded = sum(n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0)
                    for n in found)  # fmt: skip
    assert 0 < matching < 1_000
    assert any(n.get("Index Name") == "jobs_filters" for n in found), [
        (n["Node Type"], n.get("Index Name"), n.get("Index Cond"), n.get("Recheck Cond"))
        for n in found
    ]
    assert discarded <= matching, (discarded, matching)


async def test_hybrid_on_two_connections_ranks_as_on_one(
    big: tuple[asyncpg.Connection, HashEmbedder], database: str
) -> None:
    """The gateway runs the two rankings at once when a second connection is free."""
    conn, embedder = big
    second = await asyncpg.connect(database)
    try:
        for filters in (SearchFilters(), SearchFilters(location="Madrid", tags=("go",))):
            for query in ("python backend", "frontend engineer 12"):
                one = await search_jobs(conn, embedder, query, filters, 10)
                two = await search_jobs(conn, embedder, query, filters, 10, lexical_conn=second)
                assert one == two and len(one) == 10
    finally:
        await second.close()


async def _all_matching(conn: asyncpg.Connection, filters: SearchFilters) -> list[asyncpg.Record]:
    from worker.read import filter_conditions

    params: list = []
    where = " AND ".join(filter_conditions(filters, params))
    return await conn.fetch(f"SELECT external_id FROM jobs WHERE {where}", *params)


async def test_exact_terms_rank_first_in_hybrid_and_lexical_modes(db: asyncpg.Connection) -> None:
    # 384 dimensions: the hash embedder's similarities are noise of about +-0.05 (at 32
    # dimensions, +-0.2: as loud as a semantic model's own differences)
    embedder = HashEmbedder("hash-v1", 384)
    await migrate(db, embedder.model, 384)
    events = [job_event(f"g{i}", title=f"Software Engineer {i}", description="Build services.")
              for i in range(60)]  # fmt: skip
    events.append(job_event("kt", title="Mobile Developer", description="Android apps in Kotlin."))
    await load(db, events, embedder)
    await register_vector(db)
    hybrid = await search_jobs(db, embedder, "kotlin developer", SearchFilters(), 5)
    assert hybrid[0]["external_id"] == "kt"
    assert "kotlin" in hybrid[0]["why"]["matched_terms"]
    lexical = await search_jobs(db, embedder, "Kotlin", SearchFilters(), 5, mode="lexical")
    assert [r["external_id"] for r in lexical] == ["kt"]
    semantic = await search_jobs(
        db, embedder, "kotlin developer", SearchFilters(), 5, mode="semantic"
    )
    assert semantic[0]["external_id"] != "kt"  # the hash embedder knows no words


async def test_removed_jobs_never_and_pending_embeddings_lexically(db: asyncpg.Connection) -> None:
    embedder = HashEmbedder("hash-v1", DIMS)
    await migrate(db, embedder.model, DIMS)
    await load(db, [job_event("live", title="Kotlin Developer"),
                    job_event("gone", title="Kotlin Developer")], embedder)  # fmt: skip
    await load(db, [job_event("gone", "job.removed", at=5)], embedder)
    await db.execute(
        "INSERT INTO jobs (source, external_id, title, company, description, last_event_at, "
        "last_event_id, last_event_type) VALUES ('lever', 'pending', 'Kotlin Developer', 'X', "
        "'Kotlin', now(), gen_random_uuid(), 'job.posted')"
    )
    await register_vector(db)
    ids = {r["external_id"] for r in await search_jobs(db, embedder, "kotlin", SearchFilters(), 10)}
    assert ids == {"live", "pending"}
    semantic = await search_jobs(db, embedder, "kotlin", SearchFilters(), 10, mode="semantic")
    assert {r["external_id"] for r in semantic} == {"live"}


async def test_pages_are_stable_and_disjoint(db: asyncpg.Connection) -> None:
    embedder = HashEmbedder("hash-v1", DIMS)
    await migrate(db, embedder.model, DIMS)
    await load(db, [job_event(f"p{i}", title=f"Python Engineer {i}") for i in range(35)], embedder)
    await register_vector(db)
    for mode in ("hybrid", "semantic", "lexical"):
        pages = [await search_jobs(db, embedder, "python engineer", SearchFilters(), 10,
                                   mode=mode, offset=o) for o in (0, 10, 20, 30)]  # fmt: skip
        ids = [r["external_id"] for page in pages for r in page]
        assert len(ids) == 35 and len(set(ids)) == 35, mode
        again = await search_jobs(
            db, embedder, "python engineer", SearchFilters(), 10, mode=mode, offset=10
        )
        assert [r["external_id"] for r in again] == [r["external_id"] for r in pages[1]]


async def test_cli_search_filters_modes_and_pages(database: str, db: asyncpg.Connection) -> None:
    embedder = HashEmbedder("hash-v1", 384)
    await migrate(db, embedder.model, 384)
    events = [job_event(f"c{i}", title=f"Python Engineer {i}", location=CITIES[i % 4],
                        remote=["remote", "onsite"][i % 2], salary_currency=["EUR", "USD"][i % 2],
                        tags=["python", ["go"], ["rust"]][i % 3] if i % 3 else ["python"],
                        posted_at=(T0 - timedelta(days=i)).isoformat(),
                        employment_type=["full_time", "contract"][i % 2])
              for i in range(24)]  # fmt: skip
    events.append(job_event("pct", title="Python Engineer", location="100% Remote_EU"))
    await load(db, events, embedder)

    def cli(*args: str) -> list[dict]:
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "search", *args, "--json", "--database-url", database],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    berlin = cli("python", "--location", "Berlin", "--remote", "remote", "--limit", "50")
    assert berlin and all("Berlin" in r["location"] and r["remote"] == "remote" for r in berlin)
    assert {r["external_id"] for r in cli("python", "--location", "%", "--limit", "50")} == {"pct"}
    usd = cli("python", "--currency", "USD", "--employment-type", "contract", "--limit", "50")
    assert usd and all(
        r["salary_currency"] == "USD" and r["employment_type"] == "contract" for r in usd
    )
    recent = cli("python", "--posted-after", (T0 - timedelta(days=3)).isoformat(), "--limit", "50")
    assert {r["external_id"] for r in recent} == {"c0", "c1", "c2", "c3"}
    tagged = cli("python", "--tag", "rust", "--limit", "50")
    assert tagged and all("rust" in r["tags"] for r in tagged)
    first, second = cli("python", "--limit", "5"), cli("python", "--limit", "5", "--page", "2")
    assert not {r["external_id"] for r in first} & {r["external_id"] for r in second}
    lexical = cli("python", "--mode", "lexical", "--limit", "3")
    assert all("python" in r["why"]["matched_terms"] for r in lexical)
    _ = datetime.now(UTC)


def test_cli_search_refuses_filters_the_contract_would_in_one_line(database: str) -> None:
    cases = [
        ["--posted-after", "0001-01-01T00:00:00+01:00"],
        ["--posted-after", "9999-12-31T23:59:59-01:00"],
        ["--salary-min", "90000", "--salary-max", "10"],
        ["--salary-min", "-5"],
        ["--currency", "EURO"],
    ]
    for flags in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "search", "engineer", *flags, "--database-url", database],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 2, (flags, proc.stderr)
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    empty = subprocess.run(
        [sys.executable, "-m", "cli", "search", "engineer", "--database-url", database],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert empty.returncode == 2 and "no jobs table" in empty.stderr, empty.stderr


async def test_tags_match_in_any_case_and_stored_rows_are_folded(db: asyncpg.Connection) -> None:
    embedder = HashEmbedder("hash-v1", DIMS)
    await migrate(db, embedder.model, DIMS)
    await load(db, [job_event("t1", tags=["Python", "PYTHON", "Go"])], embedder)
    assert await db.fetchval("SELECT tags FROM jobs") == ["python", "go"]
    # a table written before tags were folded
    await db.execute("UPDATE jobs SET tags = '{Python,Go,GO}'")
    await db.execute("DELETE FROM jobingest_meta WHERE key = 'tags_scheme'")
    await migrate(db, embedder.model, DIMS)
    assert await db.fetchval("SELECT tags FROM jobs") == ["python", "go"]
    for tags in (("PYTHON",), ("python", "Go")):
        found = await search_jobs(db, embedder, "engineer", SearchFilters(tags=tags), 5)
        assert [r["external_id"] for r in found] == ["t1"], tags


async def test_a_query_of_common_words_ranks_the_newest_holding_them(
    big: tuple[asyncpg.Connection, HashEmbedder],
) -> None:
    """Every posting holds "engineer": the lexical ranking scores the newest that hold every
    term (a bounded set), and its pages are still slices of one ranking."""
    from worker.lexical import COMMON_ROWS, analyse

    conn, embedder = big
    analysed = await analyse(conn, "backend engineer", "english")
    assert analysed.common
    for mode in ("lexical", "hybrid"):
        whole = await search_jobs(
            conn, embedder, "backend engineer", SearchFilters(), 40, mode=mode
        )
        pages = [
            await search_jobs(
                conn, embedder, "backend engineer", SearchFilters(), 10, mode=mode, offset=o
            )
            for o in (0, 10, 20, 30)
        ]
        assert [r["external_id"] for p in pages for r in p] == [r["external_id"] for r in whole]
        assert all("Backend" in r["title"] for r in whole[:10]), mode
        if mode == "lexical":
            lexical = whole
    newest = await conn.fetchval(
        "SELECT min(posted_at) FROM (SELECT posted_at FROM jobs WHERE search_tsv @@ "
        "'backend & engin'::tsquery ORDER BY posted_at DESC NULLS LAST LIMIT $1) AS n",
        COMMON_ROWS,
    )
    assert all(r["posted_at"] >= newest for r in lexical)
