"""A labelled, seeded set of job cross-postings: one job posted on many boards, rewritten the
way boards rewrite postings, beside hard negatives that look alike but are different jobs.

``generate(seed, jobs)`` returns a :class:`CrosspostSet`: the event stream (valid contract
``job.posted`` and ``job.removed`` events, in ``occurred_at`` order) and, per posting, its
labels. Postings with the same ``job_key`` are copies of one real job; a ``job_key`` never
spans two real jobs (a job removed and later posted again is two jobs). Each copy names the
variation classes that tell it from the employer's own version (``VARIATIONS``); hard-negative
pairs name their class (``NEGATIVES``). Standard library only; the tables live in
``devtools.bench.crossposting``.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from devtools.bench.crossposting.labels import NEGATIVES, NegativePair, PostingLabel
from devtools.bench.crossposting.rewrite import VARIATIONS
from devtools.bench.crossposting.scenarios import build

__all__ = [
    "NEGATIVES",
    "VARIATIONS",
    "CrosspostSet",
    "NegativePair",
    "PostingLabel",
    "generate",
    "summary",
]


@dataclass(frozen=True)
class CrosspostSet:
    seed: int
    events: tuple[dict[str, Any], ...]  # the stream, in occurred_at order
    postings: dict[str, PostingLabel]  # job_id ("source:external_id") -> labels
    negative_pairs: tuple[NegativePair, ...]

    def active(self) -> list[PostingLabel]:
        return [label for label in self.postings.values() if label.active]

    def posted_events(self, active_only: bool = True) -> list[dict[str, Any]]:
        """The job.posted events, in stream order (by default of postings still active)."""
        return [
            event
            for event in self.events
            if event["type"] == "job.posted"
            and (not active_only or self.postings[job_id(event)].active)
        ]

    def true_pairs(self) -> set[tuple[str, str]]:
        """Pairs (sorted job_ids) of active postings that are copies of one real job."""
        by_key: dict[str, list[str]] = defaultdict(list)
        for label in self.active():
            by_key[label.job_key].append(label.job_id)
        return {
            (a, b) if a < b else (b, a)
            for ids in by_key.values()
            for a, b in itertools.combinations(ids, 2)
        }

    def summary(self) -> dict[str, Any]:
        """Counts of postings, pairs, variation classes and hard-negative classes."""
        active = self.active()
        pairs = self.true_pairs()
        per_posting = {label.job_id: label.variations for label in active}
        variation_postings = Counter(v for label in active for v in label.variations)
        variation_pairs: Counter[str] = Counter()
        for a, b in pairs:
            variation_pairs.update(set(per_posting[a]) | set(per_posting[b]))
        negative_pairs = Counter(pair.kind for pair in self.negative_pairs)
        negative_postings = Counter(n for label in self.postings.values() for n in label.negatives)
        return {
            "seed": self.seed,
            "jobs": len({label.job_key for label in self.postings.values()}),
            "postings": len(self.postings),
            "active_postings": len(active),
            "removal_events": sum(1 for e in self.events if e["type"] == "job.removed"),
            "true_pairs": len(pairs),
            "variations": {
                name: {"postings": variation_postings[name], "true_pairs": variation_pairs[name]}
                for name in VARIATIONS
            },
            "negatives": {
                name: {"postings": negative_postings[name], "pairs": negative_pairs[name]}
                for name in NEGATIVES
            },
        }


def job_id(event: dict[str, Any]) -> str:
    return f"{event['source']}:{event['job']['external_id']}"


def generate(seed: int = 7, jobs: int = 1200) -> CrosspostSet:
    """The set for a seed: ``jobs`` real jobs (over 3,000 active postings at the default)."""
    built = build(seed, jobs)
    return CrosspostSet(
        seed=seed,
        events=tuple(built.events),
        postings=built.labels,
        negative_pairs=tuple(built.negative_pairs),
    )


def summary(seed: int = 7, jobs: int = 1200) -> dict[str, Any]:
    return generate(seed, jobs).summary()
