"""The search relevance evaluation: a labelled corpus and queries, and the measures.

The corpus is generated (deterministic per seed) from job families with varied titles,
seniority, places, remote modes, skills, layouts (a company blurb first in a third of the
postings, boilerplate last) and wording. Every query is something a person would type —
roles, skills, seniority, places, remote, paraphrases, typos, and German, Spanish and French —
and carries its own judgement over a posting's attributes: grade 2 (what was asked for),
grade 1 (the right kind of job, a constraint missed, or a close family), 0 otherwise. Labels
come from the generator's attributes, never from any ranking being measured.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

FAMILIES: dict[str, dict[str, Any]] = {
    "backend_python": {"titles": ["Backend Engineer (Python)", "Python Developer", "Backend Software Engineer", "Python Backend Developer"],
                       "skills": ["python", "django", "fastapi", "postgresql", "kafka", "asyncio"],
                       "lines": ["You will build and operate the APIs behind our product.", "Design data models and services that scale to millions of requests.", "Write well-tested server-side code and review your peers' changes."]},
    "backend_java": {"titles": ["Java Backend Engineer", "Software Engineer, Java", "JVM Developer"],
                     "skills": ["java", "spring boot", "microservices", "postgresql", "kafka"],
                     "lines": ["You will develop microservices on the JVM.", "Own server-side features from design to production.", "Improve the reliability and latency of our payment services."]},
    "frontend": {"titles": ["Frontend Developer", "Front-End Engineer", "Web Developer (React)", "UI Engineer"],
                 "skills": ["react", "typescript", "css", "next.js", "accessibility"],
                 "lines": ["Build fast, accessible user interfaces in the browser.", "Turn designs into polished, responsive web pages.", "Work closely with designers on our component library."]},
    "android": {"titles": ["Android Developer", "Mobile Engineer (Android)", "Kotlin Android Engineer"],
                "skills": ["kotlin", "jetpack compose", "android", "coroutines"],
                "lines": ["Build our Android app used by millions of people.", "Ship features in our native mobile app every week.", "Care about app performance, battery and offline use."]},
    "ios": {"titles": ["iOS Developer", "Mobile Engineer (iOS)", "Swift Engineer"],
            "skills": ["swift", "swiftui", "ios", "xcode"],
            "lines": ["Build our iPhone app with SwiftUI.", "Ship features in our native mobile app every week.", "Care about app performance and smooth animations."]},
    "data_engineer": {"titles": ["Data Engineer", "Big Data Engineer", "Analytics Engineer"],
                      "skills": ["spark", "airflow", "sql", "dbt", "python", "snowflake"],
                      "lines": ["Build reliable pipelines that move data into our warehouse.", "Model data for analysts and keep batch jobs healthy.", "Own the ETL that feeds dashboards and reports."]},
    "data_scientist": {"titles": ["Data Scientist", "Applied Scientist", "Statistician"],
                       "skills": ["statistics", "python", "sql", "experimentation", "pandas"],
                       "lines": ["Analyse experiments and tell product teams what works.", "Build statistical models that forecast demand.", "Turn messy data into decisions."]},
    "ml_engineer": {"titles": ["Machine Learning Engineer", "ML Engineer", "MLOps Engineer"],
                    "skills": ["pytorch", "mlops", "python", "kubernetes", "llm"],
                    "lines": ["Train and deploy models that rank content.", "Build the platform our researchers use to ship models.", "Optimise inference latency of production models."]},
    "sre": {"titles": ["Site Reliability Engineer", "DevOps Engineer", "Platform Engineer", "Cloud Infrastructure Engineer"],
            "skills": ["kubernetes", "terraform", "aws", "prometheus", "go", "linux"],
            "lines": ["Keep our infrastructure reliable and our deploys boring.", "Automate cloud infrastructure as code.", "Run on-call and improve observability across services."]},
    "security": {"titles": ["Security Engineer", "Application Security Engineer", "Cybersecurity Analyst"],
                 "skills": ["penetration testing", "siem", "threat modeling", "cloud security"],
                 "lines": ["Find and fix vulnerabilities before attackers do.", "Monitor alerts and respond to security incidents.", "Help engineers build secure systems."]},
    "qa": {"titles": ["QA Engineer", "Software Tester", "Test Automation Engineer"],
           "skills": ["selenium", "test automation", "cypress", "manual testing"],
           "lines": ["Design test plans and automate regression suites.", "Find bugs before our customers do.", "Work with developers on quality from the first commit."]},
    "product_manager": {"titles": ["Product Manager", "Product Owner", "Technical Product Manager"],
                        "skills": ["roadmapping", "user research", "agile", "analytics"],
                        "lines": ["Decide what we build next and why.", "Own the roadmap and work with engineering and design.", "Talk to customers and turn problems into specifications."]},
    "designer": {"titles": ["Product Designer", "UX Designer", "UI/UX Designer"],
                 "skills": ["figma", "prototyping", "ux research", "design systems"],
                 "lines": ["Design flows that make complex things simple.", "Prototype, test with users and iterate.", "Maintain our design system in Figma."]},
    "nurse_icu": {"titles": ["Registered Nurse - ICU", "ICU Nurse", "Critical Care Nurse (RN)"],
                  "skills": ["icu", "critical care", "bls", "acls", "patient care"],
                  "lines": ["Care for critically ill patients in our intensive care unit.", "Monitor ventilated patients and respond to emergencies.", "Work in a multidisciplinary critical care team."]},
    "nurse_ward": {"titles": ["Registered Nurse - Medical Surgical", "Staff Nurse", "Ward Nurse (RN)"],
                   "skills": ["med-surg", "patient care", "bls", "medication administration"],
                   "lines": ["Care for patients recovering from surgery on a busy ward.", "Administer medication and document care.", "Educate patients and families before discharge."]},
    "pharmacist": {"titles": ["Pharmacist", "Clinical Pharmacist", "Retail Pharmacist"],
                   "skills": ["dispensing", "medication review", "retail pharmacy"],
                   "lines": ["Dispense prescriptions and counsel patients.", "Review medication plans with physicians.", "Run our community pharmacy's clinical services."]},
    "truck_driver": {"titles": ["CDL-A Truck Driver", "Long Haul Truck Driver", "HGV Driver"],
                     "skills": ["cdl-a", "long haul", "logistics", "clean driving record"],
                     "lines": ["Move freight safely across regional and national routes.", "Drive a modern fleet with home time every week.", "Inspect your truck and keep delivery logs."]},
    "warehouse": {"titles": ["Warehouse Associate", "Warehouse Worker", "Picker Packer"],
                  "skills": ["forklift", "inventory", "shipping", "picking"],
                  "lines": ["Pick, pack and ship customer orders.", "Operate a forklift and keep inventory accurate.", "Work in a fast-paced fulfilment centre."]},
    "accountant": {"titles": ["Accountant", "Staff Accountant", "Bookkeeper"],
                   "skills": ["gaap", "reconciliation", "excel", "month-end close"],
                   "lines": ["Own the month-end close and account reconciliations.", "Prepare financial statements under GAAP.", "Keep the books accurate and audit-ready."]},
    "financial_analyst": {"titles": ["Financial Analyst", "FP&A Analyst", "Finance Analyst"],
                          "skills": ["financial modeling", "excel", "forecasting", "fp&a"],
                          "lines": ["Build forecasts and budgets with business leaders.", "Model scenarios and explain variances.", "Support planning with clear financial analysis."]},
    "sales": {"titles": ["Account Executive", "Sales Representative", "Business Development Representative"],
              "skills": ["saas", "crm", "outbound", "negotiation"],
              "lines": ["Own a pipeline of new customers and close deals.", "Prospect, run demos and negotiate contracts.", "Exceed quota selling software to businesses."]},
    "support": {"titles": ["Customer Support Specialist", "Customer Service Representative", "Help Desk Agent"],
                "skills": ["zendesk", "customer service", "troubleshooting"],
                "lines": ["Help customers by chat, email and phone.", "Solve problems and turn frustrated users into fans.", "Document answers in our knowledge base."]},
    "teacher": {"titles": ["Math Teacher", "High School Mathematics Teacher", "Secondary Teacher (Maths)"],
                "skills": ["algebra", "curriculum", "classroom management"],
                "lines": ["Teach algebra and geometry to secondary students.", "Plan lessons and assess progress.", "Support students who need extra help."]},
    "electrician": {"titles": ["Electrician", "Journeyman Electrician", "Commercial Electrician"],
                    "skills": ["conduit", "wiring", "nec", "troubleshooting"],
                    "lines": ["Install and repair electrical systems in commercial buildings.", "Read blueprints and pull wire.", "Work safely to code on job sites."]},
    "cook": {"titles": ["Line Cook", "Chef de Partie", "Kitchen Cook"],
             "skills": ["grill", "prep", "food safety", "sauces"],
             "lines": ["Prepare dishes on the grill and sauté stations.", "Keep your station clean and stocked.", "Work service in a busy restaurant kitchen."]},
    "marketing": {"titles": ["Marketing Manager", "Growth Marketer", "Digital Marketing Specialist"],
                  "skills": ["seo", "paid social", "content marketing", "analytics"],
                  "lines": ["Plan campaigns that bring in new customers.", "Run paid and organic acquisition channels.", "Measure what works and double down."]},
}  # fmt: skip
CITIES = ["Berlin, Germany", "Munich, Germany", "Madrid, Spain", "Barcelona, Spain", "Paris, France",
          "Lyon, France", "London, UK", "New York, NY", "Austin, TX", "Toronto, Canada"]  # fmt: skip
SENIORITY = {"junior": ["Junior ", "Jr. "], "mid": ["", ""], "senior": ["Senior ", "Sr. "],
             "lead": ["Lead ", "Principal "]}  # fmt: skip
COMPANIES = ["Acme Robotics", "Northwind Health", "Globex Logistics", "Initech", "Umbrella Pharma",
             "Hooli", "Stark Industries", "Wayne Foods", "Blue Harbor Bank", "Evergreen Schools",
             "Bright Grid Energy", "Pied Piper", "Vandelay Industries", "Cyberdyne Systems"]  # fmt: skip
BLURBS = ["{company} is a fast-growing company trusted by thousands of customers worldwide.",
          "At {company}, we believe great people build great products and we invest in them.",
          "{company} has been family-owned for three generations and values long-term careers."]  # fmt: skip
BENEFITS = ["We offer competitive pay, health insurance and 30 days of paid leave.",
            "Benefits include a pension plan, flexible hours and a learning budget.",
            "Equal opportunity employer: we welcome applicants of every background."]  # fmt: skip


@dataclass(frozen=True)
class Posting:
    external_id: str
    family: str
    seniority: str
    city: str
    remote: str
    skills: tuple[str, ...]
    title: str
    company: str
    description: str

    def event(self, at: datetime) -> dict[str, Any]:
        return {
            "event_id": f"00000000-0000-4000-8000-{int(self.external_id[1:]):012d}",
            "type": "job.posted", "schema_version": 1, "occurred_at": at.isoformat(),
            "source": "company_site",
            "job": {"external_id": self.external_id, "title": self.title, "company": self.company,
                    "location": self.city if self.remote != "remote" else f"Remote ({self.city})",
                    "description": self.description, "remote": self.remote,
                    "tags": list(self.skills), "employment_type": "full_time"},
        }  # fmt: skip


def corpus(count: int, seed: int = 11) -> list[Posting]:
    rnd = random.Random(seed)
    families = sorted(FAMILIES)
    postings = []
    for i in range(count):
        family = families[i % len(families)] if i < len(families) * 4 else rnd.choice(families)
        spec = FAMILIES[family]
        seniority = rnd.choice(list(SENIORITY))
        skills = tuple(rnd.sample(spec["skills"], k=min(len(spec["skills"]), rnd.randint(2, 4))))
        company = rnd.choice(COMPANIES)
        title = rnd.choice(SENIORITY[seniority]) + rnd.choice(spec["titles"])
        if rnd.random() < 0.2:
            title += rnd.choice([" (m/w/d)", " (f/m/x)", " - Full Time"])
        parts = []
        if rnd.random() < 0.33:
            parts.append(rnd.choice(BLURBS).format(company=company))
        lines = list(spec["lines"])
        rnd.shuffle(lines)
        parts += lines[: rnd.randint(2, 3)]
        parts.append(f"You bring experience with {', '.join(skills[:-1]) or skills[0]}"
                     f"{' and ' + skills[-1] if len(skills) > 1 else ''}.")  # fmt: skip
        parts.append(rnd.choice(BENEFITS))
        postings.append(Posting(
            f"e{i}", family, seniority, rnd.choice(CITIES),
            rnd.choices(["onsite", "hybrid", "remote"], weights=[5, 3, 2])[0], skills, title,
            company, "<p>" + "</p><p>".join(parts) + "</p>",
        ))  # fmt: skip
    return postings


def events(postings: Sequence[Posting]) -> Iterator[dict[str, Any]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i, posting in enumerate(postings):
        yield posting.event(start + timedelta(minutes=i))


Judge = Callable[[Posting], int]


@dataclass(frozen=True)
class Query:
    text: str
    families: frozenset[str]
    kind: str
    related: frozenset[str] = frozenset()
    city: str | None = None
    remote: str | None = None
    seniority: str | None = None
    skill: str | None = None
    language: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)

    def grade(self, p: Posting) -> int:
        fits = (
            (self.city is None or p.city.startswith(self.city))
            and (self.remote is None or p.remote == self.remote)
            and (self.seniority is None or p.seniority == self.seniority)
            and (self.skill is None or self.skill in p.skills)
        )
        if p.family in self.families:
            return 2 if fits else 1
        return 1 if p.family in self.related and fits else 0


def _q(text: str, families: str, kind: str, related: str = "", **kw: Any) -> Query:
    return Query(text, frozenset(families.split()), kind, frozenset(related.split()), **kw)


SOFTWARE = "backend_python backend_java frontend android ios sre"
QUERIES: list[Query] = [
    # roles
    _q("python developer", "backend_python", "role", "data_engineer ml_engineer"),
    _q("java backend engineer", "backend_java", "role", "backend_python"),
    _q("frontend developer", "frontend", "role"),
    _q("android developer", "android", "role", "ios"),
    _q("ios developer", "ios", "role", "android"),
    _q("data engineer", "data_engineer", "role", "data_scientist"),
    _q("data scientist", "data_scientist", "role", "ml_engineer data_engineer"),
    _q("machine learning engineer", "ml_engineer", "role", "data_scientist"),
    _q("site reliability engineer", "sre", "role"),
    _q("security engineer", "security", "role"),
    _q("qa engineer", "qa", "role"),
    _q("product manager", "product_manager", "role"),
    _q("ux designer", "designer", "role"),
    _q("icu nurse", "nurse_icu", "role", "nurse_ward"),
    _q("staff nurse hospital ward", "nurse_ward", "role", "nurse_icu"),
    _q("pharmacist", "pharmacist", "role"),
    _q("truck driver", "truck_driver", "role"),
    _q("warehouse associate", "warehouse", "role"),
    _q("accountant", "accountant", "role", "financial_analyst"),
    _q("financial analyst", "financial_analyst", "role", "accountant"),
    _q("account executive sales", "sales", "role"),
    _q("customer support", "support", "role"),
    _q("math teacher", "teacher", "role"),
    _q("electrician", "electrician", "role"),
    _q("line cook", "cook", "role"),
    _q("marketing manager", "marketing", "role"),
    # seniority
    _q("senior python developer", "backend_python", "seniority", seniority="senior"),
    _q("junior frontend developer", "frontend", "seniority", seniority="junior"),
    _q("lead data engineer", "data_engineer", "seniority", seniority="lead"),
    _q("senior devops engineer", "sre", "seniority", seniority="senior"),
    _q("junior accountant", "accountant", "seniority", seniority="junior"),
    _q("principal machine learning engineer", "ml_engineer", "seniority", seniority="lead"),
    # places
    _q("python developer berlin", "backend_python", "place", city="Berlin"),
    _q("nurse madrid", "nurse_icu nurse_ward", "place", city="Madrid"),
    _q("data engineer london", "data_engineer", "place", city="London"),
    _q("frontend developer paris", "frontend", "place", city="Paris"),
    _q("truck driver toronto", "truck_driver", "place", city="Toronto"),
    _q("accountant munich", "accountant", "place", city="Munich"),
    _q("product designer new york", "designer", "place", city="New York"),
    _q("line cook barcelona", "cook", "place", city="Barcelona"),
    # remote
    _q("remote python developer", "backend_python", "remote", remote="remote"),
    _q("remote frontend engineer", "frontend", "remote", remote="remote"),
    _q("remote data scientist", "data_scientist", "remote", remote="remote"),
    _q("remote customer support", "support", "remote", remote="remote"),
    _q("hybrid product manager", "product_manager", "remote", remote="hybrid"),
    # skills
    _q("kotlin", "android", "skill", skill="kotlin"),
    _q("terraform kubernetes", "sre", "skill", "ml_engineer", skill="terraform"),
    _q("figma prototyping", "designer", "skill", skill="figma"),
    _q("spark airflow", "data_engineer", "skill", skill="airflow"),
    _q("react typescript", "frontend", "skill", skill="typescript"),
    _q("forklift", "warehouse", "skill", skill="forklift"),
    _q("gaap reconciliation", "accountant", "skill", skill="gaap"),
    _q("swiftui", "ios", "skill", skill="swiftui"),
    _q("spring boot microservices", "backend_java", "skill", skill="spring boot"),
    # paraphrases
    _q("software developer backend", "backend_python backend_java", "paraphrase"),
    _q("lorry driver", "truck_driver", "paraphrase"),
    _q("bookkeeping job", "accountant", "paraphrase"),
    _q("intensive care nursing", "nurse_icu", "paraphrase", "nurse_ward"),
    _q("cloud infrastructure automation", "sre", "paraphrase"),
    _q("help desk agent", "support", "paraphrase"),
    _q("chef restaurant kitchen", "cook", "paraphrase"),
    _q("statistician experiments", "data_scientist", "paraphrase"),
    _q("mobile app developer", "android ios", "paraphrase"),
    # typos
    _q("pyhton developer", "backend_python", "typo"),
    _q("frontned developer", "frontend", "typo"),
    _q("warehose associate", "warehouse", "typo"),
    _q("acountant", "accountant", "typo", "financial_analyst"),
    _q("registerd nurse icu", "nurse_icu", "typo", "nurse_ward"),
    # German, Spanish, French
    _q("Softwareentwickler Python", "backend_python", "multilingual", SOFTWARE, language="de"),
    _q("Krankenpfleger Intensivstation", "nurse_icu", "multilingual", "nurse_ward", language="de"),
    _q("LKW-Fahrer Fernverkehr", "truck_driver", "multilingual", language="de"),
    _q("Buchhalter", "accountant", "multilingual", language="de"),
    _q("desarrollador python", "backend_python", "multilingual", language="es"),
    _q("enfermera cuidados intensivos", "nurse_icu", "multilingual", "nurse_ward", language="es"),
    _q("camionero", "truck_driver", "multilingual", language="es"),
    _q("infirmière", "nurse_icu nurse_ward", "multilingual", language="fr"),
    _q("développeur web", "frontend", "multilingual", language="fr"),
    _q("comptable", "accountant", "multilingual", language="fr"),
]


def ndcg_at(grades: Sequence[int], ideal: Sequence[int], k: int = 10) -> float:
    def dcg(values: Sequence[int]) -> float:
        return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k])))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


def measures(
    ranked_grades: Sequence[int], all_grades: Sequence[int], k: int = 10
) -> dict[str, float]:
    """nDCG@k (graded), recall@k of grade-2 postings (of at most k), MRR of the first grade 2."""
    top = list(ranked_grades[:k])
    wanted = sum(1 for g in all_grades if g == 2)
    recall = sum(1 for g in top if g == 2) / min(k, wanted) if wanted else 0.0
    first = next((i for i, g in enumerate(top) if g == 2), None)
    return {
        "ndcg@10": ndcg_at(top, all_grades, k),
        "recall@10": recall,
        "mrr": 1.0 / (first + 1) if first is not None else 0.0,
    }


# Identifier queries: postings made like the others (graded by the queries above like any
# posting), each carrying a requisition code (neighbouring codes on the others) or a product
# name of its own; the query grades exactly the posting that carries it.
PRODUCTS = ["Nimbus Ledger", "Quartzline CRM", "Helix Forge", "Orbit Dispatch"]
NEEDLES = 16


def needles() -> list[Posting]:
    found = []
    for i, posting in enumerate(corpus(NEEDLES, seed=97)):
        line = f"Please quote REQ-2026-{4000 + i} in your application."
        if i < len(PRODUCTS):
            line = f"You will work on {PRODUCTS[i]}, one of our products. " + line
        described = posting.description.replace("</p><p>", f"</p><p>{line}</p><p>", 1)
        found.append(replace(posting, external_id=f"e{100_000 + i}", description=described))
    return found


def identifier_queries(found: Sequence[Posting]) -> list[tuple[str, str]]:
    """(query, the external id it asks for): codes alone, codes in a sentence, lower case,
    and the product names."""
    asked = []
    for i, posting in enumerate(found):
        code = f"REQ-2026-{4000 + i}"
        text = [code, f"job {code}", code.lower(), f"apply {code} position"][i % 4]
        asked.append((text, posting.external_id))
    asked += [(name, found[i].external_id) for i, name in enumerate(PRODUCTS)]
    return asked
