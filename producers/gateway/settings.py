"""The gateway's settings: the worker's (Kafka, database, embedder, search) plus its own,
from the same environment (``JOBINGEST_GATEWAY_*``)."""

from __future__ import annotations

from pydantic import Field

from worker.api import Settings


class GatewaySettings(Settings):
    """What the gateway listens on, whom it lets in, and how much it accepts."""

    gateway_port: int = Field(default=8000, ge=0, le=65535)
    # comma-separated SHA-256 hex digests of the accepted API keys (`jobingest hash-key KEY`)
    gateway_api_keys: str = Field(default="", repr=False)
    gateway_rate_per_s: float = Field(default=100.0, gt=0)
    gateway_burst: int = Field(default=200, ge=1)
    gateway_max_batch: int = Field(default=500, ge=1)
    gateway_max_body_bytes: int = Field(default=5_000_000, ge=1_000)
    gateway_idempotency_ttl_h: float = Field(default=24.0, gt=0)
    gateway_idempotency_prune_s: float = Field(default=300.0, gt=0)
    gateway_publish_timeout_s: float = Field(default=10.0, gt=0)

    @property
    def gateway_key_hashes(self) -> frozenset[str]:
        keys = self.gateway_api_keys.split(",")
        return frozenset(h.strip().lower() for h in keys if h.strip())
