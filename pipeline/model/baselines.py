"""Baselines trained and scored on the same splits and units as the fine-tuned model.

* ``tfidf_logreg``: word 1-2-gram TF-IDF with one balanced logistic regression per label (the
  classic automated-coding approach);
* ``frozen_encoder_linear``: the same base encoder, frozen (mean-pooled utterance vectors), with a
  linear head (balanced logistic regression per label).

Both see one unit (utterance or turn) at a time, are trained only on units of the label's role,
pick their regularisation strength on dev macro-F1 and get per-label thresholds tuned on dev, exactly
as the fine-tuned model does.

Example:
    >>> from pipeline.model.baselines import run_baselines          # doctest: +SKIP
    >>> run_baselines(load_training_data("data/corpus"))["tfidf_logreg"]["test"]["macro_f1"]  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from pipeline.labelset import LabelSet, load_labelset
from pipeline.model.data import TrainingSession
from pipeline.model.metrics import evaluate
from pipeline.model.thresholds import decide_ids, tune_decision

C_GRID = (0.3, 1.0, 3.0)


def unit_table(data: list[TrainingSession], labelset: LabelSet) -> dict[str, np.ndarray | list]:
    """Units as rows: text (a turn's utterances joined), role, gold matrix, role mask."""
    texts, roles, gold = [], [], []
    col = {lab: j for j, lab in enumerate(labelset.ids)}
    for ts in data:
        parts: dict[int, list[str]] = {}
        role: dict[int, str] = {}
        for u, k in zip(ts.session.utterances, ts.units, strict=True):
            parts.setdefault(k, []).append(u.text)
            role.setdefault(k, u.role)
        for k, labels in enumerate(ts.unit_labels):
            texts.append(" ".join(parts.get(k, [])))
            roles.append(role.get(k, "other"))
            row = np.zeros(len(col), dtype=np.int64)
            row[[col[lab] for lab in labels]] = 1
            gold.append(row)
    applies = np.array([[lab.role == r for lab in labelset.labels] for r in roles], dtype=bool).reshape(
        -1, len(col)
    )
    return {"texts": texts, "roles": roles, "gold": np.array(gold).reshape(-1, len(col)), "applies": applies}


def _fit_predict(x_train, y_train, a_train, x_eval: list, c: float) -> list[np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    out = [np.zeros((x.shape[0], y_train.shape[1])) for x in x_eval]
    for j in range(y_train.shape[1]):
        rows = a_train[:, j]
        y = y_train[rows, j]
        if y.sum() == 0 or y.sum() == len(y):
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(x_train[rows], y)
        for o, x in zip(out, x_eval, strict=True):
            o[:, j] = clf.predict_proba(x)[:, 1]
    return out


def _score(
    tables: dict[str, dict], feats: dict[str, Any], labelset: LabelSet, min_dev: int
) -> dict[str, Any]:
    tr, dev = tables["train"], tables["dev"]
    eval_splits = [s for s in ("dev", "test") if s in tables]
    best: tuple[float, float, list[np.ndarray]] | None = None
    for c in C_GRID:
        probs = _fit_predict(feats["train"], tr["gold"], tr["applies"], [feats[s] for s in eval_splits], c)
        th, gth = tune_decision(probs[0], dev["gold"], dev["applies"], labelset, min_dev)
        f1 = evaluate(
            _ids(dev["gold"], labelset),
            decide_ids(probs[0], dev["applies"], th, gth, labelset),
            labelset,
        )["macro_f1"]
        if best is None or f1 > best[0]:
            best = (f1, c, probs)
    _, c, probs = best
    th, gth = tune_decision(probs[0], dev["gold"], dev["applies"], labelset, min_dev)
    out: dict[str, Any] = {"C": c}
    for split, p in zip(eval_splits, probs, strict=True):
        t = tables[split]
        out[split] = evaluate(
            _ids(t["gold"], labelset), decide_ids(p, t["applies"], th, gth, labelset), labelset
        )
    return out


def _ids(gold: np.ndarray, labelset: LabelSet) -> list[list[str]]:
    return [[labelset.ids[j] for j in np.flatnonzero(row)] for row in gold]


def tfidf_logreg(tables: dict[str, dict], labelset: LabelSet, min_dev: int = 2) -> dict[str, Any]:
    """TF-IDF (word 1-2 grams, role token prepended) + balanced logistic regression per label."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    docs = {
        s: [f"role_{r} {t}" for r, t in zip(tab["roles"], tab["texts"], strict=True)]
        for s, tab in tables.items()
    }
    vec.fit(docs["train"])
    return _score(tables, {s: vec.transform(d) for s, d in docs.items()}, labelset, min_dev)


def frozen_encoder_linear(
    tables: dict[str, dict], labelset: LabelSet, embed: Callable[[list[str]], np.ndarray], min_dev: int = 2
) -> dict[str, Any]:
    """The frozen base encoder's mean-pooled vectors + balanced logistic regression per label."""
    feats = {s: embed(tab["texts"]) for s, tab in tables.items()}
    return _score(tables, feats, labelset, min_dev)


def encoder_embedder(
    base_dir, max_length: int = 96, batch_size: int = 64
) -> Callable[[list[str]], np.ndarray]:
    """A function texts -> ``[n, dim]`` frozen, mean-pooled vectors of the encoder in ``base_dir``."""
    import torch

    from pipeline.model.architecture import mean_pool
    from pipeline.model.base import load_encoder
    from pipeline.model.encoding import encode_all, tokenize

    encoder, tokenizer = load_encoder(base_dir)
    encoder.eval()

    def encode(input_ids, mask):
        return mean_pool(encoder(input_ids=input_ids, attention_mask=mask).last_hidden_state, mask)

    def embed(texts: list[str]) -> np.ndarray:
        with torch.inference_mode():
            return encode_all(
                encode, tokenize(tokenizer, texts, max_length), tokenizer.pad_token_id, batch_size
            ).numpy()

    return embed


def run_baselines(
    data: list[TrainingSession], base_dir=None, max_length: int = 96, min_dev: int = 2
) -> dict[str, dict[str, Any]]:
    """Both baselines on the data's train/dev/test splits -> ``{name: {"dev": metrics, "test": metrics}}``."""
    from pipeline.model.base import resolve_base
    from pipeline.model.config import DEFAULT_BASE

    labelset = load_labelset()
    tables = {s: unit_table([ts for ts in data if ts.split == s], labelset) for s in ("train", "dev", "test")}
    tables = {s: t for s, t in tables.items() if t["texts"]}
    embed = encoder_embedder(resolve_base(base_dir or DEFAULT_BASE), max_length)
    return {
        "tfidf_logreg": tfidf_logreg(tables, labelset, min_dev),
        "frozen_encoder_linear": frozen_encoder_linear(tables, labelset, embed, min_dev),
    }
