"""What the job is called: a title as boards write it, to one title key.

Dropped: gender markers ("(m/w/d)", "(f/m/x)", "(H/F)", "(all genders)", "(gn)"), what
boards append ("Full Time", "Permanent", "Remote", "Hybrid", "+ Bonus", "$5k sign-on
bonus", "Urgent"), the posting's own place ("- Berlin", "(München)"), and punctuation.
Expanded: seniority and role abbreviations ("Sr." = "Senior", "Mgr" = "Manager", "Assoc"
= "Associate"). Numbered levels become digits ("II" = "2" = "Level 2"). The key is the
remaining words in sorted order, so word order does not matter ("Backend Engineer,
Payments" = "Payments Backend Engineer").

Two different title keys may still be the same job (:func:`similar`): one adds words to the
other without replacing any, and no level between them (Senior, Lead, 2, ...).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from worker.clusters.folding import fold, visible

_GENDER = re.compile(
    r"\(\s*(?:[mwfdxhnai]|div|all|alle)(?:\s*[/,|*]\s*(?:[mwfdxhnai]|div|all|alle))+\s*\)"
    r"|\b[mwfdxh](?:\s*/\s*[mwfdxh]){1,3}\b"
    r"|\(\s*(?:all|alle|any)\s+(?:genders?|geschlechter)\s*\)|\(\s*(?:gn|x|d)\s*\)|\*in\b",
    re.IGNORECASE,
)
_APPENDED = re.compile(
    r"\b(?:full|part)[\s-]*time\b|\bpermanent\b|\bfixed[\s-]*term\b|\btemporary\b"
    r"|\bcontract(?:or)?\s+(?:role|position)\b|\b(?:fully\s+)?remote\b|\bhybrid\b"
    r"|\bon[\s-]?site\b|\bin[\s-]office\b|\bwork\s+from\s+home\b|\burgent(?:ly)?\b(?:\s+hiring)?"
    r"|\bimmediate\s+start\b|\bapply\s+now\b|\bnew\b|\bhiring\b"
    r"|(?:\bup\s+to\s+)?[$€£]?\s*\d[\d.,]*\s*k?\s*(?:[$€£]|usd|eur|gbp)?\s*"
    r"(?:sign[\s-]*on|signing|joining|relocation)?\s*bonus\b"
    r"|\b(?:sign[\s-]*on|signing|joining|relocation)\s+bonus\b|\bbonus\b",
    re.IGNORECASE,
)
_ABBREVIATIONS = {
    "sr": "senior",
    "snr": "senior",
    "sen": "senior",
    "jr": "junior",
    "jnr": "junior",
    "mgr": "manager",
    "mngr": "manager",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "swe": "software engineer",
    "sde": "software engineer",
    "rn": "registered nurse",
    "asst": "assistant",
    "assoc": "associate",
    "admin": "administrator",
    "exec": "executive",
    "dir": "director",
    "vp": "vice president",
    "svp": "senior vice president",
    "coord": "coordinator",
    "spec": "specialist",
    "rep": "representative",
    "mgmt": "management",
    "mktg": "marketing",
    "ops": "operations",
    "acct": "accountant",
    "intl": "international",
    "lvl": "level",
    "ml": "machine learning",
    "qa": "quality assurance",
    "ux": "user experience",
    "hr": "human resources",
    "pm": "product manager",
    "tl": "team lead",
}
_NUMERALS = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    **{f"l{n}": str(n) for n in range(1, 10)},
}
_FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "for",
        "in",
        "at",
        "m",
        "w",
        "f",
        "d",
        "x",
        "h",
        "level",
        "job",
        "position",
        "role",
        "opening",
        "f",
        "all",
        "genders",
    ]
)
LEVEL_WORDS = frozenset(
    [
        "junior",
        "senior",
        "staff",
        "lead",
        "principal",
        "head",
        "chief",
        "intern",
        "internship",
        "trainee",
        "graduate",
        "entry",
        "mid",
        "associate",
        "assistant",
        "apprentice",
        "working",
        "student",
        "director",
        "vice",
        "president",
        "manager",
        "supervisor",
        "chef",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
SIMILAR_WORDS = 0.5


@lru_cache(maxsize=65_536)
def title_words(title: str, place_words: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The title's words, normalised (``place_words``: the posting's place, dropped)."""
    text = _APPENDED.sub(" ", _GENDER.sub(" ", visible(title)))
    words: list[str] = []
    raw = _WORD.findall(fold(text))
    for i, word in enumerate(raw):
        if word in place_words:
            continue
        if word in _NUMERALS and (word != "i" or i > 0) and (word != "v" or i > 0):
            words.append(_NUMERALS[word])
            continue
        words.extend(_ABBREVIATIONS.get(word, word).split())
    kept = [w for w in words if w not in _FILLER]
    return tuple(kept or words)


def title_key(title: str, place_words: frozenset[str] = frozenset()) -> str:
    """The title's words in sorted order (a word said twice kept twice: "Data Engineer, Data
    Platform" is not "ML Platform Data Engineer" with a word dropped)."""
    return " ".join(sorted(title_words(title, place_words)))


@lru_cache(maxsize=65_536)
def level_differs(a: str, b: str) -> bool:
    """Title keys that differ in a level word or a number: other jobs."""
    diff = set(a.split()) ^ set(b.split())
    return any(word in LEVEL_WORDS or word.isdigit() for word in diff)


@lru_cache(maxsize=65_536)
def similar(a: str, b: str) -> bool:
    """Different title keys that may still name one job: one adds words to the other (a team,
    a product, a place the normalisation did not know) without replacing any, the shorter
    holds at least half the words, and no level between them. "Marketing Manager, Product"
    and "Marketing Manager, Content" each name something the other does not: other jobs."""
    x, y = Counter(a.split()), Counter(b.split())
    if not x or not y or not (x <= y or y <= x):
        return False
    return (x & y).total() / (x | y).total() >= SIMILAR_WORDS and not level_differs(a, b)
