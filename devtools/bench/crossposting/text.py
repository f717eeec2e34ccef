"""A job's description as its employer writes it, and as a board renders it.

The employer's :class:`Content` has sections (intro, role, duties, needs, offer, pay line,
closing). A :class:`DescSpec` says how one posting shows them: HTML or plain text, in which
order, with which board text before or after, cut short with "… Show more", with invisible
characters (zero-width spaces, soft hyphens) inside words. Salaries are restated between
periods and written in several notations ("€60k–€75k", "EUR 60,000 to 75,000 per year").
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SECTIONS = ("about", "role", "duties", "needs", "offer", "pay", "closing")
ORDERS = (
    SECTIONS,
    ("about", "role", "needs", "duties", "offer", "pay", "closing"),
    ("role", "duties", "needs", "offer", "pay", "about", "closing"),
    ("about", "role", "offer", "pay", "duties", "needs", "closing"),
    ("role", "about", "duties", "needs", "pay", "offer", "closing"),
)
HOURS_PER_YEAR = 2080
_PER = {"hour": 1, "day": 8, "month": HOURS_PER_YEAR / 12, "year": HOURS_PER_YEAR}
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$"}
_WORD = {"hour": "hour", "day": "day", "month": "month", "year": "year"}
_PERIOD_PHRASE = {"hour": "an hour", "day": "a day", "month": "a month", "year": "per annum"}


@dataclass(frozen=True)
class Salary:
    low: Decimal
    high: Decimal
    currency: str
    period: str

    def restated(self, period: str) -> Salary:
        factor = Decimal(str(_PER[period] / _PER[self.period]))
        step = Decimal("0.01") if period in ("hour", "day") else Decimal("1")

        def convert(amount: Decimal) -> Decimal:
            return (amount * factor).quantize(step, rounding=ROUND_HALF_UP)

        return Salary(convert(self.low), convert(self.high), self.currency, period)


def _amount(value: Decimal, thousands: str = ",") -> str:
    text = f"{int(value):,}" if value == value.to_integral_value() else f"{value:,.2f}"
    return (
        text.replace(",", "\x00")
        .replace(".", "," if thousands == "." else ".")
        .replace("\x00", thousands)
    )


def pay_text(salary: Salary, notation: int) -> str:
    """The salary line in one of four notations."""
    sym = _SYMBOL.get(salary.currency, f"{salary.currency} ")
    low, high, period = salary.low, salary.high, salary.period
    if notation == 1 and period == "year":
        return f"Salary: {sym}{low / 1000:g}k–{sym}{high / 1000:g}k"
    if notation == 1:
        return f"Pay: {sym}{_amount(low)}–{sym}{_amount(high)}/{'hr' if period == 'hour' else 'mo'}"
    if notation == 2:
        return (
            f"Compensation: {salary.currency} {_amount(low)} to {_amount(high)} "
            f"{_PERIOD_PHRASE[period]}"
        )
    if notation == 3:
        return (
            f"Salary: {_amount(low, '.')} {salary.currency} – {_amount(high, '.')} "
            f"{salary.currency} gross per {_WORD[period]}"
        )
    return f"Salary: {sym}{_amount(low)} - {sym}{_amount(high)} per {_WORD[period]}"


NOTATIONS = 4


@dataclass(frozen=True)
class Content:
    """What the employer wrote; ``trivial`` replaces it all when they wrote nothing useful."""

    about: str
    summary: str
    duties: tuple[str, ...]
    needs: tuple[str, ...]
    offer: tuple[str, ...]
    closing: str
    headings: tuple[str, str, str, str]
    trivial: str = ""


@dataclass(frozen=True)
class DescSpec:
    html: bool
    order: tuple[str, ...] = SECTIONS
    head: tuple[str, ...] = ()  # board text before the employer's
    tail: tuple[str, ...] = ()  # board text after it
    truncate: int = 0  # characters kept before "… Show more"; 0: whole
    invisible: int = 0  # seed of the invisible characters put inside words; 0: none
    bullet: str = "• "
    caps_headings: bool = False  # plain-text headings in capitals instead of "Heading:"
    pay_notation: int = 0
    ellipsis: str = "… Show more"


def _html_block(text: str) -> str:
    lines = [html.escape(line, quote=False) for line in text.split("\n")]
    return "<p>" + "<br>".join(lines) + "</p>"


def _sections(
    content: Content, pay: str
) -> dict[str, tuple[str, str, tuple[str, ...]]]:  # name -> (heading, paragraph, bullets)
    h_role, h_duties, h_needs, h_offer = content.headings
    return {
        "about": ("", content.about, ()),
        "role": (h_role, content.summary, ()),
        "duties": (h_duties, "", content.duties),
        "needs": (h_needs, "", content.needs),
        "offer": (h_offer, "", content.offer),
        "pay": ("", pay, ()),
        "closing": ("", content.closing, ()),
    }


def render_description(content: Content, spec: DescSpec, pay: str) -> str:
    if content.trivial:
        body = content.trivial
        head = "\n\n".join(spec.head)
        tail = "\n\n".join(spec.tail)
        return "\n\n".join(part for part in (head, body, tail) if part)
    sections = _sections(content, pay)
    blocks: list[str] = []
    if spec.html:
        blocks += [_html_block(text) for text in spec.head]
        for name in spec.order:
            heading, paragraph, bullets = sections[name]
            if not (paragraph or bullets):
                continue
            if heading:
                blocks.append(f"<h3>{html.escape(heading, quote=False)}</h3>")
            if paragraph:
                blocks.append(f"<p>{html.escape(paragraph, quote=False)}</p>")
            if bullets:
                items = "".join(f"<li>{html.escape(b, quote=False)}</li>" for b in bullets)
                blocks.append(f"<ul>{items}</ul>")
        blocks += [_html_block(text) for text in spec.tail]
        text = "".join(blocks)
    else:
        blocks += list(spec.head)
        for name in spec.order:
            heading, paragraph, bullets = sections[name]
            if not (paragraph or bullets):
                continue
            lines = []
            if heading:
                lines.append(heading.upper() if spec.caps_headings else f"{heading}:")
            if paragraph:
                lines.append(paragraph)
            lines += [f"{spec.bullet}{b}" for b in bullets]
            blocks.append("\n".join(lines))
        blocks += list(spec.tail)
        text = "\n\n".join(blocks)
    if spec.truncate and len(text) > spec.truncate:
        text = text[: spec.truncate].rsplit(" ", 1)[0].rstrip(" ,.;:-") + spec.ellipsis
    if spec.invisible:
        text = sprinkle_invisible(text, spec.invisible)
    return text


_LONG_WORD = re.compile(r"(?<![<&/#\w])[A-Za-z]{8,}")


def sprinkle_invisible(text: str, seed: int) -> str:
    """Zero-width spaces or soft hyphens inside a few long words, as copy-and-paste leaves them."""
    rng = random.Random(seed)
    words = list(_LONG_WORD.finditer(text))
    if not words:
        return text
    chosen = sorted(rng.sample(words, min(len(words), rng.randint(2, 6))), key=lambda m: m.start())
    mark = rng.choice(("\u200b", "\u00ad"))
    out, last = [], 0
    for match in chosen:
        cut = match.start() + rng.randint(3, len(match.group()) - 3)
        out += [text[last:cut], mark]
        last = cut
    out.append(text[last:])
    return "".join(out)
