"""Do group thresholds help on sessions they were not tuned on? Answered on dev alone, without test.

The dev split's sessions are dealt into two halves (alternately, in corpus order); thresholds are
tuned on one half and scored on the other, both ways, with label thresholds alone and with label
plus group thresholds (:mod:`pipeline.model.thresholds`). Prints the mean held-out macro-F1 of each.
``--split test`` also prints that split's figures with thresholds tuned on the whole dev split, as
the shipped model uses them.

    python scripts/check_group_thresholds.py --model models/default --corpus data/corpus [--split test]
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

KEYS = ("groups_macro_f1", "macro_f1")


def table(clf, sessions) -> dict:
    """Gold, role masks and model probabilities of utterance-level sessions, one row per utterance."""
    t = unit_table(sessions, clf.labelset)
    t["probs"] = np.concatenate(clf.probabilities([ts.session for ts in sessions]))
    return t


def tuned_then_scored(clf, tune: dict, score: dict, groups: bool) -> dict:
    th = tune_decision(tune["probs"], tune["gold"], tune["applies"], clf.labelset, 2, groups)
    pred = decide_ids(score["probs"], score["applies"], *th, clf.labelset)
    gold = [[clf.labelset.ids[j] for j in np.flatnonzero(row)] for row in score["gold"]]
    return evaluate(gold, pred, clf.labelset)


def held_out(clf, sessions, groups: bool) -> dict[str, float]:
    """Mean macro-F1 over the two ways of tuning on one half of ``sessions`` and scoring the other."""
    halves = [table(clf, sessions[0::2]), table(clf, sessions[1::2])]
    scores = [tuned_then_scored(clf, a, b, groups) for a, b in (halves, halves[::-1])]
    return {k: round(float(np.mean([s[k] for s in scores])), 4) for k in KEYS}


def _line(name: str, where: str, r: dict) -> str:
    return f"{name}  {where}: groups macro-F1 {r['groups_macro_f1']:.4f}  labels macro-F1 {r['macro_f1']:.4f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--corpus", default="data/corpus")
    ap.add_argument("--split", default=None, help="also score this split with thresholds tuned on dev")
    args = ap.parse_args()
    clf = load_model(args.model)
    data = load_training_data(args.corpus)
    dev = [ts for ts in data if ts.split == "dev"]
    names = {False: "label thresholds only  ", True: "label + group thresholds"}
    for groups in (False, True):
        print(_line(names[groups], "held-out dev", held_out(clf, dev, groups)))
    if args.split:
        tune, score = table(clf, dev), table(clf, [ts for ts in data if ts.split == args.split])
        for groups in (False, True):
            r = tuned_then_scored(clf, tune, score, groups)
            print(_line(names[groups], f"{args.split} (tuned on dev)", r))


if __name__ == "__main__":
    main()
