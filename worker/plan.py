"""The batch plan: which decoded events apply, as pure functions over data.

The I/O shell (:mod:`worker.pipeline`) reads the ledger and the stored states, calls these
functions, embeds, writes and commits. Every decision lives here and is unit-tested without
services:

1. :func:`drop_duplicates` — an idempotency key seen earlier in the batch or in the ledger
   is a duplicate (keys inside a ``replay --reapply`` window bypass the ledger);
2. :func:`newest_per_job` — one winner per job, by ``(occurred_at, event_id)``;
3. :func:`against_stored` — a winner applies only when newer than the stored row (or not
   older, when reapplied);
4. :func:`rows_and_texts` — the row each applying event writes and the text to embed;
5. :func:`texts_to_embed` — texts whose content changed or whose row has no vector yet;
6. :func:`final_outcome` — what happened to each winner once the write returned.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass

from schemas import AnyJobEvent, JobRemoved
from worker.clusters.companies import company_key
from worker.decode import Decoded
from worker.rows import JobRow, StoredState, job_row

Identity = tuple[str, str]


def identity_of(d: Decoded) -> Identity:
    return (d.event.source, d.event.job.external_id)


def order_key(event: AnyJobEvent) -> tuple[float, str]:
    """Newest wins: occurred_at, then event_id as a deterministic tie-break."""
    return (event.occurred_at.timestamp(), str(event.event_id))


def stored_key(state: StoredState) -> tuple[float, str]:
    return (state.last_event_at.timestamp(), str(state.last_event_id))


@dataclass(frozen=True, slots=True)
class Split:
    """Events that go on, and the ones set aside with an outcome."""

    kept: list[Decoded]
    dropped: list[Decoded]


def drop_duplicates(
    decoded: Iterable[Decoded], known: Collection[str] = (), reapplied: Collection[str] = ()
) -> Split:
    """Keep the first event of each idempotency key, unless the ledger already holds the key
    (``known``) and the event is not being reapplied."""
    seen: set[str] = set()
    kept: list[Decoded] = []
    dropped: list[Decoded] = []
    for d in decoded:
        key = d.idempotency_key
        if key in seen or (key in known and key not in reapplied):
            dropped.append(d)
        else:
            seen.add(key)
            kept.append(d)
    return Split(kept, dropped)


def reapplied_keys(decoded: Iterable[Decoded], windows: Mapping[int, int]) -> set[str]:
    """Keys of records below their partition's reapply window (``replay --reapply``)."""
    return {
        d.idempotency_key for d in decoded if d.record.offset < windows.get(d.record.partition, -1)
    }


def split_by_company(decoded: Sequence[Decoded], lanes: int = 2) -> list[list[Decoded]]:
    """``lanes`` lanes of about equal size holding disjoint jobs (every event of a job in one
    lane) and, as far as the sizes allow, disjoint companies (a job goes with the company of
    its first event here; removals carry none), each in the original order."""
    jobs: dict[Identity, str] = {}
    for d in decoded:
        jobs.setdefault(identity_of(d), _company_of(d))
    sizes: dict[str, int] = {}
    for d in decoded:
        key = jobs[identity_of(d)]
        sizes[key] = sizes.get(key, 0) + 1
    lane_of: dict[str, int] = {}
    loads = [0] * lanes
    for key in sorted(sizes, key=lambda k: (-sizes[k], k)):  # largest first, to the lightest lane
        lane = loads.index(min(loads))
        lane_of[key] = lane
        loads[lane] += sizes[key]
    out: list[list[Decoded]] = [[] for _ in range(lanes)]
    for d in decoded:
        out[lane_of[jobs[identity_of(d)]]].append(d)
    return out


def _company_of(d: Decoded) -> str:
    if d.staged is not None and d.staged[0].company_key is not None:
        return d.staged[0].company_key
    company = getattr(d.event.job, "company", None)
    return company_key(company) if company else ""


def newest_per_job(decoded: Iterable[Decoded]) -> tuple[dict[Identity, Decoded], list[Decoded]]:
    """The newest event of each job, and the older ones (stale)."""
    winners: dict[Identity, Decoded] = {}
    stale: list[Decoded] = []
    for d in decoded:
        identity = identity_of(d)
        current = winners.get(identity)
        if current is None or order_key(d.event) > order_key(current.event):
            if current is not None:
                stale.append(current)
            winners[identity] = d
        else:
            stale.append(d)
    return winners, stale


def applies(d: Decoded, state: StoredState | None, reapplied: Collection[str]) -> bool:
    if state is None:
        return True
    if d.idempotency_key in reapplied:
        return order_key(d.event) >= stored_key(state)
    return order_key(d.event) > stored_key(state)


def against_stored(
    winners: Mapping[Identity, Decoded],
    states: Mapping[Identity, StoredState],
    reapplied: Collection[str],
) -> tuple[dict[Identity, Decoded], list[Decoded]]:
    """Winners newer than the stored row (sorted by identity), and the stale rest."""
    applying: dict[Identity, Decoded] = {}
    stale: list[Decoded] = []
    for identity in sorted(winners):
        d = winners[identity]
        if applies(d, states.get(identity), reapplied):
            applying[identity] = d
        else:
            stale.append(d)
    return applying, stale


def staged_row(d: Decoded, max_chars: int, with_features: bool = True) -> tuple[JobRow, str]:
    """The row ``d`` writes and its text: a fresh copy of the one staged ahead (the write
    fills in vectors and clusters; a retried batch starts from the staged state), else
    computed now."""
    if d.staged is None:
        return job_row(d.event, max_chars, with_features)
    row, text = d.staged
    return copy(row), text


def rows_and_texts(
    applying: Mapping[Identity, Decoded], max_chars: int, with_features: bool = True
) -> tuple[dict[Identity, JobRow], dict[str, str]]:
    """The row each event writes (with its duplicate signals), and each text to embed by its
    content hash."""
    rows: dict[Identity, JobRow] = {}
    texts: dict[str, str] = {}
    for identity, d in applying.items():
        row, text = staged_row(d, max_chars, with_features)
        rows[identity] = row
        if row.content_hash is not None:
            texts[row.content_hash] = text
    return rows, texts


def texts_to_embed(
    rows: Mapping[Identity, JobRow], states: Mapping[Identity, StoredState]
) -> dict[str, list[JobRow]]:
    """Rows needing a vector, by content hash: new text, or stored without a vector."""
    need: dict[str, list[JobRow]] = {}
    for identity, row in rows.items():
        if row.content_hash is None:
            continue  # a removal keeps the stored vector
        state = states.get(identity)
        if state and state.content_hash == row.content_hash and state.has_embedding:
            continue  # unchanged text: the stored vector is kept
        need.setdefault(row.content_hash, []).append(row)
    return need


def final_outcome(d: Decoded, state: StoredState | None, row: JobRow, written: bool) -> str:
    """``stale`` (a newer event got there first), ``removed``, ``unchanged`` or ``upserted``."""
    if not written:
        return "stale"
    if isinstance(d.event, JobRemoved):
        return "removed"
    if state and not state.deleted and state.row_hash == row.row_hash:
        return "unchanged"
    return "upserted"
