"""Limits and failure handling shared by the HTTP embedders: a concurrency cap, an optional
request rate, retries with backoff that honour Retry-After, and a circuit breaker."""

from __future__ import annotations

import asyncio
import random
import time
from email.utils import parsedate_to_datetime


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
    """Opens after `threshold` consecutive failures; after `cooldown_s` one probe may pass
    (half-open): its success closes the circuit, its failure opens it again."""

    def __init__(self, threshold: int = 5, cooldown_s: float = 10.0) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.failures = 0
        self.opened_at: float | None = None
        self._probing = False

    @property
    def open(self) -> bool:
        return self.opened_at is not None

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if time.monotonic() - self.opened_at >= self.cooldown_s and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self.failures += 1
        if self._probing or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
        self._probing = False


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
