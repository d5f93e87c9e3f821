"""External validity on AnnoMI: do low-quality MI sessions show more ruptures and therapist contribution?

AnnoMI's README expects low-quality MI (lecturing, confronting, non-collaborative clinicians) to show
more ruptures and more therapist contribution than high-quality MI. This compares the two groups in an
``annotate`` output folder made from the AnnoMI CSV. The transcripts in RESERVED.md are left out
(held out for independent evaluation), and nothing is tuned on the result.

Usage:
    rupture annotate ../shared/data/annomi/AnnoMI-simple.csv --out out/annomi --allow-identifiers
    (AnnoMI is public and de-identified; its role-play names and video links are what the scan finds)
    python scripts/annomi_validity.py out/annomi --json scripts/results/annomi_validity.json
    (``--annomi DIR`` when AnnoMI is not at ../shared/data/annomi)
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pandas as pd
from scipy.stats import mannwhitneyu

MEASURES = (
    "withdrawal_per_10_min",
    "confrontation_per_10_min",
    "resolution_per_10_min",
    "therapist_contribution_per_10_min",
    "n_episodes",
    "max_withdrawal_significance",
    "max_confrontation_significance",
    "therapist_contribution",
)


def reserved_ids(annomi_dir: Path) -> set[str]:
    text = (annomi_dir / "RESERVED.md").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if re.fullmatch(r"[\d,\s]+", ln.strip() or "x"))
    return {f"annomi-{x.strip()}" for x in line.split(",") if x.strip()}


def compare(cohort: pd.DataFrame) -> list[dict[str, object]]:
    """Per measure: group means and medians, and a two-sided Mann-Whitney U test."""
    low = cohort[cohort["meta_mi_quality"] == "low"]
    high = cohort[cohort["meta_mi_quality"] == "high"]
    rows = []
    for m in MEASURES:
        if m not in cohort:
            continue
        a, b = low[m].dropna(), high[m].dropna()
        test = mannwhitneyu(a, b, alternative="two-sided")
        rows.append(
            {
                "measure": m,
                "n_low": len(a),
                "n_high": len(b),
                "mean_low": round(float(a.mean()), 3),
                "mean_high": round(float(b.mean()), 3),
                "median_low": round(float(a.median()), 3),
                "median_high": round(float(b.median()), 3),
                "u": float(test.statistic),
                "p": round(float(test.pvalue), 4),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("annotate_dir", type=Path)
    parser.add_argument(
        "--annomi", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/annomi"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    cohort = pd.read_csv(args.annotate_dir / "cohort.csv")
    held_out = reserved_ids(args.annomi)
    kept = cohort[~cohort["session_id"].isin(held_out)]
    rows = compare(kept)
    print(
        f"AnnoMI sessions: {len(cohort)}; reserved left out: {len(cohort) - len(kept)}; compared: {len(kept)}"
    )
    print(
        f"{'measure':36s} {'low mean':>9s} {'high mean':>9s} {'low med':>8s} {'high med':>8s} {'p (MWU)':>8s}"
    )
    for r in rows:
        print(
            f"{r['measure']:36s} {r['mean_low']:9.3f} {r['mean_high']:9.3f} {r['median_low']:8.3f} "
            f"{r['median_high']:8.3f} {r['p']:8.4f}"
        )
    if args.json:
        model = str(kept["model"].iloc[0]) if len(kept) else None
        args.json.write_text(
            json.dumps({"model": model, "compared": len(kept), "rows": rows}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
