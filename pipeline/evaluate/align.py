"""Lining predictions (or a second coder) up with the gold at the gold's grain; nothing is dropped silently.

* **Utterances** match by session and position (``utterance_index``); their ``turn_id`` (and text, when
  both sides have it) must agree, or the pair is listed as a mismatch.
* **Turns** match by session and ``turn_id``. Utterance predictions are aggregated to turns first
  (:func:`to_turns`): a turn carries a label if any of its utterances does (codebook section 1), and its
  score is the maximum over its utterances.
* **Segments** match by session and ``segment_index``; **sessions** by id.

Every session, unit or segment found on one side only is listed in ``mismatches``.

Example:
    >>> from pipeline.datamodel import Utterance
    >>> us = [Utterance(session_id="s", turn_id="3", utterance_index=i, role="patient", text=t,
    ...                 labels=lab, scores={"wd_denial": sc})
    ...       for i, (t, lab, sc) in enumerate([("Fine.", [], 0.2), ("Really.", ["wd_denial"], 0.7)])]
    >>> (t,) = to_turns(us)
    >>> t.unit_id, sorted(t.labels), t.scores
    ('3', ['wd_denial'], {'wd_denial': 0.7})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.datamodel import Episode, Utterance
from pipeline.evaluate.metrics import Unit
from pipeline.summarise import find_episodes

RATING_ITEMS = ("withdrawal_significance", "confrontation_significance", "resolution")
SESSION_ITEMS = ("therapist_contribution", "overall_resolution")


@dataclass(frozen=True)
class Rec:
    """One unit on one side: an utterance or a turn."""

    unit_id: str
    turn_id: str
    role: str | None
    start: float | None
    end: float | None
    text: str
    labels: frozenset[str]
    scores: Mapping[str, float] | None = None


def recs_from_utterances(utts: Sequence[Utterance]) -> list[Rec]:
    """Utterances as units (id = ``utterance_index``)."""
    return [
        Rec(
            str(u.utterance_index),
            u.turn_id,
            u.role,
            u.start,
            u.end,
            u.text,
            frozenset(u.labels),
            dict(u.scores) if u.scores is not None else None,
        )
        for u in utts
    ]


def to_turns(utts: Sequence[Utterance]) -> list[Rec]:
    """Aggregate consecutive utterances of one turn: labels united, scores maximised, times spanned."""
    groups: list[list[Utterance]] = []
    for u in utts:
        if groups and groups[-1][0].turn_id == u.turn_id:
            groups[-1].append(u)
        else:
            groups.append([u])
    return [_turn(g) for g in groups]


def _turn(g: list[Utterance]) -> Rec:
    scores: dict[str, float] | None = None
    if all(u.scores is not None for u in g):
        scores = {}
        for u in g:
            for k, v in u.scores.items():
                scores[k] = max(v, scores.get(k, v))
    ends = [u.end for u in g if u.end is not None]
    return Rec(
        g[0].turn_id,
        g[0].turn_id,
        g[0].role,
        g[0].start,
        ends[-1] if ends else None,
        " ".join(u.text for u in g if u.text),
        frozenset().union(*(u.labels for u in g)),
        scores,
    )


def recs_from_turn_labels(
    labels: Mapping[str, frozenset[str]], skeleton: Sequence[Rec] | None = None
) -> list[Rec]:
    """Turn-sheet rows as units; role, times and text from ``skeleton`` turns where given."""
    known = {r.unit_id: r for r in skeleton or []}
    out = []
    for tid, labs in labels.items():
        base = known.get(tid)
        out.append(
            replace(base, labels=labs, scores=None) if base else Rec(tid, tid, None, None, None, "", labs)
        )
    return out


@dataclass
class Aligned:
    """Matched units (for metrics), the paired records by session (for episodes), and the mismatches."""

    grain: str
    units: list[Unit] = field(default_factory=list)
    pairs: dict[str, list[tuple[Rec, Rec]]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)


def align_units(
    ref: Mapping[str, Sequence[Rec]],
    cmp: Mapping[str, Sequence[Rec]],
    grain: str,
    names: tuple[str, str] = ("gold", "predictions"),
) -> Aligned:
    """Match units session by session; list sessions and units found on one side only."""
    out = Aligned(grain)
    for sid in sorted(set(ref) - set(cmp)):
        out.mismatches.append(f"session {sid}: in {names[0]}, not in {names[1]}")
    for sid in sorted(set(cmp) - set(ref)):
        out.mismatches.append(f"session {sid}: in {names[1]}, not in {names[0]}")
    for sid in sorted(set(ref) & set(cmp)):
        _align_session(sid, ref[sid], cmp[sid], out, names)
    return out


def _align_session(sid: str, ref: Sequence[Rec], cmp: Sequence[Rec], out: Aligned, names: tuple[str, str]):
    mine = {r.unit_id: r for r in ref}
    theirs = {r.unit_id: r for r in cmp}
    order = (
        [r.unit_id for r in cmp if r.unit_id in mine]
        if any(r.start is not None for r in cmp)
        else [r.unit_id for r in ref if r.unit_id in theirs]
    )
    pairs = []
    for uid in order:
        a, b = mine[uid], theirs[uid]
        problem = _disagree(a, b)
        if problem:
            out.mismatches.append(f"session {sid} {out.grain} {uid}: {problem}; not scored")
            continue
        pairs.append((a, b))
        out.units.append(Unit(sid, uid, a.role or b.role, a.labels, b.labels, b.scores))
    out.pairs[sid] = pairs
    for uid in (u for u in mine if u not in theirs):
        out.mismatches.append(f"session {sid} {out.grain} {uid}: in {names[0]}, not in {names[1]}")
    for uid in (u for u in theirs if u not in mine):
        out.mismatches.append(f"session {sid} {out.grain} {uid}: in {names[1]}, not in {names[0]}")


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _disagree(a: Rec, b: Rec) -> str | None:
    if a.turn_id != b.turn_id:
        return f"turn {a.turn_id!r} on one side, {b.turn_id!r} on the other"
    if a.role and b.role and a.role != b.role:
        return f"role {a.role} on one side, {b.role} on the other"
    if a.text and b.text and _norm(a.text) != _norm(b.text):
        return "the texts differ (were both made from the same transcript?)"
    return None


# -- episodes from the paired units ---------------------------------------------------------------


def has_times(pairs: Mapping[str, Sequence[tuple[Rec, Rec]]]) -> bool:
    return any(a.start is not None or b.start is not None for ps in pairs.values() for a, b in ps)


def paired_episodes(
    pairs: Mapping[str, Sequence[tuple[Rec, Rec]]], labelset=None
) -> tuple[dict[str, list[Episode]], dict[str, list[Episode]]]:
    """Episodes by the summariser's rule on each side, over the same matched units."""
    gold, pred = {}, {}
    for sid, ps in pairs.items():
        gold[sid] = find_episodes([_utt(sid, i, a, b, a.labels) for i, (a, b) in enumerate(ps)], labelset)
        pred[sid] = find_episodes([_utt(sid, i, a, b, b.labels) for i, (a, b) in enumerate(ps)], labelset)
    return gold, pred


def _utt(sid: str, i: int, a: Rec, b: Rec, labels: frozenset[str]) -> Utterance:
    start = b.start if b.start is not None else a.start
    end = b.end if b.end is not None else a.end
    return Utterance(
        session_id=sid,
        turn_id=a.turn_id,
        utterance_index=i,
        role=a.role or b.role or "other",
        text=b.text or a.text,
        start=start,
        end=end,
        labels=sorted(labels),
    )


# -- segment and session ratings ------------------------------------------------------------------


@dataclass
class RatingPairs:
    """Paired ratings by item: ``(session_id, gold, other)``; and how many were rated by one side only."""

    pairs: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    one_side: dict[str, int] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)


def align_ratings(
    ref_segments: Mapping[tuple[str, int], object],
    cmp_segments: Mapping[tuple[str, int], object],
    ref_sessions: Mapping[str, object],
    cmp_sessions: Mapping[str, object],
    names: tuple[str, str] = ("gold", "predictions"),
) -> RatingPairs:
    """Pair segment ratings by (session, segment) and session ratings by session (the gold's units)."""
    out = RatingPairs(
        {k: [] for k in RATING_ITEMS + SESSION_ITEMS}, {k: 0 for k in RATING_ITEMS + SESSION_ITEMS}
    )
    theirs = {sid for sid, _ in cmp_segments} | set(cmp_sessions)
    absent = sorted(({sid for sid, _ in ref_segments} | set(ref_sessions)) - theirs)
    out.mismatches += [f"session {sid}: in {names[0]}, not in {names[1]}" for sid in absent]
    mine = {sid for sid, _ in ref_segments} | set(ref_sessions)
    out.mismatches += [f"session {sid}: in {names[1]}, not in {names[0]}" for sid in sorted(theirs - mine)]
    rated = {sid for sid, _ in ref_segments}
    for key in sorted(k for k in ref_segments if k[0] in theirs):
        if key not in cmp_segments:
            out.mismatches.append(
                f"session {key[0]} segment {key[1]}: rated in {names[0]}, not in {names[1]}"
            )
            continue
        _pair(key[0], ref_segments[key], cmp_segments[key], RATING_ITEMS, out)
    for key in sorted(k for k in cmp_segments if k[0] in rated and k not in ref_segments):
        out.mismatches.append(f"session {key[0]} segment {key[1]}: in {names[1]}, not rated in {names[0]}")
    for sid in sorted(s for s in ref_sessions if s in theirs):
        if sid not in cmp_sessions:
            out.mismatches.append(f"session {sid}: session ratings in {names[0]}, not in {names[1]}")
            continue
        _pair(sid, ref_sessions[sid], cmp_sessions[sid], SESSION_ITEMS, out)
    return out


def _pair(sid: str, a: object, b: object, items: Sequence[str], out: RatingPairs) -> None:
    for item in items:
        x, y = getattr(a, item), getattr(b, item)
        if x is not None and y is not None:
            out.pairs[item].append((sid, int(x), int(y)))
        elif (x is None) != (y is None):
            out.one_side[item] += 1
