"""Prediction: :class:`RuptureClassifier`, what ``rupture annotate`` and the demo call.

All utterances of all given sessions are tokenised together, encoded once each in length-bucketed
batches under ``torch.inference_mode``, then the contextual layer runs once per session. Scores are
rounded to 4 places and labels are read from the rounded scores, so ``labels`` and ``scores`` always
agree and predictions do not depend on ``batch_size``.

Example:
    >>> from pipeline.model import load_model                  # doctest: +SKIP
    >>> clf = load_model()                                      # doctest: +SKIP
    >>> out = clf.predict(sessions)                             # doctest: +SKIP
    >>> out[0].utterances[3].labels, out[0].utterances[3].scores["wd_denial"]   # doctest: +SKIP
    (['wd_denial'], 0.8312)
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import torch

from pipeline.datamodel import Session, Utterance
from pipeline.labelset import LabelSet
from pipeline.model.architecture import ROLE_INDEX, RuptureNet
from pipeline.model.encoding import encode_all, tokenize
from pipeline.model.thresholds import decide, labelset_columns

SCORE_DECIMALS = 4


def bf16_supported(device: str) -> bool:
    """Whether bfloat16 autocast is fast here (CUDA with bf16, or a CPU with AVX512-BF16/AMX)."""
    if str(device).startswith("cuda"):
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def autocast_for(precision: str, device: str):
    """A context manager: bf16 autocast when asked for (``auto``: where supported), else nothing."""
    use = precision == "bf16" or (precision == "auto" and bf16_supported(device))
    if not use:
        return contextlib.nullcontext()
    return torch.autocast(
        device_type="cuda" if str(device).startswith("cuda") else "cpu", dtype=torch.bfloat16
    )


def session_probabilities(
    net: RuptureNet,
    tokenizer,
    sessions: list[Session],
    max_length: int,
    batch_size: int = 64,
    device: str = "cpu",
    precision: str = "fp32",
) -> list[np.ndarray]:
    """``[n_utterances, n_labels]`` probabilities per session (role mask not applied)."""
    utts = [u for s in sessions for u in s.utterances]
    if not utts:
        return [np.zeros((0, net.head.out.out_features), dtype=np.float32) for _ in sessions]
    was_training = net.training
    net.eval()
    ids = tokenize(tokenizer, [u.text for u in utts], max_length)
    with torch.inference_mode(), autocast_for(precision, device):
        vecs = encode_all(net.encode, ids, tokenizer.pad_token_id, batch_size, device).float()
        out, start = [], 0
        for s in sessions:
            n = len(s.utterances)
            if n == 0:
                out.append(np.zeros((0, net.head.out.out_features), dtype=np.float32))
                continue
            roles = torch.tensor([ROLE_INDEX[u.role] for u in s.utterances], device=device)
            with torch.autocast(
                device_type="cuda" if str(device).startswith("cuda") else "cpu", enabled=False
            ):
                logits = net.head([vecs[start : start + n]], [roles])[0]
            out.append(torch.sigmoid(logits.float()).cpu().numpy())
            start += n
    net.train(was_training)
    return out


class RuptureClassifier:
    """A trained model ready to label sessions; made by :func:`pipeline.model.load_model`.

    Attributes:
        labelset: the label set the model predicts (matches the running one).
        thresholds: ``{label_id: threshold}`` tuned on the dev split.
        group_thresholds: ``{group: threshold}`` on group scores, tuned on the dev split (see
            :mod:`pipeline.model.thresholds`); empty for models that have none.
        card: what the model is: name, base, label set, training data hash, metrics.
    """

    def __init__(
        self,
        net: RuptureNet,
        tokenizer,
        labelset: LabelSet,
        thresholds: dict[str, float],
        card: dict[str, Any],
        max_length: int,
        device: str = "cpu",
        precision: str = "auto",
        group_thresholds: dict[str, float] | None = None,
    ):
        self.net = net.to(device).eval()
        self.tokenizer = tokenizer
        self.labelset = labelset
        self.thresholds = dict(thresholds)
        self.group_thresholds = dict(group_thresholds or {})
        self._columns = labelset_columns(labelset)
        self.card = card
        self.max_length = max_length
        self.device = device
        self.precision = precision
        self._applies = {r: np.array([lab.role == r for lab in labelset.labels]) for r in ROLE_INDEX}

    def probabilities(self, sessions: list[Session], batch_size: int = 64) -> list[np.ndarray]:
        """Rounded probabilities ``[n_utterances, n_labels]`` per session, 0 where a label does not apply."""
        probs = session_probabilities(
            self.net, self.tokenizer, sessions, self.max_length, batch_size, self.device, self.precision
        )
        out = []
        for s, p in zip(sessions, probs, strict=True):
            mask = np.array([self._applies[u.role] for u in s.utterances]).reshape(p.shape)
            out.append(np.round(np.where(mask, p.astype(np.float64), 0.0), SCORE_DECIMALS))
        return out

    def predict(self, sessions: list[Session], batch_size: int = 64) -> list[Session]:
        """Copies of ``sessions`` whose utterances carry predicted ``labels`` and ``scores``."""
        probs = self.probabilities(sessions, batch_size)
        return [
            s.model_copy(update={"utterances": self._labelled(s.utterances, p)})
            for s, p in zip(sessions, probs, strict=True)
        ]

    def decisions(self, probs: np.ndarray, roles: list[str]) -> np.ndarray:
        """``[n, n_labels]`` booleans for rounded probabilities of utterances with these roles."""
        applies = np.array([self._applies[r] for r in roles]).reshape(probs.shape)
        t = np.array([self.thresholds[lab] for lab in self.labelset.ids])
        return decide(probs, applies, t, self._columns, self.group_thresholds)

    def _labelled(self, utterances: list[Utterance], probs: np.ndarray) -> list[Utterance]:
        hits = self.decisions(probs, [u.role for u in utterances])
        ids = self.labelset.ids
        out = []
        for u, row, hit in zip(utterances, probs, hits, strict=True):
            scores = {ids[j]: float(row[j]) for j in np.flatnonzero(self._applies[u.role])}
            out.append(
                u.model_copy(update={"labels": [ids[j] for j in np.flatnonzero(hit)], "scores": scores})
            )
        return out
