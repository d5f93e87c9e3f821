"""Identifier scan: recall and precision per category on the hand-seeded sets, and its speed.

    python scripts/bench_scan.py                   # prints, and writes scripts/results/bench_scan.md

Every set in ``tests/data/identifiers`` is scored, newest first. The rules were first tuned on ``dev``;
each later set was written by another writer (not shown the rules or the other sets) and scored once,
blind, before the misses it showed were fixed: ``bench_scan_first_blind_run.md`` (``test``) and
``bench_scan_testN_first_blind_run.md`` keep those runs (``scripts/blind_run.py`` makes one;
``scripts/blind_pooled.py`` pools them). None of the figures below is blind.
Speed: ``rupture scan`` over the whole AnnoMI CSV (read + scan, no model), when it is beside the checkout.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from pipeline.privacy import ScanOptions, scan_inputs
from pipeline.privacy.names import NameFinder
from pipeline.privacy.patterns import detect
from pipeline.privacy.seeded import format_table, score_seeded

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "tests" / "data" / "identifiers"
ANNOMI = REPO.parent / "shared" / "data" / "annomi" / "AnnoMI-simple.csv"


def _pathological(size: int = 1_000_000) -> dict[str, str]:
    """Lines that make careless regular expressions quadratic (the reader fuzzing feeds such lines)."""
    rng = random.Random(0)
    return {
        "digits, spaces, dashes, dots": "".join(rng.choice("0123456789 -.") for _ in range(size)),
        "a.a.a.": "a." * (size // 2),
        "1-1-1-": "1-" * (size // 2),
        "Ab Ab Ab": "Ab " * (size // 3),
        "a@b.a@b.": "a@b." * (size // 4),
        "one letter": "a" * size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "scripts" / "results" / "bench_scan.md")
    args = parser.parse_args()
    parts = ["# Identifier scan: seeded recall and speed", ""]
    newest_first = sorted(
        (p.name for p in SETS.iterdir() if p.is_dir()),
        key=lambda n: int(n[4:] or 1) if n.startswith("test") else 0,
        reverse=True,
    )
    for name in newest_first:
        for threshold in (0.5, 0.3):
            table = score_seeded(SETS / name, ScanOptions(min_confidence=threshold))
            parts += [f"## {name} set, --min-confidence {threshold}", "", format_table(table), ""]
    if ANNOMI.exists():
        started = time.perf_counter()
        result = scan_inputs([ANNOMI])
        seconds = time.perf_counter() - started
        n = sum(1 for _ in open(ANNOMI, encoding="utf-8")) - 1
        parts += [
            "## Speed",
            "",
            f"AnnoMI ({result.sessions} sessions, about {n} turns): read and scanned in {seconds:.1f} s "
            f"({n / seconds:.0f} turns/s, 1 process); {result.summary()}.",
            "",
        ]
    parts += ["## Pathological lines (1 MB each; every detector and the name rules)", ""]
    for name, line in _pathological().items():
        started = time.perf_counter()
        n = len(detect(line)) + len(NameFinder().find(line))
        parts.append(f"- {name}: {time.perf_counter() - started:.1f} s ({n} candidate spans)")
    text = "\n".join(parts)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
