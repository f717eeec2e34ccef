"""The cluster decision for one write transaction: which cluster each posting of the batch
belongs to, and which stored postings move because of it.

Inside the batch's transaction, before its rows are written (:mod:`worker.write` hands the
result to the store):

1. lock the companies of the batch (writers of one company take turns);
2. read the batch's stored versions; a posting is *changed* when it is new, its signals
   changed, it had no cluster, or it is being removed;
3. read every stored posting a changed posting could link to (:func:`candidates.candidates`,
   complete), and keep those the rule links;
4. read whole every cluster and linkage those and the changed postings' stored versions
   belong to: the only components the batch can alter (a link between two unchanged
   postings was there before, so both are already in one of them);
5. partition that set afresh (:func:`worker.clusters.partition.partition`).

So the clusters are the connected components of the rule over the active postings, whatever
the order they came in: a posting that linked two groups and is removed or changed
separates them again, and a replay or a fresh load gives the same clusters and ids. What a
batch reads and recomputes is bounded by the components it touches, not by the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from worker.clusters.candidates import (
    StoredPosting,
    candidates,
    lock_companies,
    members,
    stored_postings,
)
from worker.clusters.partition import Assignment, Identity, alone, partition
from worker.clusters.rule import links
from worker.clusters.signature import Signals
from worker.pg import Conn


class Clusterable(Protocol):
    """A row about to be written, as the decision needs it (a :class:`worker.rows.JobRow`)."""

    @property
    def identity(self) -> Identity: ...
    @property
    def deleted_at(self) -> datetime | None: ...
    @property
    def company_key(self) -> str | None: ...
    @property
    def signals(self) -> Signals | None: ...


@dataclass(slots=True)
class Decision:
    """Each active batch row's cluster, and stored postings whose cluster changes."""

    rows: dict[Identity, Assignment] = field(default_factory=dict)
    moved: list[tuple[Identity, Assignment]] = field(default_factory=list)


def _assignment(posting: StoredPosting | None) -> Assignment | None:
    if posting is None or posting.cluster_id is None:
        return None
    return Assignment(posting.cluster_id, posting.linkage_id)


def changed(row: Clusterable, stored: StoredPosting | None) -> bool:
    """Whether a written row can alter clusters (an unchanged rewrite keeps its cluster)."""
    return stored is None or stored.cluster_id is None or stored.signals != row.signals


def linked_candidates(
    seeds: dict[Identity, Signals], found: dict[Identity, list[StoredPosting]]
) -> list[StoredPosting]:
    """The stored postings the rule links to a seed (a posting of the batch rewritten with the
    same signals among them: its cluster is touched too). Postings with identical signals (a
    thousand copies of one text) are compared once."""
    out: dict[Identity, StoredPosting] = {}
    for identity, mine in seeds.items():
        alike: dict[Signals, list[StoredPosting]] = {}
        for p in found.get(identity, []):
            if p.identity != identity and p.signals is not None:
                alike.setdefault(p.signals, []).append(p)
        kinds = list(alike)
        for kind, ok in zip(kinds, links(mine, kinds), strict=True):
            if ok:
                out.update((p.identity, p) for p in alike[kind])
    return list(out.values())


def recompute(
    batch: dict[Identity, Clusterable],
    stored: dict[Identity, StoredPosting],
    touched: dict[Identity, StoredPosting],
    changes: set[Identity],
) -> Decision:
    """The pure half: partition the touched postings with the batch's, and say what moved
    (the batch's removals are written without a cluster)."""
    active = {i: r for i, r in batch.items() if r.deleted_at is None}
    nodes: dict[Identity, Signals] = {}
    for identity, posting in touched.items():
        if identity not in batch and posting.signals is not None:
            nodes[identity] = posting.signals
    for identity, row in active.items():
        found = row.signals
        if found is not None and (identity in changes or identity in touched):
            nodes[identity] = found
    result = partition(nodes)
    decision = Decision()
    for identity in active:
        decision.rows[identity] = (
            result.get(identity) or _assignment(stored.get(identity)) or alone(identity)
        )
    for identity, posting in sorted(touched.items()):
        if identity in batch:
            continue
        now = result.get(identity) or alone(identity)
        if now != _assignment(posting):
            decision.moved.append((identity, now))
    return decision


async def decide(conn: Conn, rows: Sequence[Clusterable]) -> Decision:
    """The decision for ``rows`` about to be written (see the module doc)."""
    batch = {row.identity: row for row in rows}
    active = {i: r for i, r in sorted(batch.items()) if r.deleted_at is None}
    companies = {r.company_key for r in active.values() if r.company_key}
    await lock_companies(conn, companies)
    stored = await stored_postings(conn, list(batch))
    later = {p.signals.company for p in stored.values() if p.signals} - companies
    await lock_companies(conn, later)  # a posting that changed company: its old one too
    changes = {i for i, row in active.items() if changed(row, stored.get(i))}
    changes |= {i for i in batch if i not in active and i in stored}
    if not changes:
        return recompute(batch, stored, {}, changes)
    seeds = {i: s for i in changes if i in active and (s := active[i].signals) is not None}
    linked = linked_candidates(seeds, await candidates(conn, seeds))
    involved = [stored[i] for i in sorted(changes) if i in stored] + linked
    touched = await members(
        conn,
        {p.cluster_id for p in involved if p.cluster_id},
        {p.linkage_id for p in involved if p.linkage_id},
    )
    return recompute(batch, stored, touched, changes)
