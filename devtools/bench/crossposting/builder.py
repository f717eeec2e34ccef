"""Makes the jobs and postings of the cross-posting set: a real job as its employer writes it,
its postings on boards (ids, urls, times, the events), the hard-negative pairs between
postings, and the assembled stream and labels. Everything is drawn from one seeded generator,
so a seed gives the same events and labels every time; ``scenarios`` decides what to make.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from devtools.bench.crossposting.boards import BOARDS, COPY_WEIGHTS, Board
from devtools.bench.crossposting.companies import SECTORS, Company, canonical_spec, make_companies
from devtools.bench.crossposting.labels import NEGATIVES, NegativePair, PostingLabel
from devtools.bench.crossposting.model import FieldSpec, Job, Rendition, render
from devtools.bench.crossposting.places import (
    CITIES,
    COUNTRIES,
    City,
    PlaceSpec,
    allowed,
    needs_qualifier,
)
from devtools.bench.crossposting.rewrite import (
    copy_rendition,
    marker_pool,
    title_suffixes,
    variations,
)
from devtools.bench.crossposting.roles import FAMILIES, LEVEL_PAY, Family, Title, TitleSpec
from devtools.bench.crossposting.text import NOTATIONS, Content, DescSpec, Salary

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
_POSTINGS_PER_JOB = ((1, 18), (2, 25), (3, 26), (4, 16), (5, 10), (6, 5))
_PAY_TABLE = (
    "US 1.0, CA 0.8, GB 0.7, IE 0.75, DE 0.7, AT 0.65, CH 1.05, FR 0.6, BE 0.65, NL 0.7, "
    "ES 0.5, PT 0.4, IT 0.5, CZ 0.4, PL 0.38, DK 0.8"
)
_PAY_FACTOR = {k: float(v) for k, v in (item.split() for item in _PAY_TABLE.split(", "))}
_RATE_TABLE = "USD 1.0, CAD 1.37, GBP 0.79, EUR 0.92, CHF 0.88, CZK 23.0, PLN 3.95, DKK 6.85"
_PER_USD = {k: float(v) for k, v in (item.split() for item in _RATE_TABLE.split(", "))}
TRIVIAL = ("<p></p>", "TBD", "tbd", "N/A", ".", "<p>&nbsp;</p>", "See job title.")
_OPENINGS = (
    "As {a} {title} in our {team} in {place}, you will {mission}.",
    "We are looking for {a} {title} to join our {team} in {place}. You will {mission}.",
    "Join our {team} in {place} as {a} {title} and {mission}.",
)


@dataclass
class Built:
    events: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, PostingLabel] = field(default_factory=dict)
    negative_pairs: list[NegativePair] = field(default_factory=list)


@dataclass
class _Posting:
    job_id: str
    job: Job
    board: str
    source: str
    canonical: bool
    variations: tuple[str, ...]
    occurred: datetime
    event: dict[str, Any]
    active: bool = True
    negatives: set[str] = field(default_factory=set)


def _money(value: float, step: str) -> Decimal:
    unit = Decimal(step)
    return (Decimal(str(value)) / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit


def _slug(text: str) -> str:
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


class Builder:
    def __init__(self, seed: int, jobs: int) -> None:
        self.rng = random.Random(seed)
        self.target = jobs
        self.companies = make_companies(self.rng, max(40, jobs // 5))
        self.postings: list[_Posting] = []
        self.removals: list[tuple[_Posting, datetime]] = []
        self.pairs: list[NegativePair] = []
        self.jobs = 0
        self.titles: set[tuple[str, ...]] = set()
        self.counters: dict[str, int] = {}
        self.ids: set[str] = set()

    # -- jobs --------------------------------------------------------------------------------

    def _family(self, company: Company, min_quals: int = 0) -> Family | None:
        keys = [k for k in SECTORS[company.sector][2] if len(FAMILIES[k].quals) >= min_quals]
        return FAMILIES[self.rng.choice(keys)] if keys else None

    def _title_key(
        self, company: Company, family: Family, level: str, qual: str, n: int
    ) -> tuple[str, ...]:
        return (company.key, family.key, level, qual, str(n))

    def _claim(self, key: tuple[str, ...]) -> bool:
        if key in self.titles:
            return False
        self.titles.add(key)
        return True

    def _salary(self, family: Family, level: str, city: City) -> Salary | None:
        rng = self.rng
        if rng.random() > {"US": 0.6, "GB": 0.5}.get(city.country, 0.4):
            return None
        currency = COUNTRIES[city.country].currency
        mid = (
            family.pay * LEVEL_PAY.get(level, 1.0) * _PAY_FACTOR[city.country] * _PER_USD[currency]
        )
        period = family.period
        if period == "hour" and city.country not in ("US", "CA") and rng.random() < 0.5:
            period, mid = "month", mid * 2080 / 12
        step = {"year": "1000", "month": "50", "hour": "0.25"}[period]
        low = _money(mid * rng.uniform(0.85, 0.95), step)
        high = _money(mid * rng.uniform(1.05, 1.2), step)
        return Salary(low, max(low, high), currency, period)

    def _place_spec(self, company: Company, city: City) -> PlaceSpec:
        rng = self.rng
        local = rng.random() < (0.75 if company.country == city.country else 0.2)
        if city.country in ("US", "CA"):
            options = [("code", ""), ("code", ""), ("code", ""), ("code", "name"), ("name", "name")]
        else:
            options = [("", "name"), ("", "name"), ("", "name"), ("", ""), ("name", "name")]
        while True:
            region, country = rng.choice(options)
            spec = PlaceSpec(local=local, region=region, country=country)
            if allowed(city, spec):
                return spec

    def _summary(self, family: Family, title: Title, qual: str, city: City, local: bool) -> str:
        rng = self.rng
        place = city.named(local)
        if needs_qualifier(city):
            place = f"{place}, {city.region}"
        words = f"{title.level} {title.core}".strip()
        team = f"{qual} team" if qual and family.prefix else family.unit
        text = rng.choice(_OPENINGS).format(
            a="an" if words[0] in "AEIOU" else "a",
            title=words,
            team=team,
            place=place,
            mission=rng.choice(family.missions),
        )
        if qual and not family.prefix:
            text += f" This is a {qual} position."
        return text

    def make_job(
        self,
        company: Company,
        family: Family,
        city: City,
        level: str,
        qual: str,
        in_title: bool,
        numeral: int,
        like: Job | None = None,
        trivial: str = "",
        style: Job | None = None,
    ) -> Job:
        """A new real job; ``like`` copies another job's text (one opening in many cities),
        ``style`` only its way of writing title and place (another opening of one employer)."""
        rng = self.rng
        self.jobs += 1
        key = f"job-{self.jobs:05d}"
        quals = next((q for q in family.quals if q[0] == qual), (qual,)) if qual else ()
        title = Title(level, family.core, quals if in_title else (), family.prefix, numeral)
        model = like if like is not None else style
        place = self._place_spec(company, city)
        same_country = model is not None and model.city.country == city.country
        if (
            model is not None
            and same_country
            and model.canonical.place
            and allowed(city, model.canonical.place)
        ):
            place = model.canonical.place  # one employer writes its places one way
        pool = marker_pool(city)
        marker = rng.choice(pool) if pool and rng.random() < 0.8 else ""
        inverted = bool(title.qual) and family.prefix and rng.random() < 0.35
        sep = rng.choice((", ", " - ", "()") if family.prefix else (", ", " - ", "()", " – "))
        tspec = TitleSpec(
            numeral=rng.choice(("roman", "roman", "arabic")),
            marker=marker,
            inverted=inverted,
            sep=sep,
        )
        remote = "onsite"
        if family.office:
            remote = rng.choices(("onsite", "hybrid", "remote"), (45, 40, 15))[0]
        etype = rng.choice(family.etypes) if rng.random() < 0.85 else None
        salary = self._salary(family, level, city)
        if like is not None:
            content = replace(
                like.content,
                summary=self._summary(family, title, qual, city, place.local)
                if not like.content.trivial
                else "",
            )
            remote, etype, tags = like.remote, like.etype, like.tags
            if like.salary is not None and like.city.country == city.country:
                salary = like.salary
            pay_line = like.pay_line and salary is not None
        else:
            content = Content(
                about=company.about,
                summary=self._summary(family, title, qual, city, place.local),
                duties=tuple(rng.sample(family.duties, rng.randint(4, 6))),
                needs=tuple(rng.sample(family.needs, rng.randint(4, min(6, len(family.needs))))),
                offer=company.benefits,
                closing=company.eeo,
                headings=company.headings,
                trivial=trivial,
            )
            tags = tuple(rng.sample(family.tags, rng.randint(0, 4)))
            pay_line = salary is not None and not trivial and rng.random() < 0.6
        canonical = Rendition(
            place=place,
            company=canonical_spec(company),
            title=tspec,
            desc=DescSpec(
                html=company.html,
                bullet=rng.choice(("• ", "- ")),
                pay_notation=rng.randrange(NOTATIONS),
            ),
            fields=FieldSpec(),
        )
        posted = START + timedelta(days=rng.uniform(0, 100), seconds=rng.randrange(86_400))
        job = Job(
            key=key,
            company=company,
            city=city,
            family=family,
            title=title,
            remote=remote,
            etype=etype,
            salary=salary,
            pay_line=pay_line,
            content=content,
            tags=tags,
            posted_at=posted,
            canonical=canonical,
        )
        if model is not None:
            return self._like(job, model)
        if rng.random() < 0.08:  # some employers put a place or perk into the title themselves
            suffix = rng.choice(title_suffixes(job))
            job = replace(job, canonical=replace(canonical, title=replace(tspec, suffix=suffix)))
        return job

    def _like(self, job: Job, like: Job) -> Job:
        """The employer writes a sibling opening the way it wrote the first one."""
        spec = like.canonical
        title = spec.title
        if like.city.name in title.suffix:
            title = replace(title, suffix=title.suffix.replace(like.city.name, job.city.name))
        if marker_pool(job.city) != marker_pool(like.city):
            title = replace(title, marker=job.canonical.title.marker)
        return replace(job, canonical=replace(spec, place=job.canonical.place, title=title))

    # -- postings ----------------------------------------------------------------------------

    def _identity(self, job: Job, board: Board) -> tuple[str, str]:
        rng = self.rng
        n = self.counters[board.name] = self.counters.get(board.name, 0) + 1
        slug, title = job.company.slug, _slug(f"{job.title.level} {job.title.core}")
        city = _slug(job.city.name)
        name = board.name
        if name == "linkedin":
            eid = str(3_850_000_000 + n * 9_973 + rng.randrange(9_000))
            url = f"https://www.linkedin.com/jobs/view/{eid}/"
        elif name == "indeed":
            eid = f"{rng.getrandbits(64):016x}"
            host = {"US": "www", "GB": "uk", "CA": "ca"}.get(
                job.city.country, job.city.country.lower()
            )
            url = f"https://{host}.indeed.com/viewjob?jk={eid}"
        elif name == "glassdoor":
            eid = str(1_009_000_000_000 + n * 7_919 + rng.randrange(7_000))
            url = f"https://www.glassdoor.com/job-listing/{title}-{slug}-JV.htm?jl={eid}"
        elif name == "greenhouse":
            eid = str(4_100_000 + n * 37 + rng.randrange(30))
            url = f"https://boards.greenhouse.io/{slug}/jobs/{eid}"
        elif name == "lever":
            eid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            url = f"https://jobs.lever.co/{slug}/{eid}"
        elif name == "workday":
            eid = f"{slug}/R{10_000 + n}"
            url = f"https://{slug}.wd3.myworkdayjobs.com/en-US/Careers/job/{city}/{title}_R{10_000 + n}"
        elif name == "company_site":
            eid = f"{slug}-{1_000 + n}"
            url = f"https://careers.{slug}.com/jobs/{1_000 + n}-{title}"
        else:
            number = 7_000_000 + n * 13 + rng.randrange(12)
            eid = f"{name}-{number}"
            url = {
                "stepstone": f"https://www.stepstone.de/stellenangebote--{title}-{city}--{number}-inline.html",
                "xing": f"https://www.xing.com/jobs/{city}-{title}-{number}",
                "ziprecruiter": f"https://www.ziprecruiter.com/c/{slug}/Job/{title}/-in-{city}?jid={number:x}",
                "jooble": f"https://jooble.org/desc/{number}",
                "adzuna": f"https://www.adzuna.com/details/{number}",
            }.get(name, f"https://www.aldertalent.com/jobs/{number}")
        assert eid not in self.ids
        self.ids.add(eid)
        return eid, url

    def post(self, job: Job, board: Board, rendition: Rendition, canonical: bool) -> _Posting:
        rng = self.rng
        if abs(rendition.shift_h) < 48:
            rendition = replace(rendition, shift_h=0.0 if canonical else rng.uniform(0, 30))
        eid, url = self._identity(job, board)
        content = render(job, rendition)
        posted = job.posted_at + timedelta(hours=rendition.shift_h)
        occurred = posted + timedelta(minutes=rng.randint(5, 480), seconds=rng.randrange(60))
        payload: dict[str, Any] = {"external_id": eid, **content, "url": url}
        payload["posted_at"] = posted.isoformat()
        event = {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "type": "job.posted",
            "schema_version": 1,
            "occurred_at": occurred.isoformat(),
            "source": board.source,
            "idempotency_key": f"{board.source}:{eid}:posted",
            "job": payload,
        }
        found = () if canonical else variations(job, job.canonical, rendition)
        posting = _Posting(
            f"{board.source}:{eid}",
            job,
            board.name,
            board.source,
            canonical,
            found,
            occurred,
            event,
        )
        self.postings.append(posting)
        return posting

    def publish(
        self,
        job: Job,
        forbid: frozenset[str] = frozenset({"place_dropped"}),
        count: int | None = None,
    ) -> list[_Posting]:
        """The employer's posting (most of the time) and copies on other boards."""
        rng = self.rng
        if count is None:
            count = rng.choices(
                [n for n, _ in _POSTINGS_PER_JOB], [w for _, w in _POSTINGS_PER_JOB]
            )[0]
        own = rng.random() < 0.75
        pool = [
            b
            for b in COPY_WEIGHTS
            if not BOARDS[b].countries or job.city.country in BOARDS[b].countries
        ]
        copies = min(len(pool), count - 1 if own else count)
        boards: list[str] = []
        while len(boards) < copies:
            left = [b for b in pool if b not in boards]
            boards.append(rng.choices(left, [COPY_WEIGHTS[b] for b in left])[0])
        out = []
        if own:
            out.append(self.post(job, BOARDS[job.company.ats], job.canonical, canonical=True))
        for name in boards:
            board = BOARDS[name]
            out.append(
                self.post(job, board, copy_rendition(job, board, rng, forbid), canonical=False)
            )
        return out

    def negative(self, kind: str, left: list[_Posting], right: list[_Posting]) -> None:
        for a, b in itertools.product(left, right):
            assert a.job.key != b.job.key
            a.negatives.add(kind)
            b.negatives.add(kind)
            self.pairs.append(NegativePair(a.job_id, b.job_id, kind))

    # -- scenarios ---------------------------------------------------------------------------

    def new_key(self) -> str:
        self.jobs += 1
        return f"job-{self.jobs:05d}"

    def pick_title(
        self, company: Company, min_quals: int = 0, quals_in_title: int = 1, prefix: bool = False
    ) -> tuple[Family, str, list[str], int] | None:
        """A family, level, specialties and numeral whose titles this employer has not used."""
        rng = self.rng
        for _ in range(40):
            family = self._family(company, min_quals)
            if family is None or (prefix and not family.prefix):
                continue
            level = rng.choice(family.levels)
            numeral = rng.choice((2, 3)) if family.numerals and rng.random() < 0.4 else 0
            count = max(quals_in_title, min_quals)
            if count and len(family.quals) < count:
                continue
            quals = [q[0] for q in rng.sample(family.quals, count)] if count else []
            if not count and family.quals and rng.random() < 0.6:
                quals = [rng.choice(family.quals)[0]]
            in_title = quals if quals_in_title else [""]
            keys = [self._title_key(company, family, level, q, numeral) for q in in_title or [""]]
            if all(key not in self.titles for key in keys):
                self.titles.update(keys)
                return family, level, quals, numeral
        return None

    def cities(self, company: Company, count: int) -> list[City]:
        """Cities of distinct names where the employer hires, topped up in its home country."""
        rng = self.rng
        keys = list(company.cities) + [
            k
            for k in rng.sample(sorted(CITIES), len(CITIES))
            if CITIES[k].country == company.country
        ]
        chosen: dict[str, City] = {}
        for key in keys:
            city = CITIES[key]
            if city.name not in chosen:
                chosen[city.name] = city
        return list(chosen.values())[:count]

    def siblings(
        self,
        company: Company,
        family: Family,
        level: str,
        qual: str,
        numeral: int,
        cities: list[City],
        same_text: bool,
    ) -> list[Job]:
        """One title in several cities: separate openings, often with the same text."""
        first = self.make_job(company, family, cities[0], level, qual, bool(qual), numeral)
        jobs = [first]
        for city in cities[1:]:
            like = first if same_text else None
            jobs.append(
                self.make_job(company, family, city, level, qual, bool(qual), numeral, like)
            )
        return jobs

    def cross(self, kind: str, groups: list[list[_Posting]]) -> None:
        for left, right in itertools.combinations(groups, 2):
            self.negative(kind, left, right)

    # -- the set -----------------------------------------------------------------------------

    def assemble(self) -> Built:
        rng = self.rng
        timed: list[tuple[datetime, str, dict[str, Any]]] = []
        for posting in self.postings:
            timed.append((posting.occurred, posting.event["event_id"], posting.event))
        for posting, at in self.removals:
            eid = posting.event["job"]["external_id"]
            event: dict[str, Any] = {
                "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "type": "job.removed",
                "schema_version": 1,
                "occurred_at": at.isoformat(),
                "source": posting.source,
                "idempotency_key": f"{posting.source}:{eid}:removed",
                "job": {"external_id": eid},
            }
            timed.append((at, event["event_id"], event))
        timed.sort(key=lambda item: (item[0], item[1]))
        built = Built(events=[event for _, _, event in timed], negative_pairs=self.pairs)
        order = {name: i for i, name in enumerate(NEGATIVES)}
        for p in self.postings:
            built.labels[p.job_id] = PostingLabel(
                job_id=p.job_id,
                job_key=p.job.key,
                board=p.board,
                source=p.source,
                active=p.active,
                canonical=p.canonical,
                variations=p.variations,
                negatives=tuple(sorted(p.negatives, key=order.__getitem__)),
            )
        return built
