"""One settings model for every jobingest command, read from the environment and CLI flags.

Built once at startup and passed down; nothing below the entry points reads the
environment. Mistakes fail here, with a message that says which variable to fix.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

from pydantic import (
    AliasChoices,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from worker.errors import ConfigError
from worker.kafka_client import KafkaConnection, TlsFiles

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


def _named(env: str, field: str) -> AliasChoices:
    """A setting read from ``env`` (no JOBINGEST_ prefix: the name its users know)."""
    return AliasChoices(env, field)


# Secrets: each also read from the file named by ``<NAME>_FILE`` (Docker/Kubernetes secrets).
SECRET_VARIABLES: dict[str, str] = {
    "database_url": "DATABASE_URL",
    "kafka_sasl_password": "KAFKA_SASL_PASSWORD",
    "kafka_ssl_key_password": "KAFKA_SSL_KEY_PASSWORD",
    "embedder_api_key": "JOBINGEST_EMBEDDER_API_KEY",
    "gateway_api_keys": "JOBINGEST_GATEWAY_API_KEYS",
}
# Variables read by the development tools (the dev stack, the fault soak), not by Settings.
TOOL_VARIABLES = frozenset(
    {
        "JOBINGEST_STATE_DIR",
        "JOBINGEST_CACHE_DIR",
        "JOBINGEST_KAFKA_VERSION",
        "JOBINGEST_KAFKA_HEAP",
        "JOBINGEST_FAULTS_PROFILE",
    }
)


class SecretFiles(PydanticBaseSettingsSource):
    """``<NAME>_FILE`` for every secret: the file's content (one trailing newline dropped).
    Setting both ``NAME`` and ``NAME_FILE`` is a mistake, not a precedence rule."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for field_name, env in SECRET_VARIABLES.items():
            path = self.environ.get(f"{env}_FILE")
            if not path:
                continue
            if self.environ.get(env):
                raise ConfigError(f"{env} and {env}_FILE are both set: keep one")
            try:
                text = Path(path).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise ConfigError(f"{env}_FILE: no such file {path}") from None
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                raise ConfigError(f"{env}_FILE: {path} cannot be read ({reason})") from None
            found[field_name] = text.removesuffix("\n").removesuffix("\r")
        return found


class _Section(BaseSettings):
    """What every section shares: the JOBINGEST_ prefix and the secret files."""

    model_config = SettingsConfigDict(
        env_prefix="JOBINGEST_", extra="ignore", populate_by_name=True, validate_default=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, SecretFiles(settings_cls, os.environ))


class KafkaSettings(_Section):
    """Where the brokers are, how to reach them, and the topics and group."""

    kafka_bootstrap_servers: str | None = Field(
        default=None, validation_alias=_named("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers")
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT",
        validation_alias=_named("KAFKA_SECURITY_PROTOCOL", "kafka_security_protocol"),
    )
    kafka_sasl_mechanism: (
        Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] | None
    ) = Field(default=None, validation_alias=_named("KAFKA_SASL_MECHANISM", "kafka_sasl_mechanism"))
    kafka_sasl_username: str | None = Field(
        default=None, validation_alias=_named("KAFKA_SASL_USERNAME", "kafka_sasl_username")
    )
    kafka_sasl_password: SecretStr | None = Field(
        default=None, validation_alias=_named("KAFKA_SASL_PASSWORD", "kafka_sasl_password")
    )
    kafka_sasl_oauthbearer_provider: Literal["aws-msk-iam", "unsecured-jwt"] | None = Field(
        default=None,
        validation_alias=_named(
            "KAFKA_SASL_OAUTHBEARER_PROVIDER", "kafka_sasl_oauthbearer_provider"
        ),
    )
    aws_region: str | None = Field(
        default=None, validation_alias=_named("AWS_REGION", "aws_region")
    )
    kafka_ssl_cafile: str | None = Field(
        default=None, validation_alias=_named("KAFKA_SSL_CAFILE", "kafka_ssl_cafile")
    )
    kafka_ssl_certfile: str | None = Field(
        default=None, validation_alias=_named("KAFKA_SSL_CERTFILE", "kafka_ssl_certfile")
    )
    kafka_ssl_keyfile: str | None = Field(
        default=None, validation_alias=_named("KAFKA_SSL_KEYFILE", "kafka_ssl_keyfile")
    )
    kafka_ssl_key_password: SecretStr | None = Field(
        default=None, validation_alias=_named("KAFKA_SSL_KEY_PASSWORD", "kafka_ssl_key_password")
    )
    kafka_ssl_check_hostname: bool = Field(
        default=True,
        validation_alias=_named("KAFKA_SSL_CHECK_HOSTNAME", "kafka_ssl_check_hostname"),
    )
    topic: str = Field(default="jobs.events", min_length=1, max_length=200)
    group_id: str = Field(default="jobingest", min_length=1)
    partitions: int = Field(default=6, ge=1, le=1000)
    # /readyz fails after this long without a successful fetch, metadata or offsets request
    kafka_unreachable_s: float = Field(default=15.0, gt=0)
    _kafka: KafkaConnection | None = PrivateAttr(default=None)

    @field_validator("kafka_security_protocol", mode="before")
    @classmethod
    def _protocol_in_any_case(cls, value: Any) -> Any:
        return value.strip().upper().replace("-", "_") if isinstance(value, str) else value

    @field_validator("kafka_sasl_mechanism", mode="before")
    @classmethod
    def _mechanism_in_any_case(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().upper().replace("_", "-") or None
        return value

    @property
    def dlq_topic(self) -> str:
        return f"{self.topic}.dlq"

    def require_kafka(self) -> str:
        """The bootstrap servers (checked to be set). Clients use :meth:`kafka_connection`."""
        if not self.kafka_bootstrap_servers:
            raise ConfigError(
                "KAFKA_BOOTSTRAP_SERVERS is not set: point it at your brokers, e.g. "
                "KAFKA_BOOTSTRAP_SERVERS=localhost:9092 (or run `jobingest dev` to start one)"
            )
        return self.kafka_bootstrap_servers

    def kafka_connection(self) -> KafkaConnection:
        """The brokers and how to reach them (TLS, SASL); every Kafka client is built from it."""
        servers = self.require_kafka()
        if self._kafka is None or self._kafka.bootstrap_servers != servers:
            self._kafka = KafkaConnection(
                bootstrap_servers=servers,
                security_protocol=self.kafka_security_protocol,
                sasl_mechanism=self.kafka_sasl_mechanism,
                sasl_username=self.kafka_sasl_username,
                sasl_password=_revealed(self.kafka_sasl_password),
                tls=TlsFiles(
                    cafile=self.kafka_ssl_cafile,
                    certfile=self.kafka_ssl_certfile,
                    keyfile=self.kafka_ssl_keyfile,
                    key_password=_revealed(self.kafka_ssl_key_password),
                    check_hostname=self.kafka_ssl_check_hostname,
                ),
                oauth_provider=self.kafka_sasl_oauthbearer_provider,
                aws_region=self.aws_region,
            )
        return self._kafka


class DatabaseSettings(_Section):
    """PostgreSQL: the URL, the pool and how the table is written and indexed."""

    database_url: str | None = Field(
        default=None, repr=False, validation_alias=_named("DATABASE_URL", "database_url")
    )
    # a batch of PIPELINE_MIN_EVENTS or more is written in this many transactions at once,
    # split by company (worker.pipeline); each takes a pool connection
    write_lanes: int = Field(default=3, ge=1, le=16)
    hnsw_index: bool = True  # false for bulk loads: create the index afterwards
    db_pool_size: int = Field(default=4, ge=1, le=100)

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
    def _lanes_leave_a_connection(self) -> Self:
        if self.write_lanes > 1 and self.write_lanes >= self.db_pool_size:
            raise ValueError(
                f"JOBINGEST_WRITE_LANES={self.write_lanes} needs JOBINGEST_DB_POOL_SIZE of at "
                f"least {self.write_lanes + 1} (got {self.db_pool_size}): one connection per "
                "lane, and one for everything else"
            )
        return self

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


class EmbedderSettings(_Section):
    """The embedder: which one, its model and dimensions, limits and outages."""

    embedder: EmbedderKind = "hash"
    embedder_url: str | None = None
    embedder_model: str | None = None
    embedder_dims: int | None = Field(default=None, ge=1, le=4000)
    embedder_api_key: SecretStr | None = Field(default=None, repr=False)
    embedder_concurrency: int = Field(default=4, ge=1, le=256)
    embedder_batch_size: int = Field(default=32, ge=1, le=2048)
    embedder_batch_chars: int = Field(default=64_000, ge=1_000)
    embedder_rps: float | None = Field(default=None, gt=0)
    embedder_timeout_s: float = Field(default=60.0, gt=0)
    embedder_max_chars: int = Field(default=2_000, ge=100)
    embedder_outage_policy: OutagePolicy = "pause"
    # under `defer`, the longest a batch waits for the embedder (then its rows are stored
    # pending); the longest a search waits to embed its query (then hybrid answers lexically)
    embedder_wait_s: float = Field(default=2.0, gt=0, le=60)
    embedder_circuit_threshold: int = Field(default=5, ge=1)
    embedder_circuit_cooldown_s: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _http_embedders_need_a_url(self) -> Self:
        if self.embedder in ("ollama", "openai") and not self.embedder_url:
            raise ValueError(
                f"JOBINGEST_EMBEDDER={self.embedder} needs JOBINGEST_EMBEDDER_URL "
                "(e.g. http://localhost:11434 for Ollama, http://localhost:8000 for an "
                "OpenAI-compatible server)"
            )
        return self

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


class ConsumerSettings(_Section):
    """The batch loop: batch sizes, Kafka timeouts, retries, shutdown, health."""

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
    ledger_retention_days: int = Field(default=30, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class SearchSettings(_Section):
    """Search: the lexical ranking's text configuration and how results are ranked."""

    search_config: str = Field(default="english", pattern=r"^[a-z_][a-z0-9_]{0,62}$")


class ClusterSettings(_Section):
    """Duplicate clusters: whether the same job is recognised across boards."""

    clustering: bool = True  # recognise the same job across boards (worker.clusters)
    # helper processes computing the next batch's duplicate signals (worker.clusters.helper); 0: none
    signal_processes: int = Field(default=1, ge=0, le=8)


class Settings(
    KafkaSettings,
    DatabaseSettings,
    EmbedderSettings,
    ConsumerSettings,
    SearchSettings,
    ClusterSettings,
):
    """Every setting of the worker and the operator commands, by section (the gateway adds
    its own: ``producers.gateway.settings``). One flat namespace: the environment names
    stay as documented."""

    def secret_values(self) -> list[str]:
        """Every secret's value, for the log filter that masks them."""
        values = [
            _revealed(self.kafka_sasl_password),
            _revealed(self.kafka_ssl_key_password),
            _revealed(self.embedder_api_key),
        ]
        if self.database_url:
            password = urlsplit(self.database_url).password
            values.append(password)
        return [v for v in values if v]


def _revealed(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def models() -> list[type[Settings]]:
    """Settings and the models that extend it with a component's own section (the gateway's
    ``GatewaySettings``), once their module is imported."""
    found: list[type[Settings]] = [Settings]
    for model in found:
        found += [sub for sub in model.__subclasses__() if sub not in found]
    return found


def env_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    info = next((m.model_fields[field] for m in models() if field in m.model_fields), None)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    return f"JOBINGEST_{field.upper()}"


def known_variables() -> set[str]:
    names = {env_name(field) for model in models() for field in model.model_fields}
    return names | {f"{SECRET_VARIABLES[f]}_FILE" for f in SECRET_VARIABLES} | TOOL_VARIABLES


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """Problems with variables that look meant for jobingest but set nothing: a misspelt
    JOBINGEST_* or KAFKA_SASL_* / KAFKA_SSL_* / KAFKA_SECURITY_* name."""
    known = known_variables()
    ours = ("JOBINGEST_", "KAFKA_SASL_", "KAFKA_SSL_", "KAFKA_SECURITY_")
    problems = []
    for name in sorted(environ):
        if name in known or not name.startswith(ours):
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"{name} is not a jobingest setting{hint}")
    return problems


def load_settings(
    environ: Mapping[str, str] | None = None, model: type[Settings] = Settings, **overrides: Any
) -> Settings:
    """``model`` (Settings, or a component's extension of it) from the environment, with CLI
    flags (not None) taking precedence. An unknown JOBINGEST_* (or KAFKA_SASL_/SSL_/SECURITY_)
    variable is refused by name."""
    environ = os.environ if environ is None else environ
    unknown = unknown_variables(environ)
    if unknown:
        raise ConfigError("invalid configuration: " + "; ".join(unknown))
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        settings = model(**given)
        if settings.kafka_bootstrap_servers:
            settings.kafka_connection()  # the security settings agree, their files load
        return settings
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            env = env_name(field) if field != "settings" else field
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{env}: {message}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
