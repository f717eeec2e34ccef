"""What a board does to a copy of a job, and the variation classes that name it.

``copy_rendition`` draws, per class, whether the board rewrites that part of the copy and
rewrites it. ``variations`` then reads the classes off the difference between the canonical
rendition and the copy (never off what was intended), so a posting's labels say exactly what
differs from the employer's own posting.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from devtools.bench.crossposting.boards import DEFAULT_WEIGHT, Board
from devtools.bench.crossposting.companies import render_company
from devtools.bench.crossposting.model import Job, Rendition, render
from devtools.bench.crossposting.places import City, allowed, render_place
from devtools.bench.crossposting.roles import MARKERS, abbreviable, render_title
from devtools.bench.crossposting.text import NOTATIONS, ORDERS

PLACE = (
    "place_format",  # country or region added or dropped ("Berlin" / "Berlin, Germany")
    "place_codes",  # country as its code ("Berlin, BE, DE")
    "place_region_name",  # state code vs name ("Austin, TX" / "Austin, Texas")
    "place_metro",  # metro area instead of the city ("Greater Berlin Area")
    "place_postcode",  # postcode added ("Austin, TX 78701")
    "place_arrangement",  # "(Hybrid)" / "- Remote" suffix
    "place_local_name",  # München / Munich
    "place_dropped",  # no location at all
)
COMPANY = (
    "company_legal_form",  # "GmbH", "Inc." / ", Inc" changed, added or dropped
    "company_article",  # "The X" / "X"
    "company_region_suffix",  # "X Germany"
    "company_connective",  # "&" / "and" / "+"
    "company_case",  # "ACME LOGISTICS"
)
TITLE = (
    "title_gender_marker",  # (m/w/d), (all genders), (H/F) dropped or changed
    "title_seniority_abbrev",  # Sr., Jr., Mgr., Assoc.
    "title_numeral",  # II / 2 / Level 2 / (L2)
    "title_suffix",  # " - Berlin", " (Remote)", " - Full Time", " | $1,000 Sign-On Bonus"
    "title_punctuation",  # separators and hyphenation ("Front-End" / "Frontend")
    "title_word_order",  # "Backend Engineer" / "Engineer, Backend"
)
DESCRIPTION = (
    "desc_format",  # HTML vs plain text
    "desc_reordered",  # sections in another order
    "desc_boilerplate",  # board text added at the start or end
    "desc_truncated",  # cut to 500-1,000 characters with "… Show more"
    "desc_invisible_chars",  # zero-width spaces or soft hyphens inside words
)
OTHER = (
    "posted_apart",  # posted two days or more away from the canonical posting
    "fields_dropped",  # salary, employment type, remote or tags missing
    "salary_restated",  # another period or notation for the same pay
)
VARIATIONS = PLACE + COMPANY + TITLE + DESCRIPTION + OTHER

_SUFFIX_BY_REMOTE = {
    "hybrid": ("(Hybrid)", "- Hybrid", "(Hybrid Remote)"),
    "remote": ("(Remote)", "- Remote", "(Remote-first)"),
    "onsite": ("(On-site)", "- On-site", "(Onsite)"),
}
_SEPS = (", ", " - ", " – ", " | ", " / ", "()")
_AGENCIES = ("Alder Talent", "Northbridge Recruitment", "Keystone Staffing", "Brightpath People")


def _place_format(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None or r.place.metro:
        return None
    us_like = job.city.country in ("US", "CA")
    options = []
    for region in ("", "code" if us_like and job.city.region_code else "name"):
        for country in ("", "name"):
            if bool(region) == bool(r.place.region) and bool(country) == bool(r.place.country):
                continue
            keep_region = region and r.place.region
            spec = replace(
                r.place, region=r.place.region if keep_region else region, country=country
            )
            if allowed(job.city, spec):
                options.append(spec)
    return replace(r, place=rng.choice(options)) if options else None


def _place_codes(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None or r.place.metro or r.place.country == "code":
        return None
    region = "code" if job.city.region_code and (r.place.region or rng.random() < 0.5) else ""
    spec = replace(r.place, region=region or r.place.region, country="code")
    return replace(r, place=spec) if allowed(job.city, spec) else None


def _place_region_name(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None or r.place.metro or not r.place.region or not job.city.region_code:
        return None
    if r.place.postcode and job.city.country in ("US", "CA"):
        return None  # "Austin, TX 78701" has the code by nature
    flipped = "name" if r.place.region == "code" else "code"
    return replace(r, place=replace(r.place, region=flipped))


def _place_metro(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None or r.place.metro or not job.city.metro:
        return None
    return replace(r, place=replace(r.place, metro=True))


def _place_postcode(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None or r.place.metro or r.place.postcode:
        return None
    spec = replace(r.place, postcode=True)
    if job.city.country in ("US", "CA"):
        spec = replace(spec, region="code")
    return replace(r, place=spec)


def _place_arrangement(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None:
        return None
    options = [s for s in _SUFFIX_BY_REMOTE[job.remote] if s != r.place.suffix]
    if r.place.suffix:
        options.append("")
    return replace(r, place=replace(r.place, suffix=rng.choice(options)))


def _place_local_name(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if r.place is None or r.place.metro:
        return None
    spec = replace(r.place, local=not r.place.local)
    return (
        replace(r, place=spec)
        if render_place(job.city, spec) != render_place(job.city, r.place)
        else None
    )


def _place_dropped(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    return replace(r, place=None) if r.place is not None else None


def _company_legal_form(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    forms = range(len(job.company.legal))
    options = [-1, *forms] if r.company.legal >= 0 else list(forms)
    options = [i for i in options if i != r.company.legal]
    if r.company.legal >= 0 and rng.random() < 0.5:
        options = [-1]
    return replace(r, company=replace(r.company, legal=rng.choice(options)))


def _company_article(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if not job.company.article_ok:
        return None
    return replace(r, company=replace(r.company, article=not r.company.article))


def _company_region_suffix(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if not job.company.multinational:
        return None
    return replace(r, company=replace(r.company, region=not r.company.region))


def _company_connective(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if not job.company.connective:
        return None
    options = [c for c in ("&", "and", "+") if c != r.company.connective]
    return replace(r, company=replace(r.company, connective=rng.choice(options)))


def _company_case(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    case = "upper" if rng.random() < 0.7 else "lower"
    return replace(r, company=replace(r.company, case=case))


def marker_pool(city: City) -> tuple[str, ...]:
    """Gender markers employers write into titles where the city's job ads carry them."""
    if city.country in ("DE", "AT") or city.key == "zurich":
        return MARKERS["de"]
    if city.country == "FR" or city.key in ("geneva", "brussels"):
        return MARKERS["fr"]
    return ()


def _title_gender_marker(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    pool = marker_pool(job.city)
    if not pool:
        return None
    if r.title.marker and rng.random() < 0.6:
        return replace(r, title=replace(r.title, marker=""))
    options = [m for m in pool if m != r.title.marker]
    return replace(r, title=replace(r.title, marker=rng.choice(options)))


def _title_seniority_abbrev(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if not abbreviable(job.title):
        return None
    options = [m for m in (0, 1, 2) if m != r.title.abbrev]
    if r.title.abbrev == 0:
        options = [1, 1, 2]
    return replace(r, title=replace(r.title, abbrev=rng.choice(options)))


def _title_numeral(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if not job.title.numeral:
        return None
    options = [s for s in ("roman", "arabic", "level", "short") if s != r.title.numeral]
    return replace(r, title=replace(r.title, numeral=rng.choice(options)))


def title_suffixes(job: Job) -> list[str]:
    options = [f"- {job.city.name}", f"({job.city.name})"]
    if job.remote != "onsite":
        options.append(f"({job.remote.capitalize()})")
    if job.etype == "full_time":
        options += ["- Full Time", "(Full-time)"]
    elif job.etype == "part_time":
        options += ["- Part Time", "(Part-time)"]
    if job.salary is not None and job.salary.currency == "USD" and job.salary.period == "hour":
        options += ["| $1,000 Sign-On Bonus", "- $500 Sign On Bonus!"]
    elif job.salary is not None and job.salary.period == "year":
        sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(job.salary.currency, "")
        if sym:
            options.append(f"- up to {sym}{int(job.salary.high) // 1000}k")
    options += ["- Immediate Start", "- Apply Today"]
    return options


def _title_suffix(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    options = [s for s in title_suffixes(job) if s != r.title.suffix]
    if r.title.suffix:
        options.append("")
    return replace(r, title=replace(r.title, suffix=rng.choice(options)))


def _shows_separator(job: Job, inverted: bool) -> bool:
    return bool(job.title.qual) and (inverted or not job.title.prefix)


def _title_punctuation(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    options = []
    if _shows_separator(job, r.title.inverted):
        options += [replace(r.title, sep=s) for s in _SEPS if s != r.title.sep]
    if len(job.title.qual) > 1:
        options += [
            replace(r.title, spelling=i)
            for i in range(len(job.title.qual))
            if i != r.title.spelling
        ]
    return replace(r, title=rng.choice(options)) if options else None


def _title_word_order(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if not (job.title.qual and job.title.prefix):
        return None
    spec = replace(r.title, inverted=not r.title.inverted)
    if spec.inverted and spec.sep not in (", ", " - ", " – ", "()"):
        spec = replace(spec, sep=", ")
    return replace(r, title=spec)


def _desc_format(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if job.content.trivial or r.desc.truncate:
        return None
    return replace(r, desc=replace(r.desc, html=not r.desc.html))


def _desc_reordered(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if job.content.trivial:
        return None
    options = [o for o in ORDERS if o != r.desc.order]
    return replace(r, desc=replace(r.desc, order=rng.choice(options)))


def _desc_truncated(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if job.content.trivial:
        return None
    keep = rng.randint(500, 1000)
    plain = replace(r, desc=replace(r.desc, html=False))
    if len(render(job, plain)["description"]) < keep + 100:
        return None  # too short for the board to cut
    ellipsis = rng.choice(("… Show more", "… Show more", "...", "… more"))
    return replace(r, desc=replace(plain.desc, truncate=keep, ellipsis=ellipsis))


def _desc_invisible_chars(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if job.content.trivial:
        return None
    return replace(r, desc=replace(r.desc, invisible=rng.randrange(1, 2**31)))


def _posted_apart(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    days = rng.uniform(2.0, 21.0) * (1 if rng.random() < 0.85 else -1)
    return replace(r, shift_h=days * 24)


def _fields_dropped(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    present = [
        name
        for name, has in (
            ("salary", job.salary is not None and r.fields.salary),
            ("etype", job.etype is not None and r.fields.etype),
            ("remote", r.fields.remote),
            ("tags", bool(job.tags) and r.fields.tags),
        )
        if has
    ]
    if not present:
        return None
    drop = rng.sample(present, rng.randint(1, len(present)))
    f = r.fields
    kept = replace(
        f,
        salary=f.salary and "salary" not in drop,
        etype=f.etype and "etype" not in drop,
        remote=f.remote and "remote" not in drop,
        tags=f.tags and "tags" not in drop,
    )
    return replace(r, fields=kept)


def _salary_restated(job: Job, r: Rendition, rng: random.Random) -> Rendition | None:
    if job.salary is None:
        return None
    options = []
    if r.fields.salary:
        shown = r.fields.period or job.salary.period
        periods = ("hour", "year") if shown == "month" else ("month", "year", "hour")
        options += [replace(r.fields, period=p) for p in periods if p != shown]
    if job.pay_line:
        notations = [n for n in range(NOTATIONS) if n != r.desc.pay_notation]
        choice = rng.choice(notations)
        if not options or rng.random() < 0.5:
            return replace(r, desc=replace(r.desc, pay_notation=choice))
    return replace(r, fields=rng.choice(options)) if options else None


def boilerplate(kind: str, job: Job, board: Board, rng: random.Random) -> str:
    """One piece of board text of the given kind, about this job."""
    title = render_title(job.title, replace(job.canonical.title, marker=""))
    if kind == "agency":
        agency = rng.choice(_AGENCIES)
        return rng.choice(
            (
                f"{agency} is recruiting a {title} on behalf of a well-established client in "
                f"{job.city.name}. This is an excellent opportunity to join a growing business.",
                f"Our client, a leading employer in {job.city.name}, is looking for a {title}. "
                f"{agency} is acting as an employment agency for this vacancy.",
            )
        )
    if kind == "eeo":
        return (
            "All qualified applicants will receive consideration for employment without regard "
            "to race, color, religion, sex, sexual orientation, gender identity, national "
            "origin, disability or protected veteran status."
        )
    if kind == "apply":
        return rng.choice(
            (
                f"Apply via {board.label}: click Apply and upload your CV. We read every "
                "application.",
                f"Interested? Apply via {board.label} today.",
                "To apply, please use the Apply button on this page.",
            )
        )
    if kind == "fraud":
        return (
            "Beware of recruitment fraud: we will never ask you for money, bank details or "
            f"copies of your ID before an interview. Report suspicious messages to {board.label}."
        )
    if kind == "job_type":
        lines = []
        if job.etype:
            lines.append(f"Job Type: {job.etype.replace('_', '-').capitalize()}")
        if job.salary is not None:
            sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(job.salary.currency, "")
            lines.append(
                f"Pay: {sym}{job.salary.low:,} - {sym}{job.salary.high:,} per {job.salary.period}"
            )
        lines += ["Schedule:", "- Monday to Friday", "Work Location: In person"]
        return "\n".join(lines)
    if kind == "li_tags":
        initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(2))
        return f"#LI-{job.remote.capitalize()} #LI-{initials}{rng.randint(1, 9)}"
    return rng.choice(
        (
            "This job was originally posted on the employer's careers site; some details may "
            "be missing.",
            f"Found on {board.label}. Job information provided by the employer.",
        )
    )


def _desc_boilerplate(job: Job, r: Rendition, rng: random.Random, board: Board) -> Rendition:
    kinds = list(board.boilerplate) or ["apply"]
    chosen = rng.sample(kinds, rng.randint(1, min(2, len(kinds))))
    head: list[str] = []
    tail: list[str] = []
    for kind in chosen:
        text = boilerplate(kind, job, board, rng)
        (
            head if kind == "agency" or (kind == "syndicated" and rng.random() < 0.5) else tail
        ).append(text)
    return replace(r, desc=replace(r.desc, head=tuple(head), tail=tuple(tail)))


Mutation = Callable[[Job, Rendition, random.Random], Rendition | None]
MUTATIONS: dict[str, Mutation] = {
    "place_format": _place_format,
    "place_codes": _place_codes,
    "place_region_name": _place_region_name,
    "place_metro": _place_metro,
    "place_postcode": _place_postcode,
    "place_arrangement": _place_arrangement,
    "place_local_name": _place_local_name,
    "place_dropped": _place_dropped,
    "company_legal_form": _company_legal_form,
    "company_article": _company_article,
    "company_region_suffix": _company_region_suffix,
    "company_connective": _company_connective,
    "company_case": _company_case,
    "title_gender_marker": _title_gender_marker,
    "title_seniority_abbrev": _title_seniority_abbrev,
    "title_numeral": _title_numeral,
    "title_suffix": _title_suffix,
    "title_punctuation": _title_punctuation,
    "title_word_order": _title_word_order,
    "desc_format": _desc_format,
    "desc_reordered": _desc_reordered,
    "desc_truncated": _desc_truncated,
    "desc_invisible_chars": _desc_invisible_chars,
    "posted_apart": _posted_apart,
    "fields_dropped": _fields_dropped,
    "salary_restated": _salary_restated,
}


def copy_rendition(
    job: Job,
    board: Board,
    rng: random.Random,
    forbid: frozenset[str] = frozenset(),
    force: frozenset[str] = frozenset(),
) -> Rendition:
    """A copy of the job as this board shows it: each class drawn with the board's weight."""
    r = job.canonical
    # a fifth of copies come from feeds that pass the employer's posting on almost verbatim
    scale = 0.25 if rng.random() < 0.2 else 1.0
    for name in VARIATIONS:
        weight = scale * board.weights.get(name, 0.0 if name == "place_dropped" else DEFAULT_WEIGHT)
        if name in forbid or (name not in force and rng.random() >= weight):
            continue
        if name == "desc_boilerplate":
            r = _desc_boilerplate(job, r, rng, board)
            continue
        changed = MUTATIONS[name](job, r, rng)
        if changed is not None:
            r = changed
    if job.canonical.desc.html and not r.desc.html:
        # the board turned the HTML into text itself, with its own bullets and headings
        r = replace(r, desc=replace(r.desc, bullet=board.bullet, caps_headings=board.caps_headings))
    return r


def variations(job: Job, canon: Rendition, copy: Rendition) -> tuple[str, ...]:
    """The variation classes that tell this copy from the canonical rendition of its job."""
    found: list[str] = []
    found += _place_differences(job, canon, copy)
    found += _company_differences(job, canon, copy)
    found += _title_differences(job, canon, copy)
    a, b = canon.desc, copy.desc
    if a.html != b.html:
        found.append("desc_format")
    if a.order != b.order and not job.content.trivial:
        found.append("desc_reordered")
    if b.head or b.tail:
        found.append("desc_boilerplate")
    if b.truncate:
        found.append("desc_truncated")
    if b.invisible:
        found.append("desc_invisible_chars")
    if abs(copy.shift_h - canon.shift_h) >= 48:
        found.append("posted_apart")
    f, g = canon.fields, copy.fields
    dropped = (
        (job.salary is not None and f.salary and not g.salary)
        or (job.etype is not None and f.etype and not g.etype)
        or (f.remote and not g.remote)
        or (bool(job.tags) and f.tags and not g.tags)
    )
    if dropped:
        found.append("fields_dropped")
    restated = job.salary is not None and (
        (
            f.salary
            and g.salary
            and (f.period or job.salary.period) != (g.period or job.salary.period)
        )
        or (job.pay_line and a.pay_notation != b.pay_notation)
    )
    if restated:
        found.append("salary_restated")
    order = {name: i for i, name in enumerate(VARIATIONS)}
    return tuple(sorted(set(found), key=order.__getitem__))


def _place_differences(job: Job, canon: Rendition, copy: Rendition) -> list[str]:
    a, b = canon.place, copy.place
    if a is None or b is None:
        return ["place_dropped"] if a is not None else []
    if render_place(job.city, a) == render_place(job.city, b):
        return []
    found = []
    if a.suffix != b.suffix:
        found.append("place_arrangement")
    if a.metro or b.metro:
        return [*found, "place_metro"] if a.metro != b.metro else found
    if a.local != b.local and render_place(job.city, replace(a, local=b.local)) != render_place(
        job.city, a
    ):
        found.append("place_local_name")
    if bool(a.region) != bool(b.region) or bool(a.country) != bool(b.country):
        found.append("place_format")
    if a.region and b.region and a.region != b.region:
        found.append("place_region_name")
    if a.country != b.country and "code" in (a.country, b.country):
        found.append("place_codes")
    if a.postcode != b.postcode:
        found.append("place_postcode")
    return found


def _company_differences(job: Job, canon: Rendition, copy: Rendition) -> list[str]:
    a, b = canon.company, copy.company
    country = job.city.country
    if render_company(job.company, a, country) == render_company(job.company, b, country):
        return []
    found = []
    if a.legal != b.legal:
        found.append("company_legal_form")
    if a.article != b.article:
        found.append("company_article")
    if a.region != b.region:
        found.append("company_region_suffix")
    if a.connective != b.connective:
        found.append("company_connective")
    if a.case != b.case:
        found.append("company_case")
    return found


def _title_differences(job: Job, canon: Rendition, copy: Rendition) -> list[str]:
    a, b = canon.title, copy.title
    if render_title(job.title, a) == render_title(job.title, b):
        return []
    found = []
    if a.marker != b.marker:
        found.append("title_gender_marker")
    if a.abbrev != b.abbrev:
        found.append("title_seniority_abbrev")
    if job.title.numeral and a.numeral != b.numeral:
        found.append("title_numeral")
    if a.suffix != b.suffix:
        found.append("title_suffix")
    if job.title.qual and job.title.prefix and a.inverted != b.inverted:
        found.append("title_word_order")
    separators = _shows_separator(job, a.inverted) and _shows_separator(job, b.inverted)
    if (separators and a.sep != b.sep) or (len(job.title.qual) > 1 and a.spelling != b.spelling):
        found.append("title_punctuation")
    return found
