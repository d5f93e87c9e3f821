"""Issue #4 experiment: do CV-tuned thresholds, seed ensembles or a group-level loss help the heads?

Dev split only; the test split is not read. Heads (context layer + label heads) are trained on the
train split's frozen utterance vectors (``models/default/train.toml``: three pooled layers of
all-MiniLM-L6-v2), as stage 1 of ``rupture train`` does, and scored on dev with thresholds that were
NOT tuned on the units scored:

- ``split-half``: the shipped protocol (thresholds tuned on dev), judged fairly: tune on one half of
  the dev sessions, score the other, both ways, averaged;
- ``cv``: thresholds tuned on 5-fold out-of-fold predictions over the train split, epochs chosen the
  same way, heads refitted on all of train with 5 seeds (single heads and their running ensemble);
- ``group-loss``: an extra loss on each coarse group's noisy-OR score (``--aux 1``), and group F1 from
  the group score alone (max vs noisy-OR), split-half on dev.

    python scripts/experiment_heads.py > scripts/results/experiment_heads.txt   # about 15 min, 2 cores
"""

from __future__ import annotations

import argparse
import copy
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from pipeline.labelset import load_labelset  # noqa: E402
from pipeline.model import load_training_data  # noqa: E402
from pipeline.model.base import resolve_base  # noqa: E402
from pipeline.model.config import load_train_config  # noqa: E402
from pipeline.model.metrics import evaluate  # noqa: E402
from pipeline.model.store import architecture_of, build_net  # noqa: E402
from pipeline.model.thresholds import _f1_curve, _middle_best, decide_ids, labelset_columns, tune_decision  # noqa: E402
from pipeline.model.train import (
    Trainer,
    pos_weights,
    prepare,
    seed_everything,
    unit_logits,
    unit_loss,
    unit_probs,
)  # noqa: E402

EPOCHS = [5, 8, 10, 12, 15, 20]


class Heads:
    """Frozen vectors of every train and dev session, and fresh heads trained on them."""

    def __init__(self, config: str, corpus: str):
        self.cfg = cfg = load_train_config(config)
        self.labelset = load_labelset()
        data = load_training_data(corpus)
        base_dir = resolve_base(cfg.base_model)
        seed_everything(cfg.seed)
        self.net, tok = build_net(
            architecture_of(cfg, cfg.base_model, base_dir, self.labelset), base_dir, self.labelset
        )
        self.split = {
            s: prepare([ts for ts in data if ts.split == s], tok, self.labelset, cfg.max_length)
            for s in ("train", "dev")
        }
        self.trainer = Trainer(self.net, tok, cfg, self.labelset, "cpu", False)
        self.trainer.frozen_pass(self.split["train"] + self.split["dev"])
        self.start = copy.deepcopy(self.net.head.state_dict())
        self.groups = {g: torch.tensor(c) for g, c in labelset_columns(self.labelset).items()}

    def fit(self, train, epochs: list[int], seed: int, aux: float = 0.0) -> dict[int, dict]:
        """Head states after each of ``epochs``."""
        torch.manual_seed(seed)
        head, cfg = self.net.head, self.cfg
        head.load_state_dict(self.start)
        for m in head.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()
        pw = pos_weights(train, cfg.pos_weight_cap)
        opt = torch.optim.AdamW(head.parameters(), lr=cfg.head_lr, weight_decay=cfg.weight_decay)
        rng, out = np.random.default_rng(seed), {}
        for epoch in range(max(epochs)):
            head.train()
            order = list(rng.permutation(len(train)))
            for i in range(0, len(order), 4):
                batch = [train[j] for j in order[i : i + 4]]
                logits = head([self.trainer.vectors[id(p)] for p in batch], [p.roles for p in batch])
                loss = sum(
                    self._loss(p, unit_logits(p, lg), pw, aux) for p, lg in zip(batch, logits, strict=True)
                )
                opt.zero_grad()
                (loss / len(batch)).backward()
                opt.step()
            if epoch + 1 in epochs:
                out[epoch + 1] = copy.deepcopy(head.state_dict())
        return out

    def _loss(self, p, logits, pw, aux: float):
        loss = unit_loss(logits, p, pw, self.cfg)
        if not aux:
            return loss
        prob = torch.sigmoid(logits).clamp(1e-6, 1 - 1e-6)
        for cols in self.groups.values():
            m = p.applies[:, cols].any(1)
            if m.any():
                y = p.targets[m][:, cols].max(1).values
                q = 1 - torch.prod(1 - prob[m][:, cols] * p.applies[m][:, cols].float(), dim=1)
                loss = loss + aux * F.binary_cross_entropy(q.clamp(1e-6, 1 - 1e-6), y) / len(self.groups)
        return loss

    def probs(self, state, sessions) -> list[np.ndarray]:
        self.net.head.load_state_dict(state)
        self.net.head.eval()
        with torch.no_grad():
            logits = self.net.head(
                [self.trainer.vectors[id(p)] for p in sessions], [p.roles for p in sessions]
            )
        return [unit_probs(p, torch.sigmoid(lg).numpy()) for p, lg in zip(sessions, logits, strict=True)]

    def tune(self, P, Y, A):
        return tune_decision(P, Y, A, self.labelset, self.cfg.min_dev_positives, True)

    def score(self, P, Y, A, thresholds) -> tuple[float, float]:
        """(coarse-group macro-F1, all-label macro-F1)."""
        pred = decide_ids(P, A, *thresholds, self.labelset)
        m = evaluate([[self.labelset.ids[j] for j in np.flatnonzero(r)] for r in Y], pred, self.labelset)
        return round(m["groups_macro_f1"], 4), round(m["macro_f1"], 4)


def table(sessions, probs):
    return (
        np.concatenate(probs),
        torch.cat([p.targets for p in sessions]).numpy(),
        torch.cat([p.applies for p in sessions]).numpy(),
    )


def halves(probs) -> np.ndarray:
    return np.concatenate([[i % 2] * len(p) for i, p in enumerate(probs)]).astype(bool)


def split_half(h: Heads, P, Y, A, half) -> tuple[float, float]:
    pairs = ((half, ~half), (~half, half))
    mean = np.mean([h.score(P[b], Y[b], A[b], h.tune(P[a], Y[a], A[a])) for a, b in pairs], 0)
    return tuple(round(float(x), 4) for x in mean)


def group_score_f1(h: Heads, P, Y, A, half, kind: str) -> float:
    """Mean coarse-group F1 of the group score alone, threshold tuned on one dev half, scored on the other."""
    out = []
    for cols in h.groups.values():
        cols = cols.numpy()
        p = np.where(A[:, cols], P[:, cols], 0)
        s = p.max(1) if kind == "max" else 1 - np.prod(1 - p, axis=1)
        y, m = Y[:, cols].max(1), A[:, cols].any(1)
        for a, b in ((half & m, ~half & m), (~half & m, half & m)):
            pred = s[b] >= _middle_best(_f1_curve(s[a], y[a]))
            tp, fp, fn = (pred & (y[b] == 1)).sum(), (pred & (y[b] == 0)).sum(), (~pred & (y[b] == 1)).sum()
            out.append(2 * tp / max(1, 2 * tp + fp + fn))
    return round(float(np.mean(out)), 4)


def heads_from_command_line(description: str) -> Heads:
    """``--config`` and ``--corpus`` from the command line, two threads, and the heads on their vectors."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", default="models/default/train.toml")
    parser.add_argument("--corpus", default="data/corpus")
    args = parser.parse_args()
    torch.set_num_threads(2)
    return Heads(args.config, args.corpus)


def main() -> None:
    h = heads_from_command_line(__doc__.splitlines()[0])
    train, dev = h.split["train"], h.split["dev"]
    print("(coarse-group macro-F1, all-label macro-F1) on dev, thresholds never tuned on the units scored\n")

    print("## split-half: heads on train, thresholds tuned on one dev half, scored on the other")
    for seed in (13, 14, 15):
        states = h.fit(train, EPOCHS, seed)
        for e in EPOCHS:
            probs = h.probs(states[e], dev)
            print(f"seed {seed} epochs {e}: {split_half(h, *table(dev, probs), halves(probs))}")

    print("\n## cv: thresholds and epochs from 5-fold out-of-fold predictions on train")
    folds = [train[i::5] for i in range(5)]
    index = {id(p): i for i, p in enumerate(train)}
    oof = {e: [None] * len(train) for e in EPOCHS}
    for k, fold in enumerate(folds):
        states = h.fit([p for j, f in enumerate(folds) if j != k for p in f], EPOCHS, h.cfg.seed + k)
        for e, state in states.items():
            for p, pr in zip(fold, h.probs(state, fold), strict=True):
                oof[e][index[id(p)]] = pr
    tuned = {e: h.tune(*table(train, oof[e])) for e in EPOCHS}
    in_sample = {e: h.score(*table(train, oof[e]), tuned[e]) for e in EPOCHS}
    best = max(EPOCHS, key=lambda e: sum(in_sample[e]))
    print(f"out-of-fold (in-sample thresholds) by epochs: {in_sample}; chosen: {best}")
    dev_probs = []
    for seed in range(5):
        dev_probs.append(h.probs(h.fit(train, [best], 100 + seed)[best], dev))
        _, Y, A = table(dev, dev_probs[-1])
        single = h.score(table(dev, dev_probs[-1])[0], Y, A, tuned[best])
        mean = np.mean([table(dev, d)[0] for d in dev_probs], axis=0)
        print(f"seed {seed}: single {single}, ensemble of {seed + 1} {h.score(mean, Y, A, tuned[best])}")

    print("\n## group-loss: group score alone (max vs noisy-OR) and the full rule, split-half on dev")
    for aux in (0.0, 1.0):
        for seed in (13, 14, 15):
            states = h.fit(train, [10, 15, 20], seed, aux)
            for e, state in states.items():
                probs = h.probs(state, dev)
                P, Y, A = table(dev, probs)
                half = halves(probs)
                groups = {k: group_score_f1(h, P, Y, A, half, k) for k in ("max", "noisy-or")}
                print(
                    f"aux {aux} seed {seed} epochs {e}: group score {groups}, "
                    f"full rule {split_half(h, P, Y, A, half)}"
                )


if __name__ == "__main__":
    main()
