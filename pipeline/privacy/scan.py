"""Scan transcripts for residual identifiers: what ``rupture scan`` and ``annotate``'s check run.

A finding names the file, the line, the field and the category, with a masked ``shape`` of the match
(``###-###-####``, ``Xxxxx``): enough to find it in the file, never the identifier itself.

Example:
    >>> from pipeline.datamodel import Transcript, Turn
    >>> t = Transcript(session_id="s1", source="s1.txt", turns=[
    ...     Turn(session_id="s1", turn_id="0", role="therapist", text="Call 614-555-0187.", source_line=1),
    ...     Turn(session_id="s1", turn_id="1", role="patient", text="Okay.", source_line=2)])
    >>> [(f.line, f.category, f.shape) for f in scan_transcript(t)]
    [(1, 'phone', '###-###-####')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.batch import FileProblem, read_inputs
from pipeline.datamodel import IdentifierFinding, Transcript, Turn, Utterance
from pipeline.errors import InputError, RuptureError
from pipeline.privacy.names import NameFinder, name_words, names_in_labels
from pipeline.privacy.numbers import BY_COUNT, spoken_digits, spoken_runs
from pipeline.privacy.patterns import CATEGORIES, Hit, detect, houses_on, resolve, street_name, street_stem

DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class ScanOptions:
    """What counts as a finding.

    Args:
        names: the user's own list of names to find (``--names FILE``: one name a line).
        min_confidence: findings below it are not reported (rules' confidences run 0.35-0.99).
    """

    names: tuple[str, ...] = ()
    min_confidence: float = DEFAULT_MIN_CONFIDENCE


def read_names_file(path: str | Path) -> tuple[str, ...]:
    """One name a line; blank lines and ``#`` comments skipped."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, f"cannot read the names file ({err})", hint="one name a line, UTF-8") from None
    return tuple(x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#"))


def shape_of(text: str) -> str:
    """Letters as ``x``/``X``, digits as ``#``, the rest kept; long matches cut at 40 characters.

    Example:
        >>> shape_of("Dr. Feldman"), shape_of("(614) 555-0187")
        ('Xx. Xxxxxxx', '(###) ###-####')
    """
    out = "".join("#" if c.isdigit() else ("X" if c.isupper() else "x") if c.isalpha() else c for c in text)
    return out if len(out) <= 40 else out[:40] + "..."


SURE = 0.75
"""A name or number found this surely (title, name list, naming context, label, record word) is one
everywhere in its session."""


REPEATED = 3
"""A capitalised word no list knows, met this often in mid-sentence in one session, is taken for a name
there ("Omid", "Setara"): names recur, and most other capitalised words are on the common lists."""

MAX_SEEN = 500
"""Numbers carried through a session at most: one pattern tries each at every position of a text, so a
pathological input (a megabyte of digits) must not make thousands of them."""


class SessionFinder:
    """Names (:class:`NameFinder`) and, for one session, every number-bearing identifier, date and
    address found surely elsewhere in it: "448201" after "the student ID?" is a record number in every
    later turn too; a number with the digits of a social security number found earlier is that number,
    written or read aloud; "Thirty-nine Alder" after "Thirty-nine Alder Street" is the address.

    ``seen`` maps each identifier's key (its digits, for one made of digits and separators; else its
    text) to its category and the confidence it was found with (at most 0.85).
    """

    def __init__(
        self, names: NameFinder, seen: dict[str, tuple[str, float]] | None = None, streets: list[str] = ()
    ):
        self.names = names
        self._houses_re = houses_on(list(streets))
        self.seen = {key.lower(): found for key, found in (seen or {}).items()}  # "Oh-four" = "oh-four"
        alternatives = "|".join(_written(x) for x in sorted(self.seen, key=len, reverse=True))
        self._seen_re = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I) if self.seen else None

    def find(self, text: str) -> list[Hit]:
        hits = self.names.find(text)
        if self._seen_re is not None:
            hits += [
                Hit(m.start(), m.end(), *self.seen[seen_key(m[0]).lower()], "found elsewhere in the session")
                for m in self._seen_re.finditer(text)
            ]
            hits += [  # the same digits read aloud: "six oh one, 44, 3829" after "601-44-3829"
                Hit(m.start(), m.end(), *self.seen[digits], READ_AGAIN)
                for m in spoken_runs(text)
                if (digits := spoken_digits(m[0])) in self.seen
            ]
        if self._houses_re is not None:  # "twelve oh six larkspur" after "forty one ten larkspur avenue"
            hits += [
                Hit(m.start(), m.end(), "address", 0.75, "a street named elsewhere in the session")
                for m in self._houses_re.finditer(text)
                if len(spoken_digits(m["house"])) >= 3  # not "ten grand", "twenty main points"
            ]
        return hits


READ_AGAIN = "found elsewhere in the session, read aloud"


def seen_key(surface: str) -> str:
    """``"441-62-9087"`` and ``"441 62 9087"`` -> ``"441629087"``; ``"LH-ADM-2291"`` stays itself."""
    return re.sub(r"[\s().-]", "", surface) if re.fullmatch(r"[\d\s().-]+", surface) else surface


def _written(key: str) -> str:
    """A pattern for ``key`` as it may be written again: digits with or without separators."""
    if key.isdigit():
        return r"[\s().-]{0,2}".join(key)
    return re.escape(key)


def finder_for(transcript: Transcript, options: ScanOptions) -> SessionFinder:
    """A finder for one session: the user's names, the speaker labels' names, and every name or number
    found surely somewhere in the session (so "my friend Nkechi" also finds a later "Nkechi sent it")."""
    labels = names_in_labels(speaker_labels(transcript))
    first = SessionFinder(NameFinder(options.names, labels))
    every = ScanOptions(options.names, 0.0)
    names: dict[str, None] = {}
    seen: dict[str, tuple[str, float]] = {}
    streets: dict[str, None] = {}
    unknown: Counter[str] = Counter()
    units = _units(transcript)
    for i, unit in enumerate(units):
        for h in find_in(unit.text, first, every, units[i - 1].text if i else ""):
            surface = unit.text[h.start : h.end]
            if h.rule == "capitalised word":
                unknown[surface] += 1
            elif h.confidence < SURE:
                continue
            elif h.category == "name":
                names.update(dict.fromkeys(name_words(surface)))
            elif len(seen) >= MAX_SEEN:
                continue
            elif sum(c.isdigit() for c in surface) >= 4 or h.category in ("date", "address"):
                seen.setdefault(seen_key(surface), (h.category, min(h.confidence, 0.85)))
                stem = street_stem(surface) if h.category == "address" else None
                if stem:  # "Thirty-nine Alder" after "Thirty-nine Alder Street"
                    seen.setdefault(stem, ("address", min(h.confidence, 0.85)))
                if h.category == "address" and (street := street_name(surface)):
                    streets[street] = None
            elif (
                h.category in ("ssn", "phone", "record_number", "ip_address")
                and len(digits := spoken_digits(surface)) >= 7
            ) or (h.category == "zip" and len(digits := spoken_digits(surface)) == 5):
                seen.setdefault(digits, (h.category, min(h.confidence, 0.85)))  # "four four zero six ..."
    names.update(dict.fromkeys(w for w, n in unknown.items() if n >= REPEATED))
    return SessionFinder(NameFinder(options.names, labels, names), seen, list(streets))


def _units(transcript: Transcript) -> list[Turn] | list[Utterance]:
    return transcript.utterances if transcript.utterances is not None else transcript.turns


def speaker_labels(transcript: Transcript) -> list[str]:
    return list(dict.fromkeys(u.speaker for u in _units(transcript) if u.speaker))


def find_in(text: str, finder: SessionFinder, options: ScanOptions, lead: str = "") -> list[Hit]:
    """Identifier spans in one piece of text, overlaps resolved; ``lead``: the previous turn, as context."""
    found = _detected(text, lead) if len(text) + len(lead) <= CACHED_CHARS else detect(text, lead)
    known = finder.find(text)
    again = [(h.start, h.end) for h in known if h.rule == READ_AGAIN]
    if again:  # a number found surely elsewhere overrules a guess from its digit count here
        found = [
            h
            for h in found
            if not (h.rule.endswith(BY_COUNT) and any(a < h.end and h.start < b for a, b in again))
        ]
    hits = [h for h in [*found, *known] if h.confidence >= options.min_confidence]
    return resolve(hits)


CACHED_CHARS = 4000
"""Units up to this long have their detector hits remembered (8,192 of them: a few tens of MB at most)."""


@lru_cache(maxsize=8192)
def _detected(text: str, lead: str) -> tuple[Hit, ...]:
    """:func:`detect`, remembered: :func:`finder_for` reads every unit of a session, then the scan or the
    redaction reads them again (hits are immutable, so sharing them is safe)."""
    return tuple(detect(text, lead))


def scan_transcript(transcript: Transcript, options: ScanOptions | None = None) -> list[IdentifierFinding]:
    """Every finding in a transcript: its text, speaker labels, session id and metadata."""
    options = options or ScanOptions()
    finder = finder_for(transcript, options)
    out: list[IdentifierFinding] = []

    def add(value: str, where: str, unit: Turn | Utterance | None = None, lead: str = "") -> None:
        for h in find_in(value, finder, options, lead):
            out.append(
                IdentifierFinding(
                    session_id=transcript.session_id,
                    source=transcript.source,
                    line=unit.source_line if unit else None,
                    turn_id=unit.turn_id if unit else None,
                    field=where,
                    start=h.start,
                    end=h.end,
                    category=h.category,
                    confidence=h.confidence,
                    rule=h.rule,
                    shape=shape_of(value[h.start : h.end]),
                )
            )

    add(_id_words(transcript.session_id), "session_id")
    for key, value in transcript.metadata.items():
        if isinstance(value, str):
            add(value, f"metadata:{key}")
    seen_labels: set[str] = set()
    lead = ""
    for unit in _units(transcript):
        if unit.speaker and unit.speaker not in seen_labels:
            seen_labels.add(unit.speaker)
            add(unit.speaker, "speaker", unit)
        add(unit.text, "text", unit, lead)
        lead = unit.text
    return out


def _id_words(session_id: str) -> str:
    """Session ids come from file names: ``maria_delgado_03-02-2021`` reads as words."""
    return re.sub(r"[_+]", " ", session_id)


@dataclass
class ScanResult:
    """What a scan of many inputs found: findings, sessions scanned, and the files it could not read."""

    findings: list[IdentifierFinding] = field(default_factory=list)
    sessions: int = 0
    sessions_with_findings: int = 0
    problems: list[FileProblem] = field(default_factory=list)

    def by_category(self) -> Counter[str]:
        counts = Counter(f.category for f in self.findings)
        return Counter({c: counts[c] for c in CATEGORIES if counts[c]})

    def summary(self) -> str:
        cats = ", ".join(f"{c} {n}" for c, n in self.by_category().items())
        return (
            f"{len(self.findings)} possible identifiers in {self.sessions_with_findings} of {self.sessions} "
            f"sessions" + (f" ({cats})" if cats else "")
        )


def scan_inputs(
    inputs: Iterable[str | Path],
    input_format: str | None = None,
    roles: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    options: ScanOptions | None = None,
) -> ScanResult:
    """Scan every transcript in ``inputs`` (files, folders, globs); unreadable files become problems."""
    result = ScanResult()
    for _, transcripts in read_inputs(list(inputs), input_format, roles, columns, result.problems):
        for transcript in transcripts:
            found = scan_transcript(transcript, options)
            result.sessions += 1
            result.sessions_with_findings += bool(found)
            result.findings.extend(found)
    return result


def finding_line(f: IdentifierFinding) -> str:
    """``file:line: category (confidence, rule) in text[12:24], shape ###-####``: no identifier text."""
    where = f"{f.source or f.session_id}" + (f":{f.line}" if f.line is not None else "")
    session = f" session {f.session_id!r}" if f.field != "session_id" and _many_sessions(f) else ""
    return (
        f"{where}:{session} {f.category} ({f.confidence:.2f}, {f.rule}) in {f.field}[{f.start}:{f.end}], "
        f"shape {f.shape}"
    )


def _many_sessions(f: IdentifierFinding) -> bool:
    return bool(f.source) and Path(f.source).stem != f.session_id


class IdentifiersFound(RuptureError):
    """``annotate`` found possible identifiers and was not told to redact or allow them."""

    def __init__(self, result: ScanResult, inputs: Iterable[str]):
        shown = " ".join(str(x) for x in inputs)
        super().__init__(
            f"{result.summary()}; nothing was annotated. See where with `rupture scan {shown}`, then "
            "remove them, rerun with --redact to replace them with typed placeholders ([NAME_1], "
            "[PHONE_1], ...), or with --allow-identifiers if they are not identifiers"
        )
        self.result = result
