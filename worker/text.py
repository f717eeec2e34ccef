"""The embedded text of a job, and the hashes that decide whether it must be embedded again.

Template (one field per line, empty fields left out)::

    {title}
    {company} · {location} · {remote}
    Tags: {tags, comma separated}

    {description as plain text}

HTML is stripped, entities unescaped, Unicode NFKC-normalized and whitespace collapsed, so
trivially different texts hash equal. The result is cut at the model's input limit.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol


class JobText(Protocol):
    """The fields the embedded text is built from (a contract Job, or a stored row)."""

    @property
    def title(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def location(self) -> str | None: ...
    @property
    def remote(self) -> str | None: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def description(self) -> str: ...


_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(p|br|li|ul|ol|div|h[1-6])\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def plain_text(markup: str) -> str:
    text = _BLOCK_TAG.sub("\n", markup)
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def embedding_text(job: JobText, max_chars: int) -> str:
    where = " · ".join(part for part in (job.company, job.location, job.remote) if part)
    lines = [plain_text(job.title), plain_text(where)]
    if job.tags:
        lines.append("Tags: " + ", ".join(sorted({t.lower() for t in job.tags})))
    text = "\n".join(lines) + "\n\n" + plain_text(job.description)
    return text[:max_chars]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]
