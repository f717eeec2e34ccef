"""Cluster assignment in PostgreSQL: every active job in exactly one cluster of the same job.

Decided inside the batch's write transaction, before the upsert, which writes each row with
its cluster (one row version, one set of index entries). Workers that write postings of one company at the same moment serialise on a
transaction-scoped advisory lock per normalised company (taken in sorted order: no
deadlock); each then reads what the other committed, so copies arriving on different
partitions converge to one cluster. The decision itself is :mod:`worker.dedupe`.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from worker.dedupe import (
    MAX_CANDIDATES,
    Features,
    Member,
    choose_cluster,
    locations_compatible,
    probe_bands,
    similar_titles,
)
from worker.store import MIGRATION_LOCK, Conn

BAND_ROWS = 8  # rows read per LSH band key: a key shared by more is boilerplate, not a copy
TITLE_ROWS = 8  # rows read per (company, title, place), the newest

_COLUMNS = ("source, external_id, company_key, title_key, location_key, minhash, lsh_bands, "
            "cluster_id::text AS cluster_id")  # fmt: skip

CLUSTER_LOCK_CLASS = MIGRATION_LOCK & 0x7FFFFFFF  # first key of the two-key advisory locks


def _stored(record: Any) -> Member:
    """A row read with ``_COLUMNS``, as the rule sees it (positional: read per candidate)."""
    source, external_id, company, title, place, minhash, bands, cluster_id = record
    features = Features(company, title or "", place or "", minhash or b"", bands or [])
    return Member((source, external_id), features, cluster_id)


class Clusterable(Protocol):
    """A written row as the assignment needs it (a JobRow, or a stored row in backfill)."""

    source: str
    external_id: str
    deleted_at: datetime | None
    company_key: str | None
    title_key: str | None
    location_key: str | None
    minhash: bytes | None
    lsh_bands: list[int] | None


async def decide_clusters(
    conn: Conn, rows: Sequence[Clusterable]
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """For each active row as it is about to be written: (its cluster, its stored cluster).

    Takes the per-company locks (held to the end of the transaction), reads the candidates
    and decides; the caller writes the clusters with the rows. A row without signals (no
    company, no text) keeps its cluster or starts its own."""
    batch = {(r.source, r.external_id): r for r in rows}
    active = sorted(
        (r for r in rows if r.deleted_at is None), key=lambda r: (r.source, r.external_id)
    )
    if not active:
        return {}
    signalled = [r for r in active if r.company_key and r.minhash]
    companies = sorted({r.company_key for r in signalled if r.company_key})
    await conn.execute(  # in the companies' order, one round trip
        "SELECT pg_advisory_xact_lock($1, hashtext(c.key)) "
        "FROM unnest($2::text[]) WITH ORDINALITY AS c(key, n) ORDER BY c.n",
        CLUSTER_LOCK_CLASS,
        companies,
    )
    # Candidates: same company, a compatible place (equal, or either unknown), and the same
    # title or a shared LSH band. Each probe is one bounded index scan that reads only rows
    # of a compatible place: titles by (company, title, place), newest first; bands by keys
    # that name the place. What a probe costs does not grow with the table. Postings without
    # a place are looked for only in companies that have some (a small partial index).
    unplaced = {r.company_key for r in signalled if not r.location_key}
    if others := sorted(set(companies) - unplaced):
        unplaced |= {c for (c,) in await conn.fetch(
            "SELECT DISTINCT company_key FROM jobs WHERE company_key = ANY($1::text[]) "
            "AND location_key = '' AND deleted_at IS NULL", others)}  # fmt: skip
    probes = {(r.source, r.external_id): probe_bands(_features(r), r.company_key in unplaced)
              for r in signalled}  # fmt: skip
    placed = sorted({(r.company_key or "", r.title_key or "", place)
                     for r in signalled if r.location_key
                     for place in ((r.location_key, "") if r.company_key in unplaced
                                   else (r.location_key,))})  # fmt: skip
    placeless = sorted({(r.company_key or "", r.title_key or "") for r in signalled
                        if not r.location_key})  # fmt: skip
    found = await conn.fetch(
        f"""
        SELECT j.* FROM unnest($1::text[], $2::text[]) AS o(source, external_id)
        CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM jobs
            WHERE source = o.source AND external_id = o.external_id AND deleted_at IS NULL) AS j
        UNION ALL
        SELECT j.* FROM unnest($3::text[], $4::text[], $5::text[]) AS p(company_key, title_key, place)
        CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM jobs
            WHERE company_key = p.company_key AND title_key = p.title_key
              AND location_key = p.place AND deleted_at IS NULL
            ORDER BY last_event_at DESC LIMIT $8) AS j
        UNION ALL
        SELECT j.* FROM unnest($6::text[], $7::text[]) AS p(company_key, title_key)
        CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM jobs
            WHERE company_key = p.company_key AND title_key = p.title_key
              AND deleted_at IS NULL LIMIT $8) AS j
        """,
        [r.source for r in active],
        [r.external_id for r in active],
        [company for company, _, _ in placed],
        [title for _, title, _ in placed],
        [place for _, _, place in placed],
        [company for company, _ in placeless],
        [title for _, title in placeless],
        TITLE_ROWS,
    )
    # Rows sharing a band are named first (identity and title); only those whose title the
    # rule could accept are read in full. Most rows of a company and place that share a band
    # hold another job's title (templated text): the rule would reject every one of them.
    titles: defaultdict[int, set[str]] = defaultdict(set)
    for r in signalled:
        for band in probes[(r.source, r.external_id)]:
            titles[band].add(r.title_key or "")
    named = await conn.fetch(
        """
        SELECT k.band, j.source, j.external_id, j.title_key FROM unnest($1::bigint[]) AS k(band)
        CROSS JOIN LATERAL (SELECT source, external_id, title_key FROM jobs
            WHERE lsh_bands @> ARRAY[k.band] AND deleted_at IS NULL LIMIT $2) AS j
        """,
        sorted(titles),
        BAND_ROWS,
    )
    have = {(f[0], f[1]) for f in found}
    to_read = set()
    for band, source, external_id, title in named:
        if (source, external_id) not in have:
            mine = titles[band]
            if title in mine or any(similar_titles(title or "", t) for t in mine):
                to_read.add((source, external_id))
    if to_read:
        found += await conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM jobs JOIN unnest($1::text[], $2::text[]) AS w(source, external_id)
                USING (source, external_id)
            WHERE deleted_at IS NULL
            """,
            [source for source, _ in to_read],
            [external_id for _, external_id in to_read],
        )
    stored: dict[tuple[str, str], Member] = {}
    for f in found:
        member = _stored(f)
        stored.setdefault(member.identity, member)
    return plan_clusters(stored, batch, active, probes)


def plan_clusters(
    stored: dict[tuple[str, str], Member],
    batch: dict[tuple[str, str], Clusterable],
    active: Sequence[Clusterable],
    probes: dict[tuple[str, str], list[int]],
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """The decision, over data: ``stored`` are the active rows read from the table (the
    batch's own stored versions among them), ``batch`` every row being written (removals
    included), ``active`` its active rows in a fixed order, ``probes`` the band keys each
    active row with signals looks up (:func:`worker.dedupe.probe_bands`)."""
    pool: dict[tuple[str, str], Member] = {}
    for identity, member in stored.items():
        row = batch.get(identity)
        if row is None:
            pool[identity] = member
        elif row.deleted_at is None:  # about to be rewritten: its new signals, its cluster
            pool[identity] = Member(identity, _features(row), member.cluster_id)
    by_title: dict[tuple[str, str], list[tuple[str, str]]] = {}
    by_band: dict[int, list[tuple[str, str]]] = {}
    wanted = {band for keys in probes.values() for band in keys}  # the only ones looked up

    def index(member: Member) -> None:
        key = (member.features.company_key, member.features.title_key)
        by_title.setdefault(key, []).append(member.identity)
        for band in wanted.intersection(member.features.lsh_bands):
            by_band.setdefault(band, []).append(member.identity)

    def candidates(me: Member) -> list[Member]:
        """Same title first, then postings sharing LSH bands; at most MAX_CANDIDATES, all of
        a compatible place (the same title in other cities never fills the places)."""
        picked: dict[tuple[str, str], None] = {}
        place = me.features.location_key
        groups = [by_title.get((me.features.company_key, me.features.title_key), [])]
        groups += [by_band.get(band, []) for band in probes.get(me.identity, ())]
        for group in groups:
            for identity in group:
                other = pool[identity]
                if (
                    identity != me.identity
                    and other.cluster_id
                    and locations_compatible(place, other.features.location_key)
                ):
                    picked[identity] = None
                if len(picked) >= MAX_CANDIDATES:
                    return [pool[i] for i in picked]
        return [pool[i] for i in picked]

    for member in pool.values():
        index(member)
    sizes = Counter(m.cluster_id for m in pool.values() if m.cluster_id)
    decided: dict[tuple[str, str], tuple[str, str | None]] = {}
    for row in active:
        identity = (row.source, row.external_id)
        known = pool.get(identity)
        current = known.cluster_id if known is not None else None
        if not (row.company_key and row.minhash):
            decided[identity] = (current or str(uuid.uuid4()), current)
            continue
        me = known or Member(identity, _features(row), None)
        shared = current is not None and sizes[current] > 1  # others in my cluster
        own = current if current is not None and not shared else None
        chosen = choose_cluster(me, candidates(me), own)[0] or str(uuid.uuid4())
        if known is None:
            index(me)
        pool[identity] = Member(identity, me.features, chosen)
        if chosen != current:
            if current is not None:
                sizes[current] -= 1
            sizes[chosen] += 1
        decided[identity] = (chosen, current)
    return decided


async def assign_clusters(conn: Conn, rows: Sequence[Clusterable]) -> int:
    """Decide and store the clusters of rows already written (the backfill); returns rows
    whose cluster changed."""
    changed = [(identity, chosen) for identity, (chosen, current)
               in (await decide_clusters(conn, rows)).items() if chosen != current]  # fmt: skip
    if changed:
        await conn.execute(
            """
            UPDATE jobs SET cluster_id = u.cluster_id::uuid
            FROM unnest($1::text[], $2::text[], $3::text[]) AS u(source, external_id, cluster_id)
            WHERE jobs.source = u.source AND jobs.external_id = u.external_id
            """,
            [i[0] for i, _ in changed], [i[1] for i, _ in changed], [c for _, c in changed],
        )  # fmt: skip
    return len(changed)


def _features(row: Clusterable) -> Features:
    return Features(row.company_key or "", row.title_key or "", row.location_key or "",
                    row.minhash or b"", row.lsh_bands or [])  # fmt: skip
