"""A page is a slice of one ranking: walked page by page, in any mode, under any filter, every
job and every cluster appears once, in the order of the whole ranking, the same twice; a
semantic walk is the exact cosine ranking; a walk that ends has shown every matching cluster;
a cursor's later pages leave out jobs stored after its first page; one cluster of hundreds of
copies is one result whose copies are counted and paged."""

from __future__ import annotations

import random
from typing import Any

import asyncpg
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from tests.events import job_event
from worker.embedders import HashEmbedder
from worker.migrations import migrate
from worker.read import MODES, Mode, SearchFilters, Snapshot, cluster_page, search_page

ROLES = ["Backend Engineer", "Data Engineer", "Site Reliability Engineer", "ICU Nurse",
         "Veterinary Technician", "Payroll Specialist", "HVAC Technician", "Product Designer"]  # fmt: skip
SKILLS = ["python", "kafka", "postgres", "kubernetes", "excel", "triage", "welding", "figma"]
CITIES = ["Berlin, Germany", "Austin, TX", "Paris, France", "Toronto, Canada"]
SOURCES = ["linkedin", "indeed", "glassdoor", "greenhouse", "lever", "workday", "other"]
QUERIES = ["engineer", "python engineer", "site reliability engineer kafka", "nurse",
           "technician", "payroll excel", "designer figma berlin", "welding hvac technician"]  # fmt: skip
FILTERS = [
    SearchFilters(),
    SearchFilters(remote="remote"),
    SearchFilters(salary_currency="USD", employment_type="contract"),
    SearchFilters(location="Berlin"),
    SearchFilters(tags=("Python",)),
]
EMBEDDER = HashEmbedder("hash-v1", 384)


def corpus(count: int = 420, seed: int = 5) -> list[dict[str, Any]]:
    """Postings of a few roles, some cross-posted on several boards (same text, other ids)."""
    rnd = random.Random(seed)
    events = []
    for i in range(count):
        role, city = rnd.choice(ROLES), rnd.choice(CITIES)
        skills = rnd.sample(SKILLS, 2)
        job = {
            "title": f"{rnd.choice(['Senior ', 'Junior ', ''])}{role}",
            "company": f"Company {i % 97}",
            "location": city,
            "description": f"{role} role using {skills[0]} and {skills[1]}, team {i}.",
            "remote": rnd.choice(["remote", "hybrid", "onsite"]),
            "employment_type": rnd.choice(["full_time", "contract"]),
            "salary_currency": rnd.choice(["USD", "EUR"]),
            "tags": [s.capitalize() if i % 3 == 0 else s for s in skills],
        }
        copies = 1 + (rnd.random() < 0.25) * rnd.randrange(1, 4)
        for board in rnd.sample(SOURCES, copies):
            events.append(job_event(f"p{i}-{board}", at=i, source=board, **job))
    return events


async def table(db: asyncpg.Connection) -> None:
    if await db.fetchval("SELECT to_regclass('jobs') IS NOT NULL") and await db.fetchval(
        "SELECT count(*) FROM jobs"
    ):
        return
    await migrate(db, EMBEDDER.model, EMBEDDER.dims)
    await load_events(db, corpus(), EMBEDDER)
    await db.execute("ANALYZE jobs")
    await register_vector(db)


async def walk(
    conn: asyncpg.Connection, query: str, filters: SearchFilters, mode: Mode, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Up to 30 pages, each continuing the previous one's snapshot, as the gateway's cursor does;
    and whether the ranking ended."""
    snapshot = Snapshot(await conn.fetchval("SELECT now()"))
    shown: list[dict[str, Any]] = []
    for number in range(30):
        page = await search_page(
            conn, EMBEDDER, query, filters, limit, mode=mode, offset=number * limit,
            snapshot=snapshot,
        )  # fmt: skip
        shown += page.results
        snapshot = page.snapshot
        if not page.more:
            return shown, True
    return shown, False


def cluster_of(row: dict[str, Any]) -> str:
    return row["cluster_id"] or f"{row['source']}:{row['external_id']}"


async def exact_semantic(conn: asyncpg.Connection, query: str, filters: SearchFilters) -> list[str]:
    """Every matching posting by exact cosine similarity (ties by source, id), one per cluster."""
    from worker.read import filter_conditions

    params: list[Any] = [await EMBEDDER.embed_query(query)]
    where = " AND ".join(filter_conditions(filters, params))
    rows = await conn.fetch(
        f"SELECT source, external_id, cluster_id::text AS cluster_id, "
        f"1 - (embedding <=> $1) AS similarity FROM jobs WHERE {where}",
        *params,
    )
    ranked = sorted(rows, key=lambda r: (-r["similarity"], r["source"], r["external_id"]))
    seen: set[str] = set()
    order = []
    for row in ranked:
        if cluster_of(dict(row)) not in seen:
            seen.add(cluster_of(dict(row)))
            order.append(cluster_of(dict(row)))
    return order


@hsettings(max_examples=25, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(
    query=st.sampled_from(QUERIES),
    filters=st.sampled_from(FILTERS),
    mode=st.sampled_from(MODES),
    limit=st.integers(3, 12),
)
async def test_a_walk_is_one_ranking_without_repeats_or_gaps(
    db: asyncpg.Connection, query: str, filters: SearchFilters, mode: Mode, limit: int
) -> None:
    await table(db)
    shown, ended = await walk(db, query, filters, mode, limit)
    clusters = [cluster_of(r) for r in shown]
    assert len(set(clusters)) == len(clusters), "a cluster shown twice"
    again, _ = await walk(db, query, filters, mode, limit)
    assert [cluster_of(r) for r in again] == clusters, "the same walk twice differs"
    whole = await search_page(db, EMBEDDER, query, filters, len(shown) or 1, mode=mode)
    assert [cluster_of(r) for r in whole.results][: len(shown)] == clusters
    scores = [r["score"] for r in shown if not r["why"].get("exact")]
    assert scores == sorted(scores, reverse=True)
    tags = {t.lower() for t in filters.tags}
    assert all(tags <= set(r["tags"]) for r in shown)
    if mode == "semantic":
        exact = await exact_semantic(db, query, filters)
        assert clusters == exact[: len(clusters)]
        assert not ended or clusters == exact
    if ended and mode != "lexical":  # every embedded matching posting is a semantic candidate
        assert set(clusters) == set(await exact_semantic(db, query, filters))


async def test_later_pages_leave_out_jobs_stored_after_the_first(db: asyncpg.Connection) -> None:
    await table(db)
    before = await search_page(db, EMBEDDER, "python engineer", SearchFilters(), 20)
    snapshot = Snapshot(await db.fetchval("SELECT now()"))
    page1 = await search_page(
        db, EMBEDDER, "python engineer", SearchFilters(), 10, snapshot=snapshot
    )
    # newer jobs that rank first: the query as their title and text
    await load_events(
        db,
        [
            job_event(
                f"new{i}",
                title="Python Engineer",
                description="python engineer",
                company=f"New {i}",
                source="other",
            )
            for i in range(15)
        ],  # fmt: skip
        EMBEDDER,
    )
    page2 = await search_page(
        db, EMBEDDER, "python engineer", SearchFilters(), 10, offset=10, snapshot=page1.snapshot
    )
    walked = [r["external_id"] for r in page1.results + page2.results]
    assert walked == [r["external_id"] for r in before.results]
    fresh = await search_page(db, EMBEDDER, "python engineer", SearchFilters(), 10)
    assert fresh.results[0]["external_id"].startswith("new")


async def test_one_cluster_of_hundreds_of_copies_is_one_result_with_its_copies_counted(
    db: asyncpg.Connection,
) -> None:
    await migrate(db, EMBEDDER.model, EMBEDDER.dims)
    job = {"title": "Warehouse Associate", "company": "Parcel Co", "location": "Austin, TX",
           "description": "Pick and pack parcels on the night shift in our Austin warehouse."}  # fmt: skip
    copies = [job_event(f"copy{i}", source=SOURCES[i % len(SOURCES)], at=i, **job)
              for i in range(300)]  # fmt: skip
    others = [job_event(f"other{i}", title=f"Warehouse Associate {i}", company=f"Firm {i}",
                        location=CITIES[i % 4], description=f"Warehouse work, crew {i}.")
              for i in range(30)]  # fmt: skip
    await load_events(db, copies + others, EMBEDDER)
    await register_vector(db)
    sizes = await db.fetch(
        "SELECT count(*) AS n FROM jobs GROUP BY cluster_id ORDER BY n DESC LIMIT 1"
    )
    assert sizes[0]["n"] == 300
    for mode in MODES:  # 31 clusters: pages of 10, 10, 10 and 1, the copies counted once
        pages = [
            await search_page(
                db, EMBEDDER, "warehouse associate", SearchFilters(), 10, mode=mode, offset=o
            )
            for o in (0, 10, 20, 30)
        ]
        assert [len(p.results) for p in pages] == [10, 10, 10, 1], mode
        shown = [r for p in pages for r in p.results]
        assert len({cluster_of(r) for r in shown}) == 31, mode
        big = [r for r in shown if r["also_on_count"] == 299]
        assert len(big) == 1 and len(big[0]["also_on"]) == 5, mode
        assert all(r["also_on_count"] == 0 for r in shown if r is not big[0])
    cluster = big[0]["cluster_id"]
    seen: list[tuple[str, str]] = []
    offset = 0
    while True:
        size, members = await cluster_page(db, cluster, offset, 128)
        assert size == 300
        seen += [(m["source"], m["external_id"]) for m in members]
        offset += 128
        if offset >= size:
            break
    assert len(set(seen)) == 300
