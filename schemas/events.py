"""The job event contract, version 1: what scrapers publish and workers read.

One JSON object per Kafka message, keyed ``"{source}:{external_id}"``. Readers are
tolerant: unknown fields are ignored, so producers may add fields before workers
upgrade. Everything else that does not match is invalid, and the error names the field.

What is valid here can be stored: free text (title, company, description, location, url,
tags) loses NUL characters (U+0000, common in scraped HTML, refused by PostgreSQL) and has
lone surrogates replaced by U+FFFD; identifiers (``external_id``, ``idempotency_key``) with
either are refused, since silently changing an identity would merge two jobs. Datetimes must
carry an offset and stay within years 1-9999 once normalised to UTC.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

SCHEMA_VERSION = 1

Source = Literal[
    "linkedin", "indeed", "glassdoor", "greenhouse", "lever", "workday", "company_site", "other"
]
SOURCES: tuple[str, ...] = Source.__args__  # type: ignore[attr-defined]
EventType = Literal["job.posted", "job.updated", "job.removed"]
Remote = Literal["remote", "hybrid", "onsite"]
EmploymentType = Literal["full_time", "part_time", "contract", "internship", "temporary"]
SalaryPeriod = Literal["hour", "day", "month", "year"]

MAX_DESCRIPTION_CHARS = 100_000
MAX_TAGS = 50
MAX_IDEMPOTENCY_KEY_CHARS = 200

_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # one scan for both, the common case


def clean_text(value: object) -> object:
    """Free text as PostgreSQL can store it: NUL removed, lone surrogates replaced (ASCII
    text, which holds no surrogate, is checked for NUL alone)."""
    if isinstance(value, str):
        if value.isascii():
            return value.replace("\x00", "") if "\x00" in value else value
        if _UNSTORABLE.search(value) is not None:
            value = _SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    return value


def storable_identifier(value: str) -> str:
    """Identifiers are never rewritten: NUL or a lone surrogate makes them invalid."""
    if _UNSTORABLE.search(value) is not None:
        if "\x00" in value:
            raise ValueError("must not contain NUL (U+0000)")
        raise ValueError("must not contain a lone surrogate")
    return value


def utc_representable(value: datetime) -> datetime:
    """The value, unchanged, once known to stay within years 1-9999 in UTC."""
    if 1 < value.year < 9999:  # an offset moves a datetime by less than a day
        return value
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("datetime is out of range once normalised to UTC (years 1-9999)") from None
    return value


def not_blank(value: str) -> str:
    """Required text must say something: whitespace and invisible characters alone (zero-width
    spaces, soft hyphens, byte order marks) are refused like an empty string."""
    if not value or all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs") for ch in value):
        raise ValueError("must not be empty or only whitespace")
    return value


CleanText = BeforeValidator(clean_text)
NotBlank = AfterValidator(not_blank)
Identifier = AfterValidator(storable_identifier)
Timestamp = Annotated[AwareDatetime, AfterValidator(utc_representable)]

ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Identifier
]
ShortText = Annotated[str, CleanText, StringConstraints(strip_whitespace=True, max_length=500)]
RequiredText = Annotated[
    str, CleanText, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), NotBlank
]
Description = Annotated[
    str,
    CleanText,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DESCRIPTION_CHARS),
    NotBlank,
]
Url = Annotated[str, CleanText, StringConstraints(strip_whitespace=True, max_length=2_000)]
Tag = Annotated[
    str, CleanText, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class JobRef(_Tolerant):
    """The identity of a job within its source; all a removal needs."""

    external_id: ExternalId


class Job(JobRef):
    """A job posting's content, as carried by ``job.posted`` and ``job.updated``."""

    title: RequiredText
    company: RequiredText
    description: Description
    location: ShortText | None = None
    url: Url | None = None
    remote: Remote | None = None
    employment_type: EmploymentType | None = None
    salary_min: Money | None = None
    salary_max: Money | None = None
    salary_currency: CurrencyCode | None = None
    salary_period: SalaryPeriod | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = Field(default_factory=list)
    posted_at: Timestamp | None = None

    @model_validator(mode="after")
    def _salary_is_coherent(self) -> Self:
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            raise ValueError("salary_min must be <= salary_max")
        has_salary = self.salary_min is not None or self.salary_max is not None
        if has_salary and self.salary_currency is None:
            raise ValueError("salary_currency is required when a salary is given")
        return self


class _Envelope(_Tolerant):
    event_id: uuid.UUID
    schema_version: Literal[1]
    occurred_at: Timestamp
    source: Source
    idempotency_key: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=MAX_IDEMPOTENCY_KEY_CHARS),
            Identifier,
        ]
        | None
    ) = None

    @property
    def kafka_key(self) -> str:
        return f"{self.source}:{self.job.external_id}"  # type: ignore[attr-defined]


class JobPosted(_Envelope):
    type: Literal["job.posted"]
    job: Job


class JobUpdated(_Envelope):
    type: Literal["job.updated"]
    job: Job


class JobRemoved(_Envelope):
    type: Literal["job.removed"]
    job: JobRef


JobEvent = Annotated[JobPosted | JobUpdated | JobRemoved, Field(discriminator="type")]
job_event_adapter: TypeAdapter[JobPosted | JobUpdated | JobRemoved] = TypeAdapter(JobEvent)


def parse_event(data: bytes | str) -> JobPosted | JobUpdated | JobRemoved:
    """Validate one wire message; raises ``pydantic.ValidationError`` naming each bad field."""
    return job_event_adapter.validate_json(data)


def event_from_dict(data: object) -> JobPosted | JobUpdated | JobRemoved:
    return job_event_adapter.validate_python(data)


def field_errors(exc: ValidationError) -> list[str]:
    """One ``path: message`` line per error, without the union tag pydantic puts first."""
    lines = []
    for error in exc.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        if loc and loc[0].startswith("job."):
            loc = loc[1:]
        lines.append(f"{'.'.join(loc) or '<root>'}: {error['msg']}")
    return lines
