"""``rupture agreement``: two coders' files of any gold format, and the model beside them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import RuptureError
from pipeline.evaluate.icc import rating_agreement
from pipeline.evaluate.run import run_agreement
from tests.test_evaluate_cli import build_predictions

A_TURNS = """session_id,turn_id,labels
ruptured,0,tc_lecture
ruptured,1,wd_minimal_response
ruptured,2,tc_lecture
ruptured,3,cf_complaint_activities
ruptured,4,
ruptured,5,
"""
B_TURNS = """session_id,turn_id,labels
ruptured,0,tc_lecture
ruptured,1,wd_minimal_response
ruptured,2,
ruptured,3,cf_complaint_activities;wd_minimal_response
ruptured,4,
ruptured,5,wd_minimal_response
"""
A_SEG = """session_id,segment_index,withdrawal_significance,confrontation_significance,resolution
ruptured,1,3,2,1
ruptured,2,1,1,
repaired,1,1,3,5
calm,1,1,1,
"""
B_SEG = """session_id,segment_index,withdrawal_significance,confrontation_significance,resolution
ruptured,1,4,2,2
ruptured,2,2,1,
repaired,1,1,2,4
calm,1,1,1,3
"""


@pytest.fixture
def coders(tmp_path, transcripts_dir):
    (transcripts_dir / "empty.txt").unlink()
    files = {}
    for name, text in (("a", A_TURNS), ("b", B_TURNS), ("a_seg", A_SEG), ("b_seg", B_SEG)):
        files[name] = tmp_path / f"{name}.gold.csv"
        files[name].write_text(text, encoding="utf-8")
    files["transcripts"] = transcripts_dir
    return files


def test_two_turn_sheets_without_transcripts_score_every_label(coders):
    (res,) = run_agreement(coders["a"], coders["b"], bootstrap=0)
    assert res.grain == "turn" and res.n_units == 6
    wd = res.labels["wd_minimal_response"]
    assert (wd.support, wd.predicted, wd.precision, wd.recall) == (1, 3, pytest.approx(1 / 3), 1.0)
    assert wd.n_units == 6  # roles unknown: every turn
    assert any("roles unknown" in n for n in res.notes)
    assert res.labels["tc_lecture"].recall == 0.5


def test_transcripts_restrict_scores_to_the_label_role(coders):
    (res,) = run_agreement(coders["a"], coders["b"], transcripts=[coders["transcripts"]], bootstrap=0)
    assert res.labels["wd_minimal_response"].n_units == 3  # patient turns of ruptured
    assert res.labels["tc_lecture"].n_units == 3
    assert not any("roles unknown" in n for n in res.notes)
    assert res.episodes.found + res.episodes.missed == 1


def test_segment_sheets_give_the_rating_statistics(coders):
    (res,) = run_agreement(coders["a_seg"], coders["b_seg"], bootstrap=0)
    w = res.ratings["withdrawal_significance"]
    assert w == rating_agreement([3, 1, 1, 1], [4, 2, 1, 1])
    assert res.ratings["resolution"].n == 2 and res.ratings["resolution"].rated_by_one_only == 1
    assert not res.labels


def test_turns_against_utterances_aggregate_to_turns(coders, tmp_path):
    seg = build_predictions([coders["transcripts"]], tmp_path / "pred")
    utt_file = seg / "utterances" / "ruptured.jsonl"
    (res,) = run_agreement(coders["a"], utt_file, bootstrap=0)
    assert res.grain == "turn" and res.n_units == 6
    assert res.labels["tc_lecture"].f1 == 1.0  # the keyword labels agree with coder A on lectures


def test_spans_need_transcripts_and_are_laid_over_utterances(coders, tmp_path):
    spans = tmp_path / "spans.gold.csv"
    spans.write_text(
        "session_id,start,end,label\nruptured,00:00:21,00:00:22,wd_minimal_response\n"
        "ruptured,00:00:06,00:00:08,tc_lecture\nruptured,00:00:31,00:00:32,tc_lecture\n"
        "ruptured,46,47,cf_complaint_activities\n"
    )
    with pytest.raises(RuptureError, match="give --transcripts"):
        run_agreement(spans, coders["a"], bootstrap=0)
    (res,) = run_agreement(spans, coders["a"], transcripts=[coders["transcripts"]], bootstrap=0)
    assert res.grain == "turn" and res.micro_f1 == 1.0


def test_nothing_in_common_is_one_clear_error(coders):
    result = CliRunner().invoke(app, ["agreement", str(coders["a"]), str(coders["b_seg"])])
    assert result.exit_code == 1 and "nothing to compare" in result.output
    assert "Traceback" not in result.output


def test_cli_with_the_model_beside_the_coders(coders, tmp_path):
    pred = build_predictions([coders["transcripts"]], tmp_path / "pred")
    args = [
        "agreement",
        str(coders["a"]),
        str(coders["b"]),
        "--transcripts",
        str(coders["transcripts"]),
        "--pred",
        str(pred),
        "--bootstrap",
        "20",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "coder B vs coder A" in result.stdout and "model vs coder A" in result.stdout
    assert "model vs coder B" in result.stdout and "micro-F1" in result.stdout
    data = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    assert [(d["reference"], d["compared"]) for d in data] == [
        ("coder A", "coder B"),
        ("coder A", "model"),
        ("coder B", "model"),
    ]
    # the model's predictions cover sessions the coders did not code: listed, not scored
    assert "session calm: in model, not in coder A" in data[1]["mismatches"]


def test_corpus_source_files_of_two_coders(corpus_dir):
    """The corpus's own coding against a second coder's file in the corpus source format."""
    second = corpus_dir / "second_coder" / "sessions"
    files = sorted(second.glob("*.txt")) if second.exists() else []
    if not files:
        pytest.skip("no second coder's sessions in data/corpus/second_coder/sessions")
    first = corpus_dir / "sessions" / files[0].name
    (res,) = run_agreement(first, files[0], bootstrap=0)
    assert res.grain == "utterance" and res.n_sessions == 1 and not res.mismatches
    assert res.ratings["withdrawal_significance"].n >= 2
