"""Turn a classified session into its summary: counts, rates, rupture episodes and 3RS-style ratings.

The rules follow codebook sections 5 and 6 and work on ``Utterance.labels``, gold or predicted:

* An **episode** starts at a patient utterance with a withdrawal or confrontation marker and gathers
  each further marker that comes within :data:`WINDOW_SECONDS` *or* :data:`WINDOW_TURNS` turns of the
  previous one, so markers whose windows overlap become one episode.
* Its **follow window** runs from its last marker for the same two minutes or six turns (never past the
  next episode's first marker). It is **addressed** when a resolution strategy falls between its first
  marker and the end of the follow window; **time to repair** is from the first marker to the first
  such strategy.
* It is **resolved** when one of its strategies is followed by :data:`REENGAGE_UTTERANCES` substantive
  patient utterances (at least :data:`SUBSTANTIVE_WORDS` words, no marker) before any new marker: the
  patient takes up the work again after the repair.
* **Therapist contributions** are counted in the window before the first marker (``before``) and from
  the first marker to the end of the follow window (``during``).
* **Segment and session ratings** map one figure each through ordinal thresholds fitted (quadratic-weighted
  kappa) to the corpus's hand-coded ratings by ``scripts/fit_rating_rule.py`` (stored in
  ``pipeline/rating_rule.json``): a rating is ``1 + the number of thresholds the figure reaches``.
  The figures are: withdrawal
  (confrontation) marker utterances in the segment; the mean :func:`repair_score` of the episodes with a
  marker in the segment (0 unaddressed, 0.5 addressed, 1 resolved, less for redirect-only repair or
  therapist contributions during the episode; no rating without a marker);
  therapist-contribution utterances per 10 minutes; and the mean repair score of all episodes.

Example:
    >>> from pipeline.datamodel import Session, Utterance
    >>> us = [Utterance(session_id="s", turn_id=str(i), utterance_index=i, role=r, text=t, start=10.0 * i,
    ...                 labels=lab)
    ...       for i, (r, t, lab) in enumerate([
    ...           ("therapist", "Let's do the worksheet.", []),
    ...           ("patient", "These worksheets are a waste.", ["cf_complaint_activities"]),
    ...           ("therapist", "What about them feels pointless?", ["rs_invite_exploration"]),
    ...           ("patient", "They never fit what happens to me.", []),
    ...           ("patient", "Maybe if we made one about the train.", [])])]
    >>> s = summarise(Session(session_id="s", utterances=us))
    >>> e = s.episodes[0]
    >>> (s.n_episodes, e.kind, e.addressed, e.resolved, e.time_to_repair)
    (1, 'confrontation', True, True, 10.0)
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations_with_replacement
from pathlib import Path
from typing import Any

from pipeline.datamodel import SEGMENT_SECONDS, Episode, SegmentSummary, Session, SessionSummary, Utterance
from pipeline.labelset import LabelSet, load_labelset

WINDOW_SECONDS = 120.0
WINDOW_TURNS = 6
REENGAGE_UTTERANCES = 2
SUBSTANTIVE_WORDS = 3
RATING_RULE_PATH = Path(__file__).resolve().parent / "rating_rule.json"
RATINGS = ("withdrawal", "confrontation", "resolution", "therapist_contribution", "overall_resolution")
MARKER_GROUPS = ("withdrawal", "confrontation")


# -- the rating rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRule:
    """Ordinal thresholds for each rating (see the module docstring)."""

    version: str
    thresholds: dict[str, tuple[float, ...]]

    def rate(self, name: str, value: float) -> int:
        """``1 + the number of thresholds value reaches``, capped at 5.

        Example:
            >>> RatingRule("v", {"withdrawal": (1, 1, 3, 6)}).rate("withdrawal", 3)
            4
        """
        return min(5, 1 + sum(value >= t for t in self.thresholds[name]))


@lru_cache(maxsize=4)
def load_rating_rule(path: str | Path | None = None) -> RatingRule:
    """Read the fitted rule (``pipeline/rating_rule.json`` by default).

    Example:
        >>> rule = load_rating_rule()
        >>> rule.rate("withdrawal", 0), rule.rate("confrontation", 0)
        (1, 1)
    """
    doc = json.loads(Path(path or RATING_RULE_PATH).read_text(encoding="utf-8"))
    never = float("inf")  # stored as null: that level is never reached
    thresholds = {k: tuple(never if t is None else float(t) for t in doc["thresholds"][k]) for k in RATINGS}
    return RatingRule(version=str(doc["version"]), thresholds=thresholds)


def fit_thresholds(values: Sequence[float], gold: Sequence[int]) -> tuple[float, ...]:
    """Choose four rising thresholds that best agree with gold 1-5 ratings.

    Agreement is quadratic-weighted kappa (ratings are ordinal: a 4 for a gold 5 is nearly right),
    ties broken by exact agreement. Candidates are the midpoints between observed values, and "never".

    Example:
        >>> fit_thresholds([0, 0, 1, 1, 3], [1, 1, 3, 3, 4])
        (0.5, 0.5, 2.0, inf)
    """
    xs = sorted(set(values))
    cuts = [(a + b) / 2 for a, b in zip(xs, xs[1:], strict=False)] + [float("inf")]
    best: tuple[tuple[float, int], tuple[float, ...]] | None = None
    for cand in combinations_with_replacement(cuts, 4):
        pred = [min(5, 1 + sum(v >= t for t in cand)) for v in values]
        key = (round(weighted_kappa(pred, gold), 9), sum(p == g for p, g in zip(pred, gold, strict=True)))
        if best is None or key > best[0]:
            best = (key, cand)
    return best[1] if best else (float("inf"),) * 4


def weighted_kappa(pred: Sequence[int], gold: Sequence[int], k: int = 5) -> float:
    """Quadratic-weighted Cohen's kappa of two 1..k ratings (0 when undefined).

    Example:
        >>> weighted_kappa([1, 2, 3], [1, 2, 3]), weighted_kappa([1, 1], [1, 1])
        (1.0, 0.0)
    """
    n = len(gold)
    if n == 0:
        return 0.0
    obs = [[0.0] * k for _ in range(k)]
    for p, g in zip(pred, gold, strict=True):
        obs[p - 1][g - 1] += 1
    rows = [sum(r) for r in obs]
    cols = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    w = [[(i - j) ** 2 for j in range(k)] for i in range(k)]
    observed = sum(w[i][j] * obs[i][j] for i in range(k) for j in range(k))
    expected = sum(w[i][j] * rows[i] * cols[j] / n for i in range(k) for j in range(k))
    return 1.0 - observed / expected if expected else 0.0


# -- helpers over utterances ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    by_label: dict[str, str]

    def of(self, u: Utterance) -> set[str]:
        return {self.by_label[lab] for lab in u.labels if lab in self.by_label}

    def labels_in(self, u: Utterance, group: str) -> list[str]:
        return [lab for lab in u.labels if self.by_label.get(lab) == group]


def _groups(labelset: LabelSet) -> _Groups:
    return _Groups({lab.id: lab.group for lab in labelset.labels})


def _turn_ordinals(utts: list[Utterance]) -> list[int]:
    out, turn, prev = [], -1, None
    for u in utts:
        if u.turn_id != prev:
            turn, prev = turn + 1, u.turn_id
        out.append(turn)
    return out


def _time(u: Utterance) -> float | None:
    return u.start if u.start is not None else u.end


def _segment_of(u: Utterance) -> int:
    if u.segment_index is not None:
        return u.segment_index
    return int((_time(u) or 0.0) // SEGMENT_SECONDS) + 1


def _close(utts: list[Utterance], turns: list[int], i: int, j: int) -> bool:
    """Is position ``j`` within the episode window after position ``i``?"""
    ti, tj = _time(utts[i]), _time(utts[j])
    if ti is not None and tj is not None and tj - ti <= WINDOW_SECONDS:
        return True
    return turns[j] - turns[i] <= WINDOW_TURNS


def _substantive(u: Utterance) -> bool:
    return len(u.text.split()) >= SUBSTANTIVE_WORDS


# -- episodes -------------------------------------------------------------------------------------


def find_episodes(utts: list[Utterance], labelset: LabelSet | None = None) -> list[Episode]:
    """Rupture episodes of a session's utterances (in order), per codebook section 6.

    Example:
        >>> from pipeline.datamodel import Utterance
        >>> us = [Utterance(session_id="s", turn_id=str(i), utterance_index=i, role="patient", text="Dunno.",
        ...                 start=t, labels=["wd_minimal_response"]) for i, t in enumerate([0, 60, 400])]
        >>> [e.marker_utterances for e in find_episodes(us)]  # 340 s apart, but within six turns
        [[0, 1, 2]]
    """
    groups = _groups(labelset or load_labelset())
    turns = _turn_ordinals(utts)
    marker_pos = [i for i, u in enumerate(utts) if groups.of(u) & set(MARKER_GROUPS)]
    chains: list[list[int]] = []
    for p in marker_pos:
        if chains and _close(utts, turns, chains[-1][-1], p):
            chains[-1].append(p)
        else:
            chains.append([p])
    starts = [c[0] for c in chains] + [len(utts)]
    return [
        _episode(utts, turns, groups, chain, next_start, k)
        for k, (chain, next_start) in enumerate(zip(chains, starts[1:], strict=True), start=1)
    ]


def _episode(utts, turns, groups: _Groups, chain: list[int], next_start: int, k: int) -> Episode:
    first, last = chain[0], chain[-1]
    follow_end = last
    while follow_end + 1 < next_start and _close(utts, turns, last, follow_end + 1):
        follow_end += 1
    span = range(first, follow_end + 1)
    strat_pos = [i for i in span if groups.labels_in(utts[i], "resolution")]
    before = [i for i in range(first - 1, -1, -1) if _close(utts, turns, i, first)][::-1]
    tc_before = [i for i in before if groups.labels_in(utts[i], "therapist_contribution")]
    tc_during = [i for i in span if groups.labels_in(utts[i], "therapist_contribution")]
    markers = [lab for i in chain for g in MARKER_GROUPS for lab in groups.labels_in(utts[i], g)]
    kinds = {g for i in chain for g in groups.of(utts[i]) if g in MARKER_GROUPS}
    first_strat = strat_pos[0] if strat_pos else None
    t0 = _time(utts[first])
    t_rep = _time(utts[first_strat]) if first_strat is not None else None
    return Episode(
        episode_index=k,
        kind=kinds.pop() if len(kinds) == 1 else "mixed",
        start_utterance=utts[first].utterance_index,
        end_utterance=utts[last].utterance_index,
        start=t0,
        end=utts[last].end if utts[last].end is not None else _time(utts[last]),
        segment_index=_segment_of(utts[first]),
        markers=markers,
        marker_utterances=[utts[i].utterance_index for i in chain],
        addressed=bool(strat_pos),
        resolved=any(_reengaged(utts, groups, i) for i in strat_pos),
        strategies=[lab for i in strat_pos for lab in groups.labels_in(utts[i], "resolution")],
        strategy_utterances=[utts[i].utterance_index for i in strat_pos],
        time_to_repair=None if t_rep is None or t0 is None else round(t_rep - t0, 3),
        turns_to_repair=None if first_strat is None else turns[first_strat] - turns[first],
        response_utterance=next(
            (utts[i].utterance_index for i in range(first + 1, len(utts)) if utts[i].role == "therapist"),
            None,
        ),
        contributions_before=[
            lab for i in tc_before for lab in groups.labels_in(utts[i], "therapist_contribution")
        ],
        contributions_during=[
            lab for i in tc_during for lab in groups.labels_in(utts[i], "therapist_contribution")
        ],
        contribution_utterances=[utts[i].utterance_index for i in tc_before + tc_during],
    )


def _reengaged(utts: list[Utterance], groups: _Groups, after: int) -> bool:
    count = 0
    for u in utts[after + 1 :]:
        if u.role != "patient":
            continue
        if groups.of(u) & set(MARKER_GROUPS):
            return False
        count += _substantive(u)
        if count >= REENGAGE_UTTERANCES:
            return True
    return False


def repair_score(e: Episode) -> float:
    """0 unaddressed, 0.5 addressed, 1 resolved; halved when the only strategy is ``rs_redirect`` (steering
    back without exploring), and 0.25 less when the therapist contributed to the rupture during it."""
    score = 1.0 if e.resolved else 0.5 if e.addressed else 0.0
    if e.strategies and set(e.strategies) <= {"rs_redirect"}:
        score *= 0.5
    if e.contributions_during:
        score -= 0.25
    return max(score, 0.0)


# -- segments and the session ---------------------------------------------------------------------


def _segment_summaries(
    session: Session, episodes: list[Episode], groups: _Groups, rule: RatingRule
) -> list[SegmentSummary]:
    by_seg: dict[int, list[Utterance]] = {s.segment_index: [] for s in session.segments}
    for u in session.utterances:
        by_seg.setdefault(_segment_of(u), []).append(u)
    ep_of = {m: e for e in episodes for m in e.marker_utterances}
    return [_segment(idx, by_seg[idx], ep_of, groups, rule) for idx in sorted(by_seg)]


def _segment(
    idx: int, utts: list[Utterance], ep_of: dict[int, Episode], groups: _Groups, rule
) -> SegmentSummary:
    def n(group: str) -> int:
        return sum(group in groups.of(u) for u in utts)

    seg_eps = {
        ep_of[u.utterance_index].episode_index: ep_of[u.utterance_index]
        for u in utts
        if u.utterance_index in ep_of
    }
    repair = statistics.fmean(map(repair_score, seg_eps.values())) if seg_eps else None
    start = (idx - 1) * SEGMENT_SECONDS
    return SegmentSummary(
        segment_index=idx,
        start=start,
        end=start + SEGMENT_SECONDS,
        n_utterances=len(utts),
        withdrawal_markers=n("withdrawal"),
        confrontation_markers=n("confrontation"),
        resolution_strategies=n("resolution"),
        therapist_contributions=n("therapist_contribution"),
        withdrawal_significance=rule.rate("withdrawal", n("withdrawal")),
        confrontation_significance=rule.rate("confrontation", n("confrontation")),
        resolution=None if repair is None else rule.rate("resolution", repair),
        repair_score=None if repair is None else round(repair, 4),
        times_estimated=any(u.times_estimated for u in utts),
    )


def session_duration(session: Session) -> float:
    """Seconds from 0 to the end (or start) of the last timed utterance.

    Example:
        >>> from pipeline.datamodel import Utterance
        >>> u = Utterance(session_id="s", turn_id="0", utterance_index=0, role="patient", text="Hi.",
        ...               start=1, end=3)
        >>> session_duration(Session(session_id="s", utterances=[u]))
        3.0
    """
    times = [u.end if u.end is not None else u.start for u in session.utterances]
    return max((t for t in times if t is not None), default=0.0)


def summarise(
    session: Session,
    labelset: LabelSet | None = None,
    rule: RatingRule | None = None,
    model_card: dict[str, Any] | None = None,
) -> SessionSummary:
    """Summarise one classified session (its utterances' ``labels``; gold or predicted)."""
    labelset = labelset or load_labelset()
    rule = rule or load_rating_rule()
    groups = _groups(labelset)
    utts = sorted(session.utterances, key=lambda u: u.utterance_index)
    episodes = find_episodes(utts, labelset)
    duration = session_duration(session)
    role_n = {r: sum(u.role == r for u in utts) for r in ("patient", "therapist")}
    group_counts = {g: sum(g in groups.of(u) for u in utts) for g in labelset.group_names}
    per_10 = max(duration, 1.0) / 600.0
    repaired = [e.time_to_repair for e in episodes if e.time_to_repair is not None]
    repair = statistics.fmean(map(repair_score, episodes)) if episodes else None
    return SessionSummary(
        session_id=session.session_id,
        source=session.source,
        metadata=session.metadata,
        labelset_version=labelset.version,
        model=_model_info(model_card),
        rating_rule=rule.version,
        times_estimated=session.times_estimated or any(u.times_estimated for u in utts),
        duration_seconds=round(duration, 3),
        n_turns=len(set(_turn_ordinals(utts))),
        n_utterances=len(utts),
        n_patient_utterances=role_n["patient"],
        n_therapist_utterances=role_n["therapist"],
        label_counts={lab: sum(lab in u.labels for u in utts) for lab in labelset.ids},
        group_counts=group_counts,
        group_rates_per_10_min={g: round(c / per_10, 4) for g, c in group_counts.items()},
        group_rates_per_100_utterances={
            g: round(100 * c / max(role_n.get(labelset.groups[g]["role"], 0), 1), 4)
            for g, c in group_counts.items()
        },
        episodes=episodes,
        n_episodes=len(episodes),
        n_addressed=sum(e.addressed for e in episodes),
        n_resolved=sum(e.resolved for e in episodes),
        median_time_to_repair=statistics.median(repaired) if repaired else None,
        segments=_segment_summaries(session, episodes, groups, rule),
        therapist_contribution=rule.rate(
            "therapist_contribution", group_counts["therapist_contribution"] / per_10
        ),
        repair_score=None if repair is None else round(repair, 4),
        overall_resolution=None if repair is None else rule.rate("overall_resolution", repair),
    )


def _model_info(card: dict[str, Any] | None) -> dict[str, Any]:
    if not card:
        return {}
    keep = ("name", "version", "base_model", "finetune", "data_hash", "created")
    return {k: card[k] for k in keep if k in card} or {"name": str(card.get("name", "unknown"))}
