"""Employers of the cross-posting set (all fictional) and the ways boards write their names.

A name is rendered from a :class:`CompanySpec`: with or without its legal form and in which
spelling ("Inc." / ", Inc" / "Incorporated"), with or without the article ("The Hartwell
Group"), with the country of the hiring entity ("Kessler Logistics Germany"), with "&",
"and" or "+", and in which case.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from devtools.bench.crossposting.places import CITIES, COUNTRIES

LEGAL_FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "US": (
        ("Inc.", ", Inc.", "Inc", ", Inc", "Incorporated"),
        ("LLC", ", LLC", "L.L.C."),
        ("Corp.", "Corporation", "Corp"),
    ),
    "CA": (("Inc.", ", Inc.", "Inc"), ("Ltd.", "Limited", "Ltd")),
    "GB": (("Ltd", "Ltd.", "Limited"), ("plc", "PLC")),
    "IE": (("Ltd", "Limited", "Ltd."),),
    "DE": (("GmbH",), ("AG",), ("SE",), ("GmbH & Co. KG", "GmbH & Co KG")),
    "AT": (("GmbH",), ("AG",)),
    "CH": (("AG",), ("SA", "S.A.")),
    "FR": (("SAS", "S.A.S."), ("S.A.", "SA")),
    "BE": (("NV", "N.V."), ("SRL", "S.R.L.")),
    "NL": (("B.V.", "BV"), ("N.V.", "NV")),
    "ES": (("S.L.", "SL"), ("S.A.", "SA")),
    "PT": (("Lda.", "Lda"), ("S.A.", "SA")),
    "IT": (("S.p.A.", "SpA"), ("S.r.l.", "Srl")),
    "CZ": (("s.r.o.", "s. r. o."), ("a.s.", "a. s.")),
    "PL": (("sp. z o.o.", "Sp. z o.o."), ("S.A.", "SA")),
    "DK": (("A/S", "AS"), ("ApS",)),
}

_COINED_NAMES = (
    "Nordwind Brightwave Alpenglow Ironbridge Bluefin Lumen Vantage Meridian Solvik Orbis "
    "Keystone Sable Corvid Juniper Larkspur Northgate Oakridge Pinecrest Redwood Silverline "
    "Tidewater Vireo Westbrook Yarrow Zephyr Quanta Helix Arbor Cobalt Finch Kestrel Lodestar "
    "Mosaic Nimbus Parallax Riverstone Summit Trellis Verdant Wavecrest Hollowell Ember Fjord "
    "Granite Halcyon Indigo Jasper Kinetic Lattice Marigold Nova Opal Pioneer Quill Rook Sorrel "
    "Tamarack Umbra Vesta Willow Xylo"
)
_SURNAME_LIST = (
    "Kessler Brandt Hoffmann Lindqvist Marchetti Navarro Oliveira Dubois Moreau Jansen "
    "Kowalski Novak Halvorsen Whitfield Ashby Carver Delgado Eriksen Fontaine Greer Hartley "
    "Ingram Keane Lowell Mercer Nolan Osborne Prescott Quinlan Radcliffe Sterling Thorne Vance "
    "Wexler Yates Ziegler Albrecht Baumann Corsini Esposito Hartwell Becker Marsh Pryor"
)
_COINED = _COINED_NAMES.split()
_SURNAMES = _SURNAME_LIST.split()

# sector -> (name words, products or services for the intro, role families it hires)
SECTORS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "software": (
        ("Software", "Systems", "Labs", "Analytics", "Digital", "Cloud", "Technologies"),
        (
            "scheduling software for hospitals",
            "a payments API for online shops",
            "analytics tools for city transport networks",
            "a collaboration platform for engineers",
            "route-planning software for delivery fleets",
            "a privacy-first email service",
        ),
        (
            "software_engineer",
            "data_engineer",
            "data_scientist",
            "devops_engineer",
            "product_manager",
            "product_designer",
            "qa_engineer",
            "security_engineer",
            "it_support",
            "account_executive",
            "customer_success",
            "marketing_manager",
            "recruiter",
            "hr_partner",
            "accountant",
        ),
    ),
    "finance": (
        ("Bank", "Capital", "Insurance", "Payments", "Finance", "Group"),
        (
            "accounts and loans for small businesses",
            "home and travel insurance",
            "card payments for restaurants",
            "pension plans for freelancers",
        ),
        (
            "software_engineer",
            "data_scientist",
            "financial_analyst",
            "accountant",
            "account_executive",
            "customer_success",
            "product_manager",
            "security_engineer",
            "it_support",
            "recruiter",
        ),
    ),
    "logistics": (
        ("Logistics", "Freight", "Transport", "Shipping", "Group"),
        (
            "same-day delivery for online retailers",
            "cold-chain freight across Europe",
            "warehousing for consumer brands",
            "parcel lockers and last-mile delivery",
        ),
        (
            "warehouse_associate",
            "forklift_operator",
            "delivery_driver",
            "maintenance_technician",
            "project_manager",
            "data_engineer",
            "software_engineer",
            "accountant",
            "recruiter",
        ),
    ),
    "health": (
        ("Health", "Care", "Clinics", "Medical Group"),
        (
            "outpatient clinics and urgent care",
            "home care for older adults",
            "diagnostic imaging centres",
            "physiotherapy and rehabilitation",
        ),
        (
            "registered_nurse",
            "medical_assistant",
            "it_support",
            "accountant",
            "hr_partner",
            "recruiter",
            "data_scientist",
        ),
    ),
    "food": (
        ("Coffee Company", "Bakery", "Kitchen", "Coffee Roasters", "Foods"),
        (
            "neighbourhood cafés and a roastery",
            "fresh bread and pastries every morning",
            "fast-casual restaurants",
            "seasonal lunch bowls and catering",
        ),
        ("barista", "line_cook", "store_manager", "marketing_manager", "accountant"),
    ),
    "retail": (
        ("Market", "Outfitters", "Stores", "Home"),
        (
            "outdoor gear and clothing",
            "furniture and home goods",
            "consumer electronics",
            "groceries with a focus on local producers",
        ),
        (
            "store_manager",
            "sales_associate",
            "warehouse_associate",
            "marketing_manager",
            "software_engineer",
            "data_scientist",
            "delivery_driver",
        ),
    ),
    "industry": (
        ("Energy", "Industries", "Manufacturing", "Works", "Power"),
        (
            "heat pumps and home batteries",
            "precision parts for the car industry",
            "wind turbine maintenance",
            "packaging machines for food producers",
        ),
        (
            "maintenance_technician",
            "electrician",
            "project_manager",
            "software_engineer",
            "data_engineer",
            "accountant",
            "forklift_operator",
        ),
    ),
}
_ARTICLE_WORDS = {"Group", "Company", "Works", "Kitchen", "Bakery", "Market", "Outfitters"}

_INTROS = (
    "{name} makes {product}. Founded in {year} in {hq}, we are a team of {size} people who "
    "believe good work should be simple, reliable and fair to the people it serves. We grow "
    "steadily, invest in our people and keep our promises.",
    "At {name} we provide {product} to customers across {market}. Since {year} we have grown "
    "from a small team in {hq} to {size} colleagues, and we still decide quickly, share what we "
    "learn and look after each other.",
    "Since {year}, {name} has offered {product}. Today {size} people in {hq} and beyond work "
    "with us, and our customers in {market} trust us because we listen, we are honest about "
    "what we can do, and we deliver.",
)
_EEO = (
    "{name} is an equal opportunity employer. We welcome applications from everyone, regardless "
    "of gender, age, ethnicity, religion, disability or sexual orientation.",
    "We value diversity and are committed to creating an inclusive environment for all "
    "employees. All qualified applicants will be considered.",
    "Equal opportunities are part of who we are: we hire on skills and potential, and we are "
    "happy to discuss reasonable adjustments for the interview.",
    "{name} is proud to be an equal opportunity workplace. Please tell us if you need any "
    "accommodation during the process.",
)
_BENEFITS_US = (
    "Medical, dental and vision insurance from day one",
    "401(k) with a 4% company match",
    "Paid parental leave",
    "Flexible paid time off",
    "Annual learning budget",
    "Commuter benefits",
    "Employee discount",
    "Wellness stipend",
)
_BENEFITS_EU = (
    "30 days of paid holiday",
    "Company pension scheme",
    "Flexible working hours",
    "Public transport ticket",
    "Learning budget for courses and conferences",
    "Bike leasing",
    "Lunch allowance",
    "Hybrid working with a modern office",
    "Employee discount",
)
HEADINGS = (
    ("About the role", "What you'll do", "What you'll bring", "What we offer"),
    ("Your role", "Your responsibilities", "Your profile", "Our offer"),
    ("The opportunity", "Responsibilities", "Requirements", "Benefits"),
    ("About the job", "Key responsibilities", "Qualifications", "Why join us"),
    ("Role overview", "In this role you will", "You have", "Perks"),
)
ATS = ("company_site", "greenhouse", "lever", "workday")


@dataclass(frozen=True)
class Company:
    key: str
    name: str  # the brand as the company writes it, without article and legal form
    connective: str  # "&", "and" or "+" when the name joins two words, else ""
    legal: tuple[str, ...]  # spellings of its legal form, its own first
    article: bool  # the company calls itself "The …"
    article_ok: bool  # "The" may be added or dropped by a board
    country: str
    cities: tuple[str, ...]
    multinational: bool
    sector: str
    ats: str  # where its own careers pages live
    about: str  # the intro every posting of the company opens with
    benefits: tuple[str, ...]
    eeo: str
    headings: tuple[str, str, str, str]
    html: bool  # its careers site writes descriptions in HTML
    slug: str


@dataclass(frozen=True)
class CompanySpec:
    article: bool
    legal: int  # index into Company.legal, -1: none written
    region: bool  # the hiring entity's country appended
    connective: str
    case: str = ""  # "" | "upper" | "lower"


def render_company(company: Company, spec: CompanySpec, country: str) -> str:
    name = company.name
    if company.connective:
        name = name.replace(f" {company.connective} ", f" {spec.connective} ", 1)
    if spec.article:
        name = f"The {name}"
    if spec.region:
        name = f"{name} {COUNTRIES[country].name}"
    if spec.legal >= 0:
        form = company.legal[spec.legal]
        name = f"{name}{form}" if form.startswith(",") else f"{name} {form}"
    if spec.case == "upper":
        return name.upper()
    if spec.case == "lower":
        return name.lower()
    return name


def canonical_spec(company: Company) -> CompanySpec:
    legal = 0 if company.key[-1] in "02468" else -1  # a stable half write their legal form
    return CompanySpec(company.article, legal, False, company.connective)


_HOME_COUNTRIES = (
    ("US", 34),
    ("DE", 18),
    ("GB", 8),
    ("FR", 5),
    ("NL", 4),
    ("ES", 4),
    ("CA", 4),
    ("AT", 3),
    ("CH", 3),
    ("IT", 3),
    ("PL", 3),
    ("PT", 2),
    ("CZ", 2),
    ("DK", 2),
    ("IE", 2),
    ("BE", 2),
)
_SECTOR_WEIGHTS = (
    ("software", 30),
    ("finance", 10),
    ("logistics", 14),
    ("health", 12),
    ("food", 12),
    ("retail", 12),
    ("industry", 10),
)


def _name(rng: random.Random, sector: str) -> tuple[str, str]:
    words = SECTORS[sector][0]
    roll = rng.random()
    if roll < 0.12:
        a, b = rng.sample(_SURNAMES, 2)
        conn = rng.choice(("&", "&", "and", "+"))
        return f"{a} {conn} {b}", conn
    if roll < 0.2:
        conn = rng.choice(("&", "and", "+"))
        return f"{rng.choice(_SURNAMES)} {conn} {rng.choice(('Partners', 'Sons', 'Co'))}", conn
    if roll < 0.4:
        return f"{rng.choice(_SURNAMES)} {rng.choice(words)}", ""
    return f"{rng.choice(_COINED)} {rng.choice(words)}", ""


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def make_companies(rng: random.Random, count: int) -> list[Company]:
    by_country: dict[str, list[str]] = {}
    for city in CITIES.values():
        by_country.setdefault(city.country, []).append(city.key)
    taken: set[str] = set()
    companies: list[Company] = []
    while len(companies) < count:
        sector = rng.choices([s for s, _ in _SECTOR_WEIGHTS], [w for _, w in _SECTOR_WEIGHTS])[0]
        name, conn = _name(rng, sector)
        bare = _slug(name.replace(f" {conn} ", " ") if conn else name)
        if bare in taken:  # "A & B" and "A and B" would be one employer
            continue
        taken.add(bare)
        country = rng.choices([c for c, _ in _HOME_COUNTRIES], [w for _, w in _HOME_COUNTRIES])[0]
        home = by_country[country]
        cities = rng.sample(home, min(len(home), rng.randint(2, 5)))
        multinational = rng.random() < 0.25
        if multinational:
            abroad = [key for key in CITIES if CITIES[key].country != country]
            cities += rng.sample(abroad, rng.randint(2, 4))
        article_ok = name.split()[-1] in _ARTICLE_WORDS
        product = rng.choice(SECTORS[sector][1])
        hq = CITIES[cities[0]].name
        market = "Europe" if country not in ("US", "CA") else "North America"
        if multinational:
            market = "Europe and North America"
        about = rng.choice(_INTROS).format(
            name=name,
            product=product,
            year=rng.randint(1952, 2019),
            hq=hq,
            size=rng.choice(("40", "120", "350", "800", "2,000", "12,000")),
            market=market,
        )
        pool = _BENEFITS_US if country in ("US", "CA") else _BENEFITS_EU
        key = f"c{len(companies):03d}"
        companies.append(
            Company(
                key=key,
                name=name,
                connective=conn,
                legal=rng.choice(LEGAL_FORMS[country]),
                article=article_ok and rng.random() < 0.5,
                article_ok=article_ok,
                country=country,
                cities=tuple(cities),
                multinational=multinational,
                sector=sector,
                ats=rng.choice(ATS),
                about=about,
                benefits=tuple(rng.sample(pool, rng.randint(3, 5))),
                eeo=rng.choice(_EEO).format(name=name),
                headings=rng.choice(HEADINGS),
                html=rng.random() < 0.7,
                slug=_slug(name),
            )
        )
    return companies
