"""The embedded text of a job, and the hashes that decide whether it must be embedded again.

Template (one field per line, empty fields left out)::

    {title}
    {company} · {location} · {remote}
    Tags: {tags, comma separated}

    {description as plain text}

HTML is stripped, entities unescaped, Unicode NFKC-normalized and every whitespace run
within a field collapsed to one space, so trivially different texts hash equal. The result is cut at the model's input limit.
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


def plain_text(markup: str) -> str:
    """Tags dropped, entities unescaped, NFKC, every whitespace run one space."""
    text = markup
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def embedding_text(job: JobText, max_chars: int, plain_description: str | None = None) -> str:
    """The embedded text (``plain_description``: ``plain_text(job.description)``, when the
    caller has it already)."""
    where = " · ".join(part for part in (job.company, job.location, job.remote) if part)
    lines = [plain_text(job.title), plain_text(where)]
    if job.tags:
        lines.append("Tags: " + ", ".join(sorted({t.lower() for t in job.tags})))
    if plain_description is None:
        plain_description = plain_text(job.description)
    text = "\n".join(lines) + "\n\n" + plain_description
    return text[:max_chars]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]
