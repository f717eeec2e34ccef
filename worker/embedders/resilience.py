"""Limits and failure handling shared by the HTTP embedders: a concurrency cap, an optional
request rate, retries with backoff that honour Retry-After, and a circuit breaker."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

log = logging.getLogger("jobingest.embedder")


class RateLimiter:
    """At most `rate` request starts per second (None: unlimited)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class CircuitBreaker:
    """Opens after `threshold` consecutive failures, or at once when tripped (a caller gave up
    waiting for an answer); after `cooldown_s` one probe may pass (half-open): its success
    closes the circuit, its failure opens it again. With `prompt_s`, an answer that took longer
    than that keeps it open (under the `defer` policy an embedder slower than a
    batch may wait is as good as away). An outage, from the first opening to the closing, is
    announced once by a warning each way: the closing one says how long it lasted and how many
    rows were stored with their embedding pending meanwhile (`deferred`)."""

    def __init__(
        self,
        threshold: int = 5,
        cooldown_s: float = 10.0,
        *,
        prompt_s: float | None = None,
        name: str = "embedder",
    ) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.prompt_s = prompt_s
        self.name = name
        self.failures = 0
        self.opened_at: float | None = None
        self.outage_since: float | None = None  # the first opening of this outage
        self.reason = ""  # the last failure, in words
        self.deferred = 0  # rows stored pending during this outage
        self._probing = False
        self.on_change: Callable[[bool], None] = lambda is_open: None

    @property
    def open(self) -> bool:
        return self.opened_at is not None

    @property
    def probing(self) -> bool:
        return self._probing

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if time.monotonic() - self.opened_at >= self.cooldown_s and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self, elapsed_s: float = 0.0) -> None:
        if self.opened_at is not None and self.prompt_s is not None and elapsed_s > self.prompt_s:
            self._reopen(f"answered in {elapsed_s:.1f}s, slower than {self.prompt_s:g}s")
            return  # it answers, but too late for a batch to wait: still open
        self.failures = 0
        self._probing = False
        if self.opened_at is None:
            return
        self.opened_at = None
        self.on_change(False)
        lasted = time.monotonic() - (self.outage_since or time.monotonic())
        log.warning(
            "%s circuit closed after %.1fs open: %d rows stored with the embedding pending "
            "meanwhile%s",
            self.name,
            lasted,
            self.deferred,
            " (the backfill fills them)" if self.deferred else "",
        )
        self.outage_since = None
        self.deferred = 0

    def record_failure(self, reason: str = "") -> None:
        self.failures += 1
        self.reason = reason or self.reason
        if self._probing or self.failures >= self.threshold:
            self._reopen(self.reason)
        self._probing = False

    def trip(self, reason: str) -> None:
        """Open now: a caller gave up waiting (the request may still be in flight)."""
        self.failures = max(self.failures, self.threshold)
        self._reopen(reason)

    def _reopen(self, reason: str) -> None:
        self.reason = reason or self.reason
        self._probing = False
        self.opened_at = time.monotonic()
        self.on_change(True)
        if self.outage_since is None:
            self.outage_since = self.opened_at
            log.warning(
                "%s circuit open (%s): probing every %gs off the ingest path",
                self.name,
                self.reason or f"{self.failures} failures in a row",
                self.cooldown_s,
            )

    def describe(self) -> str:
        """The state for /readyz: 'ok', or how long it has been open and why."""
        if self.outage_since is None:
            return "ok"
        state = f"circuit open for {time.monotonic() - self.outage_since:.0f}s ({self.reason})"
        if self.deferred:
            state += f"; {self.deferred} rows stored with the embedding pending meanwhile"
        return state


def backoff_delay(attempt: int, initial_s: float, max_s: float) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(max_s, initial_s * 2**attempt))


def parse_retry_after(value: str | None, max_s: float = 300.0) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return min(max(float(value), 0.0), max_s)
    except ValueError:
        pass
    try:
        return min(max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0), max_s)
    except (TypeError, ValueError):
        return None


def breaker_of(embedder: object) -> CircuitBreaker | None:
    """The circuit breaker of an embedder that can be away (behind HTTP); None for one in
    process, which is always there."""
    found = getattr(embedder, "breaker", None)
    return found if isinstance(found, CircuitBreaker) else None
