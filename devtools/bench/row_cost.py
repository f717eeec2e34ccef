"""What turning an event into its row costs in the worker's CPU: ``worker.rows.job_row`` over
20,000 events with four tags each, best of three. Run on two checkouts to compare write paths:
``python -m devtools.bench.row_cost``."""

from __future__ import annotations

import time

from schemas.events import event_from_dict
from tests.events import job_event
from worker.rows import job_row


def main(count: int = 20_000) -> None:
    tags = ["Python", "Kafka", "PostgreSQL", "AWS"]
    events = [event_from_dict(job_event(f"j{i}", tags=tags)) for i in range(count)]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for event in events:
            job_row(event, 2_000)
        best = min(best, time.perf_counter() - started)
    print(f"{count / best:,.0f} rows/s through job_row ({best / count * 1e6:.1f} µs per row)")


if __name__ == "__main__":
    main()
