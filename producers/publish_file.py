"""Publish a JSON-lines stream: every line validated first, invalid lines reported, never sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from producers.publisher import EventRejected, JobEventPublisher


@dataclass
class PublishSummary:
    published: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


async def publish_lines(
    publisher: JobEventPublisher,
    lines: Iterable[str],
    on_progress: Callable[[int], None] | None = None,
) -> PublishSummary:
    summary = PublishSummary()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text:
            try:
                future = await publisher.send(text)
            except EventRejected as exc:
                summary.rejected.append((number, "; ".join(exc.errors)))
            else:
                future.add_done_callback(lambda _f: None)
                summary.published += 1
        if on_progress is not None:
            on_progress(1)
    await publisher.flush()
    return summary
