"""Whether ingestion is making progress: paused by a configuration problem or an outage, or
stalled (no commit for too long while events wait), and whether the broker still answers
(a successful fetch, metadata or offsets request within ``kafka_unreachable_s``).
``/readyz`` reports both."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class IngestHealth:
    stall_timeout_s: float
    paused: str | None = None  # the cause, in words that say what to fix
    # the table holds another model's vectors (checked periodically, idle or not)
    table_mismatch: str | None = None
    attempts: int = 0  # attempts of the batch in flight
    last_commit: float = field(default_factory=time.monotonic)
    lag: int = 0
    waiting_since: float | None = None  # when lag last became > 0
    kafka_unreachable_s: float = 15.0
    kafka_last_ok: float = field(default_factory=time.monotonic)

    def pause(self, cause: str) -> None:
        self.paused = cause

    def resumed(self) -> None:
        """A batch was applied: whatever paused ingestion is gone."""
        self.paused = None
        self.attempts = 0

    def committed(self) -> None:
        self.last_commit = time.monotonic()

    def report_lag(self, lag: int) -> None:
        if lag > 0 and self.lag == 0:
            self.waiting_since = time.monotonic()
        self.lag = lag

    def stalled_s(self) -> float:
        """Seconds without a commit while events wait (0 when nothing waits)."""
        if self.lag <= 0:
            return 0.0
        since = max(self.last_commit, self.waiting_since or self.last_commit)
        return max(time.monotonic() - since, 0.0)

    def check(self) -> str:
        if self.table_mismatch is not None:
            return f"paused: {self.table_mismatch}"
        if self.paused is not None:
            return f"paused: {self.paused}"
        stalled = self.stalled_s()
        if stalled > self.stall_timeout_s:
            return (
                f"stalled: no commit for {stalled:.0f}s while {self.lag} events wait "
                f"(batch attempt {self.attempts})"
            )
        return "ok"

    def kafka_answered(self) -> None:
        """A fetch, metadata or offsets request succeeded."""
        self.kafka_last_ok = time.monotonic()

    def kafka_silent_s(self) -> float:
        return max(time.monotonic() - self.kafka_last_ok, 0.0)

    def kafka_connected(self) -> bool:
        return self.kafka_silent_s() <= self.kafka_unreachable_s

    def kafka_check(self) -> str:
        if self.kafka_connected():
            return "ok"
        return (
            f"unreachable: no successful fetch or metadata request for "
            f"{self.kafka_silent_s():.0f}s (JOBINGEST_KAFKA_UNREACHABLE_S="
            f"{self.kafka_unreachable_s:g})"
        )
