"""Small measuring helpers for the benchmark."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any


def peak_rss_mb(pid: int | str = "self", children: bool = False) -> float:
    """Peak resident set size (VmHWM) of a live process, in MiB; with ``children``, plus the
    peaks of its child processes (a worker's signal helper): an upper bound, as the peaks
    need not coincide."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    own = round(int(match.group(1)) / 1024, 1) if match else 0.0
    if not children:
        return own
    kids = [
        int(k)
        for task in Path(f"/proc/{pid}/task").glob("*/children")
        for k in task.read_text().split()
    ]
    total = own
    for kid in kids:
        with contextlib.suppress(FileNotFoundError):  # it may have ended meanwhile
            total += peak_rss_mb(kid, children=True)
    return round(total, 1)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_s": 0.0, "p99_s": 0.0}
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50_s": round(pick(0.50), 3), "p99_s": round(pick(0.99), 3)}


def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Quantile from cumulative Prometheus buckets [(le, count)], linear within a bucket."""
    if not buckets or buckets[-1][1] == 0:
        return 0.0
    rank = q * buckets[-1][1]
    previous_le, previous_count = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if le == float("inf"):
                return previous_le
            width = count - previous_count
            return previous_le + (le - previous_le) * (
                (rank - previous_count) / width if width else 0
            )
        previous_le, previous_count = le, count
    return previous_le


def write_report(output: Path, name: str, report: Any, markdown: str) -> int:
    """``name``.json and ``name``.md in ``output``; the markdown printed too. Returns 0."""
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (output / f"{name}.md").write_text(markdown)
    print(markdown)
    return 0
