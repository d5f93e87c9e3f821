"""Phone and fax numbers, social security numbers and record numbers: the detectors that read numbers.

Whose number it is comes from the words around it as a reader would take them: "loan number
7730019458" is a record number, "my cell 6145550187" a phone number, nine digits after "social" a
social security number; with no telling word, from the number's shape.

Example:
    >>> from pipeline.privacy.patterns import detect
    >>> [(h.category, h.rule) for h in detect("The claim number is 8812046109, call 614-555-0187.")]
    [('record_number', 'number after record words'), ('phone', 'nanp')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from pipeline.privacy.hits import LEAD_BREAK, STATE_CODES, Hit, before, detector, hits_of

DIGIT_WORDS = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double\s+\w+)"
_EXT = r"(?:\s*,?\s*(?:x|ext\.?|extension)\s*\d{1,5})?"
# North American numbers: an area code never starts with 0 or 1.
_NANP = re.compile(
    rf"(?<![\w$])(?:\+?1[\s.-]?)?(?:\([2-9]\d{{2}}\)\s?|[2-9]\d{{2}}[\s.-]?)\d{{3}}[\s.-]?\d{{4}}{_EXT}(?![\w])",
    re.IGNORECASE,
)
# A number with a filler word inside it ("(608) 555, um, 0163").
_FILLER = r",?\s+(?:um+|uh+|er|erm|sorry|hold on|wait|let me see),?\s+"
_NANP_FILLER = re.compile(
    rf"(?<![\w$])(?:\([2-9]\d{{2}}\)|[2-9]\d{{2}})(?:{_FILLER}\d{{3}}[\s.-]?|[\s.-]?\d{{3}}{_FILLER})\d{{4}}{_EXT}(?![\w])",
    re.IGNORECASE,
)
_VANITY = re.compile(r"(?<![\w$])1[\s-]8[0-9]{2}[\s-](?:[0-9A-Z]{3}[\s-][0-9A-Z]{4}|[A-Z]{7,10})\b")
_INTL = re.compile(
    rf"(?<![\w+])(?:\+|011[\s.-]?|(?i:plus)\s+)\d{{1,3}}(?:[\s.-]?\(?\d{{1,5}}\)?){{2,5}}{_EXT}(?![\w])"
)
# Numbers dialled with a trunk zero (UK "07700 900417", "0161 496 0321", Australia "03 5550 1234")
_TRUNK = re.compile(r"(?<![\w$.,/:-])0(?!0)\d{1,4}[\s-]\d{3,6}(?:[\s-]\d{3,4})?(?![\w.,/:-]*\d)")
_LOCAL = re.compile(r"(?<![\w$.,/:-])(?:1-)?\d{3}[-.]\d{4}(?![\w.,/:-]*\d)")
# "call the desk on 555 0177", "(555) 0162": a local number written loosely, a phone's only after a phone word
_LOCAL_LOOSE = re.compile(r"(?<![\w$.,/:()-])(?:\(\d{3}\)\s?-?\s?|\d{3} (?:- )?)\d{4}(?![\w.,/:-]*\d|\s\d)")
_SEVEN_DIGITS = re.compile(r"(?<![\w$.,/:()-])[2-9]\d{6}(?![\w.,/:-]*\d)")
_LOCAL_SHAPE = re.compile(r"(?:1-)?\d{3}-\d{4}")  # how a local phone number is written: a phone's unless told
_PHONE_CONTEXT = re.compile(
    r"\b(call|phone|number|cell|mobile|fax|text|reach|dial|line|landline|office|voicemail|hotline)", re.I
)
_SSN = re.compile(r"(?<![\w-])(?!000|666)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_NINE = re.compile(r"(?<![\w-])\d{9}(?![\w-])")
_SSN_CONTEXT = re.compile(r"\b(ssn|social|security|ss#|ss number|soc sec)\b", re.IGNORECASE)


def _digit_count(s: str) -> int:
    return sum(c.isdigit() for c in s)


_KEYPAD = {
    c: d
    for d, letters in zip("23456789", "ABC DEF GHI JKL MNO PQRS TUV WXYZ".split(), strict=True)
    for c in letters
}


def dialled(number: str) -> str:
    """The ten digits a North American number dials: letters read off the keypad, no leading 1, no
    extension, letters past the tenth digit ignored (as a phone does).

    Example:
        >>> dialled("1-800-GAMBLER"), dialled("1-800-MEDICARE"), dialled("(800) 799-7233 ext 2")
        ('8004262537', '8006334227', '8007997233')
    """
    number = re.sub(r"(?i)\s*,?\s*(?:x|ext\.?|extension)\s*\d+$", "", number)
    digits = "".join(_KEYPAD.get(c, c) for c in number.upper() if c.isalnum())
    return (digits[1:] if len(digits) >= 11 and digits.startswith("1") else digits)[:10]


@cache
def public_numbers() -> frozenset[str]:
    """Crisis lines, hotlines and agencies (``public_numbers.txt``): they identify no one."""
    lines = (Path(__file__).with_name("public_numbers.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset(dialled(x.split()[0]) for x in lines if x.strip() and not x.startswith("#"))


@detector("phone")
def phones(text: str) -> Iterator[Hit]:
    for m in _NANP.finditer(text):
        if re.search(r"[A-Za-z0-9]-$", text[max(0, m.start() - 2) : m.start()]):
            continue  # "PA-7719228403": the tail of a prefixed id, not a phone number
        bare = _digit_count(m[0]) in (10, 11) and not re.search(r"[\s().+-]", m[0])
        if bare and _SSN_CONTEXT.search(before(text, m.start())):
            continue
        phone_context = _PHONE_CONTEXT.search(before(text, m.start()))
        if bare and (
            _nearest_owner(text, m.start(), 10) == "record_number"
            or _id_prefix_before(text, m.start(), caps=True)
            or (not phone_context and record_context(text, m.start(), nearby=True))
        ):
            continue  # "loan number 7730019458", "the EDIPI, 1284467301": a record number
        confidence = 0.75 if bare and not phone_context else 0.95
        yield Hit(m.start(), m.end(), "phone", confidence, "nanp")
    yield from hits_of(_NANP_FILLER, text, "phone", 0.85, "nanp with a filler word")
    yield from hits_of(_VANITY, text, "phone", 0.9, "toll free")
    for m in _INTL.finditer(text):
        if 8 <= _digit_count(m[0]) <= 15:
            yield Hit(m.start(), m.end(), "phone", 0.9, "international")
    for m in _TRUNK.finditer(text):
        if (
            (
                _digit_count(m[0]) in (10, 11) or re.fullmatch(r"0[1-9]-\d{3}-\d{4}", m[0])
            )  # Seoul: 02-555-0176
            and not _id_prefix_before(text, m.start(), caps=True)
            and _nearest_owner(text, m.start(), 10) != "record_number"
        ):
            confidence = 0.9 if _PHONE_CONTEXT.search(before(text, m.start())) else 0.6
            yield Hit(m.start(), m.end(), "phone", confidence, "national number")
    for m in _LOCAL.finditer(text):
        extension = re.match(r",?\s*(?:x|ext\.?|extension)\s*\d", text[m.end() : m.end() + 16], re.IGNORECASE)
        if extension or _PHONE_CONTEXT.search(before(text, m.start())):
            yield Hit(m.start(), m.end(), "phone", 0.7, "local number")
        elif _nearest_owner(text, m.start(), 7) != "record_number":
            yield Hit(m.start(), m.end(), "phone", 0.6, "local number shape")
    for m in _LOCAL_LOOSE.finditer(text):
        if _nearest_owner(text, m.start(), 7) == "phone":
            yield Hit(m.start(), m.end(), "phone", 0.7, "local number after a phone word")
        elif m[0].startswith("(") and _nearest_owner(text, m.start(), 7) is None:
            yield Hit(m.start(), m.end(), "phone", 0.6, "local number in brackets")
    for m in _SEVEN_DIGITS.finditer(text):
        if _nearest_owner(text, m.start(), 7) == "phone":
            yield Hit(m.start(), m.end(), "phone", 0.7, "local number after a phone word")
        elif m[0].startswith("(") and _nearest_owner(text, m.start(), 7) is None:
            yield Hit(m.start(), m.end(), "phone", 0.6, "local number in brackets")
    yield from _digit_by_digit(text)


# Numbers said one digit at a time ("five five five, oh one...", "1 8 4 4 2 0 9 7 3"): whose number it
# is comes from the nearest telling word before it, else from a letter prefix ("inc zero zero nine..."),
# else from how many digits there are.
_SPACED_SINGLE_DIGITS = re.compile(r"(?<![\w-])\d(?:(?:,? | - |-)\d){4,24}(?![\w-])")
_PHONE_WORDS = re.compile(
    r"\b(?:call|ring|phone|cell|mobile|fax|text|reach|dial|line|landline|voicemail|hotline|extension)", re.I
)
_ID_PREFIX = re.compile(r"(?<![\w'])(?:[A-Z](?:[-. ]?[A-Z]){0,3}|[a-z]{1,4})[\s,.:-]{1,3}$")
_CAPS_PREFIX = re.compile(r"(?<![\w'])[A-Z](?:[-. ]?[A-Z]){0,3}[\s,.:-]{1,3}$")
_NOT_PREFIX = {
    "is", "was", "at", "on", "to", "of", "in", "my", "and", "the", "or", "it", "its", "a", "an", "me", "be",
    "so", "uh", "um", "oh", "ok", "no", "yes", "yep", "by", "as", "for", "are", "his", "her", "our", "i",
    "s", "then", "that", "thats", "like", "just", "from", "with", "one", "two", "six", "ten",
}  # fmt: skip


def _id_prefix_before(text: str, start: int, caps: bool = False) -> re.Match[str] | None:
    """A short letter code right before ``start`` ("clm 448219", "P 0 4 8...", "I-O-E, zero nine");
    ``caps``: capitals only (a short lowercase word before a number is as often "card" or "okay")."""
    m = (_CAPS_PREFIX if caps else _ID_PREFIX).search(text[max(0, start - 12) : start])
    return m if m and re.sub(r"[\s,.:-]", "", m[0]).lower() not in _NOT_PREFIX else None


def _caps_prefix_start(text: str, start: int) -> int:
    """Where a capital letter code right before ``start`` begins ("plate JRD 4471"), else ``start``."""
    m = _id_prefix_before(text, start, caps=True)
    return start - len(m[0]) if m else start


# Words after which a number read without its dots is an IP address ("the router said one ninety two one
# sixty eight ..."). "address" alone is not one: it is as often a house's.
IP_WORDS = re.compile(
    r"\b(?:ip|i\.?\s?p\.?|ipv4|router|gateway|server|modem|vpn|subnet|dns|source address)\b", re.IGNORECASE
)


def splits_into_octets(digits: str) -> bool:
    """Whether ``digits`` can be read as four parts of one to three digits, each at most 255."""
    if not 4 <= len(digits) <= 12:
        return False
    return any(
        all(int(part) <= 255 for part in (digits[:a], digits[a:b], digits[b:c], digits[c:]))
        for a in range(1, 4)
        for b in range(a + 1, a + 4)
        for c in range(b + 1, b + 4)
        if 1 <= len(digits) - c <= 3
    )


# "read my social for the report, five two nine ...": a word after "for the" says what the number is for,
# not whose it is.
_PURPOSE = re.compile(
    r"\b(?:for|as)\s+(?:the|a|an|my|his|her|their|our|your)\s+(?:[a-z]+\s+){0,2}$", re.IGNORECASE
)


def _nearest_owner(text: str, start: int, digits: int, octets: bool = False, width: int = 60) -> str | None:
    """``ssn``, ``phone``, ``record_number`` or ``ip_address``: whose telling word comes last in the
    ``width`` characters before, among those a number of ``digits`` digits can be (a phone number never
    has nine; an IP address only when the caller says the digits read as ``octets``). A record word after
    "for the" ("my social for the report") names a purpose, not an owner, unless it names the number."""
    window = before(text, start, width)
    direct = _NAMED_NUMBER.search(window[-40:])  # "for the equipment check number 10442": its own number
    fits = {
        "ssn": digits == 9,
        "phone": digits in (7, 10, 11),
        "record_number": digits >= 4,
        "ip_address": octets,
    }
    last = {
        category: max(
            (
                m.end()
                for m in pattern.finditer(window)
                if category != "record_number" or direct or not _PURPOSE.search(window, 0, m.start())
            ),
            default=-1,
        )
        for category, pattern in (
            ("ssn", _SSN_CONTEXT),
            ("phone", _PHONE_WORDS),
            ("record_number", _SPECIFIC_RECORD_WORDS),
            ("ip_address", IP_WORDS),
        )
        if fits[category]
    }
    category = max(last, key=lambda c: last[c], default=None)
    return category if category and last[category] >= 0 else None


UNIT_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
TENS_WORDS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_PAIR = (
    rf"(?:{TENS_WORDS}(?:[-\s]{UNIT_WORDS})?|ten|eleven|twelve"
    rf"|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:oh|zero)[-\s]{UNIT_WORDS})"
)
SPOKEN_TOKEN = rf"(?:{_PAIR}|{DIGIT_WORDS})"
_HUNDRED = rf"(?:{UNIT_WORDS}\s+hundred(?:\s+(?:and\s+)?(?:{_PAIR}|{UNIT_WORDS}))?)"
_VALUES = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_VALUES.update(oh="0", o="0", ten="10", eleven="11", twelve="12", thirteen="13", fourteen="14", fifteen="15")
_VALUES.update(sixteen="16", seventeen="17", eighteen="18", nineteen="19")
_TENS = dict(twenty="2", thirty="3", forty="4", fifty="5", sixty="6", seventy="7", eighty="8", ninety="9")
# Spanish, as interpreted sessions keep it ("seis cero cuatro, treinta y nueve, veintidós ochenta y siete")
_ES_UNITS = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
_ES_TEENS = "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve".split()
_ES_TWENTIES = "veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete".split()
_ES_TWENTIES += ["veintiocho", "veintinueve"]
_VALUES.update({w: str(i) for i, w in enumerate(_ES_UNITS)} | {"una": "1"})
_VALUES.update({w: str(10 + i) for i, w in enumerate(_ES_TEENS + _ES_TWENTIES)})
_VALUES.update({w.replace("é", "e").replace("ó", "o"): v for w, v in _VALUES.items() if re.search("[éó]", w)})
_TENS.update(treinta="3", cuarenta="4", cincuenta="5", sesenta="6", setenta="7", ochenta="8", noventa="9")
_ES_UNIT = r"(?:uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)"
SPANISH_TOKEN = (
    rf"(?:(?:treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)(?:\s+y\s+{_ES_UNIT})?"
    rf"|dieci(?:s[ée]is|siete|ocho|nueve)|veinti(?:uno|d[óo]s|tr[ée]s|cuatro|cinco|s[ée]is|siete|ocho|nueve)"
    rf"|diez|once|doce|trece|catorce|quince|veinte|cero|{_ES_UNIT})"
)


def spoken_digits(spoken: str) -> str:
    """The digits a number read aloud stands for, in any mix of words and digits.

    Example:
        >>> spoken_digits("Three ninety, fifty-five, eighteen oh two")
        '390551802'
        >>> spoken_digits("six oh one, 44, double 3, one hundred")
        '6014433100'
    """
    out, words = [], re.findall(r"[^\W\d_]+|\d+|[,;]", spoken.lower())
    i = 0
    while i < len(words):
        w, nxt = words[i], words[i + 1] if i + 1 < len(words) else ""
        if w.isdigit():
            out.append(w)
        elif w == "double" and len(_VALUES.get(nxt, nxt)) == 1 and _VALUES.get(nxt, nxt).isdigit():
            out.append(_VALUES.get(nxt, nxt) * 2)
            i += 1
        elif w in _TENS:
            if nxt == "y" and i + 2 < len(words):  # "treinta y nueve"
                i, nxt = i + 1, words[i + 2]
            unit = _VALUES.get(nxt, "")
            joined = len(unit) == 1 and unit != "0"
            out.append(_TENS[w] + (unit if joined else "0"))
            i += joined
        elif w in _VALUES and nxt == "thousand":  # "two thousand one", "three thousand four hundred"
            digits, i = _thousands(words, i)
            out.append(digits)
        elif w in _VALUES and nxt == "hundred":  # "one hundred", "two hundred and five", "one hundred ten"
            j = i + 2 + (words[i + 2 : i + 3] == ["and"])
            rest = _below_hundred(words, j)
            out.append(_VALUES[w] + (rest[0].rjust(2, "0") if rest else "00"))
            i = (j + rest[1] - 1) if rest else i + 1
        elif w in _VALUES:
            out.append(_VALUES[w])
        i += 1
    return "".join(out)


def _thousands(words: list[str], i: int) -> tuple[str, int]:
    """The value of "X thousand [and] [Y hundred [and]] [Z]" starting at ``i``, and its last word's index."""
    padded = [*words, "", "", ""]
    j = i + 2 + (padded[i + 2] == "and")
    hundreds = "0"
    if padded[j] in _VALUES and padded[j + 1] == "hundred":
        hundreds = _VALUES[padded[j]]
        j += 2 + (padded[j + 2] == "and")
    rest = _below_hundred(words, j)
    if rest:
        return _VALUES[words[i]] + hundreds + rest[0].rjust(2, "0"), j + rest[1] - 1
    return _VALUES[words[i]] + hundreds + "00", j - 1


def _below_hundred(words: list[str], j: int) -> tuple[str, int] | None:
    """The value of the words at ``j`` that finish a hundred ("twenty-three", "five"), and how many."""
    w, nxt = (words + ["", ""])[j], (words + ["", ""])[j + 1]
    if w in _TENS:
        unit = _VALUES.get(nxt, "")
        return (_TENS[w] + unit, 2) if len(unit) == 1 and unit != "0" else (_TENS[w] + "0", 1)
    if w in _VALUES and w not in {"oh", "o"}:
        return _VALUES[w], 1
    return None


# Numbers read aloud one or two digits at a time, in any mix ("five thirty-one, forty-four, zero nine
# eight two"; "seventy-seven thirty, twenty-two fourteen"; "two four dash zero zero eight").
# Pauses between the pieces: "dash", a filler ("five three eight, um, seventy-two"), spaces, commas and
# dots, but not a sentence's end ("... nine zero one four. Five one eight ...").
_PAUSE = r"(?:,?\s+dash,?\s+|,?\s+(?:um+|uh+|er|erm)\b,?\s+|(?:[\s,-]|\.(?!\s+(?-i:[A-Z])))+)"
_SPOKEN_NUMBER = re.compile(rf"\b{SPOKEN_TOKEN}(?:{_PAUSE}{SPOKEN_TOKEN}){{2,24}}\b", re.IGNORECASE)
_SPANISH_NUMBER = re.compile(rf"\b{SPANISH_TOKEN}(?:{_PAUSE}{SPANISH_TOKEN}){{2,24}}\b", re.IGNORECASE)


# Words and digits mixed ("six oh one, 44, 3829"): a run with at least one of each.
_MIXED_NUMBER = re.compile(
    rf"(?<![\w-])(?:{SPOKEN_TOKEN}|\d{{1,4}})(?:(?:,?\s+dash,?\s+|[\s,.-]+)(?:{SPOKEN_TOKEN}|\d{{1,4}})){{2,24}}(?![\w-])",
    re.IGNORECASE,
)


_PRONOUN_ONE = re.compile(
    r"\b(?:same|this|that|the|no|each|every|which|any|another|only|other|new|old|right|wrong|correct|real|first"
    r"|last|whole|full)\s+$"
)


def _without_pronoun_one(pattern: re.Pattern[str], text: str, m: re.Match[str]) -> re.Match[str] | None:
    """``m`` less a first "one" that is a pronoun ("the social, same one, five two nine, ...")."""
    lead = re.match(r"one\b[\s,.-]+", m[0], re.IGNORECASE)
    if not lead or not _PRONOUN_ONE.search(before(text, m.start(), 12)):
        return m
    return pattern.match(text, m.start() + len(lead[0]))


def _runs(text: str) -> Iterator[tuple[re.Match[str], str, str]]:
    """Numbers read out in pieces, with the digits each stands for."""
    for m in _SPOKEN_NUMBER.finditer(text):
        if m := _without_pronoun_one(_SPOKEN_NUMBER, text, m):
            yield m, spoken_digits(m[0]), "spoken digits"
    for m in _SPANISH_NUMBER.finditer(text):
        yield m, spoken_digits(m[0]), "spoken digits (Spanish)"
    for m in _SPACED_SINGLE_DIGITS.finditer(text):
        if not re.fullmatch(r"[\d-]+", m[0]) or _digit_count(m[0]) >= 7:  # not "the 5-4-3-2-1 exercise"
            yield m, re.sub(r"\D", "", m[0]), "digit by digit"
    for m in _mixed_runs(text):
        yield m, spoken_digits(m[0]), "words and digits"


def _mixed_runs(text: str) -> Iterator[re.Match[str]]:
    """Runs of number words and digits with at least one of each ("six oh one, 44, 3829")."""
    for m in _MIXED_NUMBER.finditer(text):
        written_whole = re.search(r"\d{3}-\d{4}|\d{3}-\d{2}-\d{4}", m[0])  # "my cell, 555-0193, ten times"
        if re.search(r"\d", m[0]) and re.search(r"[a-z]", m[0], re.I) and not written_whole:
            yield m


_WITH_HUNDREDS = re.compile(
    rf"\b(?:{_HUNDRED}|{SPOKEN_TOKEN})(?:{_PAUSE}(?:{_HUNDRED}|{SPOKEN_TOKEN})){{2,24}}\b", re.IGNORECASE
)


def spoken_runs(text: str) -> Iterator[re.Match[str]]:
    """Numbers read aloud in ``text``, in words or in words and digits (see :func:`spoken_digits`)."""
    for m in _SPOKEN_NUMBER.finditer(text):
        yield m
        trimmed = _without_pronoun_one(_SPOKEN_NUMBER, text, m)  # "the right one, five three ..."
        if trimmed is not None and trimmed is not m:
            yield trimmed
    yield from _SPANISH_NUMBER.finditer(text)
    yield from (m for m in _WITH_HUNDREDS.finditer(text) if "hundred" in m[0].lower())
    yield from _mixed_runs(text)


def _groups(spoken: str) -> list[int]:
    """How many digits each pause-separated group of a number read aloud holds: ``[3, 2, 4]`` for
    "4 8 4, 2 0, 7 7 1 6" (a social's groups), ``[3, 3, 4]`` for a phone number's."""
    parts = re.split(r",|\s-\s|\bdash\b", spoken)
    return [n for n in (len(spoken_digits(p)) for p in parts) if n]


_PHONE_AFTER = re.compile(
    r"\W{0,3}(?:that's|thats|is|it's)?\s*(?:my|her|his|our|the|their)?\s*"
    r"(?:cell|phone|mobile|landline|fax|home phone)\b",
    re.IGNORECASE,
)


_NUMBER_IS = re.compile(
    r"\b(?!(?:phone|cell|fax|my|your|his|her|the|a)\s)\w+\s+number\b[^.?!]{0,30}\b(?:is|was|it's|its)\W*$",
    re.IGNORECASE,
)
UNIT_WORD = r"(?:apartment|apt|unit|suite|ste|room|lot|space)"
_UNIT_BEFORE = re.compile(rf"\b{UNIT_WORD}\W*$", re.IGNORECASE)
_CORRECTION = re.compile(r"\b(?:no|wait|sorry|i mean|actually|hold on)\W*$", re.IGNORECASE)
BY_COUNT = ", by its digit count"
"""The end of a rule that guessed whose a number read aloud is from its length alone (nine digits, a
social's): the scan lets the same number found surely elsewhere in the session overrule it."""


def _said_twice(m: re.Match[str], digits: str) -> tuple[int, int] | None:
    """Where the first saying ends and the second starts when run ``m`` (standing for ``digits``) is one
    number said twice ("oh two one five five oh two one five five"), else None."""
    half = len(digits) // 2
    if len(digits) % 2 or digits[:half] != digits[half:]:
        return None
    for word in re.finditer(r"\S+", m[0]):
        if len(spoken_digits(first := m[0][: word.start()])) == half:
            return m.start() + len(first.rstrip(" ,-")), m.start() + word.start()
    return None


_TOLL_FREE_WORDS = re.compile(r"(?:\bone[\s-]+)?\beight[\s-]+hundred[\s,-]*$", re.IGNORECASE)


def _digit_by_digit(text: str) -> Iterator[Hit]:
    for m, digits, rule in _runs(text):
        n = len(digits)
        # "the zip was wrong oh two one five five oh two one five five": one ZIP code, said twice
        zip_said_twice = n == 10 and re.search(r"\bzip\b", before(text, m.start(), 60), re.I)
        if zip_said_twice and (cut := _said_twice(m, digits)):
            yield Hit(m.start(), cut[0], "zip", 0.8, rule + ", said twice")
            yield Hit(cut[1], m.end(), "zip", 0.8, rule + ", said twice")
            continue
        if n == 7 and (toll_free := _TOLL_FREE_WORDS.search(text, 0, m.start())):
            yield Hit(toll_free.start(), m.end(), "phone", 0.85, rule + " after 'eight hundred'")
            continue
        spelled = re.search(  # "h p k seven ...", "E-A-P dash twenty twenty-four ..."
            r"(?:\b[A-Za-z][\s,.-]+){2,}(?:(?:dash|hyphen)[\s,]+)?$", text[max(0, m.start() - 22) : m.start()]
        )
        suffixed = re.match(r"\s*(?:-|dash)\s*[A-Za-z]\b", text[m.end() :])  # "7 7 4 0 3 1 9 dash B"
        octets = splits_into_octets(digits)
        owner = "record_number" if spelled or suffixed else _nearest_owner(text, m.start(), n, octets)
        prefix = _id_prefix_before(text, m.start(), caps=True)
        if (n == 5 or (n == 9 and _groups(m[0]) == [5, 4])) and (
            re.search(r"\bzip(?: code)?\W*(?:is\W*)?$", before(text, m.start(), 20))
            or (prefix and prefix[0].strip(" ,.:-") in STATE_CODES)
        ):
            owner = "zip"  # "the zip is 6 0 6 4 7", "... dash 4 4 0 1"; "Fresno, CA nine three seven ..."
        if owner is None and prefix:
            owner = "record_number"
        if owner is None and _CORRECTION.search(before(text, m.start(), 25)):
            owner = _nearest_owner(
                text, m.start(), n, octets, width=150
            )  # "... three two no wait six two ..."
        if owner is None and n not in (7, 9, 10, 11) and _NUMBER_IS.search(before(text, m.start(), 50)):
            owner = "record_number"  # "the census number on the c i b is three one two ..."
        own_social = (
            n == 9
            and _OWN_ANSWER.search(before(text, m.start(), 20))
            and _SSN_CONTEXT.search(before(text, m.start(), 200))
        )
        if own_social or (
            owner is None and n == 9 and _nearest_owner(text, m.start(), n, width=250) == "ssn"
        ):
            owner = (
                "ssn"  # "... asked for my social and i said ..., no, i said it wrong, it's five three ..."
            )
        if n < 7 and not owner:
            continue
        groups = _groups(m[0])
        said_as_record = spelled or suffixed or (owner == "record_number" and record_context(text, m.start()))
        if owner != "ip_address" and (not said_as_record or _SSN_CONTEXT.search(before(text, m.start(), 30))):
            if n == 9 and groups == [3, 2, 4]:
                owner = "ssn"
            elif (n in (10, 11) and groups[-3:] == [3, 3, 4]) or (n == 7 and groups == [3, 4]):
                owner = (
                    "phone"  # "four one two, five five five, oh one four eight"; "five five five, oh one ..."
                )
        if n in (7, 10, 11) and _PHONE_AFTER.match(text, m.end()):
            owner = "phone"
        if owner is None and n == 7 and len(groups) > 1 and groups != [3, 4]:
            owner = "record_number"  # "one zero nine eight, three four two": no phone is read 4-3
        if re.search(r"\bplus\s*$", before(text, m.start(), 8)):
            owner = "phone"  # "plus three five one, nine one two, ...": an international number
        if owner:
            yield Hit(m.start(), m.end(), owner, 0.8, rule)
        elif _UNIT_BEFORE.search(before(text, m.start(), 14)):
            continue  # "apartment fourteen four three two one nine": a unit, then a ZIP code
        elif n == 9:
            yield Hit(m.start(), m.end(), "ssn", 0.7, rule + BY_COUNT)
        elif n in (7, 10) or (n == 11 and re.match(r"\W*(?:1|one)\b", m[0], re.I)):
            yield Hit(m.start(), m.end(), "phone", 0.7, rule + BY_COUNT)
        else:
            yield Hit(m.start(), m.end(), "record_number", 0.7, rule + BY_COUNT)


@detector("ssn")
def ssns(text: str) -> Iterator[Hit]:
    for m in _SSN.finditer(text):
        if (
            m[1] == " "
            and _id_prefix_before(text, m.start(), caps=True)
            and not _SSN_CONTEXT.search(before(text, m.start()))
        ):
            continue  # "XYP 884 20 1177": the digits of a prefixed member id
        confidence = 0.95 if m[1] == "-" or _SSN_CONTEXT.search(before(text, m.start())) else 0.8
        yield Hit(m.start(), m.end(), "ssn", confidence, "ssn")
    for m in _NINE.finditer(text):
        if _SSN_CONTEXT.search(before(text, m.start())):
            yield Hit(m.start(), m.end(), "ssn", 0.9, "nine digits after 'social'")
        elif not record_context(text, m.start(), nearby=True):
            yield Hit(m.start(), m.end(), "ssn", 0.65, "nine digits")


# Words that say a number is a record's (specific), and words that say only that it is a number.
_SPECIFIC_RECORD_WORD = (
    r"(?:mrn|medical record|record|chart|patient id|member|policy|group|account|acct|(?<!in )case|docket"
    r"|claim|authori[sz]ation|auth|reference|ref|confirmation|student|employee|badge|ticket|incident|report"
    r"|licen[cs]e|passport|visa|permit|a-number|a\s+number(?=\s+(?:is\s+)?a\b)|alien|receipt|invoice|order"
    r"|tracking|serial|matter"
    r"|certificate|registration|loan|booking|reservation|plate|vin|prescription|rx|transfer|transaction"
    r"|voucher|inmate|edipi|npi|ptin|efin|ein|medicaid|medicare|registry|farm|interpreter|operator|id|i\.d\."
    r"|routing|aba|vessel|documentation|hull|trip|subscriber|grievance|tract|parcel|apn|checking|savings|(?:file|probation|parole|service|customer|client|card|tax|run|load|job|control|census|inspection)(?=\s*(?:number|no\b|#|id\b))"
    r"|(?<!zip )(?<!area )(?<!postal )(?<!country )(?<!dress )(?<!bar )(?<!penal )code"
    r"|check(?=\s*(?:number|no\b|#))|(?:my|his|her|your|the)\s+a\s+number|r\s+x|m\s+r\s+n|pin)"
)
_RECORD_WORD = rf"(?:{_SPECIFIC_RECORD_WORD}|number|no\.|hash|#)"
_NOT_SSN = r"(?<!security )(?<!social )"  # "her Social Security number": a social's, not a record's
_SPECIFIC_RECORD_WORDS = (
    re.compile(  # not a word of a web address read aloud ("idprotect dash claims dot com")
        rf"(?<![/.@])(?<!dash )(?<!dot )\b{_SPECIFIC_RECORD_WORD}s?(?![\w-])(?!\s+dot\s)", re.IGNORECASE
    )
)
_NAMED_NUMBER = re.compile(
    rf"\b{_SPECIFIC_RECORD_WORD}\s+(?:id|number|no\.?|num|code|#)\W*(?:(?:is|was|it's|its)\W*)?$",
    re.IGNORECASE,
)
_RECORD_CONTEXT = re.compile(
    rf"{_NOT_SSN}(?<![/.@])\b{_RECORD_WORD}\W*(?:(?:id|number|no\.?|num|code|is|was|it's|its|that's|thats|too|also|on\s+(?:it|the\s+\w+)|#|:)\W*){{0,4}}$",
    re.IGNORECASE,
)
# A record word a sentence or so earlier ("the policy number in the subject, that's 4418 220 17"):
# enough for shapes that are ids anyway (long or grouped numbers), not for any number.
_RECORD_NEARBY = re.compile(
    rf"{_NOT_SSN}(?<![/.@])\b{_RECORD_WORD}(?![\w-]).{{0,80}}$", re.IGNORECASE | re.DOTALL
)
# The start of an answer to a question about a record ("And the student ID on the letter?" "448201.").
_RECORD_ANSWER = re.compile(
    rf"\b{_RECORD_WORD}(?![\w-])[^?\n]{{0,40}}\?\s*{LEAD_BREAK}(?:\W*(?:it's|its|um|uh|yeah|yes|so|that's|ok|okay)\W*){{0,3}}$",
    re.IGNORECASE,
)
_ID_TOKEN = re.compile(r"(?<![\w$-])#?(?=[\w-]*\d)[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*(?![\w-])")
_SPACED_DIGITS = re.compile(r"(?<![\w-])\d{2,6}(?: \d{2,6}){1,4}(?![\w-])")
# Parts of an id read out between "slash"/"dash": "RSC", "2022", or spelled "R-S-C", "2 0 2 3".
# How phone and social security numbers are grouped when read: anything else this long is an id.
_PHONE_OR_SSN_GROUPS = re.compile(r"(?:1 )?\d{3} \d{3} \d{4}|\d{3} \d{2} \d{4}|\d{3} \d{4}")
_SPOKEN_PART = (
    rf"(?:{SPOKEN_TOKEN}(?:[\s-]+{SPOKEN_TOKEN}){{1,8}}\b"  # "twenty twenty-four"
    r"|[A-Za-z0-9](?:[- ][A-Za-z0-9]){1,11}|[A-Za-z0-9]{1,12})"
)
_SPOKEN_SEPARATORS = re.compile(
    rf"(?<![\w'’-]){_SPOKEN_PART}(?:,?\s+(?:slash|dash|hyphen),?\s+{_SPOKEN_PART}){{1,6}}(?![\w-])",
    re.I,
)
# A code spelled out letter by letter and digit by digit ("Four Q W seven, H N two, R T five eight").
# Letters read in the radio alphabet ("eight eight two kilo tango four").
_NATO = (
    r"(?:alpha|alfa|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliet|juliett|kilo|lima|mike|november"
    r"|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|x-ray|xray|yankee|zulu)"
)
_LETTER = rf"(?:[A-Za-z]|(?i:{_NATO}))"
_SPELLED_CODE = re.compile(
    rf"(?<![\w'’-])(?:(?:{_LETTER}|(?i:{DIGIT_WORDS}|dash|\d))[\s,.-]+){{5,15}}"
    rf"(?:{_LETTER}|(?i:{DIGIT_WORDS}|\d))(?![\w-])"
)
# Letters given "as in" a word, with digits ("A as in apple, O as in Oscar, seven seven three, ...").
_AS_IN_PART = rf"(?:[A-Za-z]\s+as\s+in\s+[A-Za-z]+|[A-Za-z]|{DIGIT_WORDS}|{_PAIR}|\d{{1,4}})"
_AS_IN_CODE = re.compile(
    rf"(?<![\w'’-]){_AS_IN_PART}(?:[\s,-]+{_AS_IN_PART}){{2,24}}(?![\w-])", re.IGNORECASE
)
_PREFIXED_GROUPS = re.compile(r"(?<![\w-])[A-Z]{1,4}[ -]?\d{2,6}(?: \d{2,6}){1,4}(?![\w-])")
_FORM = re.compile(r"\bforms?\b", re.IGNORECASE)
_FORM_AFTER = re.compile(r",?\s+(?:(?:the|a|an)\s+)?(?:[\w-]+\s+){0,3}forms?\b", re.IGNORECASE)
_MEASURE = re.compile(r"\d+(?:st|nd|rd|th|s|k|mg|ml|am|pm|lbs?|kg|mph|hrs?|min)", re.I)
_TAX_FORM = re.compile(r"(?:1099|1098|1095|W-?[2349]|8879|1040)(?:-[A-Z]{1,4})?|1040-?(?:SR|X|NR|ES)")
_DECIMAL = re.compile(r"\d+(?:\.\d+)+")


def record_context(text: str, start: int, nearby: bool = False) -> bool:
    """Whether the words before ``start`` say a record's number follows ("member ID is", an answer to
    "and the claim number?"); ``nearby``: or a record word a sentence or so back."""
    window = before(text, start, 100)
    return bool(
        _RECORD_CONTEXT.search(window[-40:])
        or _RECORD_ANSWER.search(window)
        or (nearby and _RECORD_NEARBY.search(window))
    )


@detector("record_number")
def record_numbers(text: str) -> Iterator[Hit]:
    for m in _ID_TOKEN.finditer(text):
        token = m[0].lstrip("#")
        start = m.end() - len(token)
        hit = _record_token(text, start, token)
        if not hit and m[0].startswith("#") and token.isdigit() and len(token) >= 4:
            hit = 0.75, "number after '#'"  # "she puts in #58377"
        if hit:
            yield Hit(start, m.end(), "record_number", *hit)
    for m in _SPACED_DIGITS.finditer(text):
        if _digit_count(m[0]) < 6:
            continue
        if record_context(text, m.start()):
            yield Hit(m.start(), m.end(), "record_number", 0.85, "digit groups after record words")
        elif record_context(text, m.start(), nearby=True):
            yield Hit(m.start(), m.end(), "record_number", 0.75, "digit groups near record words")
        elif _digit_count(m[0]) >= 8 and not _PHONE_OR_SSN_GROUPS.fullmatch(m[0]):
            yield Hit(m.start(), m.end(), "record_number", 0.6, "long digit groups")
    for m in _SPOKEN_SEPARATORS.finditer(text):
        digits = max(_digit_count(m[0]), len(spoken_digits(re.sub(r"\b[A-Za-z]\b", "", m[0]))))
        if digits >= (4 if len(re.findall(r"slash|dash|hyphen", m[0], re.I)) >= 2 else 6):
            yield Hit(m.start(), m.end(), "record_number", 0.8, "spoken slashes or dashes")
    for m in _SPELLED_CODE.finditer(text):
        letters = len(re.findall(rf"\b(?:[A-Za-z]|{_NATO})\b", m[0], re.I))
        digits = len(re.findall(rf"\b(?!o\b)(?:{DIGIT_WORDS}|\d)\b", m[0], re.I))  # a lone "O" is a letter
        consonant = re.search(rf"\b(?:[b-hj-zB-HJ-Z]|{_NATO})\b", m[0], re.I)
        if letters >= 2 and digits >= 2 and consonant:
            yield Hit(m.start(), m.end(), "record_number", 0.75, "spelled code")
    for m in _AS_IN_CODE.finditer(text):
        if (
            re.search(r"\bas\s+in\b", m[0], re.I)
            and len(spoken_digits(re.sub(r"as\s+in\s+\w+", "", m[0]))) >= 3
        ):
            yield Hit(m.start(), m.end(), "record_number", 0.85, "code spelled with 'as in'")
    for m in _PREFIXED_GROUPS.finditer(text):
        if _digit_count(m[0]) >= 6:
            yield Hit(m.start(), m.end(), "record_number", 0.8, "letter prefix and digit groups")


_AFTER_STATE_CODE = re.compile(rf"\b(?:{'|'.join(STATE_CODES)}),?\s+$")
_OWN_ANSWER = re.compile(
    r"\b(?:mine|his|hers|ours|theirs|it)\s+(?:is|was)\W*$|\b(?:it's|its)\W*$", re.IGNORECASE
)
# Capitals before a number that say it is no id: units, streets, currencies, eras, time zones
_NOT_CODES = set(
    "ZIP APT STE RM PO BOX HWY RT RTE ST AVE DR LN RD USD EUR GBP CAD AUD MXN AD BC CE BCE MHZ GHZ GB KB MB"
    " TB MG ML LBS FT KM MPH AM PM EST PST CST MST EDT PDT CDT UTC GMT PT ET TV DVD COVID NO OK AND THE FOR"
    " ALL".split()
)


def _record_token(text: str, start: int, token: str) -> tuple[float, str] | None:
    """(confidence, rule) when one token (``MRN00481223``, ``LH-ADM-2291``, ``8812046109``) is an id."""
    digits = _digit_count(token)
    letters = sum(c.isalpha() for c in token)
    code = len(token) >= 5 and letters >= 2 and token.isupper()
    if _MEASURE.fullmatch(token) or _TAX_FORM.fullmatch(token) or digits < 1 or (digits < 4 and not code):
        return None
    if _LOCAL_SHAPE.fullmatch(token) and _nearest_owner(text, start, 7) != "record_number":
        return None
    if record_context(text, start) or record_context(text, _caps_prefix_start(text, start)):
        if digits >= 4 and not (_DECIMAL.fullmatch(token) and digits < 6):
            return 0.9, "number after record words"
        if code:
            return 0.85, "code after record words"  # "booking code KX7PQ2"
    interleaved = len(re.findall(r"[A-Za-z]+|\d+", token)) >= 4
    if digits < 3 or (digits < 4 and not (code and interleaved)) or _DECIMAL.fullmatch(token):
        return None  # "7QK2P9" is a code; "COVID19", "B12" and the form "DD-214" are not
    named_form = _FORM.search(before(text, start, 16)) or _FORM_AFTER.match(text, start + len(token))
    if named_form and digits <= 5:
        return None  # "the SSA-3368, the adult disability form": a form's name, not a person's id
    if (
        not letters
        and _OWN_ANSWER.search(before(text, start, 20))
        and record_context(text, start, nearby=True)
    ):
        return 0.75, "one's own number near record words"  # "an identity protection PIN ... Mine is 482913"
    letter_code = re.search(r"(?<![\w-])([A-Z]{2,4})\s+$", text[max(0, start - 8) : start])
    if (
        letter_code
        and not letters
        and digits <= 8
        and letter_code[1] not in _NOT_CODES
        and letter_code[1] not in STATE_CODES
    ):
        return 0.7, "number after a letter code"  # "CRN 41877", "EAP 2291"
    after_state = _AFTER_STATE_CODE.search(text[max(0, start - 5) : start])
    if (
        digits >= 5
        and not after_state
        and _id_prefix_before(text, start)
        and record_context(text, start, nearby=True)
    ):
        return 0.8, "prefixed number near record words"
    if letters and digits >= 4 and record_context(text, start, nearby=True):
        return 0.75, "letters and digits near record words"
    if letters and (digits >= 5 or (letters >= 2 and token.isupper() and len(token) >= 6)):
        return 0.7, "letters and digits"
    if len(token) >= 6 and digits >= 3 and letters >= 2 and interleaved:
        return 0.7, "letters and digits"  # "k7q2-99ml"
    if digits >= 7 and "-" in token:
        nearby = record_context(text, start, nearby=True)
        return (0.8, "dashed digit groups near record words") if nearby else (0.7, "dashed digit groups")
    if digits >= 7 and not letters:
        nearby = record_context(text, start, nearby=True)
        return (0.8, "long number after record words") if nearby else (0.6, "long number")
    return None
