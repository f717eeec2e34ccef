"""Postings to clusters: connected components of the pairwise rule, as a pure function of a
set of postings.

1. Postings with identical signals are one node (a thousand identical copies cost one).
2. Pairs are compared only within blocks that the rule needs anyway: the same company and
   title, or a shared LSH band key (scoped to the company and the city).
3. Linked pairs form raw components (union-find).
4. A raw component whose places are not all compatible (a posting without a place, or with
   a bare city name, matched postings of two places) is cut, without asking the order: the
   links between different places whose less specific end is of the component's least
   specific kind are dropped, and again until every component's places agree. So a posting
   without a place joins a job of one place, and never links two.
5. A cluster's id is derived from its members: a UUID (v5) of its smallest member
   (source, external_id). A raw component cut into several clusters carries a linkage id
   (likewise from its smallest member) on each, so the write path can find every posting
   whose cluster a change can move; it is None when the component is one cluster.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from worker.clusters.places import compatible, specificity
from worker.clusters.rule import links
from worker.clusters.signature import Signals

Identity = tuple[str, str]
_NAMESPACE = uuid.UUID("6a6f6269-6e67-4573-a763-6c7573746572")


@dataclass(frozen=True, slots=True)
class Assignment:
    cluster_id: str
    linkage_id: str | None = None


def member_id(members: Iterable[Identity], kind: str = "cluster") -> str:
    source, external_id = min(members)
    return str(uuid.uuid5(_NAMESPACE, f"{kind}\x1f{source}\x1f{external_id}"))


def alone(identity: Identity) -> Assignment:
    """The cluster of a posting that links to nothing (or has no signals)."""
    return Assignment(member_id([identity]))


class _Components:
    """Union-find over node indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self, nodes: Iterable[int]) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for i in nodes:
            found.setdefault(self.find(i), []).append(i)
        return list(found.values())


def _blocks(nodes: list[Signals]) -> list[list[int]]:
    """Node indexes sharing a company and title, or a band key."""
    blocks: dict[object, list[int]] = {}
    for i, node in enumerate(nodes):
        if not node.company:
            continue
        blocks.setdefault((node.company, node.title), []).append(i)
        for band in node.bands:
            blocks.setdefault(band, []).append(i)
    return [b for b in blocks.values() if len(b) > 1]


def _edges(nodes: list[Signals]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for block in _blocks(nodes):
        for n, i in enumerate(block):
            rest = [j for j in block[n + 1 :] if (min(i, j), max(i, j)) not in pairs]
            for j, ok in zip(rest, links(nodes[i], [nodes[j] for j in rest]), strict=True):
                if ok:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def _agree(places: Iterable[str]) -> bool:
    distinct = sorted(set(places))
    return all(compatible(a, b) for n, a in enumerate(distinct) for b in distinct[n + 1 :])


def _settle(members: list[int], edges: set[tuple[int, int]], places: list[str]) -> list[list[int]]:
    """Cut a raw component until each part's places agree (step 4 of the module doc)."""
    inside = set(members)
    kept = {e for e in edges if e[0] in inside}
    while True:
        parts = _Components(len(places))
        for i, j in kept:
            parts.union(i, j)
        groups = parts.groups(members)
        conflicted = [g for g in groups if not _agree(places[i] for i in g)]
        if not conflicted:
            return groups
        for group in conflicted:
            within = set(group)
            least = min(specificity(places[i]) for i in group)
            cut = {
                (i, j)
                for i, j in kept
                if i in within
                and places[i] != places[j]
                and min(specificity(places[i]), specificity(places[j])) == least
            }
            if not cut:  # never expected: then no link between different places stays
                cut = {(i, j) for i, j in kept if i in within and places[i] != places[j]}
            kept -= cut


def partition(postings: Mapping[Identity, Signals]) -> dict[Identity, Assignment]:
    """The cluster of each posting (see the module doc)."""
    by_signals: dict[Signals | Identity, list[Identity]] = {}
    for identity in sorted(postings):
        found = postings[identity]
        by_signals.setdefault(found if found.company else identity, []).append(identity)
    groups = list(by_signals.values())
    nodes = [postings[g[0]] for g in groups]
    edges = _edges(nodes)
    raw = _Components(len(nodes))
    for i, j in edges:
        raw.union(i, j)
    out: dict[Identity, Assignment] = {}
    places = [n.place for n in nodes]
    for component in raw.groups(range(len(nodes))):
        everyone = [identity for i in component for identity in groups[i]]
        clusters = [component]
        if not _agree(places[i] for i in component):
            clusters = _settle(component, edges, places)
        linkage = member_id(everyone, "linkage") if len(clusters) > 1 else None
        for cluster in clusters:
            members = [identity for i in cluster for identity in groups[i]]
            assignment = Assignment(member_id(members), linkage)
            for identity in members:
                out[identity] = assignment
    return out
