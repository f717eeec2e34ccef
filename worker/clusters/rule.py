"""The pairwise rule: are two postings the same job? A pure function of the two postings'
signals (:class:`worker.clusters.signature.Signals`), so the clusters built from it depend
only on the set of postings.

Two postings are linked when all of these hold:

  * the same company (normalised, not empty);
  * compatible places (every part both know is equal: :func:`worker.clusters.places.compatible`);
  * evidence from the text:
      - both texts too short to compare ("TBD", an empty paragraph): only the same title
        links them; a posting with text and one without are never linked;
      - the same title: the shorter text's share found in the longer (containment,
        estimated from the signatures) >= SAME_TITLE_CONTAINMENT: high, because postings of
        different jobs built on one template differ in a sentence or two, while a copy,
        truncated or rewrapped, keeps what it shows;
      - different but similar titles (half their words, no level between them,
        :func:`worker.clusters.titles.similar`): the same city, a shared LSH band and
        containment >= SIMILAR_TITLE_CONTAINMENT;
      - other titles: never.

What a pair alone cannot see (a posting of an unknown or partial place that matches postings
of two places) is the partition's to settle (:mod:`worker.clusters.partition`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from worker.clusters.places import city_of, compatible
from worker.clusters.signature import NUM_PERM, Signals
from worker.clusters.titles import similar

SAME_TITLE_CONTAINMENT = 0.95
SIMILAR_TITLE_CONTAINMENT = 0.92


def containment(agreeing: int, shingles_a: int, shingles_b: int) -> float:
    """The estimated share of the smaller shingle set found in the larger, from the number of
    agreeing signature values (MinHash estimates Jaccard similarity J; the intersection is
    J / (1 + J) of the two sizes' sum)."""
    jaccard = agreeing / NUM_PERM
    shared = jaccard * (shingles_a + shingles_b) / (1 + jaccard)
    return min(1.0, shared / max(1, min(shingles_a, shingles_b)))


def _bar(me: Signals, other: Signals) -> float | bool:
    """What the pair needs: a containment bar, or the answer when the text cannot decide."""
    if not me.company or me.company != other.company or not compatible(me.place, other.place):
        return False
    if not (me.has_text and other.has_text):
        return not me.has_text and not other.has_text and me.title == other.title
    if me.title == other.title:
        return SAME_TITLE_CONTAINMENT
    if (
        city_of(me.place) == city_of(other.place)
        and similar(me.title, other.title)
        and not set(me.bands).isdisjoint(other.bands)
    ):
        return SIMILAR_TITLE_CONTAINMENT
    return False


def links(me: Signals, others: Sequence[Signals]) -> list[bool]:
    """The rule for ``me`` and each of ``others``: the cheap signals first, then the
    signatures of the pairs that need them, compared in one array operation."""
    out = [False] * len(others)
    bars: list[tuple[int, float]] = []
    for i, other in enumerate(others):
        bar = _bar(me, other)
        if isinstance(bar, bool):
            out[i] = bar
        else:
            bars.append((i, bar))
    if bars:
        mine = np.frombuffer(me.minhash, "<u4")
        theirs = np.frombuffer(b"".join(others[i].minhash for i, _ in bars), "<u4")
        agreeing = (theirs.reshape(len(bars), NUM_PERM) == mine).sum(axis=1).tolist()
        for (i, bar), count in zip(bars, agreeing, strict=True):
            out[i] = containment(count, me.shingles, others[i].shingles) >= bar
    return out


def linked(a: Signals, b: Signals) -> bool:
    return links(a, [b])[0]
