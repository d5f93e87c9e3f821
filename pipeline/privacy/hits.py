"""What every identifier detector returns, the registry the detectors join, and how overlapping
hits are resolved. The detectors themselves: :mod:`pipeline.privacy.patterns` (e-mail, web, dates,
addresses), :mod:`pipeline.privacy.numbers` (phone, SSN, record numbers), names in
:mod:`pipeline.privacy.names`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

CATEGORIES = (
    "email",
    "phone",
    "ssn",
    "record_number",
    "url",
    "ip_address",
    "date",
    "address",
    "zip",
    "name",
)
"""Finding categories; ``phone`` covers fax numbers, ``date`` full dates and dates of birth."""


@dataclass(frozen=True)
class Hit:
    """A span of ``text[start:end]`` that looks like an identifier."""

    start: int
    end: int
    category: str
    confidence: float
    rule: str


STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR AA AE AP"
).split()
"""US states, DC, Puerto Rico and the military post codes: a ZIP code follows them."""

STATE_NAMES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho"
    "|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota"
    "|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york"
    "|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina"
    "|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming"
    "|district of columbia|puerto rico"
).split("|")
"""US state names, as ASR writes them too (lower case): a ZIP code follows them."""

LEAD_WIDTH = 80
LEAD_BREAK = "\n\u00b6\n"  # no pattern matches across it: lead and text never join into one span

Detector = Callable[[str], Iterator[Hit]]
DETECTORS: dict[str, Detector] = {}


def detector(name: str) -> Callable[[Detector], Detector]:
    """Register a detector under ``name`` (the registry :func:`detect` runs)."""

    def register(fn: Detector) -> Detector:
        DETECTORS[name] = fn
        return fn

    return register


def before(text: str, start: int, width: int = 48) -> str:
    """The ``width`` characters before ``start``, lower-cased: where detectors look for telling words."""
    return text[max(0, start - width) : start].lower()


def hits_of(
    pattern: re.Pattern[str], text: str, category: str, confidence: float, rule: str
) -> Iterator[Hit]:
    """Every match of ``pattern`` as a hit of one category and confidence."""
    for m in pattern.finditer(text):
        yield Hit(m.start(), m.end(), category, confidence, rule)


# Where two detectors claim overlapping text, a structured identifier beats a name inside it (an e-mail
# or street holding a name), then the surer tier (0.85 and up, 0.6 and up, guesses), the more specific
# category, the surer hit.
_PRIORITY = {
    c: i
    for i, c in enumerate(
        ("email", "url", "ip_address", "ssn", "date", "phone", "address", "zip", "record_number", "name")
    )
}


def resolve(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits of one category merged, then the best of overlapping categories kept, in order."""
    ranked = sorted(
        _merge_same_category(hits),
        key=lambda h: (
            h.category == "name",
            h.confidence < 0.85,
            h.confidence < 0.6,
            _PRIORITY[h.category],
            -h.confidence,
            h.start - h.end,
        ),
    )
    starts: list[int] = []  # kept spans, sorted and disjoint: a new one is checked against two neighbours
    kept: list[Hit] = []
    for h in ranked:
        i = bisect.bisect_left(starts, h.start)
        if h.end <= h.start or (i and kept[i - 1].end > h.start) or (i < len(kept) and kept[i].start < h.end):
            continue
        starts.insert(i, h.start)
        kept.insert(i, h)
    return kept


def _merge_same_category(hits: list[Hit]) -> list[Hit]:
    """``Sandra`` (given-name list) and ``Sandra Kowalski`` (surname list) -> one span, the surer rule."""
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.category, h.start, -h.end)):
        last = out[-1] if out else None
        if last and last.category == h.category and h.start < last.end:
            best = last if last.confidence >= h.confidence else h
            out[-1] = Hit(last.start, max(last.end, h.end), h.category, best.confidence, best.rule)
        else:
            out.append(h)
    return out
