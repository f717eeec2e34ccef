"""API keys (only their SHA-256 digests are configured) and a per-key token-bucket rate limit."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass


def key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def authenticate(api_key: str | None, digests: frozenset[str]) -> str | None:
    """The key's digest when it is accepted, else None (constant-time comparison)."""
    if not api_key:
        return None
    digest = key_digest(api_key)
    return digest if any(hmac.compare_digest(digest, known) for known in digests) else None


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, client: str, cost: float = 1.0) -> float:
        """0 when allowed, else the seconds to wait before retrying."""
        now = time.monotonic()
        bucket = self._buckets.setdefault(client, _Bucket(float(self.burst), now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        return (cost - bucket.tokens) / self.rate
