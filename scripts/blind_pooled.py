"""Recall per category pooled over the blind runs, with 95% intervals.

    python scripts/blind_pooled.py                 # prints, and writes scripts/results/blind_pooled.md

Reads every ``scripts/results/bench_scan*_first_blind_run.md`` (each set scored once, before any change
made with it in view; see ``scripts/blind_run.py``) at ``--min-confidence 0.5`` and adds up planted and
found identifiers per category: over all blind runs, and over the most recent ones (``--recent``). One
set holds some 25 identifiers of a category, so a single miss moves its recall by 0.04 and one set's
figure says little; pooled counts, with a Wilson score interval, say how well the scanner does on text
it has not seen. Each pool is the scanners of its own time: the early runs measured older rules.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "scripts" / "results"
TARGET = 0.95


def blind_runs() -> dict[str, dict[str, tuple[int, int]]]:
    """Each blind run's (planted, found) per category, by set name, oldest set first."""
    runs = {}
    for path in RESULTS.glob("bench_scan*_first_blind_run.md"):
        name = re.fullmatch(r"bench_scan_?(test\d*)?_first_blind_run\.md", path.name)
        lines = path.read_text(encoding="utf-8").splitlines()
        heading = next(i for i, line in enumerate(lines) if line.endswith("--min-confidence 0.5"))
        rows = {}
        for line in lines[heading + 1 :]:
            if not line.startswith("|"):
                if rows:
                    break
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[1].isdigit():
                rows[cells[0]] = (int(cells[1]), int(cells[2]))
        runs[name[1] or "test"] = rows
    return dict(sorted(runs.items(), key=lambda kv: int(kv[0][4:] or 1)))


def wilson(found: int, planted: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of ``found / planted``."""
    if not planted:
        return 0.0, 1.0
    p = found / planted
    centre = (p + z * z / (2 * planted)) / (1 + z * z / planted)
    half = z * math.sqrt(p * (1 - p) / planted + z * z / (4 * planted * planted)) / (1 + z * z / planted)
    return centre - half, centre + half


def pooled_table(runs: dict[str, dict[str, tuple[int, int]]]) -> str:
    categories = [c for c in next(iter(runs.values())) if c != "all"]
    lines = [
        "| category | planted | found | recall | 95% interval | sets below 0.95 |",
        "|---|---|---|---|---|---|",
    ]
    for category in categories:
        planted = sum(r[category][0] for r in runs.values())
        found = sum(r[category][1] for r in runs.values())
        low, high = wilson(found, planted)
        below = sum(1 for r in runs.values() if r[category][0] and r[category][1] / r[category][0] < TARGET)
        lines.append(
            f"| {category} | {planted} | {found} | {found / planted:.3f} | {low:.3f}-{high:.3f} "
            f"| {below} of {len(runs)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--recent", type=int, default=6, help="how many of the newest blind runs to pool apart"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "blind_pooled.md")
    args = parser.parse_args()
    runs = blind_runs()
    recent = dict(list(runs.items())[-args.recent :])
    parts = [
        "# Identifier scan: recall pooled over the blind runs (--min-confidence 0.5)",
        "",
        f"## All {len(runs)} blind runs ({', '.join(runs)})",
        "",
        pooled_table(runs),
        "",
        f"## The {len(recent)} newest blind runs ({', '.join(recent)})",
        "",
        pooled_table(recent),
        "",
    ]
    text = "\n".join(parts)
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
