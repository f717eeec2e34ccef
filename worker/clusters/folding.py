"""Text to comparable words: the one folding every signal uses.

Invisible characters are dropped (zero-width spaces and joiners, word joiners, byte order
marks, soft hyphens: they split words that look whole), the text is case-folded and
transliterated to ASCII (``anyascii``: "München" -> "munchen", "Kraków" -> "krakow"), and
the words are the runs of letters and digits.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_WORD = re.compile(r"[a-z0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=65_536)
def _ascii(run: str) -> str:
    return anyascii(run).lower()


def visible(text: str) -> str:
    """``text`` without invisible characters (ASCII text has none)."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def fold(text: str) -> str:
    """Case-folded ASCII, invisible characters dropped."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _NON_ASCII.sub(lambda m: _ascii(m.group()), _INVISIBLE.sub("", folded))
    return folded


def fold_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))
