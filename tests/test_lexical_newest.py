"""When every word of a query is common, the lexical ranking scores the newest postings holding
all of them. They are looked for first after a date the statistics suggest (a cut): the cut
changes how much is read, never which postings are chosen. Checked on real PostgreSQL against
the newest postings computed directly, for any cut dates, filters and ties in posting dates."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from devtools.bench.load import load_events
from tests.events import job_event
from worker import lexical, read
from worker.embedders import HashEmbedder
from worker.lexical import CUT_WIDEST, TermStats, newest_cuts
from worker.migrations import migrate
from worker.read import SearchFilters, Snapshot, filter_conditions

EMBEDDER = HashEmbedder("hash-v1", 384)
START = datetime(2026, 3, 1, tzinfo=UTC)
QUERIES = ["engineer", "senior engineer", "data engineer", "nurse", "python"]
FILTERS = [SearchFilters(), SearchFilters(remote="onsite"), SearchFilters(tags=("python",))]
NEWEST = 25  # COMMON_ROWS for these tests


def corpus(count: int = 300, seed: int = 9) -> list[dict[str, Any]]:
    """Postings over 60 days, some on the same second, a few without a date."""
    rnd = random.Random(seed)
    events = []
    for i in range(count):
        role = rnd.choice(["Data Engineer", "Backend Engineer", "ICU Nurse", "Data Analyst"])
        job: dict[str, Any] = {
            "title": f"{rnd.choice(['Senior ', ''])}{role}",
            "company": f"Company {i % 31}",
            "description": f"{role} work with python and sql, team {i}.",
            "remote": rnd.choice(["remote", "hybrid", "onsite"]),
            "tags": rnd.sample(["python", "sql", "triage"], 2),
        }
        if rnd.random() > 0.05:
            seconds = rnd.randrange(60 * 86_400) if rnd.random() > 0.2 else 86_400 * 7
            job["posted_at"] = (START - timedelta(seconds=seconds)).isoformat()
        events.append(job_event(f"n{i}", at=i, **job))
    return events


async def table(db: asyncpg.Connection) -> list[datetime]:
    if not (
        await db.fetchval("SELECT to_regclass('jobs') IS NOT NULL")
        and await db.fetchval("SELECT count(*) FROM jobs")
    ):
        await migrate(db, EMBEDDER.model, EMBEDDER.dims)
        await load_events(db, corpus(), EMBEDDER)
        await db.execute("ANALYZE jobs")
    rows = await db.fetch("SELECT DISTINCT posted_at FROM jobs WHERE posted_at IS NOT NULL")
    return sorted(r[0] for r in rows)


async def newest_directly(
    db: asyncpg.Connection, query: lexical.LexicalQuery, filters: SearchFilters
) -> set[tuple[str, str]]:
    params: list[Any] = [query.candidates]
    where = " AND ".join(filter_conditions(filters, params))
    rows = await db.fetch(
        f"SELECT source, external_id FROM jobs WHERE search_tsv @@ $1::tsquery AND {where} "
        'ORDER BY posted_at DESC NULLS LAST, source COLLATE "C", external_id COLLATE "C" '
        f"LIMIT {NEWEST}",
        *params,
    )
    return {(r[0], r[1]) for r in rows}


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(
    query=st.sampled_from(QUERIES),
    filters=st.sampled_from(FILTERS),
    picks=st.lists(st.floats(0, 1), max_size=3),
    beyond=st.booleans(),
)
async def test_a_cut_never_changes_which_postings_are_scored(
    db: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    filters: SearchFilters,
    picks: list[float],
    beyond: bool,
) -> None:
    dates = await table(db)
    monkeypatch.setattr(lexical, "SCORED_ROWS", 10)  # every query's words count as common
    monkeypatch.setattr(lexical, "COMMON_ROWS", NEWEST)
    monkeypatch.setattr(read, "COMMON_ROWS", NEWEST)
    analysed = await lexical.analyse(db, query, "english")
    assert analysed.common
    cuts = sorted((dates[int(p * (len(dates) - 1))] for p in picks), reverse=True)
    if beyond:  # a cut after every posting: nothing is found there
        cuts.insert(0, dates[-1] + timedelta(days=1))
    vector = await EMBEDDER.embed_query(query)
    snapshot = Snapshot()
    plain = await read._window(db, replace(analysed, cuts=()), vector, "hash-v1", filters, snapshot)
    cut = await read._window(
        db, replace(analysed, cuts=tuple(cuts)), vector, "hash-v1", filters, snapshot
    )
    assert [(c.ident, c.lexical) for c in cut] == [(c.ident, c.lexical) for c in plain]
    assert {c.ident for c in plain} == await newest_directly(db, analysed, filters)


@given(
    dfs=st.lists(st.integers(1, 10**6), min_size=1, max_size=4),
    rows=st.integers(1, 10**6),
    quantiles=st.lists(
        st.datetimes(timezones=st.just(UTC)), min_size=2, max_size=101, unique=True
    ).map(sorted),
)
def test_cuts_are_newest_first_and_stop_short_of_the_whole_table(
    dfs: list[int], rows: int, quantiles: list[datetime]
) -> None:
    stats = TermStats(rows, 50.0, {f"t{i}": min(df, rows) for i, df in enumerate(dfs)})
    cuts = newest_cuts(list(stats.df), stats, quantiles)
    assert list(cuts) == sorted(set(cuts), reverse=True)
    assert set(cuts) <= set(quantiles)
    share = 1.0
    for df in stats.df.values():
        share *= df / rows
    if lexical.CUT_MARGIN * lexical.COMMON_ROWS / (share * rows) >= CUT_WIDEST:
        assert cuts == ()
