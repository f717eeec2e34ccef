"""One job, many boards: clusters of the same posting, built by the write path."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import uuid

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
from worker.clusters.backfill import backfill
from worker.clusters.companies import company_key
from worker.clusters.partition import partition
from worker.clusters.places import place_key
from worker.clusters.rule import linked
from worker.clusters.signature import Signals, signals
from worker.clusters.titles import level_differs, title_key
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
    assert {company_key(c) for c in names} == {"acme robotics"}
    assert title_key("Sr. Backend Engineer (m/w/d)") == title_key("Senior Backend Engineer")
    assert title_key("Senior Backend Engineer - Full Time") == title_key("Senior Backend Engineer")
    assert place_key("Berlin, Germany") == place_key("berlin") == "berlin|16|DE"
    assert place_key("Remote (EU)") == ""
    assert level_differs(title_key("Software Engineer I"), title_key("Software Engineer II"))
    assert level_differs(title_key("Backend Engineer"), title_key("Senior Backend Engineer"))


def features(event: dict) -> Signals:
    job = event["job"]
    return signals(job["title"], job["company"], job.get("location"), job.get("remote"),
                   job["description"])  # fmt: skip


def test_the_rule_joins_copies_and_keeps_hard_negatives_apart() -> None:
    a, b, c = (features(e) for e in THREE_BOARDS)
    assert linked(a, b) and linked(a, c) and linked(b, c)
    munich = features(copy_of("m", "company_site", 0, location="Munich, Germany"))
    other_team = features(copy_of("t", "company_site", 0,
                                  description=f"<p>{OTHER_TEAM}</p><p>{BOILERPLATE}</p>"))  # fmt: skip
    other_company = features(copy_of("o", "company_site", 0, company="Globex Logistics"))
    junior = features(copy_of("j", "company_site", 0, title="Junior Backend Engineer"))
    for negative in (munich, other_team, other_company, junior):
        assert not linked(a, negative)


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
    assert await backfill(db, batch=2) == 4
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
    """Candidates come by company, title and place, or by a shared LSH band (scoped to the
    company and city): a copy whose title differs is found through its text alone."""
    events = [copy_of("s", "company_site", 0),
              copy_of("b", "linkedin", 1, title="Senior Backend Engineer (Payments)"),
              copy_of("o", "company_site", 2, company="Globex Logistics")]  # fmt: skip
    site, board, other = (features(e) for e in events)
    assert site.title != board.title and linked(site, board)
    assert set(site.bands) & set(board.bands)
    assert not set(site.bands) & set(other.bands)  # same text, another company
    await migrate(db, "hash-v1", 384)
    for event in events:  # one batch each: the second finds the first in the table
        await load_events(db, [event], HashEmbedder())
    found = await clusters(db)
    assert found["s"] == found["b"] != found["o"]


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


# --- the adversarial cases of cross-posting, each a rule or partition the order cannot change


def posting(external_id: str, title: str, location: str | None, description: str,
            company: str = "Acme Robotics", source: str = "company_site", at: int = 0) -> dict:  # fmt: skip
    return job_event(external_id, at=at, source=source, title=title, company=company,
                     location=location, remote=None, description=description)  # fmt: skip


def test_same_named_cities_of_different_regions_are_different_places() -> None:
    for a, b in [("Portland, OR", "Portland, ME"), ("Springfield, IL", "Springfield, MA"),
                 ("Springfield, MA", "Springfield, MO"), ("Kansas City, KS", "Kansas City, MO"),
                 ("Columbus, GA", "Columbus, OH")]:  # fmt: skip
        first = features(posting("a", "Barista", a, TEAM + " " + DETAILS))
        second = features(posting("b", "Barista", b, TEAM + " " + DETAILS))
        assert first.place != second.place and not linked(first, second), (a, b)


def test_boards_notations_of_one_place_are_one_place() -> None:
    for group in [("Berlin", "Berlin, Germany", "Berlin, BE, DE", "Greater Berlin Area",
                   "Berlin (Hybrid)", "10115 Berlin"),
                  ("Austin, TX 78701", "Austin, Texas", "Austin, TX, US"),
                  ("München", "Munich, Germany", "Munich, Bavaria, Germany"),
                  ("Köln", "Cologne, DE"), ("Wien", "Vienna, Austria"),
                  ("Lisboa", "Lisbon, Portugal")]:  # fmt: skip
        assert len({place_key(g) for g in group}) == 1, group


def test_titles_and_companies_as_boards_rewrite_them() -> None:
    same_titles = [("Senior Data Engineer (m/w/d)", "Sr. Data Engineer"),
                   ("Data Engineer (all genders)", "Data Engineer (H/F)"),
                   ("Software Engineer II", "Software Engineer Level 2"),
                   ("Sales Mgr.", "Sales Manager - Full Time"),
                   ("Assoc. Product Manager", "Associate Product Manager (Remote)"),
                   ("Backend Engineer, Payments", "Payments Backend Engineer")]  # fmt: skip
    for a, b in same_titles:
        assert title_key(a) == title_key(b), (a, b)
    same_companies = [("Acme GmbH", "ACME"), ("The Acme Company", "Acme Co."),
                      ("Acme Germany", "Acme"), ("Smith & Jones", "Smith and Jones Inc")]  # fmt: skip
    for a, b in same_companies:
        assert company_key(a) == company_key(b), (a, b)
    assert company_key("Bank of America") != company_key("Bank of Ireland")


def test_invisible_characters_and_markup_do_not_split_a_copy() -> None:
    text = f"{TEAM} {DETAILS}"
    plain = features(posting("a", "Data Engineer", "Berlin", text))
    hidden = features(posting("b", "Data\u200b Engineer", "Berlin",
                              "<div><p>" + text.replace("ledger", "led\u00adger").replace(
                                  "reconciliation", "recon\u200bciliation") + "</p></div>")
    )  # fmt: skip
    assert plain.title == hidden.title and plain.minhash == hidden.minhash


def test_a_truncated_copy_with_board_boilerplate_is_still_the_job() -> None:
    full = f"{TEAM} {DETAILS} {OTHER_TEAM}"
    board = ("We are an equal opportunity employer and do not discriminate. Apply via our "
             "portal today. Job Type: Full-time. #LI-Hybrid")  # fmt: skip
    original = features(posting("a", "Data Engineer", "Berlin", full))
    truncated = features(posting("b", "Data Engineer", "Berlin, Germany",
                                 f"<p>{full[:260]}… Show more</p><p>{board}</p>"))  # fmt: skip
    assert linked(original, truncated)


def test_different_titles_without_evidence_in_the_text_stay_apart() -> None:
    for a, b, text in [("Software Engineer, Backend", "Software Engineer, Frontend", "<p></p>"),
                       ("Barista Morning Shift", "Barista Evening Shift", "TBD")]:  # fmt: skip
        assert not linked(features(posting("a", a, "Berlin", text)),
                          features(posting("b", b, "Berlin", text)))  # fmt: skip
    assert linked(features(posting("a", "Barista", "Berlin", "TBD")),
                  features(posting("b", "Barista", "Berlin, DE", "<p>TBD</p>")))  # fmt: skip


def test_jobs_sharing_only_a_company_intro_are_different_jobs() -> None:
    intro = ("Acme Robotics builds warehouse robots for retailers in twelve countries and has "
             "grown from five founders to four hundred people since it started in a garage in "
             "Berlin with one prototype and a loan")  # fmt: skip
    rnd = random.Random(3)
    jobs = [features(posting(f"j{n}", "Software Engineer", "Berlin",
                             f"{intro}. " + " ".join(rnd.sample(VOCABULARY, 60))))
            for n in range(40)]  # fmt: skip
    assert not any(linked(a, b) for n, a in enumerate(jobs) for b in jobs[n + 1 :])


VOCABULARY = ["design", "build", "operate", "test", "review", "mentor", "migrate", "scale", "measure", "automate", "document", "plan", "support", "debug", "payments", "search", "checkout", "billing", "identity", "routing", "pricing", "ledger", "catalog", "inventory", "messaging", "analytics", "warehouse", "mobile", "platform", "growth", "risk", "fraud", "care", "scheduling", "claims", "imaging", "pharmacy", "dispatch", "fleet", "telemetry", "reporting", "compliance", "audit", "ingestion", "streaming", "storage", "networking", "security", "python", "java", "go", "rust", "kotlin", "swift", "typescript", "postgres", "kafka", "redis", "spark", "airflow", "terraform"]  # fmt: skip


def test_a_posting_without_a_place_never_links_two_places() -> None:
    text = f"{TEAM} {DETAILS}"
    postings = {("b", f"c{n}"): features(posting(f"c{n}", "Data Engineer", city, text))
                for n, city in enumerate(["Berlin", "Munich", "Hamburg", "Paris"])}  # fmt: skip
    postings[("a", "aggregator")] = features(posting("x", "Data Engineer", None, text))
    found = partition(postings)
    assert len({a.cluster_id for a in found.values()}) == 5
    one_city = {k: v for k, v in postings.items() if k[1] in ("c0", "aggregator")}
    joined = partition(one_city)  # matching one place only: it joins that place's job
    assert joined[("b", "c0")] == joined[("a", "aggregator")]


def test_an_ambiguous_city_name_never_links_two_regions() -> None:
    text = f"{TEAM} {DETAILS}"
    postings = {(str(n), "x"): features(posting("x", "Barista", place, text))
                for n, place in enumerate(["Portland, OR", "Portland", "Portland", "Portland, ME"])}  # fmt: skip
    found = partition(postings)
    assert found[("0", "x")].cluster_id != found[("3", "x")].cluster_id


# --- determinism: the clusters are a function of the set of active postings


def chain() -> list[dict]:
    """A ~ B ~ C with A !~ C: B shares most of A's text and most of C's."""
    parts = [" ".join(random.Random(n).sample(VOCABULARY, 30)) for n in range(3)]
    return [posting("a", "Data Engineer", "Berlin", f"{parts[0]} {parts[1]}", at=1),
            posting("b", "Data Engineer", "Berlin", f"{parts[0]} {parts[1]} {parts[2]}", at=2),
            posting("c", "Data Engineer", "Berlin", f"{parts[1]} {parts[2]}", at=3)]  # fmt: skip


def test_the_chain_is_one_cluster_whatever_the_order() -> None:
    a, b, c = (features(e) for e in chain())
    assert linked(a, b) and linked(b, c) and not linked(a, c)


async def test_removing_the_posting_that_linked_two_groups_separates_them(
    db: asyncpg.Connection,
) -> None:
    await migrate(db, "hash-v1", 384)
    a, b, c = chain()
    for event in (a, c, b):  # A and C apart, then B links them
        await load_events(db, [event], HashEmbedder())
    found = await clusters(db)
    assert found["a"] == found["b"] == found["c"]
    await load_events(db, [job_event("b", "job.removed", at=9, source="company_site")],
                      HashEmbedder())  # fmt: skip
    found = await clusters(db)
    assert set(found) == {"a", "c"} and found["a"] != found["c"]


def corpus() -> list[dict]:
    """Copies, chains, hard negatives and a place-less aggregator copy, as one set."""
    text = f"{TEAM} {DETAILS}"
    events = chain() + [
        *(posting(f"city{n}", "Data Engineer", city, text, company="Initech")
          for n, city in enumerate(["Berlin", "Munich", "Hamburg"])),
        posting("agg", "Data Engineer", None, text, company="Initech", source="other"),
        posting("pdx", "Barista", "Portland, OR", text, company="Initech"),
        posting("pdx2", "Barista", "Portland", text, company="Initech", source="indeed"),
        posting("pwm", "Barista", "Portland, ME", text, company="Initech"),
    ]  # fmt: skip
    events += [{**e, "job": {**e["job"], "external_id": f"{e['job']['external_id']}-{n}"},
                "source": source} for n, (e, source) in enumerate(zip(
                    [copy_of(f"s{i}", "company_site", i) for i in range(3)] + THREE_BOARDS,
                    ["linkedin", "indeed", "glassdoor", "lever", "greenhouse", "workday"],
                    strict=True))]  # fmt: skip
    return events


def expected_partition(events: list[dict]) -> dict[tuple[str, str], str]:
    postings = {(e["source"], e["job"]["external_id"]): features(e) for e in events}
    return {k: a.cluster_id for k, a in partition(postings).items()}


async def stored_partition(db: asyncpg.Connection) -> dict[tuple[str, str], str]:
    rows = await db.fetch("SELECT source, external_id, cluster_id::text AS c FROM jobs "
                          "WHERE deleted_at IS NULL")  # fmt: skip
    return {(r["source"], r["external_id"]): r["c"] for r in rows}


@hsettings(max_examples=12, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(
    order=st.permutations(list(range(len(corpus())))),
    cuts=st.lists(st.integers(1, 6), max_size=8),
    again=st.lists(st.integers(0, len(corpus()) - 1), max_size=4),
    gone=st.lists(st.integers(0, len(corpus()) - 1), max_size=3, unique=True),
)
async def test_the_clusters_do_not_depend_on_arrival_order(
    db: asyncpg.Connection, order: list[int], cuts: list[int], again: list[int], gone: list[int]
) -> None:
    """The same postings, shuffled and cut into batches of random sizes, some sent twice (an
    unchanged rewrite) and some removed at the end, through the real write path into
    PostgreSQL: the same clusters (and ids) as the partition of the active set."""
    await migrate(db, "hash-v1", 384)
    await db.execute("TRUNCATE jobs, jobingest_ledger")
    events = corpus()
    stream = [events[i] for i in order]
    stream += [{**events[i], "event_id": str(uuid.uuid4()),
                "occurred_at": f"2026-06-0{n + 1}T00:00:00+00:00"} for n, i in enumerate(again)]  # fmt: skip
    stream += [job_event(events[i]["job"]["external_id"], "job.removed", at=10**9,
                         source=events[i]["source"]) for i in gone]  # fmt: skip
    batches, start = [], 0
    for size in [*cuts, len(stream)]:
        if start < len(stream):
            batches.append(stream[start : start + size])
            start += size
    for batch in batches:
        await load_events(db, batch, HashEmbedder())
    active = [e for i, e in enumerate(events) if i not in gone]
    assert await stored_partition(db) == expected_partition(active)


async def test_a_new_copy_joins_a_posting_rewritten_unchanged_in_the_same_batch(
    db: asyncpg.Connection,
) -> None:
    """A batch holding a new copy and an unchanged rewrite of the posting it copies (a replay
    beside a new event): the two end in one cluster, as in any other order."""
    await migrate(db, "hash-v1", 384)
    first, second = THREE_BOARDS[0], THREE_BOARDS[1]
    await load_events(db, [first], HashEmbedder())
    again = {**first, "event_id": str(uuid.uuid4()), "occurred_at": second["occurred_at"]}
    await load_events(db, [again, second], HashEmbedder())
    found = await clusters(db)
    assert found["site-1"] == found["li-1"]
