"""A held-out job-search evaluation set: postings, their ``job.posted`` events and graded
queries, generated deterministically from hand-written tables (``devtools.bench.heldout``).

What it is. About 400 postings in English, German and Spanish from fictional employers in
the US, the UK, Canada, Ireland, Germany, Austria, Switzerland, Spain and Latin America. Each
comes from a role family (ICU nurse, med-surg nurse, veterinary technician, HVAC technician,
backend engineer, data engineer, payroll specialist, accounts payable clerk, ...) at one
seniority level, in one city, with one work arrangement and employment type. Its description
(400-1,500 characters) is assembled from that family's texts: sometimes a company introduction
first, a summary, duties, requirements naming its skills, the work arrangement, pay, benefits,
an "about us" part, a requisition number and an equal-opportunity statement last; about one
in seven is HTML. Many families share the words "engineer", "technician", "manager",
"nurse", "senior", so a word in common is not a sign of relevance. No two postings share
company, title and place, so none is a copy of another.

How grades were assigned. Never from a ranking: every grade is computed from what the
generator knows about a posting (its role family, level, city, arrangement, employment type,
language, the skills it names, its requisition code, product and company) against the query's
``Spec``:

- a role in the query's ``best`` set starts at 2, in its ``near`` set at 1 (a related role a
  searcher would still look at, e.g. full-stack for "backend engineer"), anything else is 0;
- skills: all named skills keep the grade, some (or none, when roles are given) cost one
  grade; a skills-only query is 0 without any of them;
- seniority: a level in ``levels`` keeps the grade, one in ``near_levels`` costs one, others
  are 0; without a level in the query, interns and people managers of a non-manager role
  cost one;
- place: the city (or region, or country) keeps the grade, a remote job in the same country
  costs one, anything else is 0; "remote" keeps remote jobs, costs one for hybrid, 0 onsite;
  an employment type the posting lacks costs one;
- language: a posting in another language than the query costs one, except for
  cross-lingual queries (German or Spanish queries for roles posted only in English);
- identifier queries (a requisition code, a product, a rare company) grade 2 exactly the one
  or two postings carrying it, and 0 the rest, including near-identical codes.

Unlisted postings are grade 0. ``summary()`` counts postings and queries per kind and language.
"""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from devtools.bench.heldout import (
    roles_de,
    roles_es,
    roles_health,
    roles_services,
    roles_tech,
    roles_trades,
)
from devtools.bench.heldout.model import City, Company, Role, Spec
from devtools.bench.heldout.phrases import BENEFITS_OF, PHRASES, Phrases
from devtools.bench.heldout.places import CITIES, COMPANIES, COUNTRY_PAY, company_lang
from devtools.bench.heldout.queries import SPECS

ROLES: tuple[Role, ...] = (
    roles_health.ROLES
    + roles_trades.ROLES
    + roles_tech.ROLES
    + roles_services.ROLES
    + roles_de.ROLES
    + roles_es.ROLES
)
MIN_CHARS, MAX_CHARS = 400, 1_500
_NAMESPACE = uuid.UUID("6f1c2b7e-4d0a-5c3e-9b8f-1a2d3c4e5f60")
_T0 = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
_ETYPES = {
    "ft": "full_time",
    "pt": "part_time",
    "ct": "contract",
    "tmp": "temporary",
    "int": "internship",
}
_ARRANGEMENTS = {"o": "onsite", "h": "hybrid", "r": "remote"}
_LEVEL_PAY = {"intern": 0.45, "junior": 0.78, "mid": 1.0, "senior": 1.28, "lead": 1.5}
_LEVEL_PAY |= {"manager": 1.55}
_SOURCES = ("greenhouse", "lever", "workday", "linkedin", "indeed", "company_site")
_SKILL = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Posting:
    """A posting with what the generator knows about it (``fields`` is what is published)."""

    job_id: str
    role: str
    lang: str
    level: str
    manages: bool
    city: City
    remote: str
    etype: str
    company: str
    skills: frozenset[str]
    code: str
    product: str
    source: str
    fields: dict[str, Any]


def _hash(*parts: object) -> int:
    text = "|".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _pick(options: tuple[str, ...] | list[str], *key: object) -> str:
    return options[_hash(*key) % len(options)]


def _sample(options: tuple[str, ...], k: int, *key: object) -> list[str]:
    """``k`` options in their table order, chosen by hash: deterministic everywhere."""
    chosen = sorted(options, key=lambda option: _hash(*key, option))[:k]
    return [option for option in options if option in chosen]


def _unmark(text: str, skills: set[str]) -> str:
    """The text without skill braces; the skills it names are added to ``skills``."""
    skills.update(match.lower() for match in _SKILL.findall(text))
    return _SKILL.sub(r"\1", text)


def _names(text: str, skill: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(skill)}(?!\w)", text, re.IGNORECASE) is not None


@cache
def _vocabulary() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Every skill the tables know (pools and marks) longer than two characters, lowercased,
    with its whole-word pattern: a posting whose text holds it as a whole word names it
    (shorter ones, "C", "R", "Go", count only where marked or tagged)."""
    known = {skill.lower() for role in ROLES for skill in role.skills}
    for role in ROLES:
        for text in role.summary + role.duties + role.needs:
            known.update(mark.lower() for mark in _SKILL.findall(text))
    return tuple(
        (skill, re.compile(rf"(?<!\w){re.escape(skill)}(?!\w)"))
        for skill in sorted(known)
        if len(skill) > 2
    )


def _round(amount: float) -> float:
    if amount < 200:
        return round(amount * 2) / 2
    step = 10 ** max(0, len(str(int(amount))) - 3)
    return float(round(amount / step) * step)


def _number(amount: float) -> int | float:
    return int(amount) if amount == int(amount) else amount


def _money(amount: float, currency: str, lang: str) -> str:
    whole = amount == int(amount)
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    if lang in ("de", "es") and currency in ("EUR", "CHF", "COP", "CLP"):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if currency == "EUR":
        return f"€{text}" if lang == "en" else f"{text} €"
    symbol = {"USD": "$", "CAD": "CA$", "GBP": "£"}.get(currency)
    if symbol is not None:
        return f"{symbol}{text}"
    return f"{text} CHF" if currency == "CHF" else f"${text} {currency}"


def _salary(role: Role, level: str, city: City, key: str) -> dict[str, Any]:
    if role.pay is None or city.country not in COUNTRY_PAY or _hash(key, "pay") % 10 >= 6:
        return {}
    period, amount = role.pay
    currency, factor, monthly = COUNTRY_PAY[city.country]
    amount *= _LEVEL_PAY[level] * factor
    if city.country != "US" and period == "hour":
        period, amount = "year", amount * 2_000
    if monthly and period == "year":
        period, amount = "month", amount / 12
    low = _round(amount)
    high = _round(amount * (1.15 if period == "hour" else 1.22))
    return {
        "salary_min": _number(low),
        "salary_max": _number(high),
        "salary_currency": currency,
        "salary_period": period,
    }


def _join(items: list[str], and_word: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {and_word} {items[-1]}"


@dataclass
class _Parts:
    """A description's parts; the optional ones are dropped, in order, to fit the bounds."""

    intro: str
    summary: list[str]
    duties_heading: str
    duties: list[str]
    needs_heading: str
    needs: list[str]
    closing: list[str]
    benefits: str
    about: str
    code: str
    equal_opportunity: str

    def render(self, as_html: bool) -> str:
        lists = ((self.duties_heading, self.duties), (self.needs_heading, self.needs))
        tail = [self.benefits, self.about, self.code, self.equal_opportunity]
        paragraphs = [self.intro, " ".join(self.summary)]
        if not as_html:
            blocks = [text for text in paragraphs if text]
            for heading, lines in lists:
                blocks.append(heading + "\n" + "\n".join(f"- {line}" for line in lines))
            blocks += self.closing + [text for text in tail if text]
            return "\n\n".join(blocks)
        out = [f"<p>{html.escape(text, quote=False)}</p>" for text in paragraphs if text]
        for heading, lines in lists:
            out.append(f"<p><strong>{html.escape(heading, quote=False)}</strong></p>")
            out.append(
                "<ul>"
                + "".join(f"<li>{html.escape(line, quote=False)}</li>" for line in lines)
                + "</ul>"
            )
        out += [f"<p>{html.escape(text, quote=False)}</p>" for text in self.closing + tail if text]
        return "".join(out)

    def shrink(self) -> bool:
        """Drop the next optional part; False when nothing is left to drop."""
        if self.benefits:
            self.benefits = ""
        elif len(self.summary) > 1:
            self.summary.pop()
        elif self.about or self.intro:
            self.about = self.intro = ""
        elif len(self.duties) > 3:
            self.duties.pop()
        elif len(self.needs) > 2:
            self.needs.pop(1)
        elif self.equal_opportunity:
            self.equal_opportunity = ""
        else:
            return False
        return True


def _describe(
    role: Role,
    slot: _Slot,
    company: Company,
    tags: list[str],
    salary: dict[str, Any],
    code: str,
    skills: set[str],
) -> str:
    ph: Phrases = PHRASES[role.lang]
    key = f"{role.lang}:{role.key}:{slot.index}"
    city = CITIES[slot.city]
    mode = _hash(key, "mode") % 5
    summary = [_unmark(_pick(role.summary, key, "summary"), skills)]
    if slot.product:
        summary.append(f"You will work on {slot.product}, {company.products[slot.product]}.")
    if _hash(key, "level") % 10 < 7:
        summary.append(_pick(ph.level_line[slot.level], key, "level"))
    duties = [_unmark(d, skills) for d in _sample(role.duties, 4, key, "duties")]
    needs = [_pick(ph.experience[slot.level], key, "experience")]
    needs += [_unmark(n, skills) for n in _sample(role.needs, 2, key, "needs")]
    written = " ".join(summary + duties + needs)
    unnamed = [tag for tag in tags if not _names(written, tag)]
    if unnamed:
        line = _pick(ph.skills_line, key, "skills")
        needs.append(line.format(skills=_join(unnamed, ph.and_word)))
    country = ph.countries.get(city.country, city.country)
    closing = [
        _pick(ph.arrangement[slot.remote], key, "where").format(city=city.name, country=country)
    ]
    if slot.etype != "full_time":
        closing.append(_pick(ph.employment[slot.etype], key, "etype"))
    if salary:
        low = _money(float(salary["salary_min"]), salary["salary_currency"], role.lang)
        high = _money(float(salary["salary_max"]), salary["salary_currency"], role.lang)
        closing.append(ph.pay_line[salary["salary_period"]].format(lo=low, hi=high))
    benefits = ""
    if _hash(key, "benefits") % 2 == 0:
        sector = BENEFITS_OF.get(company.sectors[-1], company.sectors[-1])
        pool = ph.benefits[""] + ph.benefits.get(sector, ())
        chosen = _sample(pool, 3, key, "benefit-items")
        benefits = f"{_pick(ph.benefits_heading, key, 'bh')} {_join(chosen, ph.and_word)}."
    about_heading = _pick(ph.about_heading, company.key, "about").format(company=company.name)
    eeo = ""
    if _hash(key, "eeo") % 20 < 7:
        eeo = _pick(ph.equal_opportunity, company.key, "eeo").format(company=company.name)
    parts = _Parts(
        intro=company.about if mode < 2 else "",
        summary=summary,
        duties_heading=_pick(ph.duties_heading, key, "dh"),
        duties=duties,
        needs_heading=_pick(ph.needs_heading, key, "nh"),
        needs=needs,
        closing=closing,
        benefits=benefits,
        about=f"{about_heading} {company.about}" if mode == 2 else "",
        code=_pick(ph.code_line, company.key, "code").format(code=code) if code else "",
        equal_opportunity=eeo,
    )
    as_html = _hash(key, "html") % 7 == 0
    text = parts.render(as_html)
    while len(text) > MAX_CHARS and parts.shrink():
        text = parts.render(as_html)
    if not MIN_CHARS <= len(text) <= MAX_CHARS:
        raise ValueError(f"{key}: description of {len(text)} characters")
    return text


@dataclass(frozen=True)
class _Slot:
    index: int
    level: str
    city: str
    remote: str
    etype: str
    code: str
    product: str
    company: str
    title: str


def _slots(role: Role) -> list[_Slot]:
    slots = []
    for index, text in enumerate(s.strip() for s in role.slots.split(";")):
        level, city, arrangement, *rest = text.split()
        options = dict(part.split("=", 1) for part in rest if "=" in part)
        flags = [part for part in rest if "=" not in part]
        etype = _ETYPES[flags[0]] if flags else ("internship" if level == "intern" else "full_time")
        if level not in role.titles or city not in CITIES:
            raise ValueError(f"{role.lang}:{role.key}: bad slot {text!r}")
        slots.append(
            _Slot(
                index,
                level,
                city,
                _ARRANGEMENTS[arrangement],
                etype,
                options.get("code", ""),
                options.get("product", "").replace("_", " "),
                options.get("company", ""),
                options.get("title", "").replace("_", " "),
            )
        )
    return slots


def _companies(role: Role, city: City) -> list[Company]:
    return [
        company
        for company in COMPANIES.values()
        if not company.pinned_only
        and company.country == city.country
        and (not company.cities or city.key in company.cities)
        and company_lang(company) == role.lang
        and set(company.sectors) & set(role.sectors)
    ]


def _generic_code(company: Company, key: str, salt: int) -> str:
    style, n = _hash(company.key, "style") % 4, _hash(key, "code", salt)
    if style == 0:
        return f"REQ-{2023 + n % 3}-{n // 7 % 10_000:04d}"
    if style == 1:
        return f"JR-{100_000 + n // 7 % 900_000}"
    if style == 2:
        return f"R{n // 7 % 10_000_000:07d}"
    return f"{24 + n % 2}-{n // 7 % 10_000:04d}"


@cache
def _build() -> tuple[Posting, ...]:
    planned = [(role, slot) for role in ROLES for slot in _slots(role)]
    planned.sort(key=lambda rs: _hash("order", rs[0].lang, rs[0].key, rs[1].index))
    pinned_codes = {slot.code for _, slot in planned if slot.code}
    used_codes: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    built = []
    for number, (role, slot) in enumerate(planned, start=1):
        key = f"{role.lang}:{role.key}:{slot.index}"
        city = CITIES[slot.city]
        pool = [COMPANIES[slot.company]] if slot.company else _companies(role, city)
        if not pool:
            raise ValueError(f"{key}: no company for {city.key}")
        for salt in range(50):
            company = pool[_hash(key, "company", salt) % len(pool)]
            title = slot.title or _pick(role.titles[slot.level], key, "title", salt)
            if (company.key, title, city.key) not in seen:
                break
        else:
            raise ValueError(f"{key}: no unique company and title")
        seen.add((company.key, title, city.key))
        if slot.product and slot.product not in company.products:
            raise ValueError(f"{key}: {company.name} has no product {slot.product}")
        code = slot.code
        if not code and _hash(key, "has-code") % 20 < 9:
            salt = 0
            while (code := _generic_code(company, key, salt)) in pinned_codes | used_codes:
                salt += 1
        if code and code in used_codes:
            raise ValueError(f"{key}: code {code} used twice")
        used_codes.add(code)
        skills: set[str] = set()
        title = _unmark(title, skills)
        tags = _sample(role.skills, 3 + _hash(key, "tags") % 4, key, "tags")
        skills.update(tag.lower() for tag in tags)
        salary = _salary(role, slot.level, city, key)
        description = _describe(role, slot, company, tags, salary, code, skills)
        text = f"{title}\n{description}".lower()
        skills.update(s for s, word in _vocabulary() if s in text and word.search(text))
        job_id = f"hs-{number:04d}"
        location = city.location
        if slot.remote == "remote" and _hash(key, "remote-loc") % 2 == 0:
            location = f"Remote, {city.country}"
        fields: dict[str, Any] = {
            "job_id": job_id,
            "title": title,
            "company": company.name,
            "location": location,
            "description": description,
            "remote": slot.remote,
            "employment_type": slot.etype,
            "tags": [tag.lower() for tag in tags],
        } | salary
        built.append(
            Posting(
                job_id=job_id,
                role=role.key,
                lang=role.lang,
                level=slot.level,
                manages=role.manages,
                city=city,
                remote=slot.remote,
                etype=slot.etype,
                company=company.key,
                skills=frozenset(skills),
                code=code,
                product=slot.product,
                source=_pick(_SOURCES, company.key, "source"),
                fields=fields,
            )
        )
    return tuple(built)


def postings() -> list[dict[str, Any]]:
    """The postings as flat dicts (a fresh copy on every call)."""
    return [dict(p.fields, tags=list(p.fields["tags"])) for p in _build()]


def events() -> list[dict[str, Any]]:
    """Each posting as a valid ``job.posted`` event of the version 1 contract;
    ``job.external_id`` is the posting's ``job_id``."""
    out = []
    for number, posting in enumerate(_build()):
        job = {k: v for k, v in posting.fields.items() if k != "job_id"}
        job["tags"] = list(job["tags"])
        posted = _T0 + timedelta(hours=7 * number % 600, minutes=number % 60)
        job |= {
            "external_id": posting.job_id,
            "url": f"https://jobs.example.com/{posting.company}/{posting.job_id}",
            "posted_at": posted.isoformat(),
        }
        out.append(
            {
                "event_id": str(uuid.uuid5(_NAMESPACE, posting.job_id)),
                "type": "job.posted",
                "schema_version": 1,
                "occurred_at": (posted + timedelta(minutes=5)).isoformat(),
                "source": posting.source,
                "idempotency_key": f"{posting.source}:{posting.job_id}:v1",
                "job": job,
            }
        )
    return out


def _in_place(posting: Posting, place: str) -> bool:
    kind, _, value = place.partition(":")
    if kind == "region":
        country, _, region = value.partition("-")
        return posting.city.country == country and posting.city.region == region
    if kind == "country":
        return posting.city.country == value
    return posting.city.key == place


def _place_country(place: str) -> str:
    kind, _, value = place.partition(":")
    if kind in ("region", "country"):
        return value.partition("-")[0]
    return CITIES[place].country


def grade(spec: Spec, posting: Posting) -> int:
    """The grade (0, 1 or 2) of one posting for one query: the rules in the module docstring."""
    if spec.ident:
        kind, _, value = spec.ident.partition(":")
        carried = {"code": posting.code, "product": posting.product, "company": posting.company}
        return 2 if carried[kind] == value else 0
    roles = spec.best or spec.near
    score = 2 if not roles or posting.role in spec.best else 1 if posting.role in spec.near else 0
    if score == 0:
        return 0
    if spec.skills:
        have = sum(skill in posting.skills for skill in spec.skills)
        if have == 0 and not roles:
            return 0
        if have < len(spec.skills):
            score -= 1
    if spec.levels:
        if posting.level in spec.near_levels:
            score -= 1
        elif posting.level not in spec.levels:
            return 0
    elif posting.level == "intern" or (posting.level == "manager" and not posting.manages):
        score -= 1
    if spec.place:
        if posting.remote == "remote" and posting.city.country == _place_country(spec.place):
            score -= 1
        elif posting.remote == "remote" or not _in_place(posting, spec.place):
            return 0
    if spec.remote:
        if posting.remote == "onsite":
            return 0
        if posting.remote == "hybrid":
            score -= 1
    if spec.etype and posting.etype != spec.etype:
        score -= 1
    if spec.kind != "crosslingual" and posting.lang != spec.lang:
        score -= 1
    return max(score, 0)


@cache
def _graded() -> tuple[dict[str, Any], ...]:
    built = _build()
    out = []
    for spec in SPECS:
        grades = {p.job_id: g for p in built if (g := grade(spec, p)) > 0}
        out.append(
            {"id": spec.id, "q": spec.q, "lang": spec.lang, "kind": spec.kind, "grades": grades}
        )
    return tuple(out)


def queries() -> list[dict[str, Any]]:
    """The graded queries: ``{"id", "q", "lang", "kind", "grades": {job_id: 1 | 2}}``."""
    return [dict(query, grades=dict(query["grades"])) for query in _graded()]


def summary() -> dict[str, Any]:
    """Counts: postings (per language), queries (per kind and per language), graded pairs."""
    built = _build()
    graded = _graded()

    def count(values: list[str]) -> dict[str, int]:
        return {value: values.count(value) for value in sorted(set(values))}

    return {
        "postings": len(built),
        "postings_by_lang": count([p.lang for p in built]),
        "queries": len(graded),
        "queries_by_kind": count([q["kind"] for q in graded]),
        "queries_by_lang": count([q["lang"] for q in graded]),
        "graded_pairs": {
            "2": sum(list(q["grades"].values()).count(2) for q in graded),
            "1": sum(list(q["grades"].values()).count(1) for q in graded),
        },
    }
