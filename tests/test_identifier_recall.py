"""Issue #8: recall per category on the hand-seeded identifier sets (scripts/bench_scan.py prints them).

Each set was written by a different writer who saw neither the scanner nor the other sets. ``dev`` is
the set the rules were first tuned on. Each later set was scored once, blind, before any change made
with it in view (``scripts/results/bench_scan*_blind_run.md`` keep those runs), then the misses it
showed were fixed, so none of the figures this test sees is blind (the README quotes the blind ones);
it holds every set at the target so that a later fix cannot quietly undo an earlier one.
Target: 0.95 for structured categories; names are reported, and held where they were measured.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from pipeline.privacy.patterns import CATEGORIES
from pipeline.privacy.seeded import load_seeded, score_seeded

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "tests" / "data" / "identifiers"
SET_NAMES = sorted(p.name for p in SETS.iterdir() if (p / "identifiers.jsonl").exists())
STRUCTURED = [c for c in CATEGORIES if c != "name"]
# name recall as measured at --min-confidence 0.5 (README, scripts/results/bench_scan.md), less a margin
NAME_RECALL = {
    "dev": 0.86, "test": 0.82, "test2": 0.82, "test3": 0.83, "test4": 0.86,
    "test5": 0.9, "test6": 0.84, "test7": 0.75, "test8": 0.87, "test9": 0.82, "test10": 0.70,
    "test11": 0.78, "test12": 0.84, "test13": 0.78, "test14": 0.73, "test15": 0.80, "test16": 0.82,
    "test17": 0.80, "test18": 0.84, "test19": 0.81, "test20": 0.75, "test21": 0.90, "test22": 0.93,
    "test23": 0.78, "test24": 0.83, "test25": 0.88, "test26": 0.84, "test27": 0.85, "test28": 0.82,
    "test29": 0.91, "test30": 0.87, "test31": 0.86, "test32": 0.85, "test33": 0.86, "test34": 0.88,
    "test35": 0.84, "test36": 0.89,
}  # fmt: skip


@pytest.fixture(scope="module", params=SET_NAMES)
def table(request):
    return request.param, score_seeded(SETS / request.param)


def test_every_set_is_here_and_large_enough_to_measure_recall():
    assert {"dev", "test", *(f"test{k}" for k in range(2, 37))} <= set(SET_NAMES)
    for name in SET_NAMES:
        _, planted = load_seeded(SETS / name)
        counts = {c: sum(p.category == c for p in planted) for c in CATEGORIES}
        assert min(counts[c] for c in STRUCTURED) >= 20, (name, counts)
        assert counts["name"] >= 80, (name, counts)


def test_structured_identifiers_are_found_at_the_target_recall(table):
    name, rows = table
    for category in STRUCTURED:
        assert rows[category]["recall"] >= 0.95, (name, category, rows[category])


def test_name_recall_and_precision_stay_where_they_were_measured(table):
    name, rows = table
    assert rows["name"]["recall"] >= NAME_RECALL[name], rows["name"]
    # test22's organisations named again and again ("Harborline", "Meridian") read as names: 0.82
    assert rows["name"]["precision"] >= 0.80, rows["name"]


def test_structured_findings_are_mostly_real(table):
    name, rows = table
    findings = sum(rows[c]["findings"] for c in STRUCTURED)
    true = sum(rows[c]["findings"] * rows[c]["precision"] for c in STRUCTURED)
    assert true / findings >= 0.95, (name, {c: rows[c]["precision"] for c in STRUCTURED})


def test_gold_records_are_well_formed():
    for name in SET_NAMES:
        for line in (SETS / name / "identifiers.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            assert set(rec) <= {"file", "line", "text", "category", "nth"} and rec["category"] in CATEGORIES


def _blind_pooled():
    spec = importlib.util.spec_from_file_location("blind_pooled", REPO / "scripts" / "blind_pooled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_set_but_dev_has_its_one_blind_run_on_record_and_the_pooled_table_reads_them_all():
    pooled = _blind_pooled()
    runs = pooled.blind_runs()
    assert set(runs) == set(SET_NAMES) - {"dev"}
    for name, rows in runs.items():
        _, planted = load_seeded(SETS / name)
        for category in CATEGORIES:  # the run scored this set as it is now: the gold was not changed after
            assert rows[category][0] == sum(p.category == category for p in planted), (name, category)
    low, high = pooled.wilson(95, 100)
    assert 0.88 < low < 0.95 < high < 0.99
