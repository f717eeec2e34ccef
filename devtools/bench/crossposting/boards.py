"""Job boards of the cross-posting set: the contract source each maps to, how often each
rewrites each part of a copy, and the text it adds around a description."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Board:
    name: str
    label: str  # as the board calls itself in its own text
    source: str  # the contract's source
    weights: dict[str, float] = field(default_factory=dict)  # variation class -> probability
    boilerplate: tuple[str, ...] = ()  # kinds of text it adds (see rewrite.boilerplate)
    bullet: str = "• "
    caps_headings: bool = False
    aggregator: bool = False
    countries: tuple[str, ...] = ()  # where it operates; () everywhere


# Probability of a variation class on a copy when the board does not name it.
DEFAULT_WEIGHT = 0.04

_COMMON = {
    "posted_apart": 0.2,
    "fields_dropped": 0.3,
    "desc_invisible_chars": 0.06,
    "title_numeral": 0.25,
    "company_connective": 0.2,
    "company_article": 0.2,
    "company_region_suffix": 0.2,
}

BOARDS: dict[str, Board] = {
    b.name: b
    for b in (
        Board("company_site", "our careers site", "company_site"),
        Board("greenhouse", "Greenhouse", "greenhouse"),
        Board("lever", "Lever", "lever"),
        Board("workday", "Workday", "workday"),
        Board(
            "linkedin",
            "LinkedIn",
            "linkedin",
            {
                **_COMMON,
                "place_format": 0.45,
                "place_metro": 0.3,
                "place_local_name": 0.45,
                "place_arrangement": 0.3,
                "company_legal_form": 0.45,
                "company_article": 0.3,
                "company_region_suffix": 0.35,
                "company_connective": 0.25,
                "company_case": 0.03,
                "title_gender_marker": 0.3,
                "title_numeral": 0.2,
                "desc_format": 0.55,
                "desc_boilerplate": 0.3,
                "desc_truncated": 0.12,
                "desc_invisible_chars": 0.1,
                "fields_dropped": 0.45,
                "salary_restated": 0.1,
            },
            ("li_tags", "apply", "eeo"),
            bullet="- ",
        ),
        Board(
            "indeed",
            "Indeed",
            "indeed",
            {
                **_COMMON,
                "place_postcode": 0.45,
                "place_region_name": 0.35,
                "place_format": 0.3,
                "company_legal_form": 0.35,
                "title_suffix": 0.3,
                "title_gender_marker": 0.25,
                "title_seniority_abbrev": 0.12,
                "desc_format": 0.75,
                "desc_boilerplate": 0.55,
                "posted_apart": 0.25,
                "fields_dropped": 0.25,
                "salary_restated": 0.45,
            },
            ("job_type", "fraud"),
        ),
        Board(
            "glassdoor",
            "Glassdoor",
            "glassdoor",
            {
                **_COMMON,
                "place_format": 0.35,
                "place_region_name": 0.2,
                "company_legal_form": 0.5,
                "company_article": 0.35,
                "company_case": 0.05,
                "title_punctuation": 0.12,
                "desc_format": 0.6,
                "desc_truncated": 0.35,
                "fields_dropped": 0.35,
                "salary_restated": 0.2,
            },
            ("apply", "eeo"),
            bullet="* ",
        ),
        Board(
            "stepstone",
            "StepStone",
            "other",
            {
                **_COMMON,
                "place_local_name": 0.5,
                "place_postcode": 0.3,
                "place_format": 0.2,
                "company_legal_form": 0.3,
                "title_gender_marker": 0.35,
                "desc_boilerplate": 0.45,
                "desc_reordered": 0.15,
                "desc_format": 0.3,
                "salary_restated": 0.25,
            },
            ("fraud", "apply"),
            countries=("DE", "AT", "CH", "BE", "NL", "DK", "FR"),
        ),
        Board(
            "xing",
            "XING",
            "other",
            {
                **_COMMON,
                "place_local_name": 0.4,
                "place_format": 0.3,
                "company_legal_form": 0.4,
                "company_region_suffix": 0.3,
                "title_gender_marker": 0.3,
                "desc_format": 0.5,
                "desc_truncated": 0.2,
                "fields_dropped": 0.4,
            },
            ("apply",),
            countries=("DE", "AT", "CH"),
        ),
        Board(
            "ziprecruiter",
            "ZipRecruiter",
            "other",
            {
                **_COMMON,
                "place_postcode": 0.4,
                "place_codes": 0.25,
                "company_legal_form": 0.35,
                "title_suffix": 0.35,
                "title_seniority_abbrev": 0.25,
                "desc_boilerplate": 0.4,
                "desc_format": 0.7,
                "salary_restated": 0.4,
                "fields_dropped": 0.2,
            },
            ("job_type", "eeo", "fraud"),
            countries=("US", "CA"),
        ),
        Board(
            "jooble",
            "Jooble",
            "other",
            {
                **_COMMON,
                "place_codes": 0.3,
                "place_format": 0.3,
                "place_dropped": 0.25,
                "company_case": 0.2,
                "company_legal_form": 0.35,
                "title_punctuation": 0.25,
                "title_word_order": 0.2,
                "desc_truncated": 0.6,
                "desc_format": 0.8,
                "desc_invisible_chars": 0.25,
                "desc_boilerplate": 0.2,
                "posted_apart": 0.35,
                "fields_dropped": 0.6,
            },
            ("syndicated",),
            bullet="· ",
            aggregator=True,
        ),
        Board(
            "adzuna",
            "Adzuna",
            "other",
            {
                **_COMMON,
                "place_codes": 0.35,
                "place_region_name": 0.2,
                "place_dropped": 0.2,
                "company_case": 0.15,
                "company_legal_form": 0.3,
                "title_punctuation": 0.2,
                "title_word_order": 0.15,
                "desc_truncated": 0.55,
                "desc_format": 0.8,
                "desc_invisible_chars": 0.2,
                "desc_boilerplate": 0.25,
                "posted_apart": 0.35,
                "fields_dropped": 0.55,
            },
            ("syndicated",),
            bullet="- ",
            caps_headings=True,
            aggregator=True,
        ),
        Board(
            "agency",
            "Alder Talent",
            "other",
            {
                **_COMMON,
                "place_metro": 0.3,
                "place_format": 0.3,
                "company_legal_form": 0.4,
                "company_connective": 0.3,
                "company_article": 0.3,
                "title_suffix": 0.4,
                "title_seniority_abbrev": 0.25,
                "title_gender_marker": 0.3,
                "title_word_order": 0.2,
                "title_punctuation": 0.15,
                "desc_boilerplate": 0.9,
                "desc_reordered": 0.45,
                "desc_format": 0.4,
                "salary_restated": 0.4,
                "posted_apart": 0.4,
            },
            ("agency", "fraud"),
            caps_headings=True,
        ),
    )
}
ATS_BOARDS = ("company_site", "greenhouse", "lever", "workday")
# Boards a copy goes to, with how often (the employer's own board aside).
COPY_WEIGHTS = {
    "linkedin": 5.0,
    "indeed": 5.0,
    "glassdoor": 3.0,
    "stepstone": 4.0,
    "xing": 2.0,
    "ziprecruiter": 3.0,
    "jooble": 2.0,
    "adzuna": 2.0,
    "agency": 1.5,
}
