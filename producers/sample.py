"""Realistic synthetic job events: postings, updates, removals, duplicates, late arrivals.

Deterministic for a given seed. Invalid events (``invalid_ratio``) cover every way a
producer can break the contract: bytes that are not JSON, missing or mistyped fields,
bad enums, naive datetimes and an unsupported schema_version.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.events import SOURCES

ROLES = [
    ("Backend Engineer", ["python", "django", "postgresql", "kafka"], "software"),
    ("Senior Python Developer", ["python", "fastapi", "asyncio", "aws"], "software"),
    ("Data Engineer", ["spark", "airflow", "sql", "python"], "data"),
    ("Machine Learning Engineer", ["pytorch", "mlops", "python"], "data"),
    ("Frontend Developer", ["react", "typescript", "css"], "software"),
    ("Site Reliability Engineer", ["kubernetes", "terraform", "go"], "software"),
    ("Registered Nurse", ["icu", "patient care", "bls"], "health"),
    ("Pharmacy Technician", ["retail pharmacy", "inventory"], "health"),
    ("CDL Truck Driver", ["cdl-a", "long haul", "logistics"], "logistics"),
    ("Warehouse Associate", ["forklift", "inventory", "shipping"], "logistics"),
    ("Accountant", ["gaap", "excel", "reconciliation"], "finance"),
    ("Financial Analyst", ["fp&a", "modeling", "excel"], "finance"),
    ("Sales Development Representative", ["saas", "outbound", "crm"], "sales"),
    ("Customer Success Manager", ["onboarding", "retention", "saas"], "sales"),
    ("Product Designer", ["figma", "ux research", "prototyping"], "design"),
    ("High School Math Teacher", ["algebra", "curriculum", "classroom"], "education"),
    ("Electrician", ["commercial", "conduit", "nec"], "trades"),
    ("Line Cook", ["grill", "prep", "food safety"], "hospitality"),
]
LEVELS = ["", "Junior ", "Senior ", "Staff ", "Lead "]
COMPANIES = [
    "Acme Robotics",
    "Northwind Health",
    "Globex Logistics",
    "Initech",
    "Umbrella Pharma",
    "Hooli",
    "Stark Industries",
    "Wayne Foods",
    "Cyberdyne Systems",
    "Soylent Corp",
    "Vandelay Industries",
    "Pied Piper",
    "Blue Harbor Bank",
    "Evergreen Schools",
    "Bright Grid Energy",
]
LOCATIONS = [
    "Berlin, Germany",
    "London, UK",
    "New York, NY",
    "Austin, TX",
    "San Francisco, CA",
    "Toronto, Canada",
    "Amsterdam, Netherlands",
    "Chicago, IL",
    "Denver, CO",
    "Paris, France",
    "Remote (EU)",
    "Remote (US)",
    "Madrid, Spain",
    "Dublin, Ireland",
    "Seattle, WA",
]
DOMAIN_SENTENCES = {
    "software": [
        "You will design and operate services that handle millions of requests a day.",
        "Our stack is built around {t0} and {t1}, deployed continuously with strong test coverage.",
        "You will own features end to end, from API design to production monitoring.",
        "We value readable code, thoughtful code review and pragmatic architecture decisions.",
    ],
    "data": [
        "You will build reliable pipelines that move terabytes of data into our warehouse.",
        "Experience with {t0} and {t1} is essential; you will model data for analysts and ML.",
        "You will partner with scientists to productionize models and monitor data quality.",
    ],
    "health": [
        "You will provide compassionate, high-quality care to patients in a fast-paced unit.",
        "Current licensure and {t0} experience are required; {t1} certification preferred.",
        "Rotating shifts include weekends and holidays; we offer tuition reimbursement.",
    ],
    "logistics": [
        "You will move freight safely and on time across regional and national routes.",
        "A clean driving record and {t0} are required; {t1} experience is a plus.",
        "Home time is predictable and equipment is late-model and well maintained.",
    ],
    "finance": [
        "You will own month-end close, reporting and analysis for a growing business unit.",
        "Strong {t0} skills and experience with {t1} are expected.",
        "You will present insights to leadership and improve forecasting accuracy.",
    ],
    "sales": [
        "You will build pipeline with mid-market customers and work closely with account executives.",
        "Experience in {t0} and a disciplined approach to {t1} will make you successful.",
        "Uncapped commission, a supportive team and clear paths to promotion.",
    ],
    "design": [
        "You will shape the experience of products used by thousands of people every day.",
        "You are fluent in {t0} and run {t1} to ground decisions in evidence.",
    ],
    "education": [
        "You will teach engaging lessons and support every student's growth.",
        "Experience with {t0} and {t1} is valued; state certification is required.",
    ],
    "trades": [
        "You will install and maintain electrical systems on commercial job sites.",
        "Knowledge of {t0} work and {t1} code is required; journeyman license preferred.",
    ],
    "hospitality": [
        "You will prepare high-quality dishes in a busy, friendly kitchen.",
        "Experience on the {t0} station and {t1} certification are a plus.",
    ],
}
BOILERPLATE = [
    "We offer competitive pay, health benefits and paid time off.",
    "We are an equal opportunity employer and value diversity at every level.",
    "Flexible hours and a learning budget support your growth.",
    "The interview process is four conversations over two weeks.",
    "Relocation assistance is available for the right candidate.",
]
SALARY_BY_DOMAIN = {
    "software": (70_000, 190_000),
    "data": (80_000, 200_000),
    "health": (45_000, 110_000),
    "logistics": (40_000, 90_000),
    "finance": (55_000, 140_000),
    "sales": (45_000, 120_000),
    "design": (65_000, 160_000),
    "education": (40_000, 80_000),
    "trades": (45_000, 95_000),
    "hospitality": (28_000, 50_000),
}


@dataclass
class _JobState:
    source: str
    external_id: str
    job: dict[str, Any]
    domain: str
    last_at: datetime
    removed: bool = False
    versions: int = 0


@dataclass
class SampleGenerator:
    seed: int = 0
    invalid_ratio: float = 0.0
    start: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.clock = self.start
        self.jobs: list[_JobState] = []
        self.emitted: list[str] = []

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _tick(self) -> datetime:
        self.clock += timedelta(
            seconds=self.rng.randint(1, 90), microseconds=self.rng.randint(0, 999_999)
        )
        return self.clock

    def _description(self, domain: str, tags: list[str], title: str, company: str) -> str:
        t0, t1 = (tags + tags)[:2]
        sentences = [f"{company} is hiring a {title}."]
        pool = DOMAIN_SENTENCES[domain]
        for _ in range(self.rng.randint(6, 14)):
            sentences.append(self.rng.choice(pool).format(t0=t0, t1=t1))
        sentences += self.rng.sample(BOILERPLATE, k=self.rng.randint(2, 4))
        text = " ".join(sentences)
        if self.rng.random() < 0.3:
            text = "<p>" + text.replace(". ", ".</p><p>", 2) + "</p>"
        return text

    def _new_job(self) -> _JobState:
        role, tags, domain = self.rng.choice(ROLES)
        level = self.rng.choice(LEVELS)
        title = role if role.startswith(level.strip() or "-") else level + role
        company = self.rng.choice(COMPANIES)
        location = self.rng.choice(LOCATIONS)
        low, high = SALARY_BY_DOMAIN[domain]
        salary_min = self.rng.randrange(low, high, 1_000)
        job: dict[str, Any] = {
            "external_id": f"{self.rng.getrandbits(40):010x}",
            "title": title,
            "company": company,
            "location": location,
            "description": self._description(domain, tags, title, company),
            "url": f"https://careers.example.com/{company.lower().replace(' ', '-')}/{self.rng.getrandbits(32):08x}",
            "remote": "remote"
            if location.startswith("Remote")
            else self.rng.choice(["hybrid", "onsite", "remote"]),
            "employment_type": self.rng.choice(
                ["full_time"] * 6 + ["part_time", "contract", "internship", "temporary"]
            ),
            "salary_min": salary_min,
            "salary_max": salary_min + self.rng.randrange(5_000, 40_000, 1_000),
            "salary_currency": "EUR" if "Germany" in location or "France" in location else "USD",
            "salary_period": "year",
            "tags": self.rng.sample(tags, k=min(len(tags), self.rng.randint(1, 3))),
        }
        return _JobState(self.rng.choice(SOURCES), job["external_id"], job, domain, self.start)

    def _event(self, state: _JobState, kind: str, at: datetime) -> dict[str, Any]:
        event: dict[str, Any] = {
            "event_id": self._uuid(),
            "type": kind,
            "schema_version": 1,
            "occurred_at": at.isoformat(),
            "source": state.source,
            "job": {"external_id": state.external_id} if kind == "job.removed" else dict(state.job),
        }
        if kind != "job.removed":
            event["job"]["posted_at"] = state.job.get("posted_at") or at.isoformat()
        if self.rng.random() < 0.7:
            event["idempotency_key"] = f"{state.source}:{state.external_id}:{event['event_id'][:8]}"
        return event

    def _mutate(self, state: _JobState) -> None:
        state.versions += 1
        if self.rng.random() < 0.5:  # salary-only change: the embedded text stays the same
            state.job["salary_max"] = state.job["salary_max"] + 1_000 * self.rng.randint(1, 5)
        else:
            state.job["description"] = (
                state.job["description"]
                + f" Update {state.versions}: "
                + self.rng.choice(BOILERPLATE)
            )

    def _valid_event(self) -> dict[str, Any] | str:
        roll = self.rng.random()
        live = [s for s in self.jobs[-2000:] if not s.removed]
        if roll < 0.45 or not live:
            state = self._new_job()
            self.jobs.append(state)
            state.last_at = self._tick()
            return self._event(state, "job.posted", state.last_at)
        if roll < 0.70:
            state = self.rng.choice(live)
            self._mutate(state)
            state.last_at = self._tick()
            return self._event(state, "job.updated", state.last_at)
        if roll < 0.78:
            state = self.rng.choice(live)
            state.removed = True
            state.last_at = self._tick()
            return self._event(state, "job.removed", state.last_at)
        if roll < 0.82:  # reposted after removal, or a late re-post
            gone = [s for s in self.jobs[-2000:] if s.removed] or live
            state = self.rng.choice(gone)
            state.removed = False
            state.last_at = self._tick()
            return self._event(state, "job.posted", state.last_at)
        if roll < 0.92 and self.emitted:  # exact duplicate of a recent event
            return self.rng.choice(self.emitted[-500:])
        # out of order: an update that happened before the newest state, arriving late
        state = self.rng.choice(live)
        late = self._event(
            state, "job.updated", state.last_at - timedelta(seconds=self.rng.randint(1, 3600))
        )
        late["job"]["salary_max"] = late["job"]["salary_max"] - 500
        return late

    def _invalid_event(self) -> str:
        base = self._event(self._new_job(), "job.posted", self._tick())
        kind = self.rng.randrange(7)
        if kind == 0:
            return '{"event_id": "broken json'
        if kind == 1:
            del base["job"]["title"]
        elif kind == 2:
            base["job"]["remote"] = "on the moon"
        elif kind == 3:
            base["occurred_at"] = "2026-01-01T10:00:00"
        elif kind == 4:
            base["schema_version"] = 99
        elif kind == 5:
            base["job"]["salary_min"] = -5
        else:
            base["type"] = "job.archived"
        return json.dumps(base, separators=(",", ":"))

    def lines(self, count: int) -> Iterator[str]:
        for _ in range(count):
            if self.invalid_ratio and self.rng.random() < self.invalid_ratio:
                yield self._invalid_event()
                continue
            event = self._valid_event()
            line = event if isinstance(event, str) else json.dumps(event, separators=(",", ":"))
            self.emitted.append(line)
            if len(self.emitted) > 1000:
                del self.emitted[:500]
            yield line


def sample_lines(count: int, seed: int = 0, invalid_ratio: float = 0.0) -> Iterator[str]:
    return SampleGenerator(seed=seed, invalid_ratio=invalid_ratio).lines(count)


def unique_postings(count: int, seed: int = 0) -> Iterator[str]:
    """`count` job.posted events, each for a different job: a stream with nothing to dedupe."""
    generator = SampleGenerator(seed=seed)
    for _ in range(count):
        state = generator._new_job()
        event = generator._event(state, "job.posted", generator._tick())
        yield json.dumps(event, separators=(",", ":"))
