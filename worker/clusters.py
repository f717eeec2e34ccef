"""Cluster assignment in PostgreSQL: every active job in exactly one cluster of the same job.

Runs inside the batch's write transaction (after the upsert), so a row and its cluster commit
together. Workers that write postings of one company at the same moment serialise on a
transaction-scoped advisory lock per normalised company (taken in sorted order: no
deadlock); each then reads what the other committed, so copies arriving on different
partitions converge to one cluster. The decision itself is :mod:`worker.dedupe`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from worker.dedupe import MAX_CANDIDATES, Features, Member, choose_cluster
from worker.store import MIGRATION_LOCK, Conn

CLUSTER_LOCK_CLASS = MIGRATION_LOCK & 0x7FFFFFFF  # first key of the two-key advisory locks
MAX_POOL = 5_000  # candidate rows read per batch (own rows and same titles first)


def _features(record: Any) -> Features:
    return Features(record["company_key"], record["title_key"] or "", record["location_key"] or "",
                    bytes(record["minhash"] or b""), list(record["lsh_bands"] or []))  # fmt: skip


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


async def assign_clusters(conn: Conn, rows: Sequence[Clusterable]) -> int:
    """Assign (or confirm) the cluster of each written active row; returns rows changed.
    A row without signals (no company, no text) is a cluster of its own."""
    alone = [r for r in rows if r.deleted_at is None and not (r.company_key and r.minhash)]
    if alone:
        await conn.execute(
            "UPDATE jobs SET cluster_id = gen_random_uuid() FROM unnest($1::text[], $2::text[]) "
            "AS u(source, external_id) WHERE jobs.source = u.source "
            "AND jobs.external_id = u.external_id AND jobs.cluster_id IS NULL",
            [r.source for r in alone], [r.external_id for r in alone],
        )  # fmt: skip
    active = sorted(
        (r for r in rows if r.deleted_at is None and r.company_key and r.minhash),
        key=lambda r: (r.source, r.external_id),
    )
    if not active:
        return 0
    companies = sorted({r.company_key for r in active if r.company_key})
    for key in companies:
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))", CLUSTER_LOCK_CLASS, key
        )
    found = await conn.fetch(
        """
        SELECT source, external_id, company_key, title_key, location_key, minhash, lsh_bands,
               cluster_id::text AS cluster_id
        FROM jobs
        WHERE deleted_at IS NULL AND company_key = ANY($1::text[])
          AND (title_key = ANY($2::text[]) OR lsh_bands && $3::bigint[]
               OR (source, external_id) IN (SELECT * FROM unnest($4::text[], $5::text[])))
        ORDER BY (source, external_id) IN (SELECT * FROM unnest($4::text[], $5::text[])) DESC,
                 title_key = ANY($2::text[]) DESC, source, external_id
        LIMIT $6
        """,
        companies,
        sorted({r.title_key or "" for r in active}),
        sorted({band for r in active for band in (r.lsh_bands or [])}),
        [r.source for r in active],
        [r.external_id for r in active],
        MAX_POOL + len(active),
    )
    pool: dict[tuple[str, str], Member] = {
        (f["source"], f["external_id"]): Member(
            (f["source"], f["external_id"]), _features(f), f["cluster_id"]
        )  # fmt: skip
        for f in found
    }
    by_title: dict[tuple[str, str], list[tuple[str, str]]] = {}
    by_band: dict[int, list[tuple[str, str]]] = {}

    def index(member: Member) -> None:
        key = (member.features.company_key, member.features.title_key)
        by_title.setdefault(key, []).append(member.identity)
        for band in member.features.lsh_bands:
            by_band.setdefault(band, []).append(member.identity)

    def candidates(me: Member) -> list[Member]:
        """Same title first, then postings sharing LSH bands; at most MAX_CANDIDATES."""
        picked: dict[tuple[str, str], None] = {}
        groups = [by_title.get((me.features.company_key, me.features.title_key), [])]
        groups += [by_band.get(band, []) for band in me.features.lsh_bands]
        for group in groups:
            for identity in group:
                if identity != me.identity and pool[identity].cluster_id:
                    picked[identity] = None
                if len(picked) >= MAX_CANDIDATES:
                    return [pool[i] for i in picked]
        return [pool[i] for i in picked]

    for member in pool.values():
        index(member)
    sizes = Counter(m.cluster_id for m in pool.values() if m.cluster_id)
    changed: list[tuple[str, str, str]] = []
    for row in active:
        identity = (row.source, row.external_id)
        stored = pool.get(identity)  # own rows are read back: the upsert already wrote them
        current = stored.cluster_id if stored is not None else None
        me = Member(identity, stored.features if stored else _features(_as_map(row)), current)
        shared = current is not None and sizes[current] > 1  # others in my cluster
        own = current if current is not None and not shared else str(uuid.uuid4())
        chosen, _ = choose_cluster(me, candidates(me), own)
        if stored is None:
            index(me)
        pool[identity] = Member(identity, me.features, chosen)
        if chosen != current:
            if current is not None:
                sizes[current] -= 1
            sizes[chosen] += 1
            changed.append((row.source, row.external_id, chosen))
    if changed:
        await conn.execute(
            """
            UPDATE jobs SET cluster_id = u.cluster_id::uuid
            FROM unnest($1::text[], $2::text[], $3::text[]) AS u(source, external_id, cluster_id)
            WHERE jobs.source = u.source AND jobs.external_id = u.external_id
            """,
            [c[0] for c in changed], [c[1] for c in changed], [c[2] for c in changed],
        )  # fmt: skip
    return len(changed)


def _as_map(row: Clusterable) -> dict[str, Any]:
    return {name: getattr(row, name) for name in
            ("company_key", "title_key", "location_key", "minhash", "lsh_bands")}  # fmt: skip
