"""How a search's ranking is put together, as pure functions: the fused score, one result per
cluster, and which positions of the ranking are certain from what has been read so far.

One ranking per query (every page is a slice of it):

- **lexical**: BM25 (``worker.lexical``) over the query's candidates, the best
  :data:`LEXICAL_WINDOW` of them (postings holding an exact part of the query first);
- **semantic**: cosine similarity, as the vector index (or, under a selective filter, an exact
  scan) yields postings nearest first;
- **hybrid**: ``similarity + LEXICAL_WEIGHT * min(1, bm25 / ideal)``, where ``ideal`` is the
  score of a posting holding every term of the query in its title, and, first, the postings
  holding a rare exact part of the query (an identifier such as REQ-2024-0815, a quoted or
  whole-query phrase). A posting outside the lexical window scores its similarity alone. A
  lexical list that matches weakly (a few common words, a query in a language the postings
  are not written in) adds little, so it never pushes strong semantic results down.

The semantic list is read lazily: a posting not yet read scores at most the similarity of the
last one read (the stream is in order), so a position is *certain* once its score is above
that bound. Deeper pages read further down the same stream; they never rank again, so pages
are consecutive slices of one list. Clusters the stream has yielded are left out of the next
read (their copies not read yet are no nearer; a copy with lexical evidence is in the window),
so one cluster of thousands of copies costs one read, not thousands of postings.
"""

from __future__ import annotations

from dataclasses import dataclass

LEXICAL_WINDOW = 400  # lexical candidates ranked per query (the deepest lexical page)
LEXICAL_WEIGHT = 0.5  # weight of the lexical score (0..1 of the ideal) against similarity
RARE_SHARE = 500  # an exact part is rare when at most 1/RARE_SHARE of postings hold it...
RARE_MIN = 20  # ...or at most this many


@dataclass(frozen=True, slots=True)
class Candidate:
    """One posting as a ranking sees it."""

    source: str
    external_id: str
    cluster: str
    similarity: float | None = None  # cosine similarity (None: not embedded, or not read)
    lexical: float = 0.0  # BM25 score (0: not a lexical candidate)
    exact: bool = False  # holds a rare exact part of the query
    lexical_position: int | None = None  # 1-based position in the lexical ranking

    @property
    def ident(self) -> tuple[str, str]:
        return (self.source, self.external_id)


def rare_limit(rows: int) -> int:
    """How many postings an exact part may match and still be put first."""
    return max(RARE_MIN, rows // RARE_SHARE)


def fused(candidate: Candidate, ideal: float) -> float:
    """The hybrid score: similarity plus the weighted lexical score relative to the ideal."""
    lexical = min(1.0, candidate.lexical / ideal) if ideal > 0 else 0.0
    return (candidate.similarity or 0.0) + LEXICAL_WEIGHT * lexical


def sort_key(score: float, candidate: Candidate) -> tuple[bool, float, str, str]:
    """Ascending order of this key is the ranking: exact parts first, best score first, then
    source and id (a total order, so equal scores are ordered the same way every time)."""
    return (not candidate.exact, -score, candidate.source, candidate.external_id)


@dataclass
class Merged:
    """The certain head of a ranking: one candidate per cluster, best first."""

    ranked: list[tuple[float, Candidate]]

    @property
    def placed(self) -> set[str]:
        """The clusters whose position is certain: no posting not read yet can move them, so
        the stream need not read their other copies."""
        return {candidate.cluster for _, candidate in self.ranked}


def merge(
    window: list[Candidate],
    stream: list[Candidate],
    *,
    mode: str,
    ideal: float,
    bound: float | None,
) -> Merged:
    """The certain head of the ranking from the lexical ``window`` (complete) and the
    ``stream`` of nearest postings read so far (semantic order); ``bound`` is the similarity
    of the last posting the stream yielded, None when it has no more. A posting in both
    lists counts once, with its lexical score."""
    by_id: dict[tuple[str, str], Candidate] = {c.ident: c for c in window}
    for item in stream:
        known = by_id.get(item.ident)
        if known is None:
            by_id[item.ident] = item
        elif known.similarity is None and item.similarity is not None and mode != "lexical":
            by_id[item.ident] = Candidate(
                known.source,
                known.external_id,
                known.cluster,
                item.similarity,
                known.lexical,
                known.exact,
                known.lexical_position,
            )
    scored = []
    for candidate in by_id.values():
        if mode == "lexical":
            score = candidate.lexical
        elif mode == "semantic":
            score = candidate.similarity if candidate.similarity is not None else -2.0
        else:
            score = fused(candidate, ideal)
        scored.append((sort_key(score, candidate), score, candidate))
    scored.sort(key=lambda item: item[0])
    ranked: list[tuple[float, Candidate]] = []
    clusters: set[str] = set()
    for key, score, candidate in scored:
        if candidate.cluster in clusters:
            continue
        # a posting not read yet is not exact and scores at most the bound
        if bound is not None and not key < (True, -bound, "", ""):
            break
        clusters.add(candidate.cluster)
        ranked.append((score, candidate))
    return Merged(ranked)
