"""BM25 over the jobs' full-text column, inside PostgreSQL: the query's terms, their document
frequencies from the live table, and the SQL that scores a posting.

Nothing is added to the write path: the generated, weighted ``search_tsv`` column already holds
every term's positions per field (title A, company and tags B, location C, description D).

- **Term frequency per field.** For a one-term query with every position weighted 1,
  PostgreSQL's ``ts_rank`` is ``H(tf) / (pi^2 / 6)`` with ``H(n) = sum(1 / i^2, i = 1..n)``, so
  ``tf`` is recovered exactly from it (:data:`TF_SQL`). The title's positions come before
  the other fields' (the column concatenates title, company and tags, location,
  description), so the weights ``{0,0,0,1}`` count the title's occurrences alone. A title
  occurrence counts :data:`TITLE_WEIGHT` times (BM25F), the sum is saturated with ``k1`` and
  document length (its number of distinct terms) normalised with ``b`` against the table's
  average.
- **IDF from the live table.** ``N`` and the document frequencies come from PostgreSQL's own
  statistics of the column (the most common lexemes and their frequencies, kept by ANALYZE /
  autovacuum); a term too rare to be listed there is counted exactly (it matches few rows). A
  table with fewer than :data:`SMALL_TABLE` rows, or never analysed, is counted exactly.
- **Candidates.** Postings matching any of the query's rarest terms, as long as those terms
  match at most :data:`SCORED_ROWS` postings together; when every term is more common than
  that, the newest :data:`COMMON_ROWS` postings holding all of them. So a query is never
  scored against half the table, and which postings are scored depends only on the data.
  Those newest are looked for first among the postings posted after a date the column's
  statistics put a few times :data:`COMMON_ROWS` matches back (:attr:`LexicalQuery.cuts`),
  further back when fewer are found there, and only then in the whole posting list.
  The cut changes how much is read, never which postings are chosen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker.store import Conn

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0  # an occurrence in the title counts as this many elsewhere (BM25F)
SCORED_ROWS = 2_500  # postings scored for one query at most (see the module docstring)
COMMON_ROWS = 1_000  # postings scored when every term is common (the newest holding all)
CUT_MARGIN = 3.0  # how many times COMMON_ROWS matches the first look for them expects
CUT_WIDEST = 0.2  # a cut further back than this share of the table saves nothing
SMALL_TABLE = 10_000  # below this many rows every statistic is counted exactly
MAX_TERMS = 32  # distinct query terms kept (the rarest)
# tf from ts_rank of one term with every position weighted 1 (0 when absent; exact to ~40)
TF_SQL = "round(1 / (1.6449340668482264 * (1 - least({r}, 0.985)::float8)) - 0.5)"
IDENTIFIER = re.compile(r"\w*\d\w*[A-Za-z]\w*|\w*[A-Za-z]\w*\d[\w.-]*|\w+(?:[-/.]\w+)*-\d+\w*")
QUOTED = re.compile(r'"([^"]{2,200})"')


@dataclass(frozen=True)
class TermStats:
    """What the IDF of a query's terms is computed from: a snapshot a cursor can carry."""

    rows: int  # N: postings in the table
    avg_terms: float  # average number of distinct terms per posting
    df: dict[str, int] = field(default_factory=dict)  # document frequency per query term

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.rows - df + 0.5) / (df + 0.5))

    def as_json(self) -> dict[str, Any]:
        return {"n": self.rows, "avgdl": round(self.avg_terms, 4), "df": self.df}

    @classmethod
    def from_json(cls, data: Any) -> TermStats | None:
        """A snapshot a client sent back in a cursor, or None when it is not one."""
        try:
            rows, avg, df = int(data["n"]), float(data["avgdl"]), data["df"]
            if not (0 <= rows < 10**10 and 0 < avg < 10**6 and isinstance(df, dict)):
                return None
            if len(df) > MAX_TERMS or not all(
                isinstance(k, str) and len(k) <= 200 and isinstance(v, int) and 0 <= v <= rows
                for k, v in df.items()
            ):
                return None
            return cls(rows, avg, dict(df))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class LexicalQuery:
    """A query's terms and everything its lexical ranking needs."""

    terms: tuple[str, ...]  # distinct lexemes, rarest first
    stats: TermStats
    candidates: str  # tsquery text: which postings are scored
    exact: str  # tsquery text of the query's identifiers and phrase ('' when none)
    common: bool = False  # every term is common: the newest COMMON_ROWS holding all of them
    cuts: tuple[datetime, ...] = ()  # common: where to look for those newest first (guesses)

    @property
    def empty(self) -> bool:
        return not self.candidates

    def scored_terms(self) -> tuple[str, ...]:
        """The terms some posting holds (the others add nothing to any score)."""
        return tuple(t for t in self.terms if self.stats.df.get(t, 0) > 0)

    def ideal(self) -> float:
        """The score of a posting of average length holding every term once in its title: the
        yardstick lexical scores are measured against (terms no posting holds included, so a
        query whose words the postings do not use scores low)."""
        title = TITLE_WEIGHT
        saturation = title * (K1 + 1) / (title + K1)
        return sum(self.stats.idf(t) for t in self.terms) * saturation or 1.0


def quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def candidate_query(terms: Sequence[str], stats: TermStats) -> tuple[str, bool]:
    """The tsquery of the postings a query scores (see the module docstring), and whether
    every term is common (then only the newest COMMON_ROWS postings holding all of them are
    scored)."""
    present = [t for t in terms if stats.df.get(t, 0) > 0]
    if not present:
        return "", False
    chosen: list[str] = []
    total = 0
    for term in sorted(present, key=lambda t: (stats.df[t], t)):
        total += stats.df[term]
        if total > SCORED_ROWS:
            break
        chosen.append(term)
    if chosen:
        return " | ".join(quote(t) for t in chosen), False
    return " & ".join(quote(t) for t in sorted(present)), True


def exact_parts(query: str) -> list[str]:
    """What a person typed to be matched exactly: quoted phrases, identifiers (letters and
    digits together, such as REQ-2024-0815 or ISO27001), and the whole query when it has more
    than one word."""
    parts = [m.group(1) for m in QUOTED.finditer(query)]
    parts += [m.group(0) for m in IDENTIFIER.finditer(QUOTED.sub(" ", query))]
    if len(query.split()) > 1:
        parts.append(query.replace('"', " "))
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


_KEY = """
SELECT current_database() AS db, c.relfilenode::bigint AS file, c.reltuples::bigint AS reltuples,
       greatest(pg_stat_get_last_analyze_time(c.oid),
                pg_stat_get_last_autoanalyze_time(c.oid))::text AS analyzed,
       pg_postmaster_start_time()::text AS started,
       tsvector_to_array(to_tsvector($2::regconfig, $1)) AS lexemes,
       array(SELECT querytree(phraseto_tsquery($2::regconfig, p)) FROM unnest($3::text[]) AS p)
           AS phrases
FROM pg_class c WHERE c.oid = 'jobs'::regclass
"""
_COMMON = """
SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
FROM pg_stats WHERE tablename = 'jobs' AND attname = 'search_tsv'
  AND schemaname = (SELECT relnamespace::regnamespace::text FROM pg_class
                    WHERE oid = 'jobs'::regclass)
"""
_COUNT_TERMS = """
SELECT term, (SELECT count(*) FROM (SELECT 1 FROM jobs
              WHERE search_tsv @@ quote_literal(term)::tsquery AND deleted_at IS NULL
              LIMIT $2) AS found) AS df
FROM unnest($1::text[]) AS term
"""
_POSTED = """
SELECT histogram_bounds::text::timestamptz[] AS bounds
FROM pg_stats WHERE tablename = 'jobs' AND attname = 'posted_at'
  AND schemaname = (SELECT relnamespace::regnamespace::text FROM pg_class
                    WHERE oid = 'jobs'::regclass)
"""
_SIZE = "SELECT count(*), coalesce(avg(length(search_tsv)), 1) FROM jobs WHERE deleted_at IS NULL"


@dataclass
class _Analysed:
    rows: int
    avg_terms: float
    freqs: dict[str, float]
    floor: float  # terms rarer than this are not listed
    posted: tuple[datetime, ...] = ()  # posted_at quantiles, oldest first


_ANALYSED: dict[tuple[Any, ...], _Analysed] = {}


async def _analysed(conn: Conn, key: tuple[Any, ...], reltuples: int) -> _Analysed | None:
    """The table's statistics as of its last ANALYZE (cached per analysis), or None when the
    table is small or was never analysed."""
    if reltuples < SMALL_TABLE:
        return None
    if key in _ANALYSED:
        return _ANALYSED[key]
    row = await conn.fetchrow(_COMMON)
    if row is None or row["elems"] is None:
        return None
    elems, freqs = list(row["elems"]), list(row["freqs"])
    size = await conn.fetchrow(_SIZE)
    assert size is not None
    avg = size[1]
    posted = await conn.fetchval(_POSTED)
    found = _Analysed(
        max(reltuples, 1),
        float(avg),
        dict(zip(elems, freqs, strict=False)),
        float(freqs[len(elems)]),
        tuple(posted or ()),
    )
    if len(_ANALYSED) > 64:
        _ANALYSED.clear()
    _ANALYSED[key] = found
    return found


async def analyse(
    conn: Conn, query: str, config: str, pinned: TermStats | None = None
) -> LexicalQuery:
    """The lexical side of ``query``: its terms, their statistics (``pinned`` ones when a
    cursor carries them) and the tsqueries of its candidates and exact parts."""
    parts = exact_parts(query)
    row = await conn.fetchrow(_KEY, query, config, parts)
    assert row is not None
    lexemes = list(dict.fromkeys(row["lexemes"]))
    exact = " | ".join(f"({p})" for p in row["phrases"] if p and p != "T")
    analysed = await _analysed(conn, _key(row), int(row["reltuples"]))
    if pinned is not None and set(lexemes) <= set(pinned.df):
        stats = pinned
    else:
        stats = await _term_stats(conn, analysed, lexemes)
    terms = sorted(lexemes, key=lambda t: (stats.df.get(t, 0), t))[:MAX_TERMS]
    candidates, common = candidate_query(terms, stats)
    cuts = newest_cuts(terms, stats, analysed.posted) if common and analysed else ()
    return LexicalQuery(tuple(terms), stats, candidates, exact, common, cuts)


def newest_cuts(
    terms: Sequence[str], stats: TermStats, posted: Sequence[datetime]
) -> tuple[datetime, ...]:
    """Posting dates after which the newest COMMON_ROWS postings holding every term likely
    are (``posted``: the column's quantiles, oldest first), newest first: the dates after
    which CUT_MARGIN, CUT_MARGIN², ... times as many postings as needed are expected to hold
    the terms, the terms (those some posting holds) taken as independent; a filter makes
    fewer hold them, hence the wider ones. Empty when the first is the whole table."""
    if len(posted) < 2 or stats.rows <= 0:
        return ()
    share = 1.0
    for term in terms:  # a term no posting holds is left out of the candidates' query
        if stats.df.get(term, 0) > 0:
            share *= min(1.0, stats.df[term] / stats.rows)
    newest = CUT_MARGIN * COMMON_ROWS / (share * stats.rows)  # share of postings to look at
    cuts: list[datetime] = []
    while newest < CUT_WIDEST:
        cuts.append(posted[int((1 - newest) * (len(posted) - 1))])
        newest *= CUT_MARGIN**2
    return tuple(dict.fromkeys(cuts))


def _key(row: Any) -> tuple[Any, ...]:
    return tuple(row[k] for k in ("db", "file", "reltuples", "analyzed", "started"))


async def _term_stats(conn: Conn, analysed: _Analysed | None, lexemes: list[str]) -> TermStats:
    if analysed is None:
        size = await conn.fetchrow(_SIZE)
        assert size is not None
        rows, avg = size
        counted = await conn.fetch(_COUNT_TERMS, lexemes, int(rows) + 1)
        return TermStats(int(rows), float(avg), {r["term"]: int(r["df"]) for r in counted})
    df = {t: round(analysed.freqs[t] * analysed.rows) for t in lexemes if t in analysed.freqs}
    rare = [t for t in lexemes if t not in df]
    if rare:
        cap = max(SCORED_ROWS, int(analysed.floor * analysed.rows * 4))
        for r in await conn.fetch(_COUNT_TERMS, rare, cap):
            df[r["term"]] = int(r["df"])
    return TermStats(analysed.rows, analysed.avg_terms, df)


def rank_columns(lexical: LexicalQuery, params: list[Any], tsv: str = "search_tsv") -> str:
    """SQL select-list items a posting's score is computed from (:func:`score_sql`): per term,
    ``ts_rank`` over the title alone and over every field; and the posting's length. Appends
    the terms' tsqueries to ``params``."""
    items = [f"length({tsv}) AS lex_len"]
    for i, term in enumerate(lexical.scored_terms()):
        params.append(quote(term))
        q = f"${len(params)}::tsquery"
        items.append(f"ts_rank('{{0,0,0,1}}', {tsv}, {q}) AS lex_a{i}")
        items.append(f"ts_rank('{{1,1,1,1}}', {tsv}, {q}) AS lex_t{i}")
    return ", ".join(items)


def weight_columns(lexical: LexicalQuery) -> str:
    """SQL select-list items over the columns of :func:`rank_columns`: per term, its
    field-weighted frequency in the posting (``lex_w<i>``), and the posting's length."""
    title = TITLE_WEIGHT
    items = ["lex_len"]
    for i, _ in enumerate(lexical.scored_terms()):
        a, everything = TF_SQL.format(r=f"lex_a{i}"), TF_SQL.format(r=f"lex_t{i}")
        items.append(f"{title} * {a} + ({everything} - {a}) AS lex_w{i}")
    return ", ".join(items)


def score_sql(lexical: LexicalQuery) -> str:
    """A SQL expression of a posting's BM25 score over the columns of :func:`weight_columns`:
    0 for a posting holding none of the terms."""
    terms = lexical.scored_terms()
    if not terms:
        return "0::float8"
    avgdl = max(lexical.stats.avg_terms, 1.0)
    norm = f"({K1} * (1 - {B} + {B} * lex_len / {avgdl!r}::float8))"
    return " + ".join(
        f"{lexical.stats.idf(term)!r} * {K1 + 1} * lex_w{i} / (lex_w{i} + {norm})"
        for i, term in enumerate(terms)
    )
