"""The reads the cluster decision makes inside the write transaction (PostgreSQL).

* :func:`lock_companies` — the per-company advisory locks: writers of one company's postings
  take turns, so each decides over what the other committed.
* :func:`stored_postings` — the stored, active versions of the batch's postings.
* :func:`candidates` — for each posting whose signals changed, every stored posting the
  rule could link it to: the same company and title in a compatible place (one index scan
  per company, title and city), and the same company and city sharing an LSH band (rows
  named first; only those whose title the rule could accept are read in full). Complete,
  not sampled: a link the rule would make is never missed, so clusters do not depend on
  which posting arrived first.
* :func:`members` — every posting of the given clusters and linkages: the components a
  change can alter, read whole.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from worker.clusters.places import city_of
from worker.clusters.signature import SIGNALS_VERSION, Signals
from worker.clusters.titles import similar
from worker.pg import MIGRATION_LOCK, Conn

Identity = tuple[str, str]
CLUSTER_LOCK_CLASS = MIGRATION_LOCK & 0x7FFFFFFF  # first key of the two-key advisory locks
_COLUMNS = (
    "source, external_id, company_key, title_key, location_key, shingle_count, minhash, "
    "lsh_bands, signals_version, cluster_id::text AS cluster_id, linkage_id::text AS linkage_id"
)


@dataclass(frozen=True, slots=True)
class StoredPosting:
    identity: Identity
    signals: Signals | None  # None: stored under an older scheme (signed again by the backfill)
    cluster_id: str | None
    linkage_id: str | None


def _posting(record: Any) -> StoredPosting:
    source, external_id, company, title, place, shingles, minhash, bands, version, cid, lid = record
    found = None
    if version == SIGNALS_VERSION and company is not None:
        found = Signals(
            company,
            title or "",
            place or "",
            shingles or 0,
            bytes(minhash or b""),
            tuple(bands or ()),
        )
    return StoredPosting((source, external_id), found, cid, lid)


async def lock_companies(conn: Conn, companies: Collection[str]) -> None:
    """Take the companies' locks (held to the end of the transaction), in sorted order."""
    if companies:
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(c.key)) "
            "FROM unnest($2::text[]) WITH ORDINALITY AS c(key, n) ORDER BY c.n",
            CLUSTER_LOCK_CLASS,
            sorted(companies),
        )


async def stored_postings(
    conn: Conn, identities: Collection[Identity]
) -> dict[Identity, StoredPosting]:
    found = await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM jobs JOIN unnest($1::text[], $2::text[]) AS w(source, external_id)
            USING (source, external_id)
        WHERE deleted_at IS NULL
        """,
        [s for s, _ in identities],
        [e for _, e in identities],
    )
    return {p.identity: p for p in map(_posting, found)}


async def _same_titles(
    conn: Conn, seeds: Mapping[Identity, Signals]
) -> dict[tuple[str, str, str], list[StoredPosting]]:
    """Stored postings of each (company, title, city) of the seeds, in a compatible place."""
    probes = sorted({(s.company, s.title, city_of(s.place)) for s in seeds.values()})
    found: dict[tuple[str, str, str], list[StoredPosting]] = {p: [] for p in probes}
    records = await conn.fetch(
        f"""
        SELECT p.n, j.* FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
            AS p(company_key, title_key, city, n)
        CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM jobs
            WHERE company_key = p.company_key AND title_key = p.title_key AND p.city <> ''
              AND split_part(location_key, '|', 1) = ANY(ARRAY[p.city, ''])
              AND deleted_at IS NULL AND signals_version = $4) AS j
        UNION ALL
        SELECT p.n, j.* FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
            AS p(company_key, title_key, city, n)
        CROSS JOIN LATERAL (SELECT {_COLUMNS} FROM jobs
            WHERE company_key = p.company_key AND title_key = p.title_key AND p.city = ''
              AND deleted_at IS NULL AND signals_version = $4) AS j
        """,
        [p[0] for p in probes],
        [p[1] for p in probes],
        [p[2] for p in probes],
        SIGNALS_VERSION,
    )
    for record in records:
        found[probes[record[0] - 1]].append(_posting(record[1:]))
    return found


async def _sharing_bands(
    conn: Conn, seeds: Mapping[Identity, Signals]
) -> dict[Identity, list[StoredPosting]]:
    """Stored postings sharing a band key with each seed, whose title the rule could accept
    for it (another title, similar)."""
    wanted: dict[int, list[Identity]] = {}
    for identity, s in seeds.items():
        for band in s.bands:
            wanted.setdefault(band, []).append(identity)
    if not wanted:
        return {}
    named = await conn.fetch(
        """
        SELECT k.band, j.source, j.external_id, j.title_key FROM unnest($1::bigint[]) AS k(band)
        CROSS JOIN LATERAL (SELECT source, external_id, title_key FROM jobs
            WHERE lsh_bands @> ARRAY[k.band] AND deleted_at IS NULL OFFSET 0) AS j
        """,  # OFFSET 0: one index probe per key, never a join over the company's rows
        sorted(wanted),
    )
    per_seed: dict[Identity, set[Identity]] = {}
    for band, source, external_id, title in named:
        for seed in wanted[band]:
            mine = seeds[seed].title
            if title != mine and similar(title or "", mine):
                per_seed.setdefault(seed, set()).add((source, external_id))
    everyone = sorted({i for found in per_seed.values() for i in found})
    read = await stored_postings(conn, everyone) if everyone else {}
    return {seed: [read[i] for i in sorted(found) if i in read] for seed, found in per_seed.items()}


async def candidates(
    conn: Conn, seeds: Mapping[Identity, Signals]
) -> dict[Identity, list[StoredPosting]]:
    """Every stored posting the rule could link each seed to (see the module doc)."""
    if not seeds:
        return {}
    by_title = await _same_titles(conn, seeds)
    by_band = await _sharing_bands(conn, seeds)
    return {
        identity: by_title[(s.company, s.title, city_of(s.place))] + by_band.get(identity, [])
        for identity, s in seeds.items()
    }


async def members(
    conn: Conn, clusters: Collection[str], linkages: Collection[str]
) -> dict[Identity, StoredPosting]:
    """Every active posting of these clusters and linkages, and of the linkages those hold."""
    found: dict[Identity, StoredPosting] = {}
    clusters, linkages, seen = set(clusters), set(linkages), set()
    while clusters or linkages:
        records = await conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM jobs WHERE deleted_at IS NULL
              AND (cluster_id = ANY($1::uuid[]) OR linkage_id = ANY($2::uuid[]))
            """,
            sorted(clusters),
            sorted(linkages),
        )
        seen |= clusters | linkages
        for posting in map(_posting, records):
            found[posting.identity] = posting
        linkages = {p.linkage_id for p in found.values() if p.linkage_id} - seen
        clusters = set()
    return found
