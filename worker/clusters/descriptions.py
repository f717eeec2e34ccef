"""What a posting says: a description as boards write it, to the words compared.

HTML becomes text with a real parser (``selectolax``, the Lexbor engine: entities, comments,
scripts and styles handled as a browser would); invisible characters go (zero-width spaces,
soft hyphens); a truncation marker ("… Show more", "Read more") goes; then sentences that
are board or legal boilerplate rather than the job go, by kind:

  * equal-opportunity and anti-discrimination statements, accommodation offers;
  * how to apply ("Apply via …", "Easy Apply", "Click apply", "Powered by …");
  * fraud and privacy warnings, data retention notes;
  * agency introductions ("on behalf of our client", "recruitment agency");
  * job-type and pay footers ("Job Type: Full-time", "Pay: …", "Schedule: …",
    "Benefits: …"), board tags ("#LI-Hybrid", "#LI-DNI").

Numbers (salaries, dates, counts, reference numbers) and one-letter words are left out too:
boards restate numbers in their own notation. What remains is compared as word 3-shingles
(:mod:`worker.clusters.signature`).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from worker.clusters.folding import fold

_BLOCK = re.compile(
    r"</?(?:p|div|li|ul|ol|br|h[1-6]|tr|td|th|table|section|article|header|footer|blockquote"
    r"|pre|dd|dt|hr)\b",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"<[a-zA-Z!/]|&[#a-zA-Z0-9]+;")
_TRUNCATION = re.compile(
    r"(?:\.\.\.|…)?\s*\b(?:show|see|read|view)\s+(?:more|less|full description)\b\s*(?:\.\.\.|…)?"
)
# Boilerplate, by the word that gives it away: a sentence holding the word (found by plain
# substring search: most sentences hold none) is boilerplate when it matches the pattern.
_BOILERPLATE = {
    trigger: re.compile(pattern)
    for trigger, pattern in {
        # equal opportunity, discrimination, accommodation
        "opportunit": r"equal\s+(?:employment\s+)?opportunit",
        "regard": r"without\s+regard\s+to|regardless\s+of\s+(?:race|age|gender|sex)",
        "affirmative": r"affirmative\s+action",
        "protected": r"protected\s+(?:veteran|characteristic|class|status)",
        "accommodat": r"reasonable\s+accommodation",
        "discriminat": r"discriminat",
        "qualified applicants": r"qualified\s+applicants\s+will",
        "divers": r"\bdiversity\b.*\b(?:inclusion|equity)\b|\bdiverse\s+(?:workforce|candidates)",
        "eeo": r"\beeo\b",
        "e-verify": r"e-verify",
        # how to apply, board furniture
        "apply": r"\bapply\s+(?:now|today|via|with|through|on|here|online|for\s+this|by)\b"
        r"|\beasy\s+apply\b|\bclick\s+(?:on\s+)?(?:the\s+)?apply",
        "powered": r"\bpowered\s+by\b",
        "submit": r"\bsubmit\s+(?:your\s+)?(?:application|cv|resume)",
        "send": r"\bsend\s+(?:us\s+)?your\s+(?:cv|resume|application)",
        "employer": r"\b(?:responsive|active)\s+employer\b",
        "typically": r"\btypically\s+(?:responds|replies)\b",
        "reviews": r"reviews\s+and\s+salaries",
        "alert": r"\bjob\s+alert",
        # fraud, privacy
        "fraud": r"\bfraudulent\b|\bfraud\s+(?:alert|warning|notice)",
        "scam": r"\bscam",
        "beware": r"\bbeware\b",
        "never": r"\bnever\s+ask\s+(?:you\s+)?(?:for|to)\b",
        "privacy": r"\bprivacy\s+(?:policy|notice|statement)",
        "personal data": r"\bprocess(?:es|ing)?\s+(?:your\s+)?personal\s+data\b",
        "protection": r"\bdata\s+protection\s+(?:policy|notice|regulation|information)",
        "gdpr": r"\bgdpr\b",
        # agencies
        "behalf": r"\bon\s+behalf\s+of\b",
        "opportunity to join": r"\b(?:excellent|exciting|fantastic|great|unique)\s+opportunity\s+to\s+join\b",
        "originally": r"\boriginally\s+(?:posted|published|listed)\b",
        "provided by": r"\b(?:information|details|description)\s+(?:is\s+|was\s+)?provided\s+by\b",
        "found on": r"^\s*(?:job\s+)?found\s+on\s+[a-z]+\b|\bfound\s+on\s+[a-z]+\s*$",
        "suspicious": r"\bsuspicious\s+(?:messages?|e-?mails?|requests?|activity|offers?)\b",
        "every application": r"\bwe\s+(?:read|review)\s+(?:every|each|all)\s+applications?\b",
        "recruit": r"\brecruit(?:ment|ing)\s+(?:agency|firm|partner)",
        "client": r"\bour\s+client\b",
        "staffing": r"\bstaffing\s+(?:agency|firm|partner|company)",
        "partner": r"\b(?:proud\s+to\s+)?partner(?:ed|ing)?\s+with\s+(?:a|an|our|one)\b",
        "recruiting for": r"\b(?:we\s+are|we're|currently)\s+recruiting\s+for\b",
        # job-type and pay footers, tags
        ":": r"\b(?:job|employment|contract)\s+type\s*:|\b(?:pay|salary|compensation|schedule"
        r"|shift|benefits|work\s+location|location|experience|education|language|licen[cs]e)\s*:",
        "#li-": r"#li-",
        "range": r"\b(?:salary|pay)\s+range\b",
        "per ": r"\bper\s+(?:year|annum|hour|month)\b",
    }.items()
}
_ENDS = (". ", "\n", "? ", "! ", " #li-")  # where sentences end
_SENTENCE_ENDS = re.compile(r"[.!?;]\s|\n")
# The words that give each trigger away: a text without any of a trigger's words is not
# searched for it (":" is looked for in every text).
_GIVEAWAY_WORDS = {
    "opportunit": ("opportunity", "opportunities"),
    "regard": ("regard", "regardless"),
    "affirmative": ("affirmative",),
    "protected": ("protected",),
    "accommodat": ("accommodation", "accommodations", "accommodate"),
    "discriminat": ("discrimination", "discriminate", "discriminatory", "discriminating"),
    "qualified applicants": ("qualified",),
    "divers": ("diversity", "diverse"),
    "eeo": ("eeo",),
    "e-verify": ("verify",),
    "apply": ("apply",),
    "powered": ("powered",),
    "submit": ("submit",),
    "send": ("send",),
    "employer": ("employer",),
    "typically": ("typically",),
    "reviews": ("reviews",),
    "alert": ("alert", "alerts"),
    "fraud": ("fraud", "fraudulent"),
    "scam": ("scam", "scams", "scammers"),
    "beware": ("beware",),
    "never": ("never",),
    "privacy": ("privacy",),
    "personal data": ("personal",),
    "protection": ("protection",),
    "gdpr": ("gdpr",),
    "behalf": ("behalf",),
    "client": ("client",),
    "opportunity to join": ("opportunity",),
    "originally": ("originally",),
    "provided by": ("provided",),
    "found on": ("found",),
    "suspicious": ("suspicious",),
    "every application": ("application", "applications"),
    "recruit": ("recruitment", "recruiting"),
    "staffing": ("staffing",),
    "partner": ("partner", "partnered", "partnering"),
    "recruiting for": ("recruiting",),
    "#li-": ("li",),
    "range": ("range",),
    "per ": ("per",),
}
_GIVEAWAYS: dict[str, list[str]] = {}
for _trigger, _words in _GIVEAWAY_WORDS.items():
    for _word in _words:
        _GIVEAWAYS.setdefault(_word, []).append(_trigger)
_WORD = re.compile(r"[a-z]{2,}")


def as_text(description: str) -> str:
    """Plain text of a description (HTML parsed when there is markup): each block element
    (paragraph, list item, heading, line break, ...) on a line of its own, inline elements
    (bold, links) inside their sentence."""
    if _MARKUP.search(description):
        tree = LexborHTMLParser(_BLOCK.sub("\n\\g<0>", description))
        for node in tree.css("script, style"):
            node.decompose()
        top = tree.body or tree.root
        description = top.text(separator="") if top is not None else ""
    return description


def _sentence_at(text: str, at: int) -> tuple[int, int]:
    """The span of the sentence holding position ``at``."""
    starts = [i + len(end) for end in _ENDS if (i := text.rfind(end, 0, at)) >= 0]
    stops = [i for end in _ENDS if (i := text.find(end, at)) >= 0]
    return max(starts, default=0), min(stops, default=len(text))


def _boilerplate_spans(text: str, words: set[str]) -> list[tuple[int, int]]:
    """The spans of the boilerplate sentences: each sentence holding a trigger whose giveaway
    words the text has is matched against the trigger's pattern."""
    triggers = {t for word in _GIVEAWAYS.keys() & words for t in _GIVEAWAYS[word]}
    if ":" in text:
        triggers.add(":")
    spans: set[tuple[int, int]] = set()
    for trigger in sorted(triggers):
        pattern = _BOILERPLATE[trigger]
        at = text.find(trigger)
        while at >= 0:
            span = _sentence_at(text, at)
            if span not in spans and pattern.search(text, *span):
                spans.add(span)
            at = text.find(trigger, max(span[1], at + 1))
    return sorted(spans)


def content_text(description: str) -> str:
    """The folded text of a description, its boilerplate sentences left out."""
    text = fold(as_text(description))
    head, tail = text[:-60], text[-60:]  # a truncation marker ends the text
    text = head + _TRUNCATION.sub(" ", tail)
    spans = _boilerplate_spans(text, set(_WORD.findall(text)))
    if not spans:
        return text
    kept, last = [], 0
    for start, end in spans:
        if start >= last:
            kept.append(text[last:start])
        last = max(last, end)
    kept.append(text[last:])
    return "\n".join(kept)


def content_sentences(description: str) -> list[list[str]]:
    """The words of each sentence (or line) of a description's content: runs of two letters
    or more (numbers, and the "k" of "70k", left out). Compared within sentences, a copy
    whose sections or list items come in another order says the same."""
    text = content_text(description).rstrip()
    sentences = [w for w in (_WORD.findall(s) for s in _SENTENCE_ENDS.split(text)) if w]
    if sentences and text and text[-1].isalnum():  # cut off mid-sentence: its last word may be
        sentences[-1].pop()  # cut too ("Review co")
    return [words for words in sentences if words]
