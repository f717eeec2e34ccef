"""Which dead letters a redrive can fix, and how a redrive copy names its first original.

A redrive republishes the letter's bytes unchanged. That fixes a failure outside the record
(an embedder that refused a text and was fixed, a database constraint that was relaxed, a
worker that now reads a newer schema version or event type), never one in the bytes
themselves: those letters come back as dead letters, once per redrive. They are refused
unless forced; fixing them means editing the payload (``jobingest dlq export``, edit,
``jobingest publish``).

Every redrive copy carries ``jobingest-redrive-count`` (its generation, 1 for the first copy)
and ``jobingest-redrive-of`` (``topic:partition:offset`` of the first original), so the
dead letters of one original and of all its copies are listed together.
"""

from __future__ import annotations

REDRIVE_COUNT_HEADER = "jobingest-redrive-count"
REDRIVE_OF_HEADER = "jobingest-redrive-of"

FIX_THE_PAYLOAD = "Fix the payload: `jobingest dlq export`, edit, `jobingest publish`"

# error class -> why republishing the same bytes cannot succeed
UNFIXABLE: dict[str, str] = {
    "InvalidJson": "the value is not JSON; the same bytes fail again. " + FIX_THE_PAYLOAD,
    "ContractViolation": "valid JSON that breaks the event contract; the same bytes fail "
    "again. " + FIX_THE_PAYLOAD,
    "UndecodableBytes": "the value is not UTF-8; the same bytes fail again. Republish a "
    "corrected event from its source",
    "EmptyValue": "a tombstone (no value): there is nothing to apply. Publish a job.removed "
    "event to remove a job",
}


def refusal(error_class: str) -> str | None:
    """Why a letter of this class is not redriven by default, or None when it may be."""
    return UNFIXABLE.get(error_class)


def origin(headers: dict[str, str]) -> str:
    """``topic:partition:offset`` of the first original of a dead letter (itself, unless the
    letter is the dead letter of a redrive copy)."""
    first = headers.get(REDRIVE_OF_HEADER)
    if first:
        return first
    return ":".join(
        headers.get(name, "?")
        for name in ("dlq.original.topic", "dlq.original.partition", "dlq.original.offset")
    )


def generation(headers: dict[str, str]) -> int:
    """0 for the dead letter of an original record, N for that of its N-th redrive copy."""
    value = headers.get(REDRIVE_COUNT_HEADER, "0")
    return int(value) if value.isdigit() else 0
