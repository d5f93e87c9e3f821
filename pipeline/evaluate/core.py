"""Scoring predictions (or a second coder) against gold: :func:`evaluate_sessions` for Python callers,
:func:`compare` / :func:`compare_coders` + :func:`score` for the command line.

The definitions of every figure are in :mod:`pipeline.evaluate.metrics` (labels),
:mod:`pipeline.evaluate.icc` (ratings), :mod:`pipeline.evaluate.episodes` (episodes) and
:mod:`pipeline.evaluate.bootstrap` (intervals).

Example:
    >>> from pipeline.datamodel import Session, Utterance
    >>> def session(labels):
    ...     return Session(session_id="s", utterances=[
    ...         Utterance(session_id="s", turn_id=str(i), utterance_index=i, role=r, text="Not much to say.",
    ...                   start=5.0 * i, end=5.0 * i + 4, labels=lab)
    ...         for i, (r, lab) in enumerate(zip("therapist patient".split(), labels))])
    >>> res = evaluate_sessions([session([[], ["wd_denial"]])], [session([[], ["wd_denial"]])], bootstrap=0)
    >>> res.micro_f1, res.labels["wd_denial"].f1, res.episodes.found
    (1.0, 1.0, 1)
    >>> res.headline()["macro_f1"], res.headline()["labels_scored"]
    (1.0, 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.datamodel import Episode, Session, Utterance
from pipeline.errors import RuptureError
from pipeline.evaluate.align import (
    Aligned,
    RatingPairs,
    align_ratings,
    align_units,
    has_times,
    paired_episodes,
    recs_from_turn_labels,
    recs_from_utterances,
    to_turns,
)
from pipeline.evaluate.bootstrap import DEFAULT_DRAWS, bootstrap_ci
from pipeline.evaluate.episodes import DEFAULT_TOLERANCE, EpisodeMatch, match_episodes, match_session
from pipeline.evaluate.gold import GoldSet, gold_from_sessions, project_spans
from pipeline.evaluate.icc import RatingAgreement, rating_agreement
from pipeline.evaluate.metrics import (
    Scores,
    Unit,
    confusion,
    group_pr_curves,
    group_scores,
    label_scores,
    macro_f1,
    macro_kappa,
    micro_f1,
    misplaced_gold,
)
from pipeline.evaluate.predictions import Predictions
from pipeline.labelset import LabelSet, load_labelset


@dataclass
class Comparison:
    """Everything lined up between the reference (gold, coder A) and the other side (model, coder B)."""

    names: tuple[str, str]
    grain: str | None = None
    units: list[Unit] = field(default_factory=list)
    ratings: RatingPairs = field(default_factory=RatingPairs)
    episodes_gold: dict[str, list[Episode]] = field(default_factory=dict)
    episodes_pred: dict[str, list[Episode]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scored: bool = False


@dataclass
class EvaluationResult:
    """All figures of one comparison; ``ci`` holds bootstrap intervals by figure name (see bootstrap)."""

    reference: str
    compared: str
    grain: str | None
    n_sessions: int
    n_units: int
    labels: dict[str, Scores]
    groups: dict[str, Scores]
    micro_f1: float | None
    macro_f1: float | None
    macro_kappa: float | None
    groups_macro_f1: float | None
    confusion: list[tuple[str, str, int]]
    ratings: dict[str, RatingAgreement]
    episodes: EpisodeMatch
    ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    n_bootstrap: int = 0
    rating_pairs: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    pr_curves: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model: dict[str, Any] = field(default_factory=dict)

    def headline(self) -> dict[str, Any]:
        """The figures a model card leads with, with their bootstrap intervals where computed."""
        out: dict[str, Any] = {
            "units": self.n_units,
            "sessions": self.n_sessions,
            "micro_f1": self.micro_f1,
            "macro_f1": self.macro_f1,
            "macro_kappa": self.macro_kappa,
            "labels_scored": sum(1 for s in self.labels.values() if s.support),
            "groups_macro_f1": self.groups_macro_f1,
            "groups_f1": {g: s.f1 for g, s in self.groups.items()},
            "episodes_f1": self.episodes.f1,
        }
        out["ci"] = {k: list(v) for k, v in self.ci.items() if k in {"micro_f1", "macro_f1", "macro_kappa"}}
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (what ``--json`` prints)."""
        out = asdict(self)
        out["episodes"] = self.episodes.to_dict()
        out["confusion"] = [{"gold": g, "predicted": p, "count": n} for g, p, n in self.confusion]
        out["ci"] = {k: list(v) for k, v in self.ci.items()}
        out["macro_f1_definition"] = "unweighted mean of per-label F1 over labels with support > 0"
        return out


# -- building comparisons -------------------------------------------------------------------------


def compare(
    gold: GoldSet,
    pred: Predictions,
    labelset: LabelSet | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    names: tuple[str, str] = ("gold", "predictions"),
) -> Comparison:
    """Line predictions up with the gold at the gold's grain (utterance predictions aggregated up)."""
    labelset = labelset or load_labelset()
    comp = Comparison(names=names, notes=list(pred.notes))
    comp.scored = any(u.scores is not None for us in pred.utterances.values() for u in us)
    if gold.grain and pred.utterances:
        ref, cmp, grain = _gold_sides(gold, pred.utterances, labelset, comp)
        _fill_labels(comp, align_units(ref, cmp, grain, names), labelset, tolerance)
    elif gold.grain:
        comp.notes.append("the predictions have no utterances, so labels and episodes are not scored")
    if gold.segment_ratings or gold.session_ratings:
        seg, sess = predicted_ratings(pred, labelset)
        comp.ratings = align_ratings(gold.segment_ratings, seg, gold.session_ratings, sess, names)
        comp.mismatches += comp.ratings.mismatches
    return comp


def _gold_sides(gold: GoldSet, pred: Mapping[str, list[Utterance]], labelset: LabelSet, comp: Comparison):
    if gold.grain == "utterance":
        ref = {sid: recs_from_utterances(us) for sid, us in gold.utterances.items()}
        return ref, {sid: recs_from_utterances(us) for sid, us in pred.items()}, "utterance"
    if gold.grain == "turn":
        ref = {sid: recs_from_turn_labels(t) for sid, t in gold.turns.items()}
        return ref, {sid: to_turns(us) for sid, us in pred.items()}, "turn"
    ref = {}
    for sid, spans in gold.spans.items():
        utts = project_spans(spans, pred.get(sid, []), labelset)
        ref[sid] = to_turns(utts) if sid in pred else []
        comp.mismatches += _lost_spans(spans, utts, labelset) if sid in pred else []
    comp.notes.append(
        "marker spans were laid over the predicted utterances (an utterance of the label's role carries the "
        "label when its time overlaps the span) and scored per turn (utterance times inside a turn are "
        "estimated by word count, too coarse for spans)"
    )
    return ref, {sid: to_turns(us) for sid, us in pred.items()}, "turn"


def _lost_spans(spans, utts: Sequence[Utterance], labelset: LabelSet) -> list[str]:
    from pipeline.evaluate.gold import overlaps

    out = []
    for s in spans:
        role = labelset.role_of(s.label)
        if not any(
            u.role == role and overlaps(s.start, s.end, u.start or 0.0, u.end or u.start or 0.0) for u in utts
        ):
            out.append(
                f"{s.where}: span {s.label} {s.start:g}-{s.end:g} s overlaps no {role} utterance; not scored"
            )
    return out


def _fill_labels(comp: Comparison, aligned: Aligned, labelset: LabelSet, tolerance: float) -> None:
    comp.grain, comp.units = aligned.grain, aligned.units
    comp.mismatches += aligned.mismatches
    comp.notes += sorted(set(misplaced_gold(aligned.units, labelset)))
    if any(u.role is None for u in aligned.units):
        comp.notes.append(
            "roles unknown (no transcripts given): every label is scored on every unit; "
            "give --transcripts for role-restricted scores"
        )
    if has_times(aligned.pairs):
        comp.episodes_gold, comp.episodes_pred = paired_episodes(aligned.pairs, labelset)
        if any(not (a.text or b.text) for ps in aligned.pairs.values() for a, b in ps):
            comp.notes.append(
                "some units have no text (--no-text): re-engagement after repair cannot be "
                "seen there, so 'resolved' is under-counted on both sides"
            )
    else:
        comp.notes.append("no times on either side: episodes are not matched")


def predicted_ratings(pred: Predictions, labelset: LabelSet | None = None):
    """Segment ratings by (session, segment) and session summaries by session: from annotate's summaries,
    or computed by the summariser's rule where a session has none."""
    from pipeline.summarise import summarise

    summaries = dict(pred.summaries)
    for s in pred.sessions():
        if s.session_id not in summaries:
            summaries[s.session_id] = summarise(s, labelset)
    segments = {(sid, seg.segment_index): seg for sid, sm in summaries.items() for seg in sm.segments}
    return segments, summaries


def compare_coders(
    a: GoldSet,
    b: GoldSet,
    labelset: LabelSet | None = None,
    skeleton: Mapping[str, list[Utterance]] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    names: tuple[str, str] = ("coder A", "coder B"),
) -> Comparison:
    """Line two coders' files up (any gold formats); ``skeleton``: transcript utterances (roles, times)."""
    labelset = labelset or load_labelset()
    comp = Comparison(names=names)
    if a.grain and b.grain:
        grain = "utterance" if a.grain == b.grain == "utterance" else "turn"
        ref = coder_side(a, grain, skeleton, labelset, names[0])
        cmp = coder_side(b, grain, skeleton, labelset, names[1])
        _fill_labels(comp, align_units(ref, cmp, grain, names), labelset, tolerance)
    elif a.grain or b.grain:
        comp.notes.append("only one coder gave labels, so labels and episodes are not compared")
    if (a.segment_ratings or a.session_ratings) and (b.segment_ratings or b.session_ratings):
        comp.ratings = align_ratings(
            a.segment_ratings, b.segment_ratings, a.session_ratings, b.session_ratings, names
        )
        comp.mismatches += comp.ratings.mismatches
    if not comp.units and not any(comp.ratings.pairs.values()):
        raise RuptureError(
            f"{names[0]} and {names[1]} have nothing to compare (no common labels or ratings); "
            "give files of matching kinds and session ids"
        )
    return comp


def coder_side(g: GoldSet, grain: str, skeleton, labelset: LabelSet, name: str) -> dict:
    """One coder's units at ``grain``."""
    if g.grain == "span":
        if not skeleton:
            raise RuptureError(
                f"{name} gives marker spans by time; give --transcripts so they can be laid over utterances"
            )
        utts = {sid: project_spans(sp, skeleton.get(sid, []), labelset) for sid, sp in g.spans.items()}
    elif g.grain == "utterance":
        utts = g.utterances
    else:
        skel = {sid: to_turns(us) for sid, us in (skeleton or {}).items()}
        return {sid: recs_from_turn_labels(t, skel.get(sid)) for sid, t in g.turns.items()}
    if grain == "turn":
        return {sid: to_turns(us) for sid, us in utts.items()}
    return {sid: recs_from_utterances(us) for sid, us in utts.items()}


# -- scoring --------------------------------------------------------------------------------------


def score(
    comp: Comparison,
    labelset: LabelSet | None = None,
    bootstrap: int = DEFAULT_DRAWS,
    seed: int = 0,
    tolerance: float = DEFAULT_TOLERANCE,
    model: dict[str, Any] | None = None,
) -> EvaluationResult:
    """Compute every figure of a comparison, with bootstrap intervals over sessions."""
    labelset = labelset or load_labelset()
    labels = label_scores(comp.units, labelset) if comp.units else {}
    groups = group_scores(comp.units, labelset) if comp.units else {}
    ratings = {
        item: rating_agreement([g for _, g, _ in ps], [p for _, _, p in ps], comp.ratings.one_side[item])
        for item, ps in comp.ratings.pairs.items()
        if ps or comp.ratings.one_side.get(item)
    }
    episodes = match_episodes(comp.episodes_gold, comp.episodes_pred, tolerance)
    per_session = {
        sid: _episode_counts(comp.episodes_gold[sid], comp.episodes_pred.get(sid, []), tolerance)
        for sid in comp.episodes_gold
    }
    ci = bootstrap_ci(comp.units, comp.ratings.pairs, per_session, labelset, bootstrap, seed)
    sessions = {u.session_id for u in comp.units} | {
        s for ps in comp.ratings.pairs.values() for s, _, _ in ps
    }
    return EvaluationResult(
        reference=comp.names[0],
        compared=comp.names[1],
        grain=comp.grain,
        n_sessions=len(sessions),
        n_units=len(comp.units),
        labels=labels,
        groups=groups,
        micro_f1=micro_f1(comp.units, labelset) if comp.units else None,
        macro_f1=macro_f1(labels),
        macro_kappa=macro_kappa(labels),
        groups_macro_f1=macro_f1(groups),
        confusion=[
            (g, p, n)
            for (g, p), n in sorted(confusion(comp.units, labelset).items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        ratings=ratings,
        episodes=episodes,
        ci=ci,
        n_bootstrap=bootstrap if ci else 0,
        rating_pairs={k: list(v) for k, v in comp.ratings.pairs.items() if v},
        pr_curves=group_pr_curves(comp.units, labelset) if comp.scored else {},
        mismatches=list(dict.fromkeys(comp.mismatches)),
        notes=_notes(comp),
        model=dict(model or {}),
    )


def _notes(comp: Comparison) -> list[str]:
    notes = list(comp.notes)
    if comp.units and not comp.scored and comp.names[1] in {"predictions", "model"}:
        notes.append("the predictions carry no scores: average precision is not computed")
    return notes


def _episode_counts(gold: list[Episode], pred: list[Episode], tolerance: float) -> tuple[int, int, int]:
    found = len(match_session(gold, pred, tolerance))
    return found, len(gold) - found, len(pred) - found


# -- the Python entry point -----------------------------------------------------------------------


def predictions_from_sessions(
    sessions: Sequence[Session], summaries: Mapping[str, Any] | None = None
) -> Predictions:
    """Classified sessions (labels and scores filled) as :class:`Predictions`."""
    return Predictions(
        utterances={s.session_id: list(s.utterances) for s in sessions},
        summaries=dict(summaries or {}),
        source="sessions",
    )


def evaluate_sessions(
    gold_sessions: Sequence[Session],
    pred_sessions: Sequence[Session],
    labelset: LabelSet | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    bootstrap: int = DEFAULT_DRAWS,
    seed: int = 0,
    model: dict[str, Any] | None = None,
) -> EvaluationResult:
    """Score classified sessions against gold sessions at the utterance grain (the model card's figures).

    Segment and session ratings of the predictions come from the summariser's rule
    (:func:`pipeline.summarise.summarise`) on the predicted labels.
    """
    labelset = labelset or load_labelset()
    comp = compare(
        gold_from_sessions(gold_sessions), predictions_from_sessions(pred_sessions), labelset, tolerance
    )
    return score(comp, labelset, bootstrap, seed, tolerance, model)
