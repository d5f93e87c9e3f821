"""Turns into utterances, utterance times, and 5-minute 3RS segments.

Segmentation uses ``spacy.blank("en")`` with one rule-based component tuned for
verbatim transcripts:

- a sentence ends at ``.``, ``?``, ``!`` or ``...`` followed by a new word; cut-offs
  (``I-- I``, a trailing ``-``) and non-verbal notes (``[pause]``, ``(laughs)``) never
  end one;
- fragments of fewer than three words (a leading ``Yeah.``, ``Mm-hmm.``, ``No.``) join
  the sentence after them (or before them at the end of a turn), so backchannels do not
  become utterances of their own inside a longer turn; a turn that *is* a backchannel
  stays one utterance, marked ``backchannel``;
- non-verbal notes stay in the text and are listed in ``marks``.

Times: a turn's start comes from the transcript; its end from the transcript or the
next turn's start. Utterances share their turn's time span by word count. Turns with
no time are placed by word count between the nearest timed turns, or at 150 words a
minute when there are none; such utterances have ``times_estimated=True``.

Example:
    >>> from pipeline.datamodel import Transcript, Turn
    >>> t = Transcript(session_id="s1", turns=[
    ...     Turn(session_id="s1", turn_id="0", role="therapist", text="How did it go?", start=0.0),
    ...     Turn(session_id="s1", turn_id="1", role="patient",
    ...          text="Yeah. It went okay. [pause] I didn't do the log though.", start=4.0)])
    >>> s = segment_transcript(t)
    >>> [(u.turn_id, u.text) for u in s.utterances]
    [('0', 'How did it go?'), ('1', 'Yeah. It went okay. [pause]'), ('1', "I didn't do the log though.")]
    >>> s.utterances[2].marks, s.segments[0].segment_index
    ([], 1)
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.datamodel import SEGMENT_SECONDS, Segment, Session, Transcript, Turn, Utterance

WORDS_PER_SECOND = 150 / 60
MIN_WORDS = 3
MAX_CHARS = 100_000
"""Longer turns go to spaCy in pieces (its limit is 1,000,000 characters)."""
BACKCHANNELS = {
    "mm-hmm",
    "mhm",
    "mm",
    "hmm",
    "uh-huh",
    "yeah",
    "yep",
    "yes",
    "right",
    "okay",
    "ok",
    "sure",
    "uh",
    "um",
    "oh",
    "ah",
    "i see",
    "got it",
    "mm-hm",
    "yes yes",
    "yeah yeah",
    "right right",
}
_NOTE = re.compile(r"\[([A-Za-z][A-Za-z -]*)\]|\(([A-Za-z][A-Za-z -]*)\)")
_SENT_END = re.compile(r"^(\.+|\?+|!+|\?!|…)$")
_WORD = re.compile(r"[A-Za-z0-9']")


@Language.component("transcript_sentences")
def transcript_sentences(doc: Doc) -> Doc:
    """Mark sentence starts for verbatim transcript text (see module docstring).

    A note right after a sentence end (``It went okay. [pause] I didn't``) stays with the
    sentence before it; the next sentence starts after the note closes. The starts are
    set in one array (``Token.is_sent_start`` checks the whole doc on every assignment,
    which made long turns take quadratic time).
    """
    texts = [tok.text for tok in doc]
    flags = [1] if texts else []
    depth = 0
    pending = False
    for prev, text in itertools.pairwise(texts):
        if prev in "[(":
            depth += 1
        elif prev in "])":
            depth = max(0, depth - 1)
        ends = depth == 0 and bool(_SENT_END.match(prev))
        if ends and text in "[(":
            pending, starts = True, False
        elif pending and depth == 0 and text not in "[(":
            pending, starts = False, True
        else:
            trailing_off = prev in {"...", "…"} and text[:1].islower()
            starts = ends and not trailing_off and text not in ".?!)]\"'”’-"
        flags.append(1 if starts else -1)
    if flags:
        doc.from_array([SENT_START], numpy.array(flags, dtype="int64").astype("uint64").reshape(-1, 1))
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The segmenter: ``spacy.blank("en")`` plus the transcript sentence rules."""
    nlp = spacy.blank("en")
    nlp.add_pipe("transcript_sentences")
    return nlp


def word_count(text: str) -> int:
    """Spoken words: non-verbal notes do not count."""
    return sum(1 for w in _NOTE.sub(" ", text).split() if _WORD.search(w))


def marks_of(text: str) -> list[str]:
    """Non-verbal notes and cut-offs in an utterance, in order of appearance."""
    marks = [(m[1] or m[2]).strip().lower() for m in _NOTE.finditer(text)]
    stripped = _NOTE.sub("", text).rstrip()
    if re.search(r"\w--\s", text):
        marks.append("false start")
    if re.search(r"\w-{1,2}$", stripped):
        marks.append("cut-off")
    return marks


def is_backchannel(text: str) -> bool:
    core = re.sub(r"[^a-z' -]", "", _NOTE.sub("", text).lower()).strip(" ,-")
    return core in BACKCHANNELS


def split_turn(text: str) -> list[str]:
    """Split one turn's text into utterance texts."""
    sents = [s.text.strip() for doc in get_nlp().pipe(_chunks(text)) for s in doc.sents if s.text.strip()]
    return _merge_fragments(sents)


def _chunks(text: str, size: int = MAX_CHARS) -> Iterator[str]:
    """Pieces of at most ``size`` characters for spaCy, cut after a sentence end or a space where possible.

    Example:
        >>> list(_chunks("One two. Three four five", size=12))
        ['One two.', ' Three four ', 'five']
    """
    while len(text) > size:
        cut = text.rfind(". ", size // 2, size)
        cut = cut + 1 if cut >= 0 else text.rfind(" ", size // 2, size) + 1
        cut = cut or size
        yield text[:cut]
        text = text[cut:]
    yield text


def _merge_fragments(sents: list[str]) -> list[str]:
    out: list[str] = []
    carry: list[str] = []
    words = 0
    for s in sents:
        carry.append(s)
        words += word_count(s)
        if words < MIN_WORDS:
            continue
        out.append(" ".join(carry))
        carry, words = [], 0
    if carry:
        if out:
            out[-1] = " ".join([out[-1], *carry])
        else:
            out.append(" ".join(carry))
    return out


def segment_transcript(transcript: Transcript) -> Session:
    """Segment a transcript into a :class:`Session` with times and 3RS segments."""
    if transcript.utterances is not None:
        utterances = [u.model_copy() for u in transcript.utterances]
        for i, u in enumerate(utterances):
            u.utterance_index = i
            if not u.marks:
                u.marks = marks_of(u.text) + (["backchannel"] if is_backchannel(u.text) else [])
        if any(u.start is None for u in utterances):
            assign_times(utterances)
        else:
            _fill_ends(utterances)
    else:
        utterances = _split_turns(transcript.turns)
        assign_times(utterances, turn_anchors={t.turn_id: (t.start, t.end) for t in transcript.turns})
    no_times = all(t.start is None for t in transcript.turns) and all(u.times_estimated for u in utterances)
    for u in utterances:
        u.segment_index = int(u.start // SEGMENT_SECONDS) + 1
    return Session(
        session_id=transcript.session_id,
        source=transcript.source,
        metadata=transcript.metadata,
        utterances=utterances,
        segments=segments_of(transcript.session_id, utterances),
        times_estimated=no_times,
    )


def _split_turns(turns: list[Turn]) -> list[Utterance]:
    utterances: list[Utterance] = []
    for turn in turns:
        pieces = split_turn(turn.text) or [turn.text]
        for piece in pieces:
            marks = marks_of(piece)
            if len(pieces) == 1 and is_backchannel(piece):
                marks.append("backchannel")
            utterances.append(
                Utterance(
                    session_id=turn.session_id,
                    turn_id=turn.turn_id,
                    utterance_index=len(utterances),
                    role=turn.role,
                    speaker=turn.speaker,
                    text=piece,
                    marks=marks,
                    labels=list(turn.labels),
                    source_line=turn.source_line,
                )
            )
    return utterances


def _turn_groups(utterances: list[Utterance]) -> list[list[Utterance]]:
    groups: list[list[Utterance]] = []
    for u in utterances:
        if groups and groups[-1][0].turn_id == u.turn_id:
            groups[-1].append(u)
        else:
            groups.append([u])
    return groups


def assign_times(
    utterances: list[Utterance], turn_anchors: dict[str, tuple[float | None, float | None]] | None = None
) -> None:
    groups = _turn_groups(utterances)
    if turn_anchors is None:
        turn_anchors = {g[0].turn_id: (g[0].start, g[-1].end) for g in groups}
    words = [max(1, sum(word_count(u.text) for u in g)) for g in groups]
    starts = [turn_anchors.get(g[0].turn_id, (None, None))[0] for g in groups]
    known = [s is not None for s in starts]
    starts = _interpolate_starts(starts, words)
    for k, g in enumerate(groups):
        given_end = turn_anchors.get(g[0].turn_id, (None, None))[1]
        nxt = starts[k + 1] if k + 1 < len(groups) else None
        if given_end is not None and given_end > starts[k]:
            end, end_known = given_end, True
        elif nxt is not None and nxt > starts[k]:
            end, end_known = nxt, known[k + 1]
        else:
            end, end_known = starts[k] + words[k] / WORDS_PER_SECOND, False
        _spread(g, starts[k], end, start_known=known[k], end_known=end_known)


def _interpolate_starts(starts: list[float | None], words: list[int]) -> list[float]:
    """Fill missing turn starts by word count between known ones, else at 150 words a minute."""
    n = len(starts)
    cum = [0.0]
    for w in words:
        cum.append(cum[-1] + w)
    idx = [i for i, s in enumerate(starts) if s is not None]
    out: list[float] = [0.0] * n
    if not idx:
        return [c / WORDS_PER_SECOND for c in cum[:n]]
    for i in range(n):
        if starts[i] is not None:
            out[i] = float(starts[i])
            continue
        k = bisect.bisect_left(idx, i)
        before = idx[k - 1] if k > 0 else None
        after = idx[k] if k < len(idx) else None
        if before is not None and after is not None and starts[after] > starts[before]:
            frac = (cum[i] - cum[before]) / max(cum[after] - cum[before], 1e-9)
            out[i] = starts[before] + frac * (starts[after] - starts[before])
        elif before is not None:
            out[i] = starts[before] + (cum[i] - cum[before]) / WORDS_PER_SECOND
        else:
            out[i] = max(0.0, starts[after] - (cum[after] - cum[i]) / WORDS_PER_SECOND)
    return out


def _spread(group: list[Utterance], start: float, end: float, start_known: bool, end_known: bool) -> None:
    weights = [max(1, word_count(u.text)) for u in group]
    total = sum(weights)
    t = start
    for u, w in zip(group, weights, strict=True):
        u.start = round(t, 3)
        t += (end - start) * w / total
        u.end = round(t, 3)
        u.times_estimated = not start_known or (u is not group[0] and not end_known)


def _fill_ends(utterances: list[Utterance]) -> None:
    for i, u in enumerate(utterances):
        if u.end is None:
            nxt = utterances[i + 1].start if i + 1 < len(utterances) else None
            u.end = (
                nxt
                if nxt is not None and nxt > u.start
                else u.start + max(1, word_count(u.text)) / WORDS_PER_SECOND
            )


def segments_of(session_id: str, utterances: list[Utterance]) -> list[Segment]:
    """The 5-minute windows that hold at least one utterance start."""
    by_index: dict[int, list[Utterance]] = {}
    for u in utterances:
        by_index.setdefault(int(u.start // SEGMENT_SECONDS) + 1, []).append(u)
    return [
        Segment(
            session_id=session_id,
            segment_index=k,
            start=(k - 1) * SEGMENT_SECONDS,
            end=k * SEGMENT_SECONDS,
            first_utterance=us[0].utterance_index,
            last_utterance=us[-1].utterance_index,
            times_estimated=any(u.times_estimated for u in us),
        )
        for k, us in sorted(by_index.items())
    ]
