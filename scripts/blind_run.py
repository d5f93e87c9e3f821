"""Score a new seeded identifier set once, blind, with the committed scanner, and keep the run.

    python scripts/blind_run.py test22 [test23 ...]

Writes ``scripts/results/bench_scan_<set>_first_blind_run.md`` for each set, naming the commit whose
scanner scored it. A set is blind only until someone has seen its results, so the script refuses a set
that already has a blind run, and refuses to run while ``pipeline/`` has uncommitted changes (the run
must say which scanner it measured). Categories below the 0.95 target are listed at the end.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from pipeline.privacy import ScanOptions
from pipeline.privacy.seeded import format_table, score_seeded

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "tests" / "data" / "identifiers"
RESULTS = REPO / "scripts" / "results"
STRUCTURED_TARGET = 0.95


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def blind_run(name: str, commit: str) -> tuple[str, list[str]]:
    """The blind run's markdown for set ``name``, and its structured categories below the target."""
    parts = [
        f"# Identifier scan: first (blind) run on the {name} set",
        "",
        f"Scored once with the scanner of commit {commit}, before any change made with {name} in view.",
        "",
    ]
    below: list[str] = []
    for threshold in (0.5, 0.3):
        table = score_seeded(SETS / name, ScanOptions(min_confidence=threshold))
        parts += [f"## {name} set, --min-confidence {threshold}", "", format_table(table), ""]
        if threshold == 0.5:
            below = [
                f"{category} {row['recall']:.3f}"
                for category, row in table.items()
                if category not in ("name", "all") and row["planted"] and row["recall"] < STRUCTURED_TARGET
            ]
    return "\n".join(parts), below


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="set folders under tests/data/identifiers")
    args = parser.parse_args()
    if _git("status", "--porcelain", "--", "pipeline"):
        sys.exit("pipeline/ has uncommitted changes: commit the scanner first, so the run names it.")
    commit = _git("rev-parse", "--short", "HEAD")
    for name in args.sets:
        out = RESULTS / f"bench_scan_{name}_first_blind_run.md"
        if out.exists():
            sys.exit(f"{out.relative_to(REPO)} exists: {name} has had its blind run and is no longer blind.")
        if not (SETS / name / "identifiers.jsonl").exists():
            sys.exit(f"{SETS / name} has no identifiers.jsonl: not a seeded set.")
        text, below = blind_run(name, commit)
        out.write_text(text, encoding="utf-8")
        print(text)
        print(f"{name}: structured categories below {STRUCTURED_TARGET}: {', '.join(below) or 'none'}\n")


if __name__ == "__main__":
    main()
