"""Fit the segment/session rating rule on the corpus's TRAIN split and print its agreement on dev.

The figures each rating is made from are computed by ``pipeline.summarise`` from the gold utterance
labels (see its module docstring); the thresholds that turn them into 1-5 are chosen to maximise exact
agreement with the hand-coded 3RS-style ratings, and are written to ``pipeline/rating_rule.json``.
Never fit on AnnoMI.

Usage: python scripts/fit_rating_rule.py [--corpus data/corpus] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipeline.datamodel import Session
from pipeline.summarise import (
    RATING_RULE_PATH,
    RATINGS,
    RatingRule,
    fit_thresholds,
    load_rating_rule,
    summarise,
    weighted_kappa,
)

Pairs = dict[str, tuple[list[float], list[int]]]


def load(corpus: Path) -> list[Session]:
    if (corpus / "sessions.jsonl").exists():
        from pipeline.corpus.load import load_corpus

        return load_corpus(corpus)
    from pipeline.corpus.build import read_sources

    print("warning: no built corpus (sessions.jsonl); using the sources, all as train", file=sys.stderr)
    sessions = read_sources(corpus / "sessions")
    for s in sessions:
        s.split = "train"
    return sessions


def pairs(sessions: list[Session]) -> Pairs:
    """(figure, gold rating) for each rating, from gold labels."""
    out: Pairs = {k: ([], []) for k in RATINGS}

    def add(name: str, x: float | None, y: int | None) -> None:
        if x is not None and y is not None:
            out[name][0].append(x)
            out[name][1].append(y)

    for s in sessions:
        summary = summarise(s)
        gold = {r.segment_index: r for r in s.segment_ratings}
        for seg in summary.segments:
            g = gold.get(seg.segment_index)
            if g is None:
                continue
            add("withdrawal", seg.withdrawal_markers, g.withdrawal_significance)
            add("confrontation", seg.confrontation_markers, g.confrontation_significance)
            add("resolution", seg.repair_score, g.resolution)
        if s.session_rating:
            add(
                "therapist_contribution",
                summary.group_rates_per_10_min["therapist_contribution"],
                s.session_rating.therapist_contribution,
            )
            add("overall_resolution", summary.repair_score, s.session_rating.overall_resolution)
    return out


def agreement(rule: RatingRule, data: Pairs) -> dict[str, dict[str, float]]:
    out = {}
    for name, (xs, ys) in data.items():
        pred = [rule.rate(name, x) for x in xs]
        n = max(len(ys), 1)
        out[name] = {
            "n": len(ys),
            "exact": round(sum(p == y for p, y in zip(pred, ys, strict=True)) / n, 3),
            "within_1": round(sum(abs(p - y) <= 1 for p, y in zip(pred, ys, strict=True)) / n, 3),
            "mae": round(sum(abs(p - y) for p, y in zip(pred, ys, strict=True)) / n, 3),
            "weighted_kappa": round(weighted_kappa(pred, ys), 3),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("data/corpus"))
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the rule")
    args = ap.parse_args()
    sessions = load(args.corpus)
    train = pairs([s for s in sessions if s.split == "train"])
    dev = pairs([s for s in sessions if s.split == "dev"])
    thresholds = {
        k: fit_thresholds(*train[k]) if train[k][0] else load_rating_rule().thresholds[k] for k in RATINGS
    }
    version = "fit-" + datetime.now(UTC).strftime("%Y%m%d%H%M")
    rule = RatingRule(version=version, thresholds=thresholds)
    doc = {
        "version": version,
        "description": "Ordinal thresholds: rating = 1 + number of thresholds the figure reaches "
        "(null: never). Fitted by scripts/fit_rating_rule.py on the corpus train split's gold labels, "
        "maximising quadratic-weighted kappa (ties: exact agreement).",
        "figures": {
            "withdrawal": "withdrawal marker utterances in the segment",
            "confrontation": "confrontation marker utterances in the segment",
            "resolution": "mean repair score of episodes with a marker in the segment",
            "therapist_contribution": "therapist-contribution utterances per 10 minutes",
            "overall_resolution": "mean repair score of the session's episodes",
        },
        "thresholds": {k: [None if t == float("inf") else t for t in v] for k, v in thresholds.items()},
        "fitted_on": {"sessions": sum(s.split == "train" for s in sessions), "split": "train"},
        "agreement_train": agreement(rule, train),
        "agreement_dev": agreement(rule, dev),
    }
    print(json.dumps({k: doc[k] for k in ("thresholds", "agreement_train", "agreement_dev")}, indent=1))
    if not args.dry_run:
        RATING_RULE_PATH.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {RATING_RULE_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
