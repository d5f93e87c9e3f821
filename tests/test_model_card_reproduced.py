"""`rupture evaluate` on the corpus test split reproduces the shipped model card's figures."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app


@pytest.mark.slow
def test_evaluate_reproduces_the_default_model_card(repo, corpus_dir):
    card = json.loads((repo / "models" / "default" / "metrics.json").read_text())["test"]
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(corpus_dir),
            "--split",
            "test",
            "--model",
            str(repo / "models" / "default"),
            "--bootstrap",
            "0",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert got["n_units"] == card["units"]
    assert got["macro_f1"] == pytest.approx(card["macro_f1"], abs=5e-4)
    assert got["groups_macro_f1"] == pytest.approx(card["groups_macro_f1"], abs=5e-4)
    for label, row in card["labels"].items():
        assert got["labels"][label]["f1"] == pytest.approx(row["f1"], abs=5e-4), label
        assert got["labels"][label]["support"] == row["support"], label
