"""The held-out search set: every posting is a valid ``job.posted`` event, and every graded
query points at postings that exist (identifier queries at exactly the postings carrying
the identifier)."""

from __future__ import annotations

import html
import json
import re

from devtools.bench import heldout_search
from schemas import JobPosted, parse_event

KINDS = {"role", "paraphrase", "skill", "seniority", "place", "native", "crosslingual"}
KINDS |= {"identifier"}


def test_every_event_is_a_valid_job_posted_event() -> None:
    events = heldout_search.events()
    postings = {p["job_id"]: p for p in heldout_search.postings()}
    assert len(events) == len(postings) >= 350
    for event in events:
        parsed = parse_event(json.dumps(event, ensure_ascii=False))
        assert isinstance(parsed, JobPosted)
        posting = postings[parsed.job.external_id]
        assert parsed.job.title == posting["title"]
        assert parsed.job.description == posting["description"]
        assert parsed.job.remote == posting["remote"]
        assert parsed.job.employment_type == posting["employment_type"]
    assert len({event["event_id"] for event in events}) == len(events)


def test_postings_have_the_promised_shape() -> None:
    postings = heldout_search.postings()
    for posting in postings:
        assert 400 <= len(posting["description"]) <= 1_500, posting["job_id"]
        assert posting["remote"] in {"onsite", "hybrid", "remote"}
        text = html.unescape(posting["description"]).lower()
        assert posting["tags"] and all(tag in text for tag in posting["tags"]), posting["job_id"]
        if "salary_min" in posting:
            assert posting["salary_min"] <= posting["salary_max"]
            assert re.fullmatch(r"[A-Z]{3}", posting["salary_currency"])
    places = {(p["company"], p["title"], p["location"]) for p in postings}
    assert len(places) == len(postings), "two postings share company, title and place"


def test_query_ids_are_unique_and_every_graded_job_exists() -> None:
    queries = heldout_search.queries()
    job_ids = {p["job_id"] for p in heldout_search.postings()}
    assert len(queries) >= 120
    assert len({q["id"] for q in queries}) == len(queries)
    for query in queries:
        assert query["kind"] in KINDS and query["lang"] in {"en", "de", "es"}
        assert set(query["grades"]) <= job_ids, query["id"]
        assert set(query["grades"].values()) <= {1, 2}, query["id"]
        assert 2 in query["grades"].values(), f"{query['id']} has no fully relevant posting"


def test_identifier_queries_grade_exactly_the_postings_that_carry_the_identifier() -> None:
    texts = {
        p["job_id"]: f"{p['title']}\n{p['company']}\n{p['description']}".lower()
        for p in heldout_search.postings()
    }
    identifiers = [q for q in heldout_search.queries() if q["kind"] == "identifier"]
    assert len(identifiers) >= 15
    for query in identifiers:
        words = query["q"].split()
        needle = next((w for w in words if re.search(r"\d", w)), query["q"]).lower()
        carriers = {job_id for job_id, text in texts.items() if needle in text}
        assert 1 <= len(carriers) <= 2, query["id"]
        assert query["grades"] == dict.fromkeys(carriers, 2), query["id"]


def test_a_fresh_build_gives_the_same_set() -> None:
    before = (heldout_search.postings(), heldout_search.queries())
    heldout_search._build.cache_clear()
    heldout_search._graded.cache_clear()
    assert (heldout_search.postings(), heldout_search.queries()) == before
