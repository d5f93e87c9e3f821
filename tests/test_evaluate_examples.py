"""The gold examples validate against their JSON Schemas, and evaluate/agreement run on them."""

from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from pipeline.evaluate.gold import KINDS, read_gold
from pipeline.evaluate.run import run_agreement, run_evaluate
from pipeline.readers import expand_inputs
from tests.conftest import KeywordClassifier
from tests.test_evaluate_cli import build_predictions

SCHEMA_OF = {
    "turns": "gold_turns",
    "segments": "gold_segments",
    "sessions": "gold_sessions",
    "spans": "gold_spans",
}


def schema(repo, name):
    return json.loads((repo / "data_schemas" / f"{name}.schema.json").read_text())


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_columns_match_the_reader(repo, kind):
    assert schema(repo, SCHEMA_OF[kind])["required"] == list(KINDS[kind])


def test_example_gold_files_validate(repo, examples_dir):
    files = sorted((examples_dir / "gold").glob("*.gold.csv"))
    assert len(files) >= 5
    for path in files:
        kind = next(k for k in KINDS if f".{k}." in path.name)
        validator = jsonschema.Draft202012Validator(schema(repo, SCHEMA_OF[kind]))
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                validator.validate(row)
        assert read_gold([path]).session_ids()
    utt = jsonschema.Draft202012Validator(schema(repo, "gold_utterances"))
    full = jsonschema.Draft202012Validator(schema(repo, "utterance"))
    for line in (examples_dir / "dbt_diary_card.jsonl").read_text().splitlines():
        utt.validate(json.loads(line))
        full.validate(json.loads(line))


def test_schemas_reject_bad_rows(repo):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {
                "session_id": "s",
                "segment_index": "1",
                "withdrawal_significance": "7",
                "confrontation_significance": "1",
                "resolution": "",
            },
            schema(repo, "gold_segments"),
        )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"session_id": "s", "turn_id": "1", "labels": "wd denial"}, schema(repo, "gold_turns")
        )


def test_gold_files_are_not_read_as_transcripts(examples_dir):
    assert not [p for p in expand_inputs([examples_dir]) if ".gold." in p.name]


def test_evaluate_and_agreement_on_the_examples(examples_dir, tmp_path):
    pred = build_predictions(
        [examples_dir / "cbt_homework.txt", examples_dir / "med_check.csv"],
        tmp_path / "p",
        KeywordClassifier(),
    )
    gold = examples_dir / "gold"
    res = run_evaluate(
        [gold / f"cbt_homework.{k}.gold.csv" for k in ("turns", "segments", "sessions")],
        pred_dir=pred,
        bootstrap=0,
    )
    assert res.grain == "turn" and res.n_units == 26
    assert res.ratings["withdrawal_significance"].n == 1 and res.ratings["therapist_contribution"].n == 1
    assert res.mismatches == ["session med_check: in predictions, not in gold"]
    spans = run_evaluate([gold / "med_check.spans.gold.csv"], pred_dir=pred, bootstrap=0)
    assert spans.grain == "turn" and spans.labels["cf_control_pressure"].support == 1
    assert not [m for m in spans.mismatches if "overlaps no" in m]
    (agree,) = run_agreement(
        gold / "cbt_homework.turns.gold.csv",
        gold / "cbt_homework.turns.coder2.gold.csv",
        transcripts=[examples_dir / "cbt_homework.txt"],
        bootstrap=0,
    )
    assert agree.labels["wd_denial"].f1 == 1.0 and agree.labels["tc_rigid_agenda"].recall == 0.0
