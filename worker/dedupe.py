"""One job, many boards: the signals and the rule that say two postings are the same job.

Pure functions over a posting's fields; no semantic model, so it works with every embedder.

Signals
  * company: case, accents and punctuation folded, legal suffixes dropped (Inc, GmbH, Ltd,
    S.A., ...): "Acme Robotics GmbH" = "ACME Robotics".
  * title: case and punctuation folded, gender and contract suffixes dropped ("(m/w/d)",
    "(f/m/x)", "- Full Time"), seniority abbreviations expanded ("Sr." = "Senior").
  * location: the city (the part before the first comma, "Remote (EU)" = "remote");
    compatible when equal, when either is unknown, or when both are remote.
  * text: MinHash (datasketch, 64 permutations) over word 3-shingles of the description as
    plain text, and a second one over its first LEAD_WORDS words (the part a posting opens
    with is its own; boilerplate, board footers and truncation sit at the end). LSH band keys
    of the first, scoped to the company, are stored with the row (GIN-indexed): postings of
    the same company with similar text share a key, which finds candidates whose titles
    differ (those with the same title are found by company, title and place).

Rule: same company, compatible locations, and either the same title with text similarity
(the larger of the two estimated Jaccard similarities) >= SAME_TITLE_JACCARD, or titles
sharing >= SIMILAR_TITLE_TOKENS of their words, not differing in a level (Senior, II, a
number), with similarity >= SIMILAR_TITLE_JACCARD.
Same company and title in two cities stay apart (location); a repost after a removal stays
apart (removed jobs are in no cluster); two teams' postings sharing the company's
boilerplate stay apart (their openings differ, and the shared part alone stays below the bar).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from worker.text import plain_text

NUM_PERM = 64
BANDS = 10  # LSH: 10 bands of 6 signature values: a pair at similarity 0.8 shares a band with
ROWS = 6  # probability 0.95, at 0.5 with 0.15, at 0.3 with 0.007
LEAD_WORDS = 25
SAME_TITLE_JACCARD = 0.55
SIMILAR_TITLE_TOKENS = 0.5
SIMILAR_TITLE_JACCARD = 0.8

LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "l",
        "l",
        "c",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "sa",
        "s",
        "a",
        "sas",
        "sarl",
        "bv",
        "nv",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "se",
        "srl",
        "spa",
        "oy",
        "ab",
        "as",
        "kg",
        "ohg",
        "ug",
        "pty",
        "pte",
        "kk",
    ]
)
_GENDER = re.compile(r"\(\s*(?:[mwfdxhai]\s*/\s*)+[mwfdxhai]\s*\)|\b(?:[mwfdxh]/){1,3}[mwfdxh]\b"
                     r"|\(all genders\)|\(gn\)", re.IGNORECASE)  # fmt: skip
_CONTRACT = re.compile(r"[-–|,]\s*(?:full[- ]?time|part[- ]?time|permanent|contract)\s*$", re.I)
_ABBREVIATIONS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "mgr": "manager",
    "eng": "engineer", "engr": "engineer", "dev": "developer", "swe": "software engineer",
    "sde": "software engineer", "rn": "registered nurse", "asst": "assistant", "assoc": "associate",
}  # fmt: skip
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _fold(text: str) -> list[str]:
    """Words, case-folded, accents dropped (ASCII text, the common case, skips the work)."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return _WORD.findall(folded)


def company_key(company: str) -> str:
    words = _fold(company)
    while len(words) > 1:
        if words[-1] in LEGAL_SUFFIXES:
            words.pop()
            continue
        letters = 0  # "S.A.", "B.V.", "L.L.C." arrive as single letters
        while letters < len(words) - 1 and len(words[-1 - letters]) == 1:
            letters += 1
        if letters >= 2 and "".join(words[-letters:]) in LEGAL_SUFFIXES:
            del words[-letters:]
            continue
        break
    return " ".join(words)


def title_words(title: str) -> list[str]:
    text = _CONTRACT.sub("", _GENDER.sub(" ", title))
    words: list[str] = []
    for word in _fold(text):
        words.extend(_ABBREVIATIONS.get(word, word).split())
    return words


def title_key(title: str) -> str:
    return " ".join(title_words(title))


def location_key(location: str | None, remote: str | None = None) -> str:
    if not location:
        return "remote" if remote == "remote" else ""
    words = _fold(location.split(",")[0])
    if words and words[0] == "remote":
        return "remote"
    return " ".join(words)


def locations_compatible(a: str, b: str) -> bool:
    return not a or not b or a == b


def shingles(words: Sequence[str]) -> list[bytes]:
    """Word 3-shingles (a text of fewer than three words is one shingle)."""
    if len(words) < 3:
        return [" ".join(words).encode()] if words else []
    return [f"{a} {b} {c}".encode() for a, b, c in zip(words, words[1:], words[2:], strict=False)]


_KEPT = b"abcdefghijklmnopqrstuvwxyz0123456789"  # the word characters of casefolded ASCII
_SPACES = bytes(c if c in _KEPT else 0x20 for c in range(256))


def _word_bytes(text: str) -> list[bytes]:
    """``_fold(text)``, each word UTF-8 encoded; ASCII text (the common case) in one
    translate and split, without the regular expression."""
    folded = text.casefold()
    if folded.isascii():
        return folded.encode().translate(_SPACES).split()
    return [word.encode() for word in _fold(text)]


def shingle_hashes(words: Sequence[bytes]) -> list[int]:
    """CRC-32 of each of ``shingles(words)`` (words as UTF-8), joined and hashed in C: the
    inner loop of every posting's signals. Never empty (no text hashes the empty shingle)."""
    if len(words) < 3:
        return [zlib.crc32(b" ".join(words))]
    triples = zip(words, words[1:], words[2:], strict=False)
    return list(map(zlib.crc32, map(b" ".join, triples)))


_PERMUTATIONS = MinHash(
    num_perm=NUM_PERM, seed=1, scheme="affine32"
).permutations  # drawn once, as every worker does
_A, _B = (np.asarray(p, dtype=np.uint32).reshape(1, -1) for p in _PERMUTATIONS)


def _premix(hashes: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer datasketch's "affine32" scheme applies to each input
    hash before its permutations (uint32 arithmetic wraps: that is the modulo 2**32)."""
    h = hashes ^ (hashes >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = h ^ (h >> np.uint32(16))
    return mixed


def _sketches(hashes: Sequence[int], lead: int) -> tuple[np.ndarray, np.ndarray]:
    """The MinHash signatures (NUM_PERM values below 2**32) of shingles already hashed with
    CRC-32 (fast, stable across processes and versions), of all of them and of the first
    ``lead``: the values datasketch's MinHash computes for each (``scheme="affine32"``, the
    permutations above; a test holds them equal), in one pass over the shingles."""
    permuted = _premix(np.asarray(hashes, dtype=np.uint32).reshape(-1, 1)) * _A + _B
    return permuted.min(axis=0), permuted[:lead].min(axis=0)


def bands(company: str, place: str, minhash: bytes) -> list[int]:
    """LSH band keys of the full text's signature, scoped to the normalised company and
    place (``location_key``; empty when unknown): the first 8 bytes (signed, big-endian) of
    SHA-256 over "company:place:band:" and the band's 6 values as stored. Normalised names
    hold no ":". PostgreSQL computes the same from a stored row (``jobingest_lsh_bands``).

    A key names one place, so a probe reads only rows whose place is compatible, however
    many postings of the company share a band elsewhere."""
    size = ROWS * 4
    return [
        int.from_bytes(
            hashlib.sha256(
                f"{company}:{place}:{band}:".encode() + minhash[band * size : (band + 1) * size]
            ).digest()[:8], "big", signed=True,
        )
        for band in range(BANDS)
    ]  # fmt: skip


@lru_cache(maxsize=65_536)  # titles repeat: the rule compares the same pairs again and again
def token_overlap(a: str, b: str) -> float:
    x, y = set(a.split()), set(b.split())
    return len(x & y) / len(x | y) if x | y else 0.0


@dataclass(frozen=True, slots=True)
class Features:
    """What the rule compares, as stored with each active row."""

    company_key: str
    title_key: str
    location_key: str
    minhash: bytes  # the full text's signature, then the lead's: 2 * NUM_PERM uint32 (LE)
    lsh_bands: list[int]


def features(
    title: str,
    company: str,
    location: str | None,
    remote: str | None,
    description: str,
    plain_description: str | None = None,
) -> Features:
    """The signals of a posting (``plain_description``: ``plain_text(description)``, when the
    caller has it already)."""
    words = _word_bytes(plain_text(description) if plain_description is None
                        else plain_description)  # fmt: skip
    # the lead's shingles are the first of the full text's: hashed once for both signatures
    hashes = shingle_hashes(words)
    full, lead = _sketches(hashes, LEAD_WORDS - 2 if len(words) >= 3 else len(hashes))
    packed = np.concatenate([full, lead]).astype("<u4").tobytes()
    company, place = company_key(company), location_key(location, remote)
    return Features(company, title_key(title), place,
                    packed, bands(company, place, packed))  # fmt: skip


def probe_bands(features: Features, unknown_place: bool = True) -> list[int]:
    """The band keys a posting looks up: its own (same place) and, when its place is known
    and ``unknown_place`` (its company has postings without one), those of the unknown place
    (compatible with every place). A posting without a place finds copies in a known place
    through its title alone (see the README's rule)."""
    own = features.lsh_bands
    if not (unknown_place and features.location_key) or len(features.minhash) < BANDS * ROWS * 4:
        return list(own)
    return own + bands(features.company_key, "", features.minhash)


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
        "trainee",
        "graduate",
        "entry",
        "mid",
        "associate",
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "vi",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ]
)


@lru_cache(maxsize=65_536)
def level_differs(a: str, b: str) -> bool:
    """Titles that differ in a level (Senior vs -, II vs III, a number): other jobs."""
    diff = set(a.split()) ^ set(b.split())
    return any(word in LEVEL_WORDS or word.isdigit() for word in diff)


@lru_cache(maxsize=65_536)
def similar_titles(a: str, b: str) -> bool:
    """Different normalised titles the rule may still join (with more similar text): half
    their words shared and no level between them."""
    return token_overlap(a, b) >= SIMILAR_TITLE_TOKENS and not level_differs(a, b)


def same_job(a: Features, b: Features) -> bool:
    """The rule for one pair (see :func:`matching`)."""
    return matching(a, [b])[0]


def matching(me: Features, others: Sequence[Features]) -> list[bool]:
    """The rule, for ``me`` against each of ``others``: the cheap signals first, then the text
    similarity (the larger of the full text's and the lead's estimated Jaccard similarity)
    of the survivors, compared in one array operation."""
    bars: list[tuple[int, float]] = []  # (index in others, similarity it needs)
    for i, other in enumerate(others):
        if not me.company_key or me.company_key != other.company_key:
            continue
        if not locations_compatible(me.location_key, other.location_key):
            continue
        if me.title_key == other.title_key:
            bars.append((i, SAME_TITLE_JACCARD))
        elif similar_titles(me.title_key, other.title_key):
            bars.append((i, SIMILAR_TITLE_JACCARD))
    out = [False] * len(others)
    size = 2 * NUM_PERM * 4
    bars = [(i, bar) for i, bar in bars if len(others[i].minhash) == size]
    if not bars or len(me.minhash) != size:
        return out
    mine = np.frombuffer(me.minhash, "<u4")
    theirs = np.frombuffer(b"".join(others[i].minhash for i, _ in bars), "<u4")
    same = theirs.reshape(len(bars), 2, NUM_PERM) == mine.reshape(2, NUM_PERM)
    agreeing = same.sum(axis=2).max(axis=1).tolist()  # of the full text's and the lead's
    for (i, bar), count in zip(bars, agreeing, strict=True):
        out[i] = count / NUM_PERM >= bar
    return out


@dataclass(frozen=True, slots=True)
class Member:
    identity: tuple[str, str]
    features: Features
    cluster_id: str | None


MAX_CANDIDATES = 64  # per posting: a company with thousands of templated postings stays cheap


def choose_cluster(
    me: Member, candidates: Iterable[Member], new_id: str | None
) -> tuple[str | None, list[tuple[str, str]]]:
    """The cluster ``me`` belongs to, and the members that matched among ``candidates`` (at
    most MAX_CANDIDATES, chosen by the caller). Stable: the current cluster is kept while one
    of its members still matches; else the cluster with the most matches (ties: the smallest
    id); else ``new_id`` (``me``'s own cluster when it was alone; None: a new one, named by
    the caller)."""
    others = [c for c in candidates if c.identity != me.identity and c.cluster_id]
    matches = [c for c, ok in zip(others, matching(me.features, [c.features for c in others]),
                                  strict=True) if ok]  # fmt: skip
    if not matches:
        return new_id, []
    ids = [c.cluster_id for c in matches if c.cluster_id]
    if me.cluster_id in ids:
        chosen = me.cluster_id
    else:
        chosen = min(set(ids), key=lambda cid: (-ids.count(cid), cid))
    assert chosen is not None
    return chosen, [c.identity for c in matches]
