"""Who posts: a company name as boards write it, to one company key.

Legal forms are dropped with ``cleanco`` ("GmbH", "Inc.", ", Inc", "S.A.", "plc", ...), then
a leading article ("The"), a trailing country or region ("Acme Germany", "Acme (UK)",
"Acme EMEA", "Acme United Kingdom"), and "&", "+" and "and" become one word; case, accents and punctuation are
folded. A name that would become empty keeps its folded words.
"""

from __future__ import annotations

from functools import cache, lru_cache

from cleanco import basename

from worker.clusters.folding import fold_words, visible
from worker.clusters.places import gazetteer

_ARTICLES = frozenset(["the", "die", "der", "das", "la", "le", "les", "el", "los", "de"])
_REGION_WORDS = frozenset(
    [
        "germany",
        "deutschland",
        "uk",
        "usa",
        "us",
        "america",
        "americas",
        "europe",
        "emea",
        "apac",
        "france",
        "spain",
        "espana",
        "italy",
        "italia",
        "netherlands",
        "nederland",
        "austria",
        "osterreich",
        "switzerland",
        "schweiz",
        "ireland",
        "canada",
        "australia",
        "india",
        "poland",
        "polska",
        "sweden",
        "denmark",
        "norway",
        "finland",
        "belgium",
        "portugal",
        "brazil",
        "mexico",
        "japan",
        "singapore",
        "dach",
        "nordics",
        "international",
        "global",
        "worldwide",
        "north",
        "group",
    ]
)
_LEGAL_WORDS = frozenset(
    [
        "gmbh",
        "inc",
        "llc",
        "ltd",
        "limited",
        "ag",
        "plc",
        "corp",
        "co",
        "corporation",
        "incorporated",
        "bv",
        "nv",
        "sa",
        "sas",
        "srl",
        "spa",
        "kg",
        "se",
        "ab",
        "as",
        "oy",
        "pty",
        "pte",
        "lp",
        "llp",
    ]
)


def _droppable(words: list[str]) -> bool:
    """The last word is a legal form, a dangling "and", or a region not part of the name
    ("Bank of America" keeps its "America")."""
    last = words[-1]
    if last in _LEGAL_WORDS or last == "and":
        return True
    return last in _REGION_WORDS and words[-2] not in ("of", "and", "de")


@cache
def _country_names() -> frozenset[tuple[str, ...]]:
    """Country names of more than one word ("united kingdom", "south africa")."""
    names = {tuple(n.split()) for n in gazetteer().countries if len(n.split()) > 1}
    return frozenset(names)


def _country_suffix(words: list[str]) -> int:
    """How many of the last words name a country (0: none), leaving at least one word."""
    for size in (4, 3, 2):
        if len(words) > size and tuple(words[-size:]) in _country_names():
            return size
    return 0


@lru_cache(maxsize=65_536)
def company_key(company: str) -> str:
    name = visible(company).replace("&", " and ").replace("+", " and ")
    for _ in range(3):  # "Acme Holdings GmbH & Co. KG": forms stacked
        stripped = basename(name)
        if not stripped or stripped == name:
            break
        name = stripped
    words = fold_words(name)
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    while len(words) > 1 and _droppable(words):
        words.pop()
    while (suffix := _country_suffix(words)) and words[-suffix - 1] not in (
        "of",
        "and",
        "de",
        "the",
    ):
        del words[-suffix:]  # "Northgate Finance United Kingdom"
    return " ".join(words) or " ".join(fold_words(company))
