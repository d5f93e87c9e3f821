"""Per-label decision thresholds, tuned on the dev split and stored with the model.

For each label, the threshold maximising dev F1 is chosen from a grid; among equally good
thresholds the middle one is kept (less fitted to the few dev positives than an edge). A label
with fewer than ``min_positives`` dev positives gets the one global threshold that maximises F1
pooled over all labels.

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


def apply_thresholds(
    probs: np.ndarray, applies: np.ndarray, thresholds: dict[str, float], label_ids: list[str]
) -> list[list[str]]:
    """Predicted label ids per unit, in label-set order."""
    t = np.array([thresholds[lab] for lab in label_ids])
    hit = (probs >= t[None, :]) & applies
    return [[label_ids[j] for j in np.flatnonzero(row)] for row in hit]
