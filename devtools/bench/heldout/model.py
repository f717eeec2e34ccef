"""The shapes of the held-out search set's tables: places, companies, roles, query specs."""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("intern", "junior", "mid", "senior", "lead", "manager")


@dataclass(frozen=True)
class City:
    key: str
    name: str
    region: str
    country: str  # ISO 3166 alpha-2
    lang: str

    @property
    def location(self) -> str:
        return f"{self.name}, {self.region}, {self.country}"


@dataclass(frozen=True)
class Company:
    key: str
    name: str
    country: str
    sectors: tuple[str, ...]
    about: str  # one or two sentences in the company's language, no skills named
    products: dict[str, str] = field(default_factory=dict)  # product name -> what it is
    pinned_only: bool = False  # used only where a slot names it (a rare company)
    cities: tuple[str, ...] = ()  # where a local employer hires; empty: anywhere in its country


@dataclass(frozen=True)
class Role:
    """One role family in one language.

    Text in ``summary``, ``duties`` and ``needs`` marks every skill it names as ``{Skill}``:
    the generator removes the braces and records the skill, so a posting's skills are known,
    not guessed from its text. ``skills`` is the pool the posting's tags are drawn from.
    ``slots`` lists the postings: ``"level city arrangement [etype] [key=value ...]"``
    separated by ``;`` (arrangement ``o``/``h``/``r``; etype ``ft``/``pt``/``ct``/``tmp``/``int``;
    keys ``code``, ``product``, ``company``, ``title``; ``_`` stands for a space in values).
    """

    key: str
    lang: str
    sectors: tuple[str, ...]
    titles: dict[str, tuple[str, ...]]
    summary: tuple[str, ...]
    duties: tuple[str, ...]
    needs: tuple[str, ...]
    skills: tuple[str, ...]
    pay: tuple[str, float] | None  # (period, mid-level amount in USD) or None
    slots: str
    manages: bool = False  # the role itself is a people-manager role


@dataclass(frozen=True)
class Spec:
    """A graded query, described by the attributes a relevant posting has.

    ``best`` roles grade 2 and ``near`` roles grade 1 before the qualifiers; each qualifier a
    posting misses in part (an adjacent level, a remote job in the right country, another
    language, some of the skills) costs one grade, and one it misses entirely makes it 0.
    """

    id: str
    q: str
    kind: str
    lang: str = "en"
    best: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    near_levels: tuple[str, ...] = ()
    place: str = ""  # a city key, "region:XX-YY" or "country:XX"
    remote: bool = False
    etype: str = ""
    skills: tuple[str, ...] = ()
    ident: str = ""  # "code:…", "product:…" or "company:…"


def role(
    lang: str,
    key: str,
    sectors: tuple[str, ...],
    *,
    titles: dict[str, tuple[str, ...]],
    summary: tuple[str, ...],
    duties: tuple[str, ...],
    needs: tuple[str, ...],
    skills: tuple[str, ...],
    pay: tuple[str, float] | None,
    slots: str,
    manages: bool = False,
) -> Role:
    return Role(key, lang, sectors, titles, summary, duties, needs, skills, pay, slots, manages)
