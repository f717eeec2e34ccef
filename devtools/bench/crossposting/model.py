"""One real job and one rendition of it: what a posting of the job on some board shows.

A :class:`Job` is what the employer means (place, title, pay, text); a :class:`Rendition` is how
one posting writes it. The job's own careers page shows its canonical rendition; every copy on
another board is a rendition the board rewrote (see ``rewrite``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devtools.bench.crossposting.companies import Company, CompanySpec, render_company
from devtools.bench.crossposting.places import City, PlaceSpec, render_place
from devtools.bench.crossposting.roles import Family, Title, TitleSpec, render_title
from devtools.bench.crossposting.text import (
    Content,
    DescSpec,
    Salary,
    pay_text,
    render_description,
)


@dataclass(frozen=True)
class FieldSpec:
    salary: bool = True
    etype: bool = True
    remote: bool = True
    tags: bool = True
    period: str = ""  # salary period shown; "" = the employer's


@dataclass(frozen=True)
class Rendition:
    place: PlaceSpec | None  # None: no location at all
    company: CompanySpec
    title: TitleSpec
    desc: DescSpec
    fields: FieldSpec
    shift_h: float = 0.0  # posted this many hours after the canonical posting


@dataclass(frozen=True)
class Job:
    key: str
    company: Company
    city: City
    family: Family
    title: Title
    remote: str
    etype: str | None
    salary: Salary | None
    pay_line: bool  # the description states the salary
    content: Content
    tags: tuple[str, ...]
    posted_at: datetime
    canonical: Rendition


def shown_salary(job: Job, rendition: Rendition) -> Salary | None:
    if job.salary is None or not rendition.fields.salary:
        return None
    period = rendition.fields.period or job.salary.period
    return job.salary if period == job.salary.period else job.salary.restated(period)


def render(job: Job, rendition: Rendition) -> dict[str, Any]:
    """The posting's content fields (identity, url and time are the board's)."""
    pay = pay_text(job.salary, rendition.desc.pay_notation) if job.salary and job.pay_line else ""
    fields: dict[str, Any] = {
        "title": render_title(job.title, rendition.title),
        "company": render_company(job.company, rendition.company, job.city.country),
        "description": render_description(job.content, rendition.desc, pay),
    }
    if rendition.place is not None:
        fields["location"] = render_place(job.city, rendition.place)
    if rendition.fields.remote:
        fields["remote"] = job.remote
    if rendition.fields.etype and job.etype:
        fields["employment_type"] = job.etype
    salary = shown_salary(job, rendition)
    if salary is not None:
        whole = salary.period in ("year", "month")
        fields["salary_min"] = int(salary.low) if whole else float(salary.low)
        fields["salary_max"] = int(salary.high) if whole else float(salary.high)
        fields["salary_currency"] = salary.currency
        fields["salary_period"] = salary.period
    if rendition.fields.tags and job.tags:
        fields["tags"] = list(job.tags)
    return fields
