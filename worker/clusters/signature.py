"""A posting's signals: the normalised company, title and place, and its text's signature.

The signature is a MinHash (NUM_PERM values computed with numpy: the MurmurHash3 finalizer
and an affine permutation of 32-bit values over CRC-32 hashes of the content's word 3-shingles
within sentences, :mod:`worker.clusters.descriptions`) and the
number of distinct shingles it summarises: together they estimate the share of the shorter
text found in the longer one (containment), which a truncated copy keeps and Jaccard
similarity does not. Texts of fewer than MIN_SHINGLES shingles carry no signature (no
evidence: "TBD", an empty paragraph).

BANDS LSH band keys (ROWS signature values each), scoped to the company and the place's
city, are stored with the row (GIN-indexed): postings whose titles differ are found through
them, and sharing one is part of the rule for such postings (:mod:`worker.clusters.rule`),
so the rule stays a function of the pair.

SIGNALS_VERSION names this scheme; rows stored under another are signed again by
``jobingest duplicates backfill`` (:mod:`worker.clusters.backfill`).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from worker.clusters.companies import company_key
from worker.clusters.descriptions import content_sentences
from worker.clusters.folding import fold_words
from worker.clusters.places import city_of, place_key
from worker.clusters.titles import title_key

SIGNALS_VERSION = 2
NUM_PERM = 256
BANDS = 16  # LSH: 16 bands of 4 values (the first 64): a pair at Jaccard similarity 0.7
ROWS = 4  # shares a band with probability 0.98, at 0.5 with 0.64, at 0.3 with 0.12
MIN_SHINGLES = 16  # about 18 words: less is no evidence
SIGNATURE_BYTES = NUM_PERM * 4

# NUM_PERM affine permutations of 32-bit values (odd multipliers: each is a bijection), drawn
# once from a fixed seed: every process computes the same signatures.
_DRAWN = np.random.default_rng(1).integers(0, 2**32, size=(2, NUM_PERM), dtype=np.uint64)
_A = (_DRAWN[0] | 1).astype(np.uint32).reshape(1, -1)
_B = _DRAWN[1].astype(np.uint32).reshape(1, -1)


@dataclass(frozen=True, slots=True)
class Signals:
    """What the rule compares, as stored with each active row."""

    company: str
    title: str
    place: str
    shingles: int  # distinct word 3-shingles of the content (0: too little text)
    minhash: bytes  # NUM_PERM uint32 (little-endian); empty without a signature
    bands: tuple[int, ...]

    @property
    def has_text(self) -> bool:
        return self.shingles >= MIN_SHINGLES and len(self.minhash) == SIGNATURE_BYTES


def shingle_hashes(sentences: Sequence[Sequence[str]]) -> np.ndarray:
    """The distinct CRC-32 hashes of the word 3-shingles within each sentence (a sentence
    of fewer than three words is one shingle)."""
    shingles: list[bytes] = []
    for words in sentences:
        encoded = " ".join(words).encode().split()
        if len(encoded) < 3:
            shingles.append(b" ".join(encoded))
        else:
            shingles += map(b" ".join, zip(encoded, encoded[1:], encoded[2:], strict=False))
    return np.unique(np.fromiter(map(zlib.crc32, shingles), dtype=np.uint32, count=len(shingles)))


def _premix(hashes: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer applied to each input hash before the permutations
    (uint32 arithmetic wraps: that is the modulo 2**32)."""
    h = hashes ^ (hashes >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = h ^ (h >> np.uint32(16))
    return mixed


def minhash(hashes: np.ndarray) -> bytes:
    permuted = _premix(hashes.reshape(-1, 1)) * _A + _B
    return bytes(permuted.min(axis=0).astype("<u4").tobytes())


_BAND_MIX = np.random.default_rng(7).integers(1, 2**63, size=(3, BANDS), dtype=np.uint64) | 1


def band_keys(company: str, place: str, signature: bytes) -> tuple[int, ...]:
    """The LSH band keys of a signature, scoped to the company and the place's city: each
    band's ROWS values (two 64-bit words) mixed with the band's number and a BLAKE2b hash of
    "company:city" (64-bit keys, signed as PostgreSQL's bigint)."""
    if len(signature) != SIGNATURE_BYTES:
        return ()
    scope = np.uint64(
        int.from_bytes(
            hashlib.blake2b(f"{company}:{city_of(place)}".encode(), digest_size=8).digest(),
            "little",
        )
    )
    words = np.frombuffer(signature, "<u8", count=BANDS * ROWS // 2).reshape(BANDS, ROWS // 2)
    keys = (words[:, 0] * _BAND_MIX[0]) ^ (words[:, 1] * _BAND_MIX[1]) ^ _BAND_MIX[2] ^ scope
    keys ^= keys >> np.uint64(29)
    keys *= _BAND_MIX[0]
    keys ^= keys >> np.uint64(32)
    return tuple(keys.view(np.int64).tolist())


def signals(
    title: str, company: str, location: str | None, remote: str | None, description: str
) -> Signals:
    """The signals of a posting (``remote`` is not part of the place: "Berlin (Remote)" and
    "Berlin" are one place)."""
    del remote
    place = place_key(location)
    own_place = frozenset(fold_words(location or "")) | frozenset(city_of(place).split())
    company_name = company_key(company)
    hashes = shingle_hashes(content_sentences(description))
    if len(hashes) < MIN_SHINGLES:
        return Signals(company_name, title_key(title, own_place), place, len(hashes), b"", ())
    signature = minhash(hashes)
    return Signals(
        company_name,
        title_key(title, own_place),
        place,
        len(hashes),
        signature,
        band_keys(company_name, place, signature),
    )
