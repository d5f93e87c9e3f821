"""End to end on AnnoMI: a small made-up turn-level gold file over two AnnoMI sessions that are not reserved,
scored against annotate-style predictions on the AnnoMI CSV. Nothing is tuned on AnnoMI."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from pipeline.cli import app
from tests.test_evaluate_cli import build_predictions

RESERVED = {118, 106, 53, 74, 10, 131, 123, 9, 25, 65, 77, 109, 35, 96, 54, 45}
SESSIONS = {"0", "2"}  # AnnoMI transcript_ids, not reserved

# Made up for this test (labels chosen by hand, a handful of turns); turn ids are AnnoMI's utterance_id.
GOLD = """session_id,turn_id,labels
annomi-0,0,
annomi-0,1,wd_minimal_response
annomi-0,2,
annomi-0,3,
annomi-0,7,wd_minimal_response
annomi-0,8,tc_lecture
annomi-0,9,
annomi-2,0,
annomi-2,1,
annomi-2,2,rs_invite_exploration
annomi-2,3,
annomi-2,9999,
"""


def test_evaluate_end_to_end_on_annomi_sessions(annomi_csv, tmp_path):
    assert not {int(s) for s in SESSIONS} & RESERVED
    subset = tmp_path / "annomi_subset.csv"
    with (
        annomi_csv.open(encoding="utf-8", newline="") as src,
        subset.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["transcript_id"] in SESSIONS)
    pred = build_predictions([subset], tmp_path / "pred")
    gold = tmp_path / "annomi.turns.gold.csv"
    gold.write_text(GOLD, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--bootstrap", "20", "--json"]
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["grain"] == "turn" and d["n_units"] == 11
    assert d["labels"]["wd_minimal_response"]["support"] == 2
    assert d["labels"]["tc_lecture"]["n_units"] == 5  # therapist turns among the coded ones
    n_turns = {
        sid: len(
            {
                json.loads(x)["turn_id"]
                for x in (pred / "utterances" / f"{sid}.jsonl").read_text().splitlines()
            }
        )
        for sid in ("annomi-0", "annomi-2")
    }
    uncoded = sum(n_turns.values()) - 11
    assert "session annomi-2 turn 9999: in gold, not in predictions" in d["mismatches"]
    assert len(d["mismatches"]) == uncoded + 1  # every turn the coder left out is listed
    table = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--bootstrap", "0"]
    )
    assert table.exit_code == 0 and "Mismatches (never scored)" in table.stdout
