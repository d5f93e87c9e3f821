"""The JSON Schemas in data_schemas/ match the code, and written files validate against them."""

from __future__ import annotations

import json

import jsonschema
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.schemas import all_schemas


def test_schemas_in_data_schemas_are_up_to_date(repo):
    stale = []
    for name, schema in all_schemas().items():
        path = repo / "data_schemas" / name
        if not path.exists() or json.loads(path.read_text()) != schema:
            stale.append(name)
    assert not stale, f"run `python scripts/export_schemas.py` to refresh: {stale}"


def test_segment_output_validates_against_the_utterance_schema(repo, examples_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "segment",
            str(examples_dir),
            "--out",
            str(out),
            "--roles",
            "SPEAKER_00=therapist,SPEAKER_01=patient",
        ],
    )
    assert result.exit_code == 0, result.output
    schema = json.loads((repo / "data_schemas" / "utterance.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    n = 0
    for path in out.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            validator.validate(json.loads(line))
            n += 1
    assert n > 100
