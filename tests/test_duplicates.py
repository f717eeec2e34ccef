"""One job, many boards: clusters of the same posting, built by the write path."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import zlib

import asyncpg
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pgvector.asyncpg import register_vector

from devtools.bench.load import load_events
from tests.events import job_event, wire
from tests.support import (
    ROOT,
    handled_at_least,
    produce,
    running_worker,
    wait_committed,
    wait_until,
)
from worker import dedupe
from worker.cluster_backfill import backfill
from worker.embedders import HashEmbedder
from worker.migrations import migrate
from worker.read import SearchFilters, get_job, search_jobs
from worker.settings import Settings

TEAM = ("You will join the payments ledger team and own the reconciliation engine that settles "
        "four million card transactions a day across twelve currencies.")  # fmt: skip
DETAILS = ("Design idempotent APIs in Python and PostgreSQL. Operate Kafka consumers with clear "
           "service levels. Review code and mentor two junior engineers. Improve the batch "
           "settlement jobs and their monitoring.")  # fmt: skip
OTHER_TEAM = ("You will join the search relevance team and tune the ranking of forty million "
              "product listings with offline evaluation and online experiments every week.")  # fmt: skip
BOILERPLATE = ("About Acme Robotics: equal opportunity employer. Competitive pay, pension plan, "
               "thirty days of paid leave, learning budget and flexible hours in a hybrid office.")  # fmt: skip


def copy_of(external_id: str, source: str, at: int, **job: object) -> dict:
    base = {"title": "Senior Backend Engineer", "company": "Acme Robotics GmbH",
            "location": "Berlin, Germany", "remote": "hybrid",
            "description": f"<p>{TEAM}</p><p>{DETAILS}</p><p>{BOILERPLATE}</p>",
            "url": f"https://{source}.example/{external_id}"}  # fmt: skip
    return job_event(external_id, at=at, source=source, **{**base, **job})


THREE_BOARDS = [
    copy_of("site-1", "company_site", 0),
    copy_of("li-1", "linkedin", 5, title="Sr. Backend Engineer (m/w/d)", company="ACME Robotics",
            location="Berlin", description=f"About the job\n\n{TEAM}\n\n{DETAILS}\n\n"
            "Apply with your LinkedIn profile in one click."),
    copy_of("in-1", "indeed", 9, title="Senior Backend Engineer - Full Time",
            company="Acme Robotics Inc.", location="Berlin, DE",
            description=f"{TEAM} {DETAILS[:120]}"),  # truncated by the board
]  # fmt: skip


def test_the_signals_normalise_what_boards_vary() -> None:
    names = ("Acme Robotics GmbH", "ACME Robotics", "Acme Robotics, Inc.", "Acme Robotics S.A.",
             "Acme Robötics B.V.", "Acme Robotics L.L.C.")  # fmt: skip
    assert {dedupe.company_key(c) for c in names} == {"acme robotics"}
    assert dedupe.title_key("Sr. Backend Engineer (m/w/d)") == "senior backend engineer"
    assert dedupe.title_key("Senior Backend Engineer - Full Time") == "senior backend engineer"
    assert dedupe.location_key("Berlin, Germany") == dedupe.location_key("berlin") == "berlin"
    assert dedupe.location_key("Remote (EU)") == "remote"
    assert dedupe.level_differs("software engineer i", "software engineer ii")
    assert dedupe.level_differs("backend engineer", "senior backend engineer")


def features(event: dict) -> dedupe.Features:
    job = event["job"]
    return dedupe.features(job["title"], job["company"], job.get("location"), job.get("remote"),
                           job["description"])  # fmt: skip


def test_the_rule_joins_copies_and_keeps_hard_negatives_apart() -> None:
    a, b, c = (features(e) for e in THREE_BOARDS)
    assert dedupe.same_job(a, b) and dedupe.same_job(a, c) and dedupe.same_job(b, c)
    munich = features(copy_of("m", "company_site", 0, location="Munich, Germany"))
    other_team = features(copy_of("t", "company_site", 0,
                                  description=f"<p>{OTHER_TEAM}</p><p>{BOILERPLATE}</p>"))  # fmt: skip
    other_company = features(copy_of("o", "company_site", 0, company="Globex Logistics"))
    junior = features(copy_of("j", "company_site", 0, title="Junior Backend Engineer"))
    for negative in (munich, other_team, other_company, junior):
        assert not dedupe.same_job(a, negative)


async def clusters(db: asyncpg.Connection) -> dict[str, str | None]:
    rows = await db.fetch(
        "SELECT external_id, cluster_id::text AS c FROM jobs WHERE deleted_at IS NULL"
    )
    return {r["external_id"]: r["c"] for r in rows}


async def ingest(settings: Settings, events: list[dict], expect: int) -> None:
    await produce(settings.require_kafka(), settings.topic, [wire(e) for e in events])
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, expect), what="all handled")
        await wait_committed(settings)


async def test_copies_from_three_boards_are_one_cluster_and_one_search_result(
    settings: Settings, db: asyncpg.Connection
) -> None:
    negatives = [
        copy_of("munich", "company_site", 1, location="Munich, Germany"),
        copy_of("team-2", "company_site", 2, description=f"<p>{OTHER_TEAM}</p><p>{BOILERPLATE}</p>"),
        copy_of("old", "company_site", -9_000_000, title="Data Engineer", description=OTHER_TEAM),
        job_event("old", "job.removed", at=-8_000_000, source="company_site"),
        # the same title and text reposted months after the removal: a new job, alone
        copy_of("repost", "company_site", 3, title="Data Engineer", description=OTHER_TEAM),
    ]  # fmt: skip
    await ingest(settings, THREE_BOARDS + negatives, 8)
    found = await clusters(db)
    assert found["site-1"] == found["li-1"] == found["in-1"] is not None
    others = {k: v for k, v in found.items() if k not in ("site-1", "li-1", "in-1")}
    assert set(others) == {"munich", "team-2", "repost"}  # "old" is removed: in no cluster
    assert len(set(others.values())) == 3 and found["site-1"] not in others.values()
    assert await db.fetchval("SELECT cluster_id FROM jobs WHERE external_id = 'old'") is None
    await register_vector(db)
    results = await search_jobs(db, HashEmbedder(), "backend engineer payments",
                                SearchFilters(location="Berlin"), 10)  # fmt: skip
    clustered = [r for r in results if r["cluster_id"] == found["site-1"]]
    assert len(clustered) == 1
    also = {(o["source"], o["external_id"]) for o in clustered[0]["also_on"]}
    members = {("company_site", "site-1"), ("linkedin", "li-1"), ("indeed", "in-1")}
    assert also == members - {(clustered[0]["source"], clustered[0]["external_id"])}
    job = await get_job(db, "indeed", "in-1")
    assert job is not None and len(job["cluster"]["members"]) == 3


async def test_removal_and_update_move_jobs_and_replays_change_nothing(
    settings: Settings, db: asyncpg.Connection
) -> None:
    await ingest(settings, THREE_BOARDS, 3)
    before = await clusters(db)
    moved = copy_of("in-1", "indeed", 20, description=f"<p>{OTHER_TEAM}</p><p>{BOILERPLATE}</p>")
    removed = job_event("li-1", "job.removed", at=21, source="linkedin")
    await ingest(settings, [moved, removed], 2)
    after = await clusters(db)
    assert "li-1" not in after
    assert after["in-1"] not in (None, before["site-1"]) and after["site-1"] == before["site-1"]
    replay = settings.model_copy(update={"group_id": settings.group_id + "-replay"})
    async with running_worker(replay) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 5), what="replayed")
    assert await clusters(db) == after


async def test_two_writers_racing_with_copies_converge(database: str) -> None:
    """Copies written by two transactions at the same moment (two workers, two partitions)."""
    setup = await asyncpg.connect(database)
    await migrate(setup, "hash-v1", 384)
    first, second = await asyncpg.connect(database), await asyncpg.connect(database)
    try:
        for round_ in range(8):
            a = copy_of(f"a{round_}", "linkedin", round_, title=f"Backend Engineer {round_}")
            b = copy_of(f"b{round_}", "indeed", round_, title=f"Backend Engineer {round_}")
            await asyncio.gather(load_events(first, [a], HashEmbedder()),
                                 load_events(second, [b], HashEmbedder()))  # fmt: skip
        found = await clusters(setup)
        for round_ in range(8):
            assert found[f"a{round_}"] == found[f"b{round_}"] is not None, round_
        assert len(set(found.values())) == 8
    finally:
        for conn in (first, second, setup):
            await conn.close()


async def test_backfill_clusters_an_existing_table_and_the_cli_lists_it(
    database: str, db: asyncpg.Connection
) -> None:
    await migrate(db, "hash-v1", 384)
    await load_events(db, THREE_BOARDS + [copy_of("x", "lever", 1, location="Paris")],
                      HashEmbedder(), clustering=False)  # fmt: skip
    assert set((await clusters(db)).values()) == {None}
    assert await backfill(db, batch=2) > 0
    found = await clusters(db)
    assert found["site-1"] == found["li-1"] == found["in-1"] and found["x"] not in (
        None,
        found["in-1"],
    )
    assert await backfill(db, batch=2) == 0  # resumable: nothing left
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "duplicates", "--json", "--company", "ACME robotics",
         "--database-url", database], capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert [c["size"] for c in listed] == [3]


@given(
    company=st.text(max_size=40),
    place=st.text(max_size=20),
    minhash=st.binary(min_size=512, max_size=512),
)
@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_postgresql_keys_bands_as_the_worker_does(
    db: asyncpg.Connection, company: str, place: str, minhash: bytes
) -> None:
    """The migration rekeys stored rows in SQL; the worker keys new rows in Python."""
    company, place = company.replace("\x00", ""), place.replace("\x00", "")
    await migrate(db, "hash-v1", 384)
    in_sql = await db.fetchval("SELECT jobingest_lsh_bands($1, $2, $3)", company, place, minhash)
    assert in_sql == dedupe.bands(company, place, minhash)


async def test_stored_bands_of_another_scheme_are_rekeyed_at_start(
    db: asyncpg.Connection,
) -> None:
    await migrate(db, "hash-v1", 384)
    await load_events(db, THREE_BOARDS, HashEmbedder())
    expected = {r["external_id"]: r["lsh_bands"] for r in await db.fetch("SELECT * FROM jobs")}
    await db.execute("UPDATE jobs SET lsh_bands = '{1,2,3}'")
    await db.execute("UPDATE jobingest_meta SET value = 'older' WHERE key = 'lsh_scheme'")
    await migrate(db, "hash-v1", 384)
    rekeyed = {r["external_id"]: r["lsh_bands"] for r in await db.fetch("SELECT * FROM jobs")}
    assert rekeyed == expected and all(len(b) == dedupe.BANDS for b in rekeyed.values())
    options = await db.fetchval("SELECT reloptions FROM pg_class WHERE relname = 'jobs_lsh_bands'")
    assert "fastupdate=off" in options  # looked up on every write: no pending list


async def test_a_cluster_is_written_with_its_row_not_after_it(db: asyncpg.Connection) -> None:
    """One row version per write: the cluster goes in with the upsert (a second UPDATE would
    add a dead row and a second entry in every index)."""
    await migrate(db, "hash-v1", 384)

    async def updates() -> int:
        await db.execute("SELECT pg_stat_force_next_flush()")
        await db.execute("SELECT 1")
        await db.execute("SELECT pg_stat_clear_snapshot()")
        return int(await db.fetchval(
            "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'jobs'"))  # fmt: skip

    before = await updates()
    await load_events(db, THREE_BOARDS, HashEmbedder())
    found = await clusters(db)
    assert found["site-1"] == found["li-1"] == found["in-1"] is not None
    assert await updates() == before


async def test_a_copy_under_another_title_is_found_through_its_text(
    db: asyncpg.Connection,
) -> None:
    """Candidates come by company, title and place, or by a shared LSH band (company-scoped):
    a copy whose title differs is found through its text alone."""
    events = [copy_of("s", "company_site", 0),
              copy_of("b", "linkedin", 1, title="Senior Backend Engineer (Payments)"),
              copy_of("o", "company_site", 2, company="Globex Logistics")]  # fmt: skip
    site, board, other = (features(e) for e in events)
    assert site.title_key != board.title_key and dedupe.same_job(site, board)
    assert set(site.lsh_bands) & set(board.lsh_bands)
    assert not set(site.lsh_bands) & set(other.lsh_bands)  # same text, another company
    await migrate(db, "hash-v1", 384)
    for event in events:  # one batch each: the second finds the first in the table
        await load_events(db, [event], HashEmbedder())
    found = await clusters(db)
    assert found["s"] == found["b"] != found["o"]


@hsettings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=1, max_size=400),
    st.integers(min_value=1, max_value=30),
)
def test_both_signatures_are_the_ones_datasketch_computes(hashes: list[int], lead: int) -> None:
    """The signatures stored with every row (and compared with stored ones) are datasketch's
    MinHash values, computed in one pass for the full text and its lead."""
    from datasketch import MinHash

    def reference(values: list[int]) -> list[int]:
        sketch = MinHash(num_perm=dedupe.NUM_PERM, seed=1, hashfunc=int, scheme="affine32")
        sketch.update_batch(values)
        return [int(v) for v in sketch.hashvalues]

    full, first = dedupe._sketches(hashes, lead)
    assert [int(v) for v in full] == reference(hashes)
    assert [int(v) for v in first] == reference(hashes[:lead])


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.lists(st.sampled_from(["Ab", "c-d", "ß", "É", "1", "_", " "]))
       .map("".join))  # fmt: skip
def test_the_fast_shingle_hashes_are_those_of_the_folded_words(text: str) -> None:
    """The signals' inner loop (bytes, translate, hashing in C) computes exactly what its
    definition says: CRC-32 of each word 3-shingle of the folded text."""
    words = dedupe._fold(text)
    assert dedupe._word_bytes(text) == [word.encode() for word in words]
    expected = [zlib.crc32(s) for s in dedupe.shingles(words) or [b""]]
    assert dedupe.shingle_hashes(dedupe._word_bytes(text)) == expected


def test_band_keys_name_the_place_and_a_posting_probes_the_unknown_one() -> None:
    berlin = features(copy_of("b", "company_site", 0))
    munich = features(copy_of("m", "company_site", 0, location="Munich"))
    nowhere = features(copy_of("n", "company_site", 0, location=None, remote=None))
    assert berlin.minhash == munich.minhash == nowhere.minhash  # the same text
    assert not set(berlin.lsh_bands) & set(munich.lsh_bands)  # never read for each other
    assert set(nowhere.lsh_bands) <= set(dedupe.probe_bands(berlin))
    assert set(nowhere.lsh_bands) <= set(dedupe.probe_bands(munich))
    assert dedupe.probe_bands(nowhere) == nowhere.lsh_bands


async def test_a_copy_without_a_place_is_found_through_its_text(db: asyncpg.Connection) -> None:
    """A board that leaves the place out: the copy in Berlin finds it through a band."""
    events = [copy_of("n", "company_site", 0, location=None, remote=None),
              copy_of("b", "linkedin", 1, title="Senior Backend Engineer (Payments)")]  # fmt: skip
    together = [copy_of("n2", "company_site", 2, location=None, remote=None, company="Initech"),
                copy_of("b2", "linkedin", 3, title="Senior Backend Engineer (Payments)",
                        company="Initech")]  # fmt: skip
    await migrate(db, "hash-v1", 384)
    for event in events:  # one batch each: the second finds the first in the table
        await load_events(db, [event], HashEmbedder())
    await load_events(db, together, HashEmbedder())  # one batch: found in the batch
    found = await clusters(db)
    assert found["n"] == found["b"] is not None
    assert found["n2"] == found["b2"] not in (None, found["n"])


async def test_what_a_posting_reads_does_not_grow_with_its_company(
    db: asyncpg.Connection,
) -> None:
    """A company with the same templated posting in 300 places: a new one in another place
    reads only rows it could join (same place or none), not every row that shares its
    title or its text's bands."""
    await migrate(db, "hash-v1", 384)
    places = [f"City {n}" for n in range(300)]
    await load_events(db, [copy_of(f"p{n}", "company_site", n, location=place)
                           for n, place in enumerate(places)], HashEmbedder(), chunk=100)  # fmt: skip
    await db.execute("ANALYZE jobs")
    await db.execute("SELECT pg_stat_force_next_flush()")  # what this connection counted so far
    await db.execute("SELECT 1")
    async with db.transaction():
        await load_events(db, [copy_of("new", "linkedin", 400, location="Elsewhere")],
                          HashEmbedder())  # fmt: skip
        fetched = await db.fetchval(
            "SELECT idx_tup_fetch + seq_tup_read "
            "FROM pg_stat_xact_user_tables WHERE relname = 'jobs'"
        )
    found = await clusters(db)
    assert len(set(found.values())) == 301  # other places: other jobs
    assert fetched < 30, fetched
