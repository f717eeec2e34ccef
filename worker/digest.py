"""Records to decoded events with their rows staged: the CPU work a batch needs before it
reads or writes anything.

Decoding (the contract), the row each event writes, its text and its duplicate signals
depend on the record alone, never on stored state. So the consumer digests the next batch
while the current one is in its database transaction (:func:`digest_ahead`, in slices that
let the event loop serve the transaction between them): the worker's CPU and the database's
then work at the same time. What the batch decides from stored state (ledger, ordering,
clusters) is still decided after the previous batch committed.
"""

from __future__ import annotations

import asyncio
import dataclasses

from aiokafka.structs import ConsumerRecord

from schemas import JobRemoved
from worker.clusters.helper import SignalHelper
from worker.decode import Decoded, Rejected, decode
from worker.rows import job_row, with_signals

SLICE = 10  # records digested between two turns of the event loop (~3 ms of CPU)


def digest_one(record: ConsumerRecord, max_chars: int, with_features: bool) -> Decoded | Rejected:
    """``decode(record)``, with the row staged when it decoded. Never raises: a row that
    cannot be staged is left to the plan, whose failure the batch runner classifies."""
    item = decode(record)
    if isinstance(item, Rejected):
        return item
    try:
        staged = job_row(item.event, max_chars, with_features)
    except Exception:  # the plan computes it again and meets the same error in its own place
        return item
    return dataclasses.replace(item, staged=staged)


async def digest_ahead(
    records: list[ConsumerRecord],
    max_chars: int,
    with_features: bool,
    helper: SignalHelper | None = None,
) -> list[Decoded | Rejected]:
    """:func:`digest_one` over ``records``, yielding to the event loop every SLICE records.
    With a ``helper``, the duplicate signals are computed in its process; a posting it did
    not compute is digested here again, whole."""
    here = with_features and helper is None
    out: list[Decoded | Rejected] = []
    for start in range(0, len(records), SLICE):
        out += [digest_one(r, max_chars, here) for r in records[start : start + SLICE]]
        await asyncio.sleep(0)
    if not with_features or helper is None:
        return out
    postings = [
        (i, item.event.job, item.staged[0])
        for i, item in enumerate(out)
        if isinstance(item, Decoded)
        and item.staged is not None
        and not isinstance(item.event, JobRemoved)
    ]
    found = await helper.compute(
        [
            (job.title, job.company, job.location, job.remote, job.description)
            for _, job, _ in postings
        ]
    )
    for (i, _, row), signals in zip(postings, found, strict=True):
        if signals is None:
            out[i] = digest_one(records[i], max_chars, True)
        else:
            with_signals(row, signals)
    return out
