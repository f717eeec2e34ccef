"""The job event contract, version 1: what scrapers publish and workers read.

One JSON object per Kafka message, keyed ``"{source}:{external_id}"``. Readers are
tolerant: unknown fields are ignored, so producers may add fields before workers
upgrade. Everything else that does not match is invalid, and the error names the field.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
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

ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DESCRIPTION_CHARS)
]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
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
    posted_at: AwareDatetime | None = None

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
    occurred_at: AwareDatetime
    source: Source
    idempotency_key: (
        Annotated[str, StringConstraints(min_length=1, max_length=MAX_IDEMPOTENCY_KEY_CHARS)] | None
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
