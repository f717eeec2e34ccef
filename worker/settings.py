"""One settings model for every jobingest command, read from the environment and CLI flags.

Built once at startup and passed down; nothing below the entry points reads the
environment. Mistakes fail here, with a message that says which variable to fix.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from worker.errors import ConfigError

SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
EmbedderKind = Literal["hash", "local", "ollama", "openai"]
OutagePolicy = Literal["pause", "defer"]

DEFAULT_MODELS: dict[str, str] = {
    "hash": "hash-v1",
    "local": "use-multilingual-v3",
    "ollama": "nomic-embed-text",
    "openai": "text-embedding-3-small",
}
LOCAL_MODEL_DIMS = {"use-multilingual-v3": 512}
DEFAULT_DIMS: dict[str, int] = {
    "hash": 384,
    "local": 384,
    "ollama": 768,
    "openai": 1536,
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JOBINGEST_", extra="ignore", populate_by_name=True, validate_default=True
    )

    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    )
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    topic: str = Field(default="jobs.events", min_length=1, max_length=200)
    group_id: str = Field(default="jobingest", min_length=1)
    partitions: int = Field(default=6, ge=1, le=1000)

    embedder: EmbedderKind = "hash"
    embedder_url: str | None = None
    embedder_model: str | None = None
    embedder_dims: int | None = Field(default=None, ge=1, le=4000)
    embedder_api_key: SecretStr | None = None
    embedder_concurrency: int = Field(default=4, ge=1, le=256)
    embedder_batch_size: int = Field(default=32, ge=1, le=2048)
    embedder_batch_chars: int = Field(default=64_000, ge=1_000)
    embedder_rps: float | None = Field(default=None, gt=0)
    embedder_timeout_s: float = Field(default=60.0, gt=0)
    embedder_max_chars: int = Field(default=2_000, ge=100)
    embedder_outage_policy: OutagePolicy = "pause"
    embedder_circuit_threshold: int = Field(default=5, ge=1)
    embedder_circuit_cooldown_s: float = Field(default=10.0, gt=0)

    http_port: int = Field(default=8080, ge=0, le=65535)
    http_host: str = "0.0.0.0"

    batch_max_records: int = Field(default=1000, ge=1, le=100_000)
    batch_max_wait_ms: int = Field(default=200, ge=0, le=60_000)
    max_poll_interval_ms: int = Field(default=300_000, ge=10_000)
    session_timeout_ms: int = Field(default=10_000, ge=1_000)
    retry_initial_s: float = Field(default=0.2, gt=0)
    retry_max_s: float = Field(default=10.0, gt=0)
    shutdown_timeout_s: float = Field(default=30.0, gt=0)
    max_batch_attempts: int = Field(default=3, ge=1, le=100)
    stall_timeout_s: float = Field(default=600.0, gt=0)
    # /readyz fails after this long without a successful fetch, metadata or offsets request
    kafka_unreachable_s: float = Field(default=15.0, gt=0)
    ledger_retention_days: int = Field(default=30, ge=1)
    # a batch of PIPELINE_MIN_EVENTS or more is written in this many transactions at once,
    # split by company (worker.pipeline); each takes a pool connection
    write_lanes: int = Field(default=3, ge=1, le=16)
    clustering: bool = True  # recognise the same job across boards (worker.dedupe)
    # helper processes computing the next batch's duplicate signals (worker.signals); 0: none
    signal_processes: int = Field(default=1, ge=0, le=8)
    search_config: str = Field(default="english", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    hnsw_index: bool = True  # false for bulk loads: create the index afterwards
    db_pool_size: int = Field(default=4, ge=1, le=100)

    gateway_port: int = Field(default=8000, ge=0, le=65535)
    gateway_api_keys: str = ""  # comma-separated sha256 hex digests of the accepted API keys
    gateway_rate_per_s: float = Field(default=100.0, gt=0)
    gateway_burst: int = Field(default=200, ge=1)
    gateway_max_batch: int = Field(default=500, ge=1)
    gateway_max_body_bytes: int = Field(default=5_000_000, ge=1_000)
    gateway_idempotency_ttl_h: float = Field(default=24.0, gt=0)
    gateway_idempotency_prune_s: float = Field(default=300.0, gt=0)
    gateway_publish_timeout_s: float = Field(default=10.0, gt=0)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _database_url_is_well_formed(cls, url: str | None) -> str | None:
        """Checked without echoing the URL (it may hold a password)."""
        if not url:
            return url
        if not url.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"must start with postgresql:// (got {url.split(':', 1)[0]}://...)")
        try:
            port = urlsplit(url).port
        except ValueError:
            raise ValueError("the port is not a number between 1 and 65535") from None
        if port == 0:
            raise ValueError("the port is not a number between 1 and 65535")
        sslmodes = parse_qs(urlsplit(url).query).get("sslmode", [])
        for mode in sslmodes:
            if mode not in SSLMODES:
                raise ValueError(f"sslmode must be one of {', '.join(SSLMODES)} (got {mode!r})")
        return url

    @model_validator(mode="after")
    def _lanes_leave_a_connection(self) -> Settings:
        if self.write_lanes > 1 and self.write_lanes >= self.db_pool_size:
            raise ValueError(
                f"JOBINGEST_WRITE_LANES={self.write_lanes} needs JOBINGEST_DB_POOL_SIZE of at "
                f"least {self.write_lanes + 1} (got {self.db_pool_size}): one connection per "
                "lane, and one for everything else"
            )
        return self

    @model_validator(mode="after")
    def _http_embedders_need_a_url(self) -> Settings:
        if self.embedder in ("ollama", "openai") and not self.embedder_url:
            raise ValueError(
                f"JOBINGEST_EMBEDDER={self.embedder} needs JOBINGEST_EMBEDDER_URL "
                "(e.g. http://localhost:11434 for Ollama, http://localhost:8000 for an "
                "OpenAI-compatible server)"
            )
        return self

    @property
    def gateway_key_hashes(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.gateway_api_keys.split(",") if h.strip())

    @property
    def dlq_topic(self) -> str:
        return f"{self.topic}.dlq"

    @property
    def model_name(self) -> str:
        return self.embedder_model or DEFAULT_MODELS[self.embedder]

    @property
    def dims(self) -> int:
        if self.embedder_dims:
            return self.embedder_dims
        if self.embedder == "local":
            return LOCAL_MODEL_DIMS.get(self.model_name.lower(), 384)
        return DEFAULT_DIMS[self.embedder]

    def require_kafka(self) -> str:
        if not self.kafka_bootstrap_servers:
            raise ConfigError(
                "KAFKA_BOOTSTRAP_SERVERS is not set: point it at your brokers, e.g. "
                "KAFKA_BOOTSTRAP_SERVERS=localhost:9092 (or run `jobingest dev` to start one)"
            )
        return self.kafka_bootstrap_servers

    def require_database(self) -> str:
        if not self.database_url:
            raise ConfigError(
                "DATABASE_URL is not set: point it at PostgreSQL with pgvector, e.g. "
                "DATABASE_URL=postgresql://user:pass@localhost:5432/jobs"
            )
        if not self.database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(
                "DATABASE_URL must start with postgresql:// "
                f"(got {self.database_url.split(':', 1)[0]}://...)"
            )
        return self.database_url


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with CLI flags (not None) taking precedence."""
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            env = (
                field.upper()
                if field.upper() in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")
                else (f"JOBINGEST_{field.upper()}" if field != "settings" else field)
            )
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{env}: {message}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
