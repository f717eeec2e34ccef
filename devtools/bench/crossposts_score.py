"""Scores predicted duplicate clusters against the cross-posting labels, pair by pair.

``score(pred, labels)`` takes a cluster id per posting (``job_id`` = ``"source:external_id"``)
and reports, over the active postings, pairwise precision and recall (a posting without a
prediction is a cluster of its own), recall per variation class (a true pair counts toward
the classes of either member; ``"exact"`` when neither was rewritten), and per hard-negative
class the share of its pairs predicted as one cluster (pairs with a member not predicted are
counted as unscored; the removed originals of reposts may be predicted too).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from devtools.bench.crossposting.labels import NEGATIVES, NegativePair, PostingLabel
from devtools.bench.crossposting.rewrite import VARIATIONS


class Labelled(Protocol):
    @property
    def postings(self) -> Mapping[str, PostingLabel]: ...

    @property
    def negative_pairs(self) -> Sequence[NegativePair]: ...


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def score(pred: dict[str, str], labels: Labelled) -> dict[str, Any]:
    active = [label for label in labels.postings.values() if label.active]
    cluster = {label.job_id: pred.get(label.job_id) for label in active}
    sizes = Counter(c for c in cluster.values() if c is not None)
    cells = Counter(
        (cluster[label.job_id], label.job_key) for label in active if cluster[label.job_id]
    )
    by_key: dict[str, list[PostingLabel]] = defaultdict(list)
    for label in active:
        by_key[label.job_key].append(label)
    predicted_pairs = sum(_pairs(n) for n in sizes.values())
    correct = sum(_pairs(n) for n in cells.values())
    true_pairs = sum(_pairs(len(group)) for group in by_key.values())
    precision = _ratio(correct, predicted_pairs)
    recall = _ratio(correct, true_pairs)
    f1 = None
    if precision is not None and recall is not None and precision + recall:
        f1 = 2 * precision * recall / (precision + recall)

    classes = ("exact", *VARIATIONS)
    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for group in by_key.values():
        for a, b in itertools.combinations(group, 2):
            names = set(a.variations) | set(b.variations) or {"exact"}
            hit = cluster[a.job_id] is not None and cluster[a.job_id] == cluster[b.job_id]
            totals.update(names)
            if hit:
                found.update(names)

    negatives: dict[str, dict[str, Any]] = {
        name: {"pairs": 0, "merged": 0, "unscored": 0} for name in NEGATIVES
    }
    for pair in labels.negative_pairs:
        row = negatives.setdefault(pair.kind, {"pairs": 0, "merged": 0, "unscored": 0})
        left, right = pred.get(pair.a), pred.get(pair.b)
        if left is None or right is None:
            row["unscored"] += 1
            continue
        row["pairs"] += 1
        row["merged"] += int(left == right)
    for row in negatives.values():
        row["rate"] = _ratio(row["merged"], row["pairs"])

    return {
        "postings": len(active),
        "missing": sum(1 for c in cluster.values() if c is None),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "correct_pairs": correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_by_variation": {
            name: {
                "pairs": totals[name],
                "found": found[name],
                "recall": _ratio(found[name], totals[name]),
            }
            for name in classes
        },
        "false_merge_by_negative": negatives,
    }
