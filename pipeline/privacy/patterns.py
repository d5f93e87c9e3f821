"""Rule-based detectors of structured identifiers: one registered function per category.

Each detector takes a text and yields :class:`Hit` spans. They are regular expressions plus the
context a human reader would use: a nine-digit number after "social" is a social security number,
after "member ID" a record number, alone it is neither. Names live in :mod:`pipeline.privacy.names`.

Example:
    >>> [(h.category, h.confidence) for h in detect("Call me at (614) 555-0187, or jo@example.org")]
    [('phone', 0.95), ('email', 0.99)]
"""

from __future__ import annotations

import bisect
import ipaddress
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


_LEAD_WIDTH = 80
_LEAD_BREAK = "\n\u00b6\n"  # no pattern matches across it: lead and text never join into one span

Detector = Callable[[str], Iterator[Hit]]
DETECTORS: dict[str, Detector] = {}


def detector(name: str) -> Callable[[Detector], Detector]:
    """Register a detector under ``name`` (the registry :func:`detect` runs)."""

    def register(fn: Detector) -> Detector:
        DETECTORS[name] = fn
        return fn

    return register


def _before(text: str, start: int, width: int = 48) -> str:
    return text[max(0, start - width) : start].lower()


def _hits(pattern: re.Pattern[str], text: str, category: str, confidence: float, rule: str) -> Iterator[Hit]:
    for m in pattern.finditer(text):
        yield Hit(m.start(), m.end(), category, confidence, rule)


# -- e-mail, web, network -------------------------------------------------------------------------

# Repetitions are bounded and matches start where a run of such characters starts: a megabyte-long
# line of "a.a.a." or "1-1-1-" costs linear time, not quadratic (scripts/bench_scan.py times both).
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,6}\.[A-Za-z]{2,24}\b")
_TLD = (
    r"(?:com|org|net|edu|gov|mil|io|co|us|uk|info|me|app|health|ly|ai|tv|de|ca|biz|care|online|site|gg|fm"
    r"|link|page|to|be|xyz|dev|so|im|gl|ie|au|nz|in|fr|es|it|nl|mx|br|jp|social|blog|club|life|news|shop"
    r"|si|ch|se|no|dk|fi|pl|cz|at|pt|gr|ru|cn|kr|tw|hk|sg|za|ng|ke|ph|vn|th|my|pk|ar|cl|pe|eu|ms|cc|ws|ly)"
)
_SPOKEN_EMAIL = re.compile(
    rf"(?<![\w.-])(?:[a-z0-9][\w.-]{{0,40}}\s+){{0,2}}[a-z0-9][\w.-]{{0,40}}\s+at\s+[a-z0-9-]{{1,40}}"
    rf"(?:\s+(?!dot\b)[a-z0-9-]{{1,20}}){{0,2}}(?:\s+dot\s+[a-z0-9-]{{1,40}}){{0,4}}\s+dot\s+{_TLD}\b",
    re.IGNORECASE,
)
_SPOKEN_LEAD = {"is", "me", "email", "e-mail", "it's", "its", "address", "mail", "send", "it", "to", "my"}


@detector("email")
def emails(text: str) -> Iterator[Hit]:
    yield from _hits(_EMAIL, text, "email", 0.99, "email")
    for m in _SPOKEN_EMAIL.finditer(text):
        start = m.start()
        for word in m[0].split()[:-3]:
            if word.lower() not in _SPOKEN_LEAD:
                break
            start = text.index(word, start) + len(word) + 1
        yield Hit(start, m.end(), "email", 0.8, "spoken email")


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_BARE_URL = re.compile(
    rf"(?<![\w.@-])[a-z0-9][a-z0-9-]{{0,62}}(?:\.[a-z0-9-]{{1,63}}){{0,6}}\.{_TLD}(?:/[^\s<>\"']{{0,500}})?"
    r"(?![\w@.]\w)",
    re.IGNORECASE,
)


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return end


_SPOKEN_URL = re.compile(
    rf"(?<![\w.-])(?:(?:w\s?w\s?w|www)\s+dot\s+[a-z0-9-]{{1,40}}(?:\s+(?!dot\b)[a-z0-9-]{{1,20}}){{0,2}}"
    rf"|[a-z0-9-]{{2,40}})(?:\s+dot\s+[a-z0-9-]{{1,40}}){{0,3}}\s+dot\s+{_TLD}\b"
    r"(?:\s+slash\s+[\w-]{1,40}){0,4}",
    re.IGNORECASE,
)


# "h t t p colon slash slash q7leaks dot onion slash x": with a spoken scheme, any last word is a domain.
_SPOKEN_SCHEME_URL = re.compile(
    r"\bh\s?t\s?t\s?p\s?s?\s+colon\s+slash\s+slash\s+[a-z0-9-]{1,63}(?:\s+dot\s+[a-z0-9-]{1,63}){1,4}"
    r"(?:\s+slash\s+[\w-]{1,40}){0,4}",
    re.IGNORECASE,
)
# A domain followed by a path is an address whatever its country ending ("linktr.ee/rowan.achebe").
_PATHED_URL = re.compile(
    r"(?<![\w.@/-])[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,6}/[^\s<>\"']{1,500}", re.I
)


@detector("url")
def urls(text: str) -> Iterator[Hit]:
    yield from _hits(_SPOKEN_SCHEME_URL, text, "url", 0.85, "spoken url")
    for m in _PATHED_URL.finditer(text):
        yield Hit(m.start(), _trim(text, m.start(), m.end()), "url", 0.8, "domain and path")
    for m in _SPOKEN_URL.finditer(text):
        if m[0][:1] in "wW" or not re.search(r"\bat\s+$", _before(text, m.start(), 5)):  # else an e-mail
            yield Hit(m.start(), m.end(), "url", 0.75 if m[0][:1] in "wW" else 0.6, "spoken url")
    for pattern, confidence, rule in ((_URL, 0.95, "url"), (_BARE_URL, 0.85, "bare domain")):
        for m in pattern.finditer(text):
            if m.start() > 0 and text[m.start() - 1] == "@":
                continue
            yield Hit(m.start(), _trim(text, m.start(), m.end()), "url", confidence, rule)


_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


_SPOKEN_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\s+(?:point|dot)\s+\d{1,3}){3}(?![\d.])", re.IGNORECASE)


@detector("ip_address")
def ip_addresses(text: str) -> Iterator[Hit]:
    for m in _SPOKEN_IPV4.finditer(text):
        if all(int(p) <= 255 for p in re.findall(r"\d+", m[0])):
            yield Hit(m.start(), m.end(), "ip_address", 0.85, "spoken ipv4")
    for m in _IPV4.finditer(text):
        if all(int(p) <= 255 for p in m[0].split(".")):
            yield Hit(m.start(), m.end(), "ip_address", 0.95, "ipv4")
    for m in _IPV6.finditer(text):
        if m[0].count(":") >= 3 or re.search(r"[a-fA-F]", m[0]):
            try:
                ipaddress.IPv6Address(m[0])
            except ValueError:
                continue
            yield Hit(m.start(), m.end(), "ip_address", 0.9, "ipv6")


# -- numbers: phone, SSN, record numbers ----------------------------------------------------------

_DIGIT_WORDS = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double\s+\w+)"
_SPOKEN_DIGITS = re.compile(rf"\b{_DIGIT_WORDS}(?:[\s,.-]+{_DIGIT_WORDS}){{6,}}\b", re.IGNORECASE)
_EXT = r"(?:\s*,?\s*(?:x|ext\.?|extension)\s*\d{1,5})?"
_NANP = re.compile(
    rf"(?<![\w$])(?:\+?1[\s.-]?)?(?:\(\d{{3}}\)\s?|\d{{3}}[\s.-]?)\d{{3}}[\s.-]?\d{{4}}{_EXT}(?![\w])",
    re.IGNORECASE,
)
_VANITY = re.compile(r"(?<![\w$])1[\s-]8[0-9]{2}[\s-](?:[0-9A-Z]{3}[\s-][0-9A-Z]{4}|[A-Z]{7})\b")
_INTL = re.compile(rf"(?<![\w])\+\d{{1,3}}(?:[\s.-]?\(?\d{{1,5}}\)?){{2,5}}{_EXT}(?![\w])")
# Numbers dialled with a trunk zero (UK "07700 900417", "0161 496 0321", Australia "03 5550 1234")
_TRUNK = re.compile(r"(?<![\w$.,/:-])0\d{1,4}[\s-]\d{3,6}(?:[\s-]\d{3,4})?(?![\w.,/:-]*\d)")
_LOCAL = re.compile(r"(?<![\w$.,/:-])\d{3}[-.]\d{4}(?![\w.,/:-]*\d)")
_PHONE_CONTEXT = re.compile(
    r"\b(call|phone|number|cell|mobile|fax|text|reach|dial|line|landline|office|voicemail|hotline)", re.I
)
_SSN = re.compile(r"(?<![\w-])(?!000|666)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_NINE = re.compile(r"(?<![\w-])\d{9}(?![\w-])")
_SSN_CONTEXT = re.compile(r"\b(ssn|social|security|ss#|ss number|soc sec)\b", re.IGNORECASE)


def _digit_count(s: str) -> int:
    return sum(c.isdigit() for c in s)


@detector("phone")
def phones(text: str) -> Iterator[Hit]:
    for m in _NANP.finditer(text):
        if re.search(r"[A-Za-z0-9]-$", text[max(0, m.start() - 2) : m.start()]):
            continue  # "PA-7719228403": the tail of a prefixed id, not a phone number
        bare = _digit_count(m[0]) in (10, 11) and not re.search(r"[\s().+-]", m[0])
        if bare and _SSN_CONTEXT.search(_before(text, m.start())):
            continue
        phone_context = _PHONE_CONTEXT.search(_before(text, m.start()))
        if bare and (
            _nearest_owner(text, m.start(), 10) == "record_number"
            or _id_prefix_before(text, m.start(), caps=True)
            or (not phone_context and _record_context(text, m.start(), nearby=True))
        ):
            continue  # "loan number 7730019458", "the EDIPI, 1284467301": a record number
        confidence = 0.75 if bare and not phone_context else 0.95
        yield Hit(m.start(), m.end(), "phone", confidence, "nanp")
    yield from _hits(_VANITY, text, "phone", 0.9, "toll free")
    for m in _INTL.finditer(text):
        if 8 <= _digit_count(m[0]) <= 15:
            yield Hit(m.start(), m.end(), "phone", 0.9, "international")
    for m in _TRUNK.finditer(text):
        if _digit_count(m[0]) in (10, 11) and not _id_prefix_before(text, m.start(), caps=True):
            confidence = 0.9 if _PHONE_CONTEXT.search(_before(text, m.start())) else 0.6
            yield Hit(m.start(), m.end(), "phone", confidence, "national number")
    for m in _LOCAL.finditer(text):
        if _PHONE_CONTEXT.search(_before(text, m.start())):
            yield Hit(m.start(), m.end(), "phone", 0.7, "local number")
    yield from _digit_by_digit(text)


# Numbers said one digit at a time ("five five five, oh one...", "1 8 4 4 2 0 9 7 3"): whose number it
# is comes from the nearest telling word before it, else from a letter prefix ("inc zero zero nine..."),
# else from how many digits there are.
_SPACED_SINGLE_DIGITS = re.compile(r"(?<![\w-])\d(?:,? \d){5,24}(?![\w-])")
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|cell|mobile|fax|text|reach|dial|line|landline|voicemail|hotline|extension)", re.I
)
_ID_PREFIX = re.compile(r"(?<![\w'])(?:[A-Z](?:[-. ]?[A-Z]){0,3}|[a-z]{1,4})[\s,.:-]{1,3}$")
_CAPS_PREFIX = re.compile(r"(?<![\w'])[A-Z](?:[-. ]?[A-Z]){0,3}[\s,.:-]{1,3}$")
_NOT_PREFIX = {
    "is", "was", "at", "on", "to", "of", "in", "my", "and", "the", "or", "it", "its", "a", "an", "me", "be",
    "so", "uh", "um", "oh", "ok", "no", "yes", "yep", "by", "as", "for", "are", "his", "her", "our", "i",
    "s", "then", "that", "thats", "like", "just", "from", "with", "one", "two", "six", "ten",
}  # fmt: skip


def _id_prefix_before(text: str, start: int, caps: bool = False) -> bool:
    """A short letter code right before ``start`` ("clm 448219", "P 0 4 8...", "I-O-E, zero nine");
    ``caps``: capitals only (a short lowercase word before a number is as often "card" or "okay")."""
    m = (_CAPS_PREFIX if caps else _ID_PREFIX).search(text[max(0, start - 12) : start])
    return bool(m) and re.sub(r"[\s,.:-]", "", m[0]).lower() not in _NOT_PREFIX


def _caps_prefix_start(text: str, start: int) -> int:
    """Where a capital letter code right before ``start`` begins ("plate JRD 4471"), else ``start``."""
    m = _CAPS_PREFIX.search(text[max(0, start - 12) : start])
    return start - len(m[0]) if m and m[0].strip(" ,.:-").lower() not in _NOT_PREFIX else start


def _nearest_owner(text: str, start: int, digits: int) -> str | None:
    """``ssn``, ``phone`` or ``record_number``: whose telling word comes last in the 60 characters
    before, among those a number of ``digits`` digits can be (a phone number never has nine)."""
    before = _before(text, start, 60)
    fits = {"ssn": digits == 9, "phone": digits in (7, 10, 11), "record_number": digits >= 4}
    last = {
        category: max((m.end() for m in pattern.finditer(before)), default=-1)
        for category, pattern in (
            ("ssn", _SSN_CONTEXT),
            ("phone", _PHONE_WORDS),
            ("record_number", _SPECIFIC_RECORD_WORDS),
        )
        if fits[category]
    }
    category = max(last, key=lambda c: last[c], default=None)
    return category if category and last[category] >= 0 else None


_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_PAIR = (
    rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s]{_UNITS})?|ten|eleven|twelve"
    rf"|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:oh|zero)[-\s]{_UNITS})"
)
# Numbers read two digits at a time ("seventy-seven thirty, twenty-two fourteen"): at least four pairs.
_SPOKEN_PAIRS = re.compile(rf"\b{_PAIR}(?:[,\s]+{_PAIR}){{3,9}}\b", re.IGNORECASE)


def _digit_by_digit(text: str) -> Iterator[Hit]:
    runs = [(m, _spoken_digit_count(m[0]), "spoken digits") for m in _SPOKEN_DIGITS.finditer(text)]
    runs += [
        (m, 2 * len(re.findall(_PAIR, m[0], re.I)), "spoken pairs") for m in _SPOKEN_PAIRS.finditer(text)
    ]
    runs += [(m, _digit_count(m[0]), "digit by digit") for m in _SPACED_SINGLE_DIGITS.finditer(text)]
    for m, n, rule in runs:
        owner = _nearest_owner(text, m.start(), n) or (
            "record_number" if _id_prefix_before(text, m.start(), caps=True) else None
        )
        if owner:
            yield Hit(m.start(), m.end(), owner, 0.8, rule)
        elif n == 9:
            yield Hit(m.start(), m.end(), "ssn", 0.7, rule)
        elif n in (7, 10) or (n == 11 and re.match(r"\W*(?:1|one)\b", m[0], re.I)):
            yield Hit(m.start(), m.end(), "phone", 0.7, rule)
        elif n >= 7:
            yield Hit(m.start(), m.end(), "record_number", 0.7, rule)


def _spoken_digit_count(spoken: str) -> int:
    """``"five five double two"`` -> 5."""
    count, times = 0, 1
    for word in re.findall(r"[a-z]+", spoken.lower()):
        if word in {"double", "triple"}:
            times = 2 if word == "double" else 3
            continue
        count, times = count + times, 1
    return count


@detector("ssn")
def ssns(text: str) -> Iterator[Hit]:
    for m in _SSN.finditer(text):
        if (
            m[1] == " "
            and _id_prefix_before(text, m.start(), caps=True)
            and not _SSN_CONTEXT.search(_before(text, m.start()))
        ):
            continue  # "XYP 884 20 1177": the digits of a prefixed member id
        confidence = 0.95 if m[1] == "-" or _SSN_CONTEXT.search(_before(text, m.start())) else 0.8
        yield Hit(m.start(), m.end(), "ssn", confidence, "ssn")
    for m in _NINE.finditer(text):
        if _SSN_CONTEXT.search(_before(text, m.start())):
            yield Hit(m.start(), m.end(), "ssn", 0.9, "nine digits after 'social'")
        elif not _record_context(text, m.start(), nearby=True):
            yield Hit(m.start(), m.end(), "ssn", 0.65, "nine digits")


# Words that say a number is a record's (specific), and words that say only that it is a number.
_SPECIFIC_RECORD_WORD = (
    r"(?:mrn|medical record|record|chart|patient id|member|policy|group|account|acct|(?<!in )case|docket"
    r"|claim|authori[sz]ation|auth|reference|ref|confirmation|student|employee|badge|ticket|incident|report"
    r"|licen[cs]e|passport|visa|permit|a-number|alien|receipt|invoice|order|tracking|serial|file|matter"
    r"|certificate|registration|loan|booking|reservation|plate|vin|prescription|rx|transfer|transaction"
    r"|voucher|inmate|edipi|npi|ptin|efin|ein|medicaid|medicare|id|i\.d\.)"
)
_RECORD_WORD = rf"(?:{_SPECIFIC_RECORD_WORD}|number|no\.|hash|#)"
_SPECIFIC_RECORD_WORDS = re.compile(rf"\b{_SPECIFIC_RECORD_WORD}(?![\w-])", re.IGNORECASE)
_RECORD_CONTEXT = re.compile(
    rf"\b{_RECORD_WORD}\W*(?:(?:id|number|no\.?|num|code|is|was|it's|its|that's|thats|#|:)\W*){{0,3}}$",
    re.IGNORECASE,
)
# A record word a sentence or so earlier ("the policy number in the subject, that's 4418 220 17"):
# enough for shapes that are ids anyway (long or grouped numbers), not for any number.
_RECORD_NEARBY = re.compile(rf"\b{_RECORD_WORD}(?![\w-]).{{0,80}}$", re.IGNORECASE | re.DOTALL)
# The start of an answer to a question about a record ("And the student ID on the letter?" "448201.").
_RECORD_ANSWER = re.compile(
    rf"\b{_RECORD_WORD}(?![\w-])[^?\n]{{0,40}}\?\s*{_LEAD_BREAK}(?:\W*(?:it's|its|um|uh|yeah|yes|so|that's|ok|okay)\W*){{0,3}}$",
    re.IGNORECASE,
)
_ID_TOKEN = re.compile(r"(?<![\w$-])#?(?=[\w-]*\d)[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*(?![\w-])")
_SPACED_DIGITS = re.compile(r"(?<![\w-])\d{2,6}(?: \d{2,6}){1,4}(?![\w-])")
_SPOKEN_SEPARATORS = re.compile(
    r"(?<![\w-])[A-Za-z0-9]{1,12}(?:\s+(?:slash|dash|hyphen)\s+[A-Za-z0-9]{1,12}){1,6}(?![\w-])", re.I
)
_PREFIXED_GROUPS = re.compile(r"(?<![\w-])[A-Z]{1,4}[ -]?\d{2,6}(?: \d{2,6}){1,4}(?![\w-])")
_FORM = re.compile(r"\bforms?\b", re.IGNORECASE)
_FORM_AFTER = re.compile(r"[^.!?]{0,40}\bform\b", re.IGNORECASE)
_MEASURE = re.compile(r"\d+(?:st|nd|rd|th|s|k|mg|ml|am|pm|lbs?|kg|mph|hrs?|min)", re.I)
_DECIMAL = re.compile(r"\d+(?:\.\d+)+")


def _record_context(text: str, start: int, nearby: bool = False) -> bool:
    before = _before(text, start, 100)
    return bool(
        _RECORD_CONTEXT.search(before[-40:])
        or _RECORD_ANSWER.search(before)
        or (nearby and _RECORD_NEARBY.search(before))
    )


@detector("record_number")
def record_numbers(text: str) -> Iterator[Hit]:
    for m in _ID_TOKEN.finditer(text):
        token = m[0].lstrip("#")
        start = m.end() - len(token)
        hit = _record_token(text, start, token)
        if hit:
            yield Hit(start, m.end(), "record_number", *hit)
    for m in _SPACED_DIGITS.finditer(text):
        if _digit_count(m[0]) < 6:
            continue
        if _record_context(text, m.start()):
            yield Hit(m.start(), m.end(), "record_number", 0.85, "digit groups after record words")
        elif _record_context(text, m.start(), nearby=True):
            yield Hit(m.start(), m.end(), "record_number", 0.75, "digit groups near record words")
    for m in _SPOKEN_SEPARATORS.finditer(text):
        if _digit_count(m[0]) >= (4 if len(re.findall(r"slash|dash|hyphen", m[0], re.I)) >= 2 else 6):
            yield Hit(m.start(), m.end(), "record_number", 0.8, "spoken slashes or dashes")
    for m in _PREFIXED_GROUPS.finditer(text):
        if _digit_count(m[0]) >= 6:
            yield Hit(m.start(), m.end(), "record_number", 0.8, "letter prefix and digit groups")


def _record_token(text: str, start: int, token: str) -> tuple[float, str] | None:
    """(confidence, rule) when one token (``MRN00481223``, ``LH-ADM-2291``, ``8812046109``) is an id."""
    digits = _digit_count(token)
    letters = sum(c.isalpha() for c in token)
    code = len(token) >= 5 and letters >= 2 and token.isupper()
    if _MEASURE.fullmatch(token) or digits < 1 or (digits < 4 and not code):
        return None
    if _record_context(text, start) or _record_context(text, _caps_prefix_start(text, start)):
        if digits >= 4 and not (_DECIMAL.fullmatch(token) and digits < 6):
            return 0.9, "number after record words"
        if code:
            return 0.85, "code after record words"  # "booking code KX7PQ2"
    if digits < 4 or _DECIMAL.fullmatch(token):
        return None
    if _FORM.search(_before(text, start, 40)) or _FORM_AFTER.match(text, start + len(token)):
        return None  # "the SSA-3368, the adult disability form": a form's name, not a person's id
    if digits >= 5 and _id_prefix_before(text, start) and _record_context(text, start, nearby=True):
        return 0.8, "prefixed number near record words"
    if letters and (digits >= 5 or (letters >= 2 and token.isupper() and len(token) >= 6)):
        return 0.7, "letters and digits"
    if len(token) >= 6 and digits >= 3 and len(re.findall(r"[A-Za-z]+|\d+", token)) >= 4:
        return 0.7, "letters and digits"  # "k7q2-99ml"
    if digits >= 7 and "-" in token:
        return 0.7, "dashed digit groups"
    if digits >= 7 and not letters:
        nearby = _record_context(text, start, nearby=True)
        return (0.8, "long number after record words") if nearby else (0.6, "long number")
    return None


# -- dates --------------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL_WORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
    r"|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirty[\s-]first)"
)
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORD})"
_YEAR_WORDS = (
    r"(?:nineteen|twenty|two thousand)(?:[\s-]+(?:and|oh|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|one|two|three|four|five|six|seven|eight|nine)){1,3}"
)
_YEAR = rf"(?:\d{{4}}|'\d{{2}}|\d{{2}}(?!\d)|{_YEAR_WORDS})"
_DATE_PATTERNS = [
    (re.compile(r"(?<![\w/.-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\w/.-]*\d)"), 0.9, "numeric date"),
    (re.compile(r"(?<![\w/.-])(?:19|20)\d{2}([/.-])\d{1,2}\1\d{1,2}(?![\w/.-]*\d)"), 0.95, "iso date"),
    (re.compile(r"(?<![\w/.-])\d{1,2} \d{1,2} (?:19|20)\d{2}(?![\w/.-]*\d)"), 0.85, "numeric date"),
    (re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY},?\s+(?:of\s+)?{_YEAR}\b", re.I), 0.9, "month day year"),
    (re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I), 0.9, "day month year"),
]
_BIRTH_CONTEXT = re.compile(r"\b(born|birthday|birth ?date|date of birth|dob|d\.o\.b)\b", re.IGNORECASE)
_DAY_MONTH = [
    re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b", re.I),
    re.compile(rf"\b(?:the\s+)?{_DAY}\s+of\s+{_MONTH}", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH}", re.I),
    re.compile(r"(?<![\w/.-])\d{1,2}/\d{1,2}(?![\w/.-])"),
]


def _plausible_numeric(s: str) -> bool:
    parts = [int(p) for p in re.split(r"[/.-]", s) if p.isdigit()]
    if len(parts) != 3:
        return True
    if parts[0] > 1000:  # year first
        return 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31
    a, b = parts[0], parts[1]
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


@detector("date")
def dates(text: str) -> Iterator[Hit]:
    for pattern, confidence, rule in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if rule in {"numeric date", "iso date"} and not _plausible_numeric(m[0]):
                continue
            yield Hit(m.start(), m.end(), "date", confidence, rule)
    for pattern in _DAY_MONTH:
        for m in pattern.finditer(text):
            if _BIRTH_CONTEXT.search(_before(text, m.start(), 60)):
                yield Hit(m.start(), m.end(), "date", 0.85, "birthday")


# -- addresses ----------------------------------------------------------------------------------

_STREET_TYPE = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|terrace|ter"
    r"|parkway|pkwy|circle|cir|highway|hwy|trail|trl|square|sq|pike|alley|row|crescent|close|loop|run"
    r"|plaza|path|point|pt|expressway|expy|freeway|fwy|turnpike|tpke|causeway|bypass|crossing|grove|ridge"
    r"|cove|landing|commons)\b\.?"
)
_UNIT = r"(?:,?\s+(?:apt|apartment|unit|suite|ste|room|rm|#|no\.?|floor|fl)\.?\s*#?\s*[\w-]+)?"
_CITY = r"(?:,\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?(?:,?\s+(?:[A-Z]{2}|[A-Z][a-z]+)(?=\W|$))?)?"
_STREET = re.compile(
    r"\b\d{1,6}[A-Za-z]?(?:\s+(?:[NSEW]\.?|north|south|east|west|old))?"
    rf"(?:\s+(?:\d{{1,3}}(?:st|nd|rd|th)|[A-Za-z][\w'.-]*)){{1,3}}\s+{_STREET_TYPE}{_UNIT}",
    re.IGNORECASE,
)
_ROUTE = re.compile(
    r"\b[NSEW]?\d{1,6}\s+(?:(?:state|county|us|u\.s\.)\s+)?(?:route|rte|rt|highway|hwy|road)\.?"
    rf"\s+(?:\d{{1,4}}[A-Za-z]?|(?-i:[A-Z]{{1,2}}))\b{_UNIT}",
    re.IGNORECASE,
)
# A house number and a street name with no street type, recognisable by the ZIP after it
# ("5521 North Kenmore, 2F, 60640"; "Five five two one North Kenmore, 2F, 60640").
_NUMBER_NAME_ZIP = re.compile(
    rf"\b(?:\d{{1,6}}[A-Za-z]?|(?i:{_DIGIT_WORDS}(?:[\s-]+{_DIGIT_WORDS}){{1,5}}))"
    r"(?:\s+(?:North|South|East|West|[NSEW]\.?))?(?:\s+[A-Z][\w'.-]*){1,3}"
    r"(?:,\s*(?:(?:apt|apartment|unit|suite|ste|#)\.?\s*)?#?[\w-]{1,6})?(?=,?\s+\d{5}(?:-\d{4})?\b)",
)
_PO_BOX = re.compile(r"\b(?:p\.?\s?o\.?|post office)\s*box\s+\d+\b", re.IGNORECASE)
_RURAL = re.compile(r"\b(?:rural route|r\.?r\.?|rr)\s*#?\s*\d+(?:,?\s*box\s+\d+)?\b", re.IGNORECASE)


_NOT_STREET_WORDS = {
    "with",
    "now",
    "and",
    "the",
    "to",
    "at",
    "on",
    "in",
    "is",
    "was",
    "for",
    "of",
    "my",
    "a",
    "or",
}


def _with_city(text: str, end: int) -> int:
    """``end`` moved past a following ", City, ST" ("..., Suite 4, Lancaster, Ohio")."""
    city = re.match(_CITY, text[end:])
    return end + len(city[0]) if city else end


@detector("address")
def addresses(text: str) -> Iterator[Hit]:
    for m in _STREET.finditer(text):
        words = {w.lower().strip(".") for w in m[0].split()[1:-1]}
        if words & _NOT_STREET_WORDS or re.match(r"(?i:dr)\.?\s+[A-Z]", text[m.end() - 3 :].lstrip(" ,")):
            continue  # "2 now. Dr. Iyer", "Chem 1152 with Dr. Lindgren": a title, not a street
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.9, "street address")
    for m in _NUMBER_NAME_ZIP.finditer(text):
        yield Hit(m.start(), m.end(), "address", 0.75, "number and name before a zip")
    for m in _ROUTE.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.85, "numbered route")
    yield from _hits(_PO_BOX, text, "address", 0.9, "po box")
    yield from _hits(_RURAL, text, "address", 0.8, "rural route")


_ZIP = re.compile(r"(?<![\w$.,#/-])\d{5}(?:-\d{4})?(?![\w.,%/-]*\d|\s*(?:%|percent|dollars|bucks|steps|mg))")
_STATE = (
    r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY"
    r"|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|[A-Z][a-z]+)"
)
_ZIP_CONTEXT = re.compile(rf"((?i:\bzip\b|\bpostal\b|\bpostcode\b)|,?\s{_STATE}\.?,?\s*$)")


@detector("zip")
def zips(text: str) -> Iterator[Hit]:
    for m in _ZIP.finditer(text):
        if _ZIP_CONTEXT.search(text[max(0, m.start() - 30) : m.start()]):
            yield Hit(m.start(), m.end(), "zip", 0.9, "zip after state or 'zip'")
        elif "-" in m[0]:
            yield Hit(m.start(), m.end(), "zip", 0.8, "zip+4")
        elif not _before(text, m.start(), 12).rstrip().endswith(("$", "the", "about")):
            yield Hit(m.start(), m.end(), "zip", 0.5, "five digits")


def detect(text: str, lead: str = "") -> list[Hit]:
    """Every registered structured detector over ``text``, overlaps resolved (see :func:`resolve`).

    ``lead`` is the text just before (the previous turn): context only, so that an answer to
    "and the member ID?" reads as a record number. Its own identifiers are not returned.
    """
    if not lead:
        return resolve([h for fn in DETECTORS.values() for h in fn(text)])
    lead = lead[-_LEAD_WIDTH:] + _LEAD_BREAK
    n = len(lead)
    hits = [h for fn in DETECTORS.values() for h in fn(lead + text) if h.start >= n]
    return resolve([Hit(h.start - n, h.end - n, h.category, h.confidence, h.rule) for h in hits])


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
