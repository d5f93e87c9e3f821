"""Do group thresholds help on sessions they were not tuned on? Answered on dev alone, without test.

The dev split's sessions are dealt into two halves (alternately, in corpus order); thresholds are
tuned on one half and scored on the other, both ways, with label thresholds alone and with label
plus group thresholds (:mod:`pipeline.model.thresholds`). Prints the mean held-out macro-F1 of each.

    python scripts/check_group_thresholds.py --model models/default --corpus data/corpus
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from pipeline.model import load_model, load_training_data  # noqa: E402
from pipeline.model.baselines import unit_table  # noqa: E402
from pipeline.model.metrics import evaluate  # noqa: E402
from pipeline.model.thresholds import decide_ids, tune_decision  # noqa: E402


def held_out(clf, sessions, groups: bool) -> dict[str, float]:
    """Mean macro-F1 over the two ways of tuning on one half of ``sessions`` and scoring the other."""
    halves = [sessions[0::2], sessions[1::2]]
    tables = []
    for half in halves:  # utterance-level data: one unit per utterance
        t = unit_table(half, clf.labelset)
        t["probs"] = np.concatenate(clf.probabilities([ts.session for ts in half]))
        tables.append(t)
    ids = clf.labelset.ids
    scores = []
    for tune, score in (tables, tables[::-1]):
        th = tune_decision(tune["probs"], tune["gold"], tune["applies"], clf.labelset, 2, groups)
        pred = decide_ids(score["probs"], score["applies"], *th, clf.labelset)
        gold = [[ids[j] for j in np.flatnonzero(row)] for row in score["gold"]]
        scores.append(evaluate(gold, pred, clf.labelset))
    return {k: round(float(np.mean([s[k] for s in scores])), 4) for k in ("groups_macro_f1", "macro_f1")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--corpus", default="data/corpus")
    args = ap.parse_args()
    clf = load_model(args.model)
    dev = [ts for ts in load_training_data(args.corpus) if ts.split == "dev"]
    for groups in (False, True):
        r = held_out(clf, dev, groups)
        name = "label + group thresholds" if groups else "label thresholds only  "
        print(
            f"{name}  held-out dev: groups macro-F1 {r['groups_macro_f1']:.4f}  "
            f"labels macro-F1 {r['macro_f1']:.4f}"
        )


if __name__ == "__main__":
    main()
