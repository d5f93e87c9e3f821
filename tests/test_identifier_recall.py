"""Issue #8: recall per category on the hand-seeded identifier sets (scripts/bench_scan.py prints them).

``dev`` is the set the rules were tuned on; ``test`` was written apart from the rules, and its first
(blind) run found record numbers at 0.88 (``scripts/results/bench_scan_first_blind_run.md``); the fix
for prefixed and spaced record numbers came after it, so its record-number figure is no longer blind.
Target: 0.95 for structured categories; names are reported, not targeted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.privacy.patterns import CATEGORIES
from pipeline.privacy.seeded import load_seeded, score_seeded

SETS = Path(__file__).resolve().parent / "data" / "identifiers"
STRUCTURED = [c for c in CATEGORIES if c != "name"]


@pytest.fixture(scope="module", params=["test", "dev"])
def table(request):
    return request.param, score_seeded(SETS / request.param)


def test_the_seeded_sets_are_large_enough_to_measure_recall():
    for name in ("test", "dev"):
        _, planted = load_seeded(SETS / name)
        counts = {c: sum(p.category == c for p in planted) for c in CATEGORIES}
        assert min(counts[c] for c in STRUCTURED) >= 20, (name, counts)
        assert counts["name"] >= 150, (name, counts)


def test_structured_identifiers_are_found_at_the_target_recall(table):
    name, rows = table
    for category in STRUCTURED:
        assert rows[category]["recall"] >= 0.95, (name, category, rows[category])


def test_record_numbers_are_at_least_covered_for_redaction(table):
    name, rows = table
    assert rows["record_number"]["covered"] >= 0.95, rows["record_number"]
    assert rows["record_number"]["recall"] >= 0.95, rows["record_number"]


def test_name_recall_and_overall_precision_stay_where_they_were_measured(table):
    name, rows = table
    assert rows["name"]["recall"] >= (0.72 if name == "test" else 0.80), rows["name"]
    assert rows["all"]["precision"] >= 0.95, rows["all"]


def test_gold_records_are_well_formed():
    for name in ("test", "dev"):
        for line in (SETS / name / "identifiers.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            assert set(rec) <= {"file", "line", "text", "category", "nth"} and rec["category"] in CATEGORIES
