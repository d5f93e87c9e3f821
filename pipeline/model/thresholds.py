"""Decision thresholds, tuned on the dev split and stored with the model.

Two kinds. Each label has its own threshold: for each label, the threshold maximising dev F1 is
chosen from a grid; among equally good thresholds the middle one is kept (less fitted to the few
dev positives than an edge). A label with fewer than ``min_positives`` dev positives gets the one
global threshold that maximises F1 pooled over all labels.

Each coarse group (withdrawal, confrontation, resolution, therapist contribution) also has a
threshold on its *group score*, the highest score among its labels. When an utterance's group
score reaches it but none of the group's labels reaches its own threshold, the group's
highest-scoring label is reported. Why: a label's threshold is tuned on a handful of dev positives
and often lands too high on new data, so the model misses utterances it does rank as, say,
withdrawal; the group threshold rests on ten times as many positives. Measured on the corpus's
splits, this raised test macro-F1 for groups and for labels alike (``models/default/MODEL_CARD.md``).

Example:
    >>> import numpy as np
    >>> probs = np.array([[0.9], [0.2], [0.7], [0.1]])
    >>> gold = np.array([[1], [0], [1], [0]])
    >>> tune_thresholds(probs, gold, np.ones_like(gold, dtype=bool), ["x"], min_positives=1)
    {'x': 0.45}
"""

from __future__ import annotations

import numpy as np

GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def _f1_curve(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    pred = p[None, :] >= GRID[:, None]
    tp = (pred & (y[None, :] == 1)).sum(1)
    fp = (pred & (y[None, :] == 0)).sum(1)
    fn = ((~pred) & (y[None, :] == 1)).sum(1)
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)


def _middle_best(f1: np.ndarray) -> float:
    best = np.flatnonzero(np.isclose(f1, f1.max()))
    return float(GRID[best[len(best) // 2]])


def tune_thresholds(
    probs: np.ndarray, gold: np.ndarray, applies: np.ndarray, label_ids: list[str], min_positives: int = 2
) -> dict[str, float]:
    """``probs``, ``gold``, ``applies``: ``[units, labels]``; only units where the label applies count."""
    pooled = _middle_best(_f1_curve(probs[applies], gold[applies]))
    out = {}
    for j, lab in enumerate(label_ids):
        m = applies[:, j]
        y = gold[m, j]
        out[lab] = _middle_best(_f1_curve(probs[m, j], y)) if y.sum() >= min_positives else pooled
    return out


def group_columns(label_ids: list[str], group_of: dict[str, str]) -> dict[str, np.ndarray]:
    """``{group: column indices of its labels}`` in label-set order."""
    out: dict[str, list[int]] = {}
    for j, lab in enumerate(label_ids):
        out.setdefault(group_of[lab], []).append(j)
    return {g: np.array(cols) for g, cols in out.items()}


def labelset_columns(labelset) -> dict[str, np.ndarray]:
    """:func:`group_columns` of a :class:`~pipeline.labelset.LabelSet`."""
    return group_columns(labelset.ids, {lab.id: lab.group for lab in labelset.labels})


def tune_group_thresholds(
    probs: np.ndarray,
    gold: np.ndarray,
    applies: np.ndarray,
    columns: dict[str, np.ndarray],
    min_positives: int = 2,
) -> dict[str, float]:
    """A threshold per group on the group score (a group with too few dev positives gets none).

    Example:
        >>> import numpy as np
        >>> p = np.array([[0.4, 0.1], [0.1, 0.3], [0.1, 0.1]])
        >>> y = np.array([[1, 0], [0, 1], [0, 0]])
        >>> tune_group_thresholds(p, y, np.ones_like(y, dtype=bool), {"g": np.array([0, 1])})
        {'g': 0.2}
    """
    out = {}
    for group, cols in columns.items():
        m = applies[:, cols].any(1)
        y = gold[m][:, cols].max(1)
        if y.sum() >= min_positives:
            out[group] = _middle_best(_f1_curve(probs[m][:, cols].max(1), y))
    return out


def decide(
    probs: np.ndarray,
    applies: np.ndarray,
    thresholds: np.ndarray,
    columns: dict[str, np.ndarray] | None = None,
    group_thresholds: dict[str, float] | None = None,
) -> np.ndarray:
    """``[units, labels]`` booleans: label thresholds, then each group's top label where its group fires."""
    hit = (probs >= thresholds[None, :]) & applies
    for group, t in (group_thresholds or {}).items():
        cols = columns[group]
        p = np.where(applies[:, cols], probs[:, cols], -1.0)
        fires = (p.max(1) >= t) & ~hit[:, cols].any(1)
        rows = np.flatnonzero(fires)
        hit[rows, cols[p[rows].argmax(1)]] = True
    return hit


def apply_thresholds(
    probs: np.ndarray,
    applies: np.ndarray,
    thresholds: dict[str, float],
    label_ids: list[str],
    group_thresholds: dict[str, float] | None = None,
    columns: dict[str, np.ndarray] | None = None,
) -> list[list[str]]:
    """Predicted label ids per unit, in label-set order (group thresholds need ``columns``)."""
    t = np.array([thresholds[lab] for lab in label_ids])
    hit = decide(probs, applies, t, columns, group_thresholds)
    return [[label_ids[j] for j in np.flatnonzero(row)] for row in hit]


def tune_decision(
    probs: np.ndarray,
    gold: np.ndarray,
    applies: np.ndarray,
    labelset,
    min_positives: int = 2,
    groups: bool = True,
) -> tuple[dict[str, float], dict[str, float]]:
    """Label thresholds and (when ``groups``) group thresholds, both tuned on the same units."""
    thresholds = tune_thresholds(probs, gold, applies, labelset.ids, min_positives)
    if not groups:
        return thresholds, {}
    return thresholds, tune_group_thresholds(probs, gold, applies, labelset_columns(labelset), min_positives)


def decide_ids(
    probs: np.ndarray,
    applies: np.ndarray,
    thresholds: dict[str, float],
    group_thresholds: dict[str, float],
    labelset,
) -> list[list[str]]:
    """:func:`apply_thresholds` with the label set's groups."""
    return apply_thresholds(
        probs, applies, thresholds, labelset.ids, group_thresholds, labelset_columns(labelset)
    )
