"""The scenarios of the cross-posting set: ordinary jobs copied to several boards, and the
hard negatives (one title in several cities or in towns of one name, a repost after removal,
jobs sharing an employer's boilerplate, titles with no description, a location-less
aggregator copy of one of many cities' jobs), drawn in a seeded order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from devtools.bench.crossposting.boards import BOARDS
from devtools.bench.crossposting.builder import TRIVIAL, Builder, Built
from devtools.bench.crossposting.model import Job
from devtools.bench.crossposting.places import CITIES, SAME_NAME_SETS
from devtools.bench.crossposting.rewrite import copy_rendition


def ordinary(b: Builder) -> None:
    rng = b.rng
    while True:
        company = rng.choice(b.companies)
        picked = b.pick_title(company, quals_in_title=0)
        if picked is not None:
            break
    family, level, quals, numeral = picked
    qual = quals[0] if quals else ""
    city = CITIES[rng.choice(company.cities)]
    job = b.make_job(company, family, city, level, qual, bool(qual), numeral)
    b.publish(job, forbid=frozenset())  # the employer's only job with this title


def other_city(b: Builder) -> None:
    rng = b.rng
    company = rng.choice(b.companies)
    picked = b.pick_title(company, quals_in_title=0)
    if picked is None:
        return
    family, level, quals, numeral = picked
    cities = b.cities(company, rng.randint(2, 3))
    jobs = b.siblings(
        company, family, level, quals[0] if quals else "", numeral, cities, rng.random() < 0.7
    )
    b.cross("same_title_other_city", [b.publish(job) for job in jobs])


def namesake(b: Builder) -> None:
    rng = b.rng
    keys = list(rng.choice(SAME_NAME_SETS))
    if len(keys) > 2 and rng.random() < 0.5:
        keys = rng.sample(keys, 2)
    cities = [CITIES[k] for k in keys]
    countries = {c.country for c in cities}
    candidates = [
        c
        for c in b.companies
        if (c.country in countries if len(countries) == 1 else c.multinational)
    ]
    company = rng.choice(candidates or b.companies)
    picked = b.pick_title(company, quals_in_title=0)
    if picked is None:
        return
    family, level, quals, numeral = picked
    jobs = b.siblings(
        company, family, level, quals[0] if quals else "", numeral, cities, rng.random() < 0.8
    )
    b.cross("same_title_namesake_city", [b.publish(job) for job in jobs])


def aggregator(b: Builder) -> None:
    rng = b.rng
    company = rng.choice(b.companies)
    picked = b.pick_title(company, quals_in_title=0)
    if picked is None:
        return
    family, level, quals, numeral = picked
    cities = b.cities(company, rng.randint(3, 5))
    if len(cities) < 3:
        return
    jobs = b.siblings(company, family, level, quals[0] if quals else "", numeral, cities, True)
    groups = [b.publish(job) for job in jobs]
    b.cross("same_title_other_city", groups)
    chosen = rng.randrange(len(jobs))
    used = {p.board for p in groups[chosen]}
    names = [n for n in ("jooble", "adzuna") if n not in used] or ["jooble", "adzuna"]
    board = BOARDS[rng.choice(names)]
    rendition = copy_rendition(jobs[chosen], board, rng, force=frozenset({"place_dropped"}))
    copy = b.post(jobs[chosen], board, rendition, canonical=False)
    groups[chosen].append(copy)
    others = [p for i, group in enumerate(groups) if i != chosen for p in group]
    b.negative("aggregator_multi_city", [copy], others)


def repost(b: Builder) -> None:
    rng = b.rng
    company = rng.choice(b.companies)
    picked = b.pick_title(company, quals_in_title=0)
    if picked is None:
        return
    family, level, quals, numeral = picked
    qual = quals[0] if quals else ""
    city = CITIES[rng.choice(company.cities)]
    original = b.make_job(company, family, city, level, qual, bool(qual), numeral)
    old = b.publish(original)
    last = max(p.occurred for p in old)
    ends = []
    for posting in old:
        at = last + timedelta(days=rng.uniform(7, 40), hours=rng.uniform(0, 72))
        posting.active = False
        b.removals.append((posting, at))
        ends.append(at)
    # a new opening with the same text, posted well after every copy came down
    again = replace(
        original, key=b.new_key(), posted_at=max(ends) + timedelta(days=rng.uniform(25, 60))
    )
    b.negative("repost_after_removal", old, b.publish(again))


def shared_boilerplate(b: Builder) -> None:
    rng = b.rng
    company = rng.choice(b.companies)
    in_title = rng.random() < 0.5
    count = rng.randint(3, 4)
    picked = b.pick_title(
        company, min_quals=count, quals_in_title=count if in_title else 0, prefix=True
    )
    if picked is None:
        return
    family, level, quals, numeral = picked
    city = CITIES[rng.choice(company.cities)]
    jobs: list[Job] = []
    for qual in quals[:count]:
        job = b.make_job(
            company,
            family,
            city,
            level,
            qual,
            in_title,
            numeral,
            style=jobs[0] if jobs else None,
        )
        while any(set(job.content.duties) == set(other.content.duties) for other in jobs):
            duties = tuple(rng.sample(family.duties, rng.randint(4, 6)))
            job = replace(job, content=replace(job.content, duties=duties))
        jobs.append(job)
    b.cross("shared_boilerplate", [b.publish(job) for job in jobs])


def trivial(b: Builder) -> None:
    rng = b.rng
    company = rng.choice(b.companies)
    count = rng.randint(2, 3)
    picked = b.pick_title(company, min_quals=count, quals_in_title=count)
    if picked is None:
        return
    family, level, quals, numeral = picked
    city = CITIES[rng.choice(company.cities)]
    text = rng.choice(TRIVIAL)
    jobs: list[Job] = []
    for qual in quals[:count]:
        style = jobs[0] if jobs else None
        jobs.append(
            b.make_job(company, family, city, level, qual, True, numeral, trivial=text, style=style)
        )
    b.cross("trivial_description", [b.publish(job) for job in jobs])


def run(b: Builder) -> Built:
    rng = b.rng
    scale = b.target / 1200
    plan = [
        (other_city, 40),
        (namesake, 28),
        (aggregator, 18),
        (repost, 40),
        (shared_boilerplate, 22),
        (trivial, 26),
    ]
    calls = [fn for fn, n in plan for _ in range(max(1, round(n * scale)))]
    rng.shuffle(calls)
    for call in calls:
        call(b)
    while b.jobs < b.target:
        ordinary(b)
    return b.assemble()


def build(seed: int, jobs: int) -> Built:
    if jobs < 150:
        raise ValueError("jobs must be at least 150 so that every scenario is present")
    return run(Builder(seed, jobs))
