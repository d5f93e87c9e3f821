"""Replace identifiers with typed placeholders, the same placeholder for the same identifier in a session.

``Maria Delgado`` becomes ``[NAME_1]``, and so do a later ``Maria``, ``Delgado`` and the speaker label
``Maria``; a second person is ``[NAME_2]``; a phone number ``[PHONE_1]`` wherever it recurs, whatever
its format. Redaction runs on the transcript as read, before segmentation, so nothing downstream
(utterance files, reports, the cohort table, the model) sees the identifiers.

Example:
    >>> from pipeline.datamodel import Transcript, Turn
    >>> t = Transcript(session_id="s1", turns=[
    ...     Turn(session_id="s1", turn_id="0", role="therapist", text="Did Tanya call 614-555-0187?"),
    ...     Turn(session_id="s1", turn_id="1", role="patient", text="Tanya? No. I called (614) 555 0187.")])
    >>> red, counts = redact_transcript(t)
    >>> [x.text for x in red.turns], sorted(counts.items())
    (['Did [NAME_1] call [PHONE_1]?', '[NAME_1]? No. I called [PHONE_1].'], [('name', 2), ('phone', 2)])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.datamodel import Transcript, Turn, Utterance
from pipeline.privacy.scan import ScanOptions, SessionFinder, _id_words, find_in, finder_for

_TITLE_WORDS = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "professor",
    "doctor",
    "judge",
    "officer",
    "detective",
    "pastor",
    "reverend",
    "rev",
    "rabbi",
    "imam",
    "nurse",
    "coach",
    "father",
    "sister",
    "brother",
    "aunt",
    "auntie",
    "uncle",
    "grandma",
    "grandpa",
    "nana",
    "abuela",
    "abuelo",
}


class Placeholders:
    """Numbers identifiers per category within one session: the same identifier, the same placeholder."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        self._next: Counter[str] = Counter()

    def __call__(self, category: str, surface: str) -> str:
        keys = _keys(category, surface)
        number = next((self._ids[k] for k in keys if k in self._ids), None)
        if number is None:
            self._next[category] += 1
            number = self._next[category]
        for k in keys:
            self._ids.setdefault(k, number)
        return f"[{category.upper()}_{number}]"


def _keys(category: str, surface: str) -> list[tuple[str, str]]:
    if category == "name":
        words = [w for w in re.findall(r"[^\W\d_]+", surface.lower()) if w not in _TITLE_WORDS and w != "s"]
        return [("name", w) for w in words] or [("name", surface.lower())]
    if category in {"phone", "ssn", "record_number", "zip"}:
        digits = re.sub(r"\D", "", surface)
        return [(category, digits[-10:] if category == "phone" else digits or surface.lower())]
    return [(category, re.sub(r"[\W_]+", "", surface.lower()))]


def redact_text(
    text: str,
    finder: SessionFinder,
    options: ScanOptions,
    placeholders: Placeholders,
    counts: Counter[str],
    lead: str = "",
) -> str:
    """``text`` with every finding replaced by its placeholder (numbered in reading order); ``lead``:
    the previous turn, read as context as :func:`~pipeline.privacy.scan.scan_transcript` reads it."""
    hits = find_in(text, finder, options, lead)
    marks = [placeholders(h.category, text[h.start : h.end]) for h in hits]
    for h, mark in reversed(list(zip(hits, marks, strict=True))):
        counts[h.category] += 1
        text = text[: h.start] + mark + text[h.end :]
    return text


def redact_transcript(
    transcript: Transcript, options: ScanOptions | None = None
) -> tuple[Transcript, Counter[str]]:
    """The transcript with identifiers replaced, and how many of each category were replaced."""
    options = options or ScanOptions()
    finder = finder_for(transcript, options)
    placeholders = Placeholders()
    counts: Counter[str] = Counter()

    def red(value: str, lead: str = "") -> str:
        return redact_text(value, finder, options, placeholders, counts, lead)

    session_id = transcript.session_id
    if find_in(_id_words(session_id), finder, options):
        session_id = red(_id_words(session_id)).replace(" ", "_")
    source = transcript.source
    if source and session_id != transcript.session_id:
        source = str(Path(source).with_name(f"{session_id}{Path(source).suffix}"))
    labels: dict[str, str] = {}

    def unit(u: Turn | Utterance, lead: str) -> Turn | Utterance:
        speaker = u.speaker
        if speaker is not None:
            if speaker not in labels:
                labels[speaker] = red(speaker)
            speaker = labels[speaker]
        return u.model_copy(update={"session_id": session_id, "text": red(u.text, lead), "speaker": speaker})

    def units(us: list[Turn] | list[Utterance]) -> list[Any]:
        return [unit(u, us[i - 1].text if i else "") for i, u in enumerate(us)]

    utterances = units(transcript.utterances) if transcript.utterances is not None else None
    scanned = Counter(counts)
    turns = units(transcript.turns)
    if utterances is not None:  # turns of pre-segmented input repeat the utterances' text: count once
        counts = scanned
    metadata = {k: red(v) if isinstance(v, str) else v for k, v in transcript.metadata.items()}
    redacted = transcript.model_copy(
        update={
            "session_id": session_id,
            "source": source,
            "turns": turns,
            "utterances": utterances,
            "metadata": metadata,
        }
    )
    return redacted, counts


def redactor(options: ScanOptions, counts: dict[str, int]) -> Callable[[Transcript], Transcript]:
    """A ``prepare`` step for :func:`pipeline.batch.load_sessions`: redacts each transcript as it is
    read and adds what it replaced to ``counts``."""

    def prepare(transcript: Transcript) -> Transcript:
        redacted, found = redact_transcript(transcript, options)
        for category, n in found.items():
            counts[category] = counts.get(category, 0) + n
        return redacted

    return prepare
