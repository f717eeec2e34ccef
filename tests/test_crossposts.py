"""The labelled cross-posting set: every event valid under the contract, over 3,000 active
postings, every variation and hard-negative class present, labels that agree with the events
they describe; and the pairwise scorer on a hand-made example."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest

from devtools.bench.crossposts import (
    NEGATIVES,
    VARIATIONS,
    CrosspostSet,
    NegativePair,
    PostingLabel,
    generate,
)
from devtools.bench.crossposts_score import score
from schemas import JobPosted, JobRemoved, parse_event

ELLIPSES = ("… Show more", "...", "… more")


@pytest.fixture(scope="module")
def dataset() -> CrosspostSet:
    return generate()


def _id(event: dict[str, Any]) -> str:
    return f"{event['source']}:{event['job']['external_id']}"


def _posted(dataset: CrosspostSet) -> dict[str, dict[str, Any]]:
    return {_id(e): e["job"] for e in dataset.events if e["type"] == "job.posted"}


def test_every_event_is_valid_under_the_contract(dataset: CrosspostSet) -> None:
    posted: list[str] = []
    removed: list[str] = []
    for event in dataset.events:
        parsed = parse_event(json.dumps(event, ensure_ascii=False))
        assert isinstance(parsed, JobPosted | JobRemoved)
        (posted if isinstance(parsed, JobPosted) else removed).append(parsed.kafka_key)
    assert len(set(posted)) == len(posted) == len(dataset.postings)
    assert set(posted) == set(dataset.postings)
    assert sorted(removed) == sorted(p.job_id for p in dataset.postings.values() if not p.active)
    assert len({e["event_id"] for e in dataset.events}) == len(dataset.events)
    assert len({e["idempotency_key"] for e in dataset.events}) == len(dataset.events)


def test_the_stream_runs_in_time_and_reposts_follow_the_removals(dataset: CrosspostSet) -> None:
    times = [datetime.fromisoformat(e["occurred_at"]) for e in dataset.events]
    assert times == sorted(times)
    at: dict[tuple[str, str], datetime] = {}
    for event, when in zip(dataset.events, times, strict=True):
        at[(event["type"], _id(event))] = when
    for label in dataset.postings.values():
        if not label.active:
            assert at[("job.posted", label.job_id)] < at[("job.removed", label.job_id)]
    reposts = [p for p in dataset.negative_pairs if p.kind == "repost_after_removal"]
    assert reposts
    for pair in reposts:
        old, new = dataset.postings[pair.a], dataset.postings[pair.b]
        assert not old.active and new.active and old.job_key != new.job_key
        assert at[("job.removed", old.job_id)] < at[("job.posted", new.job_id)]


def test_the_default_set_has_over_3000_active_postings(dataset: CrosspostSet) -> None:
    summary = dataset.summary()
    assert summary["active_postings"] == len(dataset.active()) >= 3000
    assert summary["jobs"] == 1200
    assert summary["true_pairs"] == len(dataset.true_pairs()) > 3000
    assert len(dataset.posted_events()) == summary["active_postings"]


@pytest.mark.parametrize("name", VARIATIONS)
def test_every_variation_class_is_present(dataset: CrosspostSet, name: str) -> None:
    counts = dataset.summary()["variations"][name]
    assert counts["postings"] >= 40, counts
    assert counts["true_pairs"] >= 100, counts


@pytest.mark.parametrize("name", NEGATIVES)
def test_every_hard_negative_class_is_present(dataset: CrosspostSet, name: str) -> None:
    counts = dataset.summary()["negatives"][name]
    assert counts["pairs"] >= 80, counts
    assert counts["postings"] >= 80, counts


def test_labels_are_consistent(dataset: CrosspostSet) -> None:
    by_key: dict[str, list[PostingLabel]] = defaultdict(list)
    for job_id, label in dataset.postings.items():
        assert job_id == label.job_id == f"{label.source}:{job_id.split(':', 1)[1]}"
        assert set(label.variations) <= set(VARIATIONS)
        assert set(label.negatives) <= set(NEGATIVES)
        assert not (label.canonical and label.variations)
        by_key[label.job_key].append(label)
    for labels in by_key.values():
        assert sum(label.canonical for label in labels) <= 1
        assert len({label.active for label in labels}) == 1  # a reposted job is a new job_key
    for pair in dataset.negative_pairs:
        a, b = dataset.postings[pair.a], dataset.postings[pair.b]
        assert a.job_key != b.job_key
        assert pair.kind in a.negatives and pair.kind in b.negatives
    for a, b in dataset.true_pairs():
        assert a < b
        left, right = dataset.postings[a], dataset.postings[b]
        assert left.job_key == right.job_key and left.active and right.active


def _is_html(text: str) -> bool:
    return text.startswith("<") and text.endswith(">")


def test_variation_labels_say_exactly_what_differs(dataset: CrosspostSet) -> None:
    """Against the employer's own posting: an unlabelled part is unchanged, a labelled one is
    changed the way its class says."""
    jobs = _posted(dataset)
    canon = {p.job_key: jobs[p.job_id] for p in dataset.postings.values() if p.canonical}
    checked = 0
    for label in dataset.postings.values():
        if label.canonical or label.job_key not in canon:
            continue
        own, copy, names = canon[label.job_key], jobs[label.job_id], set(label.variations)
        checked += 1
        if not names & {v for v in VARIATIONS if v.startswith("place_")}:
            assert copy.get("location") == own.get("location")
        elif "place_dropped" in names:
            assert "location" not in copy
        else:
            assert copy["location"] != own["location"]
        if not names & {v for v in VARIATIONS if v.startswith("company_")}:
            assert copy["company"] == own["company"]
        else:
            assert copy["company"] != own["company"]
        if not names & {v for v in VARIATIONS if v.startswith("title_")}:
            assert copy["title"] == own["title"]
        else:
            assert copy["title"] != own["title"]
        if not names & {v for v in VARIATIONS if v.startswith("desc_")} | {"salary_restated"}:
            assert copy["description"] == own["description"]
        if "desc_truncated" in names:
            assert copy["description"].endswith(ELLIPSES)
            assert len(copy["description"]) <= 1000 + max(map(len, ELLIPSES))
        if "desc_invisible_chars" in names:
            assert "\u200b" in copy["description"] or "\u00ad" in copy["description"]
        else:
            assert "\u200b" not in copy["description"] and "\u00ad" not in copy["description"]
        if "desc_format" in names:
            assert _is_html(copy["description"]) != _is_html(own["description"])
        salary = ("salary_min", "salary_max", "salary_currency", "salary_period")
        if not names & {"fields_dropped", "salary_restated"}:
            assert [copy.get(k) for k in salary] == [own.get(k) for k in salary]
            assert copy.get("employment_type") == own.get("employment_type")
            assert copy.get("remote") == own.get("remote")
        gap = abs(
            datetime.fromisoformat(copy["posted_at"]) - datetime.fromisoformat(own["posted_at"])
        )
        assert (gap >= timedelta(days=2)) == ("posted_apart" in names)
    assert checked > 1500


def test_an_aggregator_copy_is_a_true_copy_of_exactly_one_city(dataset: CrosspostSet) -> None:
    jobs = _posted(dataset)
    by_key: dict[str, list[str]] = defaultdict(list)
    for label in dataset.postings.values():
        by_key[label.job_key].append(label.job_id)
    copies = {p.a for p in dataset.negative_pairs if p.kind == "aggregator_multi_city"}
    assert len(copies) >= 10
    for job_id in copies:
        label = dataset.postings[job_id]
        assert "place_dropped" in label.variations and "location" not in jobs[job_id]
        placed = [j for j in by_key[label.job_key] if "location" in jobs[j]]
        assert placed  # its own city's postings are its true copies
        others = [p.b for p in dataset.negative_pairs if p.a == job_id]
        cities = {dataset.postings[o].job_key for o in others}
        assert len(cities) >= 2 and label.job_key not in cities
        assert all("location" in jobs[o] for o in others)


def test_the_set_depends_only_on_the_seed() -> None:
    first, again, other = generate(3, 200), generate(3, 200), generate(4, 200)
    assert first.events == again.events and first.postings == again.postings
    assert first.negative_pairs == again.negative_pairs
    assert first.events != other.events


def _label(
    job_id: str, key: str, variations: tuple[str, ...] = (), active: bool = True
) -> PostingLabel:
    return PostingLabel(job_id, key, "linkedin", "linkedin", active, False, variations, ())


def _hand_made() -> CrosspostSet:
    labels = [
        _label("a1", "a"),
        _label("a2", "a", ("place_metro",)),
        _label("a3", "a", ("title_suffix",)),
        _label("b1", "b"),
        _label("b2", "b", ("desc_truncated",)),
        _label("c1", "c"),
        _label("r0", "r0", active=False),
        _label("r1", "r1"),
    ]
    pairs = (
        NegativePair("a1", "b1", "same_title_other_city"),
        NegativePair("a2", "b2", "same_title_other_city"),
        NegativePair("r0", "r1", "repost_after_removal"),
        NegativePair("c1", "a1", "trivial_description"),
    )
    return CrosspostSet(0, (), {label.job_id: label for label in labels}, pairs)


def test_score_counts_pairs_by_hand() -> None:
    pred = {"a1": "1", "a2": "1", "a3": "2", "b1": "1", "b2": "3", "c1": "4", "r0": "5", "r1": "5"}
    result = score(pred, _hand_made())
    assert result["postings"] == 7 and result["missing"] == 0
    assert result["predicted_pairs"] == 3  # a1-a2, a1-b1, a2-b1 (r0 is no longer active)
    assert result["correct_pairs"] == 1
    assert result["true_pairs"] == 4  # a1-a2, a1-a3, a2-a3, b1-b2
    assert result["precision"] == pytest.approx(1 / 3)
    assert result["recall"] == pytest.approx(1 / 4)
    by_class = result["recall_by_variation"]
    assert by_class["place_metro"] == {"pairs": 2, "found": 1, "recall": 0.5}
    assert by_class["title_suffix"] == {"pairs": 2, "found": 0, "recall": 0.0}
    assert by_class["desc_truncated"] == {"pairs": 1, "found": 0, "recall": 0.0}
    assert by_class["exact"]["pairs"] == 0 and by_class["exact"]["recall"] is None
    merges = result["false_merge_by_negative"]
    assert merges["same_title_other_city"] == {"pairs": 2, "merged": 1, "unscored": 0, "rate": 0.5}
    assert merges["repost_after_removal"]["rate"] == 1.0
    assert merges["trivial_description"]["rate"] == 0.0


def test_score_treats_an_unpredicted_posting_as_alone() -> None:
    pred = {"a1": "1", "a2": "1", "a3": "1", "b1": "2", "b2": "2", "r1": "5"}
    result = score(pred, _hand_made())
    assert result["missing"] == 1
    assert result["precision"] == 1.0 and result["recall"] == 1.0
    assert result["false_merge_by_negative"]["trivial_description"]["unscored"] == 1
    assert result["false_merge_by_negative"]["repost_after_removal"]["unscored"] == 1


def test_score_of_the_truth_and_of_one_big_cluster() -> None:
    data = generate(5, 200)
    truth = score({p.job_id: p.job_key for p in data.postings.values()}, data)
    assert truth["precision"] == truth["recall"] == 1.0
    assert all(row["rate"] == 0.0 for row in truth["false_merge_by_negative"].values())
    lumped = score({p.job_id: "all" for p in data.postings.values()}, data)
    assert lumped["recall"] == 1.0 and lumped["precision"] < 0.01
    assert all(row["rate"] == 1.0 for row in lumped["false_merge_by_negative"].values())
