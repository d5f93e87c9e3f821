"""Rule-based detectors of structured identifiers: one registered function per category.

Each detector takes a text and yields :class:`Hit` spans. They are regular expressions plus the
context a human reader would use: a nine-digit number after "social" is a social security number,
after "member ID" a record number, alone it is neither. Names live in :mod:`pipeline.privacy.names`.

Example:
    >>> [(h.category, h.confidence) for h in detect("Call me at (614) 555-0187, or jo@example.org")]
    [('phone', 0.95), ('email', 0.99)]
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pipeline.privacy.hits import (
    CATEGORIES,
    DETECTORS,
    LEAD_BREAK,
    LEAD_WIDTH,
    STATE_CODES,
    STATE_NAMES,
    Hit,
    before,
    detector,
    hits_of,
    resolve,
)
from pipeline.privacy.numbers import (  # importing numbers registers its detectors
    DIGIT_WORDS,
    IP_WORDS,
    SPANISH_TOKEN,
    SPOKEN_TOKEN,
    TENS_WORDS,
    UNIT_WORD,
    UNIT_WORDS,
    dialled,
    public_numbers,
    record_context,
    splits_into_octets,
    spoken_digits,
    spoken_runs,
)

__all__ = ["CATEGORIES", "DETECTORS", "Hit", "detect", "resolve"]


# -- e-mail, web, network -------------------------------------------------------------------------

# Repetitions are bounded and matches start where a run of such characters starts: a megabyte-long
# line of "a.a.a." or "1-1-1-" costs linear time, not quadratic (scripts/bench_scan.py times both).
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,6}\.[A-Za-z]{2,24}\b")
_TLD = (
    r"(?:com|org|net|edu|gov|mil|io|co|us|uk|info|me|app|health|ly|ai|tv|de|ca|biz|care|online|site|gg|fm"
    r"|link|page|to|be|xyz|dev|so|im|gl|ie|au|nz|in|fr|es|it|nl|mx|br|jp|social|blog|club|life|news|shop"
    r"|example|test"
    r"|si|ch|se|no|dk|fi|pl|cz|at|pt|gr|ru|cn|kr|tw|hk|sg|za|ng|ke|ph|vn|th|my|pk|ar|cl|pe|eu|ms|cc|ws|ly)"
)
_SPOKEN_EMAIL = re.compile(
    rf"(?<![\w.'’-])(?:[a-z0-9][\w.-]{{0,40}}\s+){{0,2}}[a-z0-9][\w.-]{{0,40}}\s+at\s+[a-z0-9-]{{1,40}}"
    rf"(?:\s+(?!dot\b|at\b)[a-z0-9-]{{1,20}}){{0,8}}(?:\s+dot\s+[a-z0-9-]{{1,40}}(?:\s+(?!dot\b|at\b)[a-z0-9-]{{1,20}}){{0,3}}){{0,4}}"
    rf"\s+dot\s+{_TLD}\b",
    re.IGNORECASE,
)
# Half spoken: "rq.atc at proton.me"; the user name must look like one (a dot, an underscore or a digit),
# or "I filed it at identitytheft.gov" would read as an address.
_HALF_SPOKEN_EMAIL = re.compile(
    rf"(?<![\w.-])[a-z0-9][\w-]{{0,20}}[._\d][\w.-]{{0,20}}\s+at\s+[a-z0-9-]{{1,63}}(?:\.[a-z0-9-]{{1,63}}){{0,4}}\.{_TLD}(?![\w-])",
    re.IGNORECASE,
)
_SPELLED_PART = (
    r"(?:[A-Za-z]\s+as\s+in\s+[A-Za-z]+|[A-Za-z](?:-[A-Za-z])+|[A-Za-z]"  # "W as in William", "B-Y-R-D"
    rf"|\d{{1,4}}|{DIGIT_WORDS}|dot|underscore)"
)
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w'’-]){_SPELLED_PART}(?:[\s,]+{_SPELLED_PART}){{1,15}},?\s+at\s+[a-z0-9-]{{1,40}}"
    rf"(?:(?:\s+dot\s+|\.)[a-z0-9-]{{1,40}}){{0,3}}(?:\s+dot\s+|\.){_TLD}\b",
    re.IGNORECASE,
)
_PROVIDER_EMAIL = re.compile(
    r"(?<![\w.-])[a-z0-9][\w.-]{0,30}\d[\w.-]{0,10}\s+at\s+(?:gmail|yahoo|hotmail|outlook|icloud|aol|protonmail|proton)\b"
    r"(?!\s+dot\b|\.\w)",
    re.IGNORECASE,
)
_AT_SPOKEN_DOMAIN = re.compile(
    rf"(?<![\w.%+-])[\w.%+-]{{1,64}}@[\w-]{{1,63}}(?:\.[\w-]{{1,63}}|\s+dot\s+[\w-]{{1,63}}){{0,3}}\s+dot\s+{_TLD}\b",
    re.IGNORECASE,
)
# Written to fool harvesters: "omar.h (at) clinic.example", "help[at]payflow[dot]example"
_OBFUSCATED_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}\s?[\[({<]\s?at\s?[\])}>]\s?[\w-]{1,63}"
    rf"(?:(?:\.|\s?[\[({{<]\s?dot\s?[\])}}>]\s?)[\w-]{{1,63}}){{0,5}}(?:\.|\s?[\[({{<]\s?dot\s?[\])}}>]\s?){_TLD}\b",
    re.IGNORECASE,
)
# "see it online at x dot example dot com", "report it at ...": a place on the web, not a mailbox
_NOT_A_MAILBOX = {
    "online", "website", "site", "web", "portal", "page", "it", "them", "here", "there", "app", "link",
    "form", "forms", "complaint", "apply", "register", "up", "in",
}  # fmt: skip
_SPOKEN_LEAD = {"is", "me", "email", "e-mail", "it's", "its", "address", "mail", "send", "it", "to", "my"}


@detector("email")
def emails(text: str) -> Iterator[Hit]:
    yield from hits_of(_EMAIL, text, "email", 0.99, "email")
    yield from hits_of(_AT_SPOKEN_DOMAIN, text, "email", 0.9, "email with a spoken ending")
    yield from hits_of(_OBFUSCATED_EMAIL, text, "email", 0.9, "email written around harvesters")
    for m in _HALF_SPOKEN_EMAIL.finditer(text):
        if not re.match(r"/", text[m.end() :]):
            yield Hit(m.start(), m.end(), "email", 0.85, "half-spoken email")
    yield from hits_of(_PROVIDER_EMAIL, text, "email", 0.75, "e-mail at a mail provider")
    for m in _SPELLED_EMAIL.finditer(text):
        if re.search(r"\bas\s+in\b|\b[A-Za-z]-[A-Za-z]-", m[0], re.IGNORECASE):
            yield Hit(m.start(), m.end(), "email", 0.8, "spelled email")
    for m in _SPOKEN_EMAIL.finditer(text):
        domain = re.split(r"\s+at\s+", m[0], flags=re.I)[-1].split(" dot ")[0].split()
        if sum(len(w) > 1 and not re.fullmatch(SPOKEN_TOKEN, w, re.I) for w in domain[1:]) > 2:
            continue  # a domain is one word, a few spelled letters, or two or three words at most
        start = m.start()
        for word in m[0].split()[:-3]:
            if word.lower() not in _SPOKEN_LEAD:
                break
            start = text.index(word, start) + len(word) + 1
        at = re.search(r"\s+at\s+", m[0], re.I)
        if at and (
            m[0][: at.start()].split()[-1].lower() in _NOT_A_MAILBOX
            or re.match(r"(?i)w\s*w\s*w\b", m[0][at.end() :])
        ):
            yield Hit(m.start() + at.end(), m.end(), "url", 0.6, "spoken url after 'at'")
        elif not re.match(r"\s+slash\b", text[m.end() :]):  # "online at x dot gov slash apply": a URL
            yield Hit(start, m.end(), "email", 0.8, "spoken email")


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Written so as not to be clickable, in security reports: "hxxps://evil[.]example/x", "evil[.]example"
_DEFANGED_URL = re.compile(
    r"\bhxxps?(?:://|\[://\])[^\s<>\"']+|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\[\.\][a-z0-9-]+(?:(?:\.|\[\.\])[a-z0-9-]+)*(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_BARE_URL = re.compile(
    rf"(?<![\w.@-])[a-z0-9][a-z0-9-]{{0,62}}(?:\.[a-z0-9-]{{1,63}}){{0,6}}\.{_TLD}(?![\w-])(?:/[^\s<>\"']{{0,500}})?"
    r"(?![\w@.]\w)",
    re.IGNORECASE,
)


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return end


_SPOKEN_URL = re.compile(
    rf"(?<![\w.-])(?:(?:w\s?w\s?w|www)\s+dot\s+[a-z0-9-]{{1,40}}(?:\s+(?!dot\b)[a-z0-9-]{{1,20}}){{0,2}}"
    rf"|[a-z0-9-]{{2,40}}(?:\s+[a-z]\b){{0,3}})(?:\s+dot\s+[a-z0-9-]{{1,40}}(?:\s+[a-z]\b){{0,3}}){{0,3}}"
    rf"\s+dot\s+{_TLD}\b"
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
    r"(?<![\w.@/-])[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,24}/[^\s<>\"']{1,500}", re.I
)


@detector("url")
def urls(text: str) -> Iterator[Hit]:
    for m in _DEFANGED_URL.finditer(text):
        yield Hit(m.start(), _trim(text, m.start(), m.end()), "url", 0.9, "defanged url")
    yield from hits_of(_SPOKEN_SCHEME_URL, text, "url", 0.85, "spoken url")
    for m in _PATHED_URL.finditer(text):
        yield Hit(m.start(), _trim(text, m.start(), m.end()), "url", 0.8, "domain and path")
    for m in _SPOKEN_URL.finditer(text):
        pathed = re.search(r"\sslash\s", m[0])
        if (
            pathed or m[0][:1] in "wW" or not re.search(r"\bat\s+$", before(text, m.start(), 5))
        ):  # else e-mail
            yield Hit(m.start(), m.end(), "url", 0.75 if m[0][:1] in "wW" else 0.6, "spoken url")
    for pattern, confidence, rule in ((_URL, 0.95, "url"), (_BARE_URL, 0.85, "bare domain")):
        for m in pattern.finditer(text):
            if m.start() > 0 and text[m.start() - 1] == "@":
                continue
            yield Hit(m.start(), _trim(text, m.start(), m.end()), "url", confidence, rule)


_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)")
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


_HUNDRED = rf"(?:{DIGIT_WORDS}\s+hundred(?:\s+(?:and\s+)?{SPOKEN_TOKEN})?)"
_IP_PART = rf"(?:{_HUNDRED}|{SPOKEN_TOKEN}(?:[\s-]+{SPOKEN_TOKEN}){{0,2}})"
_SPOKEN_IP_WORDS = re.compile(rf"\b{_IP_PART}(?:\s+(?:dot|point)\s+{_IP_PART}){{3}}\b", re.IGNORECASE)
# "One nine eight, fifty-one, one hundred, twenty-three": parts read with pauses, after an IP word
_SPOKEN_IP_COMMAS = re.compile(rf"\b{_IP_PART}(?:,\s+{_IP_PART}){{3}}\b(?!,\s+{SPOKEN_TOKEN})", re.IGNORECASE)
_IP_CONTEXT = re.compile(
    r"\b(?:ip|ipv4|address|log-?ins?|logged|server|router|vpn|\d{1,3}(?:\.\d{1,3}){3})\b", re.I
)
# "two zero zero one colon d b eight colon three three colon colon nine"
_HEX_GROUP = rf"(?:(?:{DIGIT_WORDS}|[a-f]|\d{{1,4}})(?:\s+(?:{DIGIT_WORDS}|[a-f]|\d{{1,4}})){{0,3}})"
_SPOKEN_IPV6 = re.compile(rf"\b{_HEX_GROUP}(?:\s+colon(?:\s+colon)?\s+{_HEX_GROUP}){{2,7}}\b", re.IGNORECASE)


def _ip_parts_ok(spoken: str) -> bool:
    parts = [spoken_digits(p) for p in re.split(r",|\bdot\b|\bpoint\b", spoken, flags=re.I)]
    return len(parts) == 4 and all(p and int(p) <= 255 for p in parts)


_IP_NEAR = re.compile(
    rf"{IP_WORDS.pattern}|\b(?:wi-?fi|network|sign[\s-]?ins?|log[\s-]?ins?|logged|signed)\b", re.IGNORECASE
)
_SPOKEN_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\s+(?:point|dot)\s+\d{1,3}){3}(?![\d.])", re.IGNORECASE)
# "at 192 168 0 12": an address read with pauses for dots, after an IP word
_SPACED_IPV4 = re.compile(r"(?<![\w.,-])\d{1,3}(?:,?\s+\d{1,3}){3}(?![\w-]|[.,]\d|,?\s+\d)")


@detector("ip_address")
def ip_addresses(text: str) -> Iterator[Hit]:
    for m in _SPOKEN_IP_WORDS.finditer(text):
        if not _ip_parts_ok(m[0]) and (first := re.match(r"\w+[\s-]+", m[0])):
            m = _SPOKEN_IP_WORDS.match(text, m.start() + len(first[0]))  # "another one | two oh three dot"
        if m and _ip_parts_ok(m[0]):
            yield Hit(m.start(), m.end(), "ip_address", 0.8, "spoken ipv4")
    for m in _SPOKEN_IP_COMMAS.finditer(text):
        if _ip_parts_ok(m[0]) and _IP_CONTEXT.search(before(text, m.start(), 100)):
            yield Hit(m.start(), m.end(), "ip_address", 0.75, "spoken ipv4 after an ip word")
    for m in _SPOKEN_IPV6.finditer(text):
        if (
            re.search(r"(?i)\bcolon\s+colon\b|\b[a-f]\b|\d{4}|[a-z]+(?:\s+[a-z]+){3}", m[0])
            or m[0].count("colon") >= 4
        ):
            yield Hit(m.start(), m.end(), "ip_address", 0.8, "spoken ipv6")  # not "10 colon 30 colon 45"
    for m in _SPOKEN_IPV4.finditer(text):
        if all(int(p) <= 255 for p in re.findall(r"\d+", m[0])):
            yield Hit(m.start(), m.end(), "ip_address", 0.85, "spoken ipv4")
    # "the one ninety eight fifty one one hundred fourteen one" after an IP
    for m in spoken_runs(text) if "hundred" in text.lower() else ():
        digits = spoken_digits(m[0])
        if "hundred" in m[0].lower() and len(digits) >= 7 and splits_into_octets(digits):
            window = before(text, m.start(), 150) + " " + text[m.end() : m.end() + 100]
            if _IP_NEAR.search(window) or _IPV4.search(window) or _SPOKEN_IP_WORDS.search(window):
                yield Hit(m.start(), m.end(), "ip_address", 0.7, "ipv4 read without dots near an ip")
    for m in _SPACED_IPV4.finditer(text):
        if all(int(p) <= 255 for p in re.findall(r"\d+", m[0])) and IP_WORDS.search(
            before(text, m.start(), 60)
        ):
            yield Hit(m.start(), m.end(), "ip_address", 0.8, "ipv4 read with pauses")
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


# -- dates --------------------------------------------------------------------------------------

_MONTH = (  # a full stop only after an abbreviation ("Jan."), not the one ending "... eleven March."
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)"
)
_ORDINAL_WORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
    r"|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirty[\s-]first)"
)
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORD})"
_TEENS_WORD = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
# A year in words and no more: "nineteen eighty-two", "twenty twenty-five", "two thousand and six"
# (not "twenty twenty five two", where "two" starts a house number).
_YEAR_WORDS = (
    rf"(?:(?:nineteen|twenty)[\s-]+(?:oh[\s-]+{UNIT_WORDS}|{_TEENS_WORD}|{TENS_WORDS}(?:[\s-]+{UNIT_WORDS})?|hundred)"
    rf"|two[\s-]+thousand(?:[\s-]+(?:and[\s-]+)?(?:{_TEENS_WORD}|twenty(?:[\s-]+{UNIT_WORDS})?|{UNIT_WORDS}))?)"
)
_SPOKEN_DAY = rf"(?:(?:twenty|thirty)(?:[-\s]{UNIT_WORDS})?|{_TEENS_WORD}|{UNIT_WORDS})"  # "twelve may 1990"
_YEAR = rf"(?:\d{{4}}|'\d{{2}}|\d{{2}}(?!\d)|{_YEAR_WORDS})"
_DATE_PATTERNS = [
    (re.compile(r"(?<![\w/.-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\w/.-]*\d)"), 0.9, "numeric date"),
    (re.compile(r"(?<![\w/.-])(?:19|20)\d{2}([/.-])\d{1,2}\1\d{1,2}(?![\w/.-]*\d)"), 0.95, "iso date"),
    (re.compile(r"(?<![\w/.-])\d{1,2} \d{1,2} (?:19|20)\d{2}(?![\w/.-]*\d)"), 0.85, "numeric date"),
    (re.compile(r"(?<![\w/.-])\d{1,2} ([/.-]) \d{1,2} \1 (?:19|20)\d{2}(?![\w/.-]*\d)"), 0.85, "spaced date"),
    (re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY},?\s+(?:of\s+)?{_YEAR}\b", re.I), 0.9, "month day year"),
    (re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I), 0.9, "day month year"),
    (
        re.compile(rf"(?<![\w/.-])\d{{1,2}}([-/]){_MONTH}\1(?:\d{{4}}|\d{{2}})(?![\w/.-]*\d)", re.I),
        0.9,
        "day-mon-year",
    ),
    (re.compile(rf"\b{_SPOKEN_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I), 0.85, "day month year"),
]
# Solar Hijri months (Afghan and Iranian names) and Hijri months: birthdays are given in them.
_OTHER_MONTH = (
    r"(?:hamal|sawr|saur|jawza|saratan|asad|sunbula|mizan|aqrab|qaws|jadi|dalw|hoot|hut|farvardin|ordibehesht"
    r"|khordad|mordad|shahrivar|mehr|aban|azar|bahman|esfand|muharram|safar|rabi al-awwal|rabi al-thani"
    r"|jumada al-awwal|jumada al-thani|rajab|shaban|sha'ban|ramadan|shawwal|dhu al-qadah|dhu al-hijjah)"
)
# Spanish: "14 de mayo de 1990", "catorce de mayo de mil novecientos noventa"
_ES_MONTH = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
)
_ES_YEAR = rf"(?:\d{{4}}|(?:mil\s+novecientos|dos\s+mil)(?:\s+{SPANISH_TOKEN})?)"
_DATE_PATTERNS.append(
    (
        re.compile(
            rf"\b(?:\d{{1,2}}|primero|{SPANISH_TOKEN})\s+de\s+{_ES_MONTH}\s+(?:de(?:l)?\s+)?{_ES_YEAR}\b",
            re.I,
        ),
        0.85,
        "spanish date",
    )
)
_MONTH_NUMBER = rf"(?:(?:oh[-\s])?{UNIT_WORDS}|ten|eleven|twelve)"
_DAY_NUMBER = rf"(?:(?:twenty|thirty)(?:[-\s]{UNIT_WORDS})?|{_TEENS_WORD}|(?:oh[-\s])?{UNIT_WORDS})"
_YEAR_NUMBER = (  # the longest reading first: "nineteen eighty" before "nineteen"
    rf"(?:nineteen\s+(?:{TENS_WORDS}(?:[-\s]{UNIT_WORDS})?|{_TEENS_WORD})"
    rf"|two\s+thousand(?:\s+(?:and\s+)?(?:{UNIT_WORDS}|{_TEENS_WORD}|twenty(?:[-\s]{UNIT_WORDS})?))?"
    rf"|{TENS_WORDS}(?:[-\s]{UNIT_WORDS})?|oh[-\s]{UNIT_WORDS}|{_TEENS_WORD})"
)
_SPOKEN_NUMERIC_DATE = re.compile(
    rf"\b{_MONTH_NUMBER}[,\s-]+{_DAY_NUMBER}[,\s-]+{_YEAR_NUMBER}\b(?![,\s-]+{UNIT_WORDS}\b)", re.IGNORECASE
)
_FULL_YEAR_END = re.compile(
    rf"(?:nineteen\s+{TENS_WORDS}(?:[-\s]{UNIT_WORDS})?|two\s+thousand(?:\s+\w+)*)$", re.I
)
# "oh nine slash oh nine slash oh one", "ten slash four slash twenty four": a numeric date read aloud
_SPOKEN_SLASH_DATE = re.compile(
    rf"\b{_MONTH_NUMBER}\s+slash\s+{_DAY_NUMBER}\s+slash\s+{_YEAR_NUMBER}\b(?!\s+{UNIT_WORDS}\b)",
    re.IGNORECASE,
)
_SPOKEN_DATE_CONTEXT = re.compile(
    r"(?:\b(?:birth|born|dob|birthday|date)\b.{0,100}|\b(?:on|dated|signed|since|from|until)\s+(?:\w+\s+)?)$",
    re.IGNORECASE | re.DOTALL,
)
# An age reached on a day is a birthday: "she'll be nine on March 2nd", "turns 40 on the 3rd of May".
_AGE_ON = re.compile(
    rf"(?:\b(?:\d{{1,3}}|{UNIT_WORDS}|{_TEENS_WORD}|{TENS_WORDS}(?:[-\s]{UNIT_WORDS})?)\s+on\s+(?:the\s+)?)$"
)
_BIRTH_CONTEXT = re.compile(r"\b(born|birthday|birth ?date|date of birth|dob|d\.o\.b)\b", re.IGNORECASE)
_DAY_MONTH = [
    re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b", re.I),
    re.compile(rf"\b(?:the\s+)?(?:{_DAY}|{_SPOKEN_DAY})\s+of\s+{_MONTH}", re.I),
    re.compile(rf"\b(?:{_DAY}|{_SPOKEN_DAY})\s+{_MONTH}", re.I),
    re.compile(r"(?<![\w/.-])\d{1,2}/\d{1,2}(?![\w/-]|\.\d)"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_OTHER_MONTH}\b|\b{_OTHER_MONTH}\s+{_DAY}\b", re.I),
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
    yield from hits_of(_SPOKEN_SLASH_DATE, text, "date", 0.85, "spoken date with slashes")
    for m in _SPOKEN_NUMERIC_DATE.finditer(text):
        if _joined_to_a_number(text, m.start(), m.end()):
            continue
        if _SPOKEN_DATE_CONTEXT.search(before(text, m.start(), 120)):
            yield Hit(m.start(), m.end(), "date", 0.8, "spoken numeric date")
        elif _FULL_YEAR_END.search(m[0]):  # "he died nine eleven two thousand nineteen"
            yield Hit(m.start(), m.end(), "date", 0.6, "spoken numeric date with a full year")
    for pattern in _DAY_MONTH:
        for m in pattern.finditer(text):
            if _BIRTH_CONTEXT.search(before(text, m.start(), 100) + text[m.end() : m.end() + 70]) or (
                _AGE_ON.search(before(text, m.start(), 30))
            ):
                yield Hit(m.start(), m.end(), "date", 0.85, "birthday")


# -- addresses ----------------------------------------------------------------------------------

_STREET_TYPE = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|terrace|ter"
    r"|parkway|pkwy|circle|cir|highway|hwy|trail|trl|square|sq|pike|alley|row|crescent|close|loop|run"
    r"|plaza|path|point|pt|expressway|expy|freeway|fwy|turnpike|tpke|causeway|bypass|crossing|grove|ridge"
    r"|cove|landing|commons|center|centre|ctr|concourse|esplanade|promenade)\b\.?"
)
_UNIT = (
    r"(?:,?\s+(?:(?:(?:apt|apartment|unit|suite|ste|room|rm|no|floor|fl)\b|#)\.?\s*#?\s*[\w-]+"
    r"|(?:first|second|third|fourth|fifth|ground|top|\d{1,2}(?:st|nd|rd|th))\s+floor))?"
)
_STATE_NAMES = rf"(?:{'|'.join(STATE_NAMES)})"  # in lower case: "ohio", "new mexico"
_CITY = r"(?:,\s+[A-ZÀ-Þ][a-zß-ÿ]+(?:\s+[A-ZÀ-Þ][a-zß-ÿ]+)?(?:,?\s+(?:[A-Z]{2}|[A-ZÀ-Þ][a-zß-ÿ]+)(?=\W|$))?)?"
_STREET = re.compile(
    r"\b(?-i:[NSEW])?\d{1,6}[A-Za-z]?(?:\s*½|\s+1/2|\s+and\s+a\s+half)?"
    r"(?:\s+(?:[NSEW]{1,2}\.?|(?:north|south)(?:east|west)?|east|west|old))?"
    rf"(?:\s+(?:\d{{1,3}}(?:st|nd|rd|th)|[A-Za-z][\w'.-]*)){{1,3}}\s+{_STREET_TYPE}{_UNIT}",
    re.IGNORECASE,
)
_ROUTE = re.compile(
    r"\b[NSEW]?\d{1,6}\s+(?:(?:state|county|us|u\.s\.|indian|tribal|navajo)\s+)?(?:route|rte|rt|highway|hwy|road)\.?"
    rf"\s+(?:\d{{1,4}}[A-Za-z]?|(?-i:[A-Z]{{1,2}}))\b{_UNIT}",
    re.IGNORECASE,
)
# A house number and a street name with no street type, recognisable by the ZIP after it
# ("5521 North Kenmore, 2F, 60640"; "Five five two one North Kenmore, 2F, 60640").
_NUMBER_NAME_ZIP = re.compile(
    rf"\b(?:\d{{1,6}}[A-Za-z]?|(?i:{DIGIT_WORDS}(?:[\s-]+{DIGIT_WORDS}){{1,5}}))"
    r"(?:\s+(?:(?:North|South)(?:east|west)?|East|West|[NSEW]{1,2}\.?))?(?:\s+[A-Z][\w'.-]*){1,3}"
    r"(?:,\s*(?:(?i:apt|apartment|unit|suite|ste|#)\.?\s*)?#?[\w-]{1,6})?"
    r"(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?){0,2}(?=,?\s+\d{5}(?:-\d{4})?\b)",
)
# ASR text in lower case: "4410 north broadway chicago 60640" (a direction word makes it a street).
_LOWER_NUMBER_NAME_ZIP = re.compile(
    r"\b\d{1,6}\s+(?:north|south|east|west)(?:\s+[a-z][a-z'-]*){1,3}(?=\s+\d{5}(?:-\d{4})?\b)"
)
_BUILDING_STREET = re.compile(
    rf"\bBuilding\s+[\w-]{{1,10}},?\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?\s+{_STREET_TYPE}", re.IGNORECASE
)
_MILITARY = re.compile(r"\b(?:Unit|PSC|CMR)\s+\d{3,5},?\s+Box\s+\d{1,5},?\s+(?:APO|FPO|DPO)(?:\s+A[AEP])?\b")
# Street types that come first ("1108 Calle Jacinto, number B").
_CONNECTOR = r"(?:de|del|la|las|los|da|das|do|dos|di|della|des|du|le|van|von)"
_TYPE_FIRST = r"(?:Calle|Avenida|Av\.|Rue|rue|Via|Camino|Paseo|Rua|Carrera|[Bb]oulevard|[Cc]hemin)"
_STREET_FIRST = re.compile(
    rf"\b\d{{1,6}},?\s+{_TYPE_FIRST}\s+(?:(?:{_CONNECTOR}|d'|l')\s*){{0,2}}[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?"
    r"(?:,\s*(?:(?i:apt|apartment|app|unit|suite|ste|number|no\.?|#)\.?\s*)?#?[\w-]{1,6})?"
)
# House numbers read aloud ("eleven thirty three east forest avenue", "Thirty-nine Alder Street").
_SPOKEN_HOUSE = (
    rf"(?:{UNIT_WORDS}\s+thousand(?:\s+(?:and\s+)?{UNIT_WORDS}\s+hundred)?(?:\s+(?:and\s+)?{SPOKEN_TOKEN})?"
    rf"|{SPOKEN_TOKEN}\s+hundred(?:\s+(?:and\s+)?{SPOKEN_TOKEN})?"  # "nineteen hundred"
    rf"|{SPOKEN_TOKEN}(?:[\s-]+{SPOKEN_TOKEN}){{0,3}})"
)
_DIRECTION_WORD = r"(?:(?:north|south)(?:east|west)?|east|west)"
# Where a ZIP code read digit by digit starts: a unit's number stops before it
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_FIVE_SINGLE_DIGITS = rf"{_DIGIT_WORD}(?:\s+{_DIGIT_WORD}){{4}}\b"
_SPOKEN_UNIT = (
    rf"(?:,?\s+(?:apt|apartment|unit|suite|ste|number)\.?\s*#?\s*(?:\d{{1,5}}[A-Za-z]?\b|{SPOKEN_TOKEN}"
    rf"(?:\s+(?!{_FIVE_SINGLE_DIGITS}){SPOKEN_TOKEN}){{0,2}}\b(?:\s+[a-z]\b)?|[A-Za-z]\b))?"
)
_STREET_WORD = rf"(?:\s+(?!{SPOKEN_TOKEN}\b)[A-Za-z][\w'-]*)"
_SPOKEN_STREET = re.compile(
    rf"\b(?P<house>{_SPOKEN_HOUSE}),?(?:\s+(?:{_DIRECTION_WORD}|[nsewNSEW]\.))?(?P<name>{_STREET_WORD}{{1,3}})\s+{_STREET_TYPE}"
    rf"{_SPOKEN_UNIT}",
    re.IGNORECASE,
)
# A house number, a direction and a name, then a unit: a street with its type left out
# ("three thirty three south kingshighway suite four hundred", "333 South Kingshighway, Suite 400").
_DIRECTION_NAME_UNIT = re.compile(
    rf"\b(?P<house>\d{{1,6}}|{_SPOKEN_HOUSE})\s+{_DIRECTION_WORD}(?P<name>{_STREET_WORD}{{1,2}})"
    r"(?=,?\s+(?:apt|apartment|unit|suite|ste)\b)",
    re.IGNORECASE,
)
# "six oh five northrup suite two hundred", "on eight hundred east main": a long house number with a
# unit after the name, or a direction before it.
_NAME_UNIT = re.compile(
    rf"\b(?P<house>\d{{3,6}}|{_SPOKEN_HOUSE})(?P<name>{_STREET_WORD}{{1,2}})(?=,?\s+(?:apt|apartment|suite|ste)\b)",
    re.IGNORECASE,
)
_SPOKEN_DIRECTION_NAME = re.compile(
    rf"\b(?:on|at|to|from)\s+(?P<house>{_SPOKEN_HOUSE})\s+{_DIRECTION_WORD}(?P<name>{_STREET_WORD})\b"
)
# "214 Main in Pocahontas": Main Street and Broadway are named without their type.
_MAIN_STREET = re.compile(r"\b\d{1,6}\s+(?:(?:North|South|East|West|N|S|E|W)\.?\s+)?(?:Main|Broadway)\b")
# "forty forty broadway", "one twenty three main in town": read aloud, where an address ends
_SPOKEN_MAIN_STREET = re.compile(
    rf"\b(?P<house>{_SPOKEN_HOUSE})\s+(?:{_DIRECTION_WORD}\s+)?(?:main|broadway)\b"
    r"(?=\s*(?:[,.;?!]|$)|\s+(?:in|and|apartment|apt|suite|unit|near|by|across|downtown|over)\b)",
    re.IGNORECASE,
)
_MAIN_OR_BROADWAY = re.compile(r"\b(?:main|broadway)\b")
_ROAD_WORD = re.compile(r"\b(?:route|highway|road)\b")
_STATE_NAME = re.compile(rf"\b{_STATE_NAMES}\b")
# "seventy seven highway forty nine": a house on a numbered road, read aloud
_SPOKEN_ROUTE = re.compile(
    rf"\b(?P<house>{_SPOKEN_HOUSE})\s+(?:(?:state|county|us|indian|tribal|navajo)\s+)?"
    r"(?:route|highway|county road|farm road)\s+"
    rf"{SPOKEN_TOKEN}(?:\s+{SPOKEN_TOKEN})?\b",
    re.IGNORECASE,
)
# A house number and a name right before a spoken ZIP code ("ninety one forty two greenfield thats ...").
_HOUSE_NAME_BEFORE = re.compile(
    rf"\b(?P<house>\d{{1,6}}|{_SPOKEN_HOUSE})(?:\s+{_DIRECTION_WORD})?(?P<name>{_STREET_WORD}{{1,2}})"
    r"(?:\s+that'?s)?,?(?:\s+(?:the\s+)?zip(?:\s+code)?(?:\s+is)?)?,?\s*$",
    re.IGNORECASE,
)
# Street types that come first, the number after ("Calle Morelos 118", "Rua das Flores 45"), and
# street words of other languages before or in the number's name ("Laisvės alėja 41-3", "Kungsgatan 12",
# "Dongdeok-ro 40-gil").
_STREET_THEN_NUMBER = re.compile(
    rf"\b(?:{_TYPE_FIRST}|Viale|Calzada|Privada|Ulica|ul\.|Travessa|Largo"
    rf"|Praça|Praca|Estrada|Alameda|Carrer|Avinguda|Piazza|Corso|Vicolo|Chemin|Allée|Plaza)"
    rf"(?:\s+(?:{_CONNECTOR}|[A-ZÀ-Þ][\w'.-]*)){{1,5}},?\s+(?:(?i:no\.?|n[°º]|#)\s*)?\d{{1,5}}[A-Za-z]?(?:[-/]\d{{1,4}})?\b"
)
_FOREIGN_STREET = re.compile(
    r"\b[A-ZÀ-Þ][\w'-]*(?:\s+[A-ZÀ-Þ][\w'-]*)?(?:"
    r"(?:straße|strasse|str\.|gatan|gata|gasse|weg|straat|laan|vej|gade|veien|katu|-ro|-gil|-daero|-dong)"
    r"|\s+(?:alėja|gatvė|prospektas|iela|ulica|utca|út|caddesi|sokak|sokağı|cadde|straße|strasse))"
    r",?\s+\d{1,5}[A-Za-z]?(?:[-/]\d{1,4})?(?:-gil)?\b"
)
_NUMBER_DIRECTION_NAME = re.compile(r"\b\d{3,6}\s+(?:North|South|East|West)\s+[A-Z][a-z]{3,}\b(?!\s+[A-Z])")
_BOX_CITY = re.compile(r"\bBox\s+\d{1,6}(?=,\s*[A-Z][a-z])")  # "Box 2209, Hartford, Connecticut"
_PO_BOX = re.compile(
    rf"\b(?:p\.?\s?o\.?|post office)\s*box\s+(?:\d+\b|{SPOKEN_TOKEN}(?:[\s-]+{SPOKEN_TOKEN}){{0,5}}\b)",
    re.IGNORECASE,
)
_RURAL = re.compile(
    rf"\b(?:rural route|r\.?r\.?|rr)\s*#?\s*(?:\d+|{SPOKEN_TOKEN})(?:,?\s*box\s+(?:\d+|{SPOKEN_TOKEN}))?\b",
    re.IGNORECASE,
)
# "Calle 45 #12-30": a Colombian address, the street's number, then the cross street's and the house's
_GRID_ADDRESS = re.compile(
    r"\b(?:Calle|Carrera|Cra\.?|Cl\.?|Avenida|Diagonal|Transversal)\s+\d{1,3}\s?[A-Z]?"
    r"\s*(?:#|No\.?|N[°º])\s*\d{1,3}\s?[A-Z]?\s?-\s?\d{1,3}\b"
)
# "Lincolnwood Drive, 2910, Skokie": the street first, then the house number and the city
_STREET_THEN_HOUSE = re.compile(
    rf"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?=[A-Z])(?i:{_STREET_TYPE}),\s+\d{{1,6}}[A-Za-z]?(?=,\s+[A-Z][a-z])"
)
# "Carretera Costera Km 14.5, Cancún": a place on a highway given by its kilometre
_KILOMETRE = re.compile(r"\bCarretera(?:\s+[A-ZÀ-Þ][\w'-]*){1,3},?\s+Km\.?\s*\d{1,3}(?:[.,]\d{1,3})?")
# "Plot 17, Block C, Ahodwo", "House No. 12, Sector 4": addresses given by plot, house and block
_PLOT = re.compile(
    r"\b(?:Plot|House\s+No\.?|House\s+number|Flat)\s+(?:No\.?\s*)?\d{1,5}[A-Za-z]?"
    r"(?:,?\s+(?:Block|Sector|Phase)\s+[A-Z0-9]{1,3}\b)?(?=,?\s+[A-Z])"
)
# "the 2100 block of Fairmont": where police reports put an address
_BLOCK_OF = re.compile(
    rf"\b(?P<house>\d{{2,5}}|{_SPOKEN_HOUSE})\s+block\s+of(?:\s+{_DIRECTION_WORD})?(?P<name>{_STREET_WORD}{{1,2}}?)"
    rf"(?:\s+{_STREET_TYPE})?",
    re.IGNORECASE,
)
# "six fifteen elm in tulsa oklahoma": a house number and a name, then a city and its state
_NAME_CITY_STATE = re.compile(
    rf"\b(?P<house>\d{{3,6}}|{_SPOKEN_HOUSE})(?:\s+{_DIRECTION_WORD})?(?P<name>{_STREET_WORD}{{1,2}})"
    rf",?\s+in\s+[A-Za-z][\w'.-]*(?:\s+[A-Za-z][\w'.-]*)?,?\s+{_STATE_NAMES}\b",
    re.IGNORECASE,
)


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
    "minute",
    "minutes",
    "mile",
    "miles",
    "hour",
    "hours",
    "block",
    "blocks",
    "year",
    "years",
    "day",
    "days",
    "dollar",
    "dollars",
    "times",
    "ill",
    "i'll",
    "we'll",
    "you'll",
    "will",
    "can",
    "just",
}
_NUMBER_WORD = re.compile(rf"{SPOKEN_TOKEN}|hundred|thousand|and", re.IGNORECASE)


def _house_and_name(m: re.Match[str]) -> bool:
    """A house number of two digits or more and a street name of words that can name a street:
    not "one long road", "forty five minute drive" or "twenty twenty two road"."""
    capitalised = m["house"][:1].isupper() and all(w[:1].isupper() for w in m["name"].split())
    if len(spoken_digits(m["house"])) < 2 and not capitalised:
        return False
    words = [w.strip(".,").lower() for w in m["name"].split()]
    return not any(w in _NOT_STREET_WORDS or _NUMBER_WORD.fullmatch(w) for w in words)


def street_stem(address: str) -> str | None:
    """The house number and street name of an address, said again without the street type
    (``"Thirty-nine Alder Street, Apt 2"`` -> ``"Thirty-nine Alder"``), when it has both."""
    m = re.match(rf"(\S+(?:\s+\S+){{1,4}}?)\s+{_STREET_TYPE}", address, re.IGNORECASE)
    return m[1] if m else None


def street_name(address: str) -> str | None:
    """The name of the street in an address with a house number and a street type
    (``"forty one ten larkspur avenue"`` -> ``"larkspur"``), to find it again with another number."""
    word = rf"(?!{SPOKEN_TOKEN}\b)[A-Za-z][\w'-]*"
    m = re.match(
        rf"(?:\d{{1,6}}[A-Za-z]?|{_SPOKEN_HOUSE})\s+(?:{_DIRECTION_WORD}\s+)?(?P<name>{word}(?:\s+{word})?)"
        rf"\s+{_STREET_TYPE}",
        address,
        re.IGNORECASE,
    )
    if not m or any(w.lower() in _NOT_STREET_WORDS | {"grand"} for w in m["name"].split()):
        return None  # "two hundred grand" is money
    return m["name"] if len(m["name"]) >= 4 else None


def houses_on(streets: list[str]) -> re.Pattern[str] | None:
    """A house number (three digits or more, checked by the caller) before one of ``streets``."""
    if not streets:
        return None
    names = "|".join(re.escape(n) for n in sorted(streets, key=len, reverse=True))
    return re.compile(
        rf"\b(?P<house>\d{{1,6}}[A-Za-z]?|{_SPOKEN_HOUSE})\s+(?:{_DIRECTION_WORD}\s+)?(?:{names})\b",
        re.IGNORECASE,
    )


def _with_city(text: str, end: int) -> int:
    """``end`` moved past a following ", City, ST" ("..., Suite 4, Lancaster, Ohio")."""
    city = re.match(_CITY, text[end:])
    return end + len(city[0]) if city else end


@detector("address")
def addresses(text: str) -> Iterator[Hit]:
    for m in _STREET.finditer(text):
        words = {w.lower().strip(".") for w in re.sub(r"(?i)\s+and\s+a\s+half\b", "", m[0]).split()[1:-1]}
        if words & _NOT_STREET_WORDS or re.match(r"(?i:dr)\.?\s+[A-Z]", text[m.end() - 3 :].lstrip(" ,")):
            continue  # "2 now. Dr. Iyer", "Chem 1152 with Dr. Lindgren": a title, not a street
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.9, "street address")
    for pattern, confidence in ((_NUMBER_NAME_ZIP, 0.75), (_LOWER_NUMBER_NAME_ZIP, 0.7)):
        yield from hits_of(pattern, text, "address", confidence, "number and name before a zip")
    for m in _ROUTE.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.85, "numbered route")
    yield from hits_of(_PO_BOX, text, "address", 0.9, "po box")
    yield from hits_of(_MILITARY, text, "address", 0.9, "military post")
    for m in _BUILDING_STREET.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.8, "building and street")
    for m in _STREET_FIRST.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.85, "street type first")
    for pattern, rule in (
        (_SPOKEN_STREET, "spoken street address"),
        (_DIRECTION_NAME_UNIT, "street and unit"),
    ):
        for m in pattern.finditer(text):
            if _house_and_name(m):
                yield Hit(m.start(), m.end(), "address", 0.8, rule)
    for pattern in (_NAME_UNIT, _SPOKEN_DIRECTION_NAME):
        for m in pattern.finditer(text):
            if _house_and_name(m) and len(spoken_digits(m["house"])) >= 3:
                yield Hit(m.start("house"), m.end(), "address", 0.7, "house number and name, no street type")
    yield from hits_of(_MAIN_STREET, text, "address", 0.75, "main street")
    lower = text.lower()
    for (
        pattern,
        rule,
        word,
    ) in (  # each tried only where its word is: a house number read aloud is slow to try
        (_SPOKEN_MAIN_STREET, "main street read aloud", _MAIN_OR_BROADWAY),
        (_SPOKEN_ROUTE, "numbered road read aloud", _ROAD_WORD),
    ):
        for m in pattern.finditer(text) if word.search(lower) else ():
            if len(spoken_digits(m["house"])) >= 2:
                yield Hit(m.start(), m.end(), "address", 0.7, rule)
    for start, _ in _spoken_zips(text):
        m = _HOUSE_NAME_BEFORE.search(text, max(0, start - 60), start)
        if m and _house_and_name(m):
            yield Hit(m.start(), m.end("name"), "address", 0.7, "number and name before a zip")
    for pattern, rule in (
        (_STREET_THEN_NUMBER, "street type then number"),
        (_FOREIGN_STREET, "foreign street"),
    ):
        for m in pattern.finditer(text):
            yield Hit(m.start(), _with_city(text, m.end()), "address", 0.8, rule)
    yield from hits_of(_NUMBER_DIRECTION_NAME, text, "address", 0.7, "number, direction and name")
    for m in _BOX_CITY.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.8, "box and city")
    yield from hits_of(_RURAL, text, "address", 0.8, "rural route")
    for m in _STREET_THEN_HOUSE.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.75, "street, then house number")
    for m in _KILOMETRE.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.8, "kilometre of a highway")
    for m in _PLOT.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.75, "plot, house or block")
    for m in _GRID_ADDRESS.finditer(text):
        yield Hit(m.start(), _with_city(text, m.end()), "address", 0.9, "grid address")
    for m in _BLOCK_OF.finditer(text) if "block" in lower else ():
        if _house_and_name(m):
            yield Hit(m.start(), m.end(), "address", 0.75, "block of a street")
    for m in _NAME_CITY_STATE.finditer(text) if _STATE_NAME.search(lower) else ():
        if _house_and_name(m) and len(spoken_digits(m["house"])) >= 3:
            yield Hit(m.start(), m.end(), "address", 0.7, "house number and name in a city and state")


_ZIP = re.compile(r"(?<![\w$.,#/-])\d{5}(?:-\d{4})?(?![\w.,%/-]*\d|\s*(?:%|percent|dollars|bucks|steps|mg))")
_STATE = rf"(?:{'|'.join(STATE_CODES)}|[A-Z][a-z]+)"
_ZIP_CONTEXT = re.compile(
    rf"((?i:\bzip\b|\bpostal\b|\bpostcode\b)|,?\s{_STATE}\.?,?\s*$|(?i:\b{_STATE_NAMES},?\s*$))"
)
_SPOKEN_RUN = re.compile(rf"\b{SPOKEN_TOKEN}(?:[\s,-]+{SPOKEN_TOKEN}){{1,4}}\b", re.IGNORECASE)
_ONE_DIGIT = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN_FIVE = re.compile(rf"(?<![\w'-]){_ONE_DIGIT}(?:[\s,-]+{_ONE_DIGIT}){{4}}(?![\w'-])", re.IGNORECASE)
_NEAR_STREET = re.compile(
    rf"\b(?:{_STREET_TYPE}|box|apt|apartment|suite|unit)"
    r"(?!.*\b(?:phone|cell|call|social|account|member|policy|claim|case|order)\b)",
    re.I,
)


_ZIP_AFTER = re.compile(r"\W{0,3}(?:is|that'?s|thats)?\s*(?:the|my|our|her|his|their)?\s*zip\b", re.I)


# "H2J 2L3": letter, digit, letter, digit, letter, digit (no D, F, I, O, Q, U; no W or Z first)
_CANADIAN_POSTCODE = re.compile(
    r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])"
)


def _spoken_zips(text: str) -> Iterator[tuple[int, int]]:
    """Five digits read one by one where a ZIP code goes: after "zip", a state, or a street address,
    or followed by "zip" ("four eight two two eight, different zip")."""
    end = 0
    for word in re.finditer(rf"\b{_ONE_DIGIT}\b", text, re.IGNORECASE):
        m = _SPOKEN_FIVE.match(text, word.start()) if word.start() >= end else None
        if not m or _part_of_another_number(text, m.start(), m.end()):
            continue  # five digits of a longer number (not "apartment three, nine four one one eight")
        said_zip = re.search(r"\bzip\b", before(text, m.start(), 60) + text[m.end() : m.end() + 30], re.I)
        if said_zip or _where_a_zip_goes(text, m.start()):
            end = m.end()
            yield m.start(), m.end()


def _where_a_zip_goes(text: str, start: int) -> bool:
    """After a state (or a state code) or a street, unit or box a sentence or so back."""
    window = before(text, start, 70)
    return bool(_ZIP_CONTEXT.search(window[-30:]) or _NEAR_STREET.search(window))


def _part_of_another_number(text: str, start: int, end: int) -> bool:
    """Five digits that belong to a longer number, a record's number or a code read with dashes
    ("apartment three, nine four one one eight" is a ZIP code; "bottle number t h dash two two four
    zero one" is not)."""
    return (
        _joined_to_a_number(text, start, end)
        or record_context(text, start)
        or bool(re.search(r"\b(?:dash|hyphen)\s*$", before(text, start, 10)))
    )


def _joined_to_a_number(text: str, start: int, end: int) -> bool:
    """Whether a number word touches ``text[start:end]`` with no comma between."""
    prev = re.search(r"(\S+)\s*$", text[max(0, start - 20) : start])
    if prev and re.search(rf"\b{UNIT_WORD}\s+\S+\s*$", text[max(0, start - 30) : start]):
        prev = None  # "apartment fourteen | four three two one nine": the unit's number, then a ZIP code
    nxt = re.match(r"\s*(\S+)", text[end : end + 20])
    if (
        nxt
        and re.fullmatch(r"(?i)oh|o", nxt[1])
        and not re.match(rf"\s*\S+\s+{SPOKEN_TOKEN}\b", text[end:], re.I)
    ):
        nxt = None  # "... four three two one six oh and marisol": an "oh" of surprise, not a zero
    return any(
        w and re.fullmatch(SPOKEN_TOKEN, w.strip(".,"), re.IGNORECASE) and not sep_comma
        for w, sep_comma in (
            (prev[1] if prev else "", bool(prev) and prev[1].endswith(",")),
            (nxt[1] if nxt else "", text[end : end + 1] == ","),
        )
    )


@detector("zip")
def zips(text: str) -> Iterator[Hit]:
    for m in _ZIP.finditer(text):
        if record_context(text, m.start()):
            continue  # "Interpreter 40817", "member ID 40817"
        if _ZIP_CONTEXT.search(text[max(0, m.start() - 30) : m.start()]):
            yield Hit(m.start(), m.end(), "zip", 0.9, "zip after state or 'zip'")
        elif "-" in m[0] and record_context(text, m.start(), nearby=True):
            continue  # "the account number on the top is 00719-3342"
        elif "-" in m[0]:
            yield Hit(m.start(), m.end(), "zip", 0.8, "zip+4")
        elif not before(text, m.start(), 12).rstrip().endswith(("$", "the", "about")):
            yield Hit(m.start(), m.end(), "zip", 0.5, "five digits")
    for start, end in _spoken_zips(text):
        yield Hit(start, end, "zip", 0.8, "spoken zip")
    yield from hits_of(_CANADIAN_POSTCODE, text, "zip", 0.85, "canadian postal code")
    for m in _SPOKEN_RUN.finditer(text):
        if len(spoken_digits(m[0])) == 5 and not _part_of_another_number(text, m.start(), m.end()):
            if _where_a_zip_goes(text, m.start()) or _ZIP_AFTER.match(text, m.end()):
                yield Hit(m.start(), m.end(), "zip", 0.75, "spoken zip in pairs")


def detect(text: str, lead: str = "") -> list[Hit]:
    """Every registered structured detector over ``text``, overlaps resolved (see :func:`resolve`).

    ``lead`` is the text just before (the previous turn): context only, so that an answer to
    "and the member ID?" reads as a record number. Its own identifiers are not returned.
    """
    if not lead:
        return resolve(_not_public(text, [h for fn in DETECTORS.values() for h in fn(text)]))
    lead = lead[-LEAD_WIDTH:] + LEAD_BREAK
    n = len(lead)
    hits = [Hit(h.start - n, h.end - n, h.category, h.confidence, h.rule)
            for fn in DETECTORS.values() for h in fn(lead + text) if h.start >= n]  # fmt: skip
    return resolve(_not_public(text, hits))


def _not_public(text: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` less any that are a crisis line, hotline or agency number (``public_numbers.txt``),
    under whatever category: "the hotline is 1-800-799-7233" names no one and stays readable."""
    public = public_numbers()
    return [
        h
        for h in hits
        if h.category not in ("phone", "record_number") or dialled(text[h.start : h.end]) not in public
    ]
