"""Rupture episodes found and missed: gold episodes matched to predicted ones by time.

Gold episodes come from gold labels by the summariser's own rule (:func:`pipeline.summarise.find_episodes`,
codebook section 6), so both sides use one definition. A gold episode is **found** when a predicted
episode of the same session overlaps it in time once both are widened by ``tolerance`` seconds on each
side (``pred.start <= gold.end + tol`` and ``pred.end >= gold.start - tol``). Matching is one-to-one and
greedy in time order (each gold episode takes the earliest free predicted episode that fits). Predicted
episodes left over are **spurious**. For matched pairs, agreement on ``addressed`` and ``resolved`` is
reported too.

Example:
    >>> from pipeline.datamodel import Episode
    >>> def ep(k, start, end):
    ...     return Episode(episode_index=k, kind="withdrawal", start_utterance=0, end_utterance=0,
    ...                    start=start, end=end, markers=[], marker_utterances=[], addressed=False,
    ...                    resolved=False, strategies=[], strategy_utterances=[], contributions_before=[],
    ...                    contributions_during=[], contribution_utterances=[])
    >>> m = match_episodes({"s": [ep(1, 100, 130), ep(2, 900, 950)]}, {"s": [ep(1, 180, 200)]}, 60)
    >>> m.found, m.missed, m.spurious
    (1, 1, 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from pipeline.datamodel import Episode

DEFAULT_TOLERANCE = 60.0


@dataclass
class EpisodeMatch:
    """Episode-level counts (summable over sessions) and the matched pairs."""

    found: int = 0
    missed: int = 0
    spurious: int = 0
    addressed_agree: int = 0
    resolved_agree: int = 0
    tolerance: float = DEFAULT_TOLERANCE
    pairs: list[tuple[str, int, int]] = field(default_factory=list)
    missed_episodes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        n = self.found + self.missed
        return self.found / n if n else None

    @property
    def precision(self) -> float | None:
        n = self.found + self.spurious
        return self.found / n if n else None

    @property
    def f1(self) -> float | None:
        n = 2 * self.found + self.missed + self.spurious
        return 2 * self.found / n if n else None

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(
            recall=self.recall,
            precision=self.precision,
            f1=self.f1,
            gold_episodes=self.found + self.missed,
            predicted_episodes=self.found + self.spurious,
        )
        return out


def _span(e: Episode) -> tuple[float, float]:
    start = e.start if e.start is not None else 0.0
    return start, e.end if e.end is not None else start


def overlaps(gold: Episode, pred: Episode, tolerance: float) -> bool:
    """Do the two episodes overlap once widened by ``tolerance`` seconds?"""
    gs, ge = _span(gold)
    ps, pe = _span(pred)
    return ps <= ge + tolerance and pe >= gs - tolerance


def match_session(
    gold: Sequence[Episode], pred: Sequence[Episode], tolerance: float
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching in time order: ``(gold position, predicted position)`` pairs."""
    free = sorted(range(len(pred)), key=lambda j: _span(pred[j]))
    pairs = []
    for i in sorted(range(len(gold)), key=lambda i: _span(gold[i])):
        j = next((j for j in free if overlaps(gold[i], pred[j], tolerance)), None)
        if j is not None:
            free.remove(j)
            pairs.append((i, j))
    return pairs


def match_episodes(
    gold: Mapping[str, Sequence[Episode]],
    pred: Mapping[str, Sequence[Episode]],
    tolerance: float = DEFAULT_TOLERANCE,
) -> EpisodeMatch:
    """Match episodes session by session (sessions in ``gold``); see the module docstring."""
    out = EpisodeMatch(tolerance=tolerance)
    for sid, g in gold.items():
        p = pred.get(sid, [])
        pairs = match_session(g, p, tolerance)
        matched = {i for i, _ in pairs}
        out.found += len(pairs)
        out.missed += len(g) - len(pairs)
        out.spurious += len(p) - len(pairs)
        out.addressed_agree += sum(g[i].addressed == p[j].addressed for i, j in pairs)
        out.resolved_agree += sum(g[i].resolved == p[j].resolved for i, j in pairs)
        out.pairs += [(sid, g[i].episode_index, p[j].episode_index) for i, j in pairs]
        out.missed_episodes += [(sid, e.episode_index) for i, e in enumerate(g) if i not in matched]
    return out
