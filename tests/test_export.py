"""rupture export: ELAN .eaf tiers, ConvoKit corpus, flat CSV."""

from __future__ import annotations

import csv
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from pipeline.annotate import AnnotateConfig, annotate
from pipeline.cli import app
from pipeline.export import export_annotated
from pipeline.readers.convokit import read_convokit
from tests.conftest import KeywordClassifier


@pytest.fixture
def annotated(transcripts_dir, tmp_path):
    out = tmp_path / "annotated"
    annotate([str(transcripts_dir)], AnnotateConfig(out, progress=False), KeywordClassifier())
    return out


def test_elan_tiers_align_with_utterances(annotated, tmp_path):
    paths = export_annotated(annotated, tmp_path / "eaf", "elan")
    assert sorted(p.name for p in paths) == ["calm.eaf", "repaired.eaf", "ruptured.eaf"]
    root = ET.parse(tmp_path / "eaf" / "ruptured.eaf").getroot()
    slots = {s.get("TIME_SLOT_ID"): int(s.get("TIME_VALUE")) for s in root.iter("TIME_SLOT")}
    tiers = {t.get("TIER_ID"): t for t in root.iter("TIER")}
    assert {
        "transcript-therapist",
        "transcript-patient",
        "suggested-withdrawal",
        "suggested-episodes",
    } <= set(tiers)
    values = [
        a.find("ANNOTATION_VALUE").text for a in tiers["suggested-withdrawal"].iter("ALIGNABLE_ANNOTATION")
    ]
    assert values[0] == "Minimal response"
    first = next(tiers["suggested-withdrawal"].iter("ALIGNABLE_ANNOTATION"))
    assert slots[first.get("TIME_SLOT_REF1")] == 20000 < slots[first.get("TIME_SLOT_REF2")]
    episodes = [
        a.find("ANNOTATION_VALUE").text for a in tiers["suggested-episodes"].iter("ALIGNABLE_ANNOTATION")
    ]
    assert episodes[0].startswith("Episode 1: ")
    for tier in tiers.values():
        spans = [
            (slots[a.get("TIME_SLOT_REF1")], slots[a.get("TIME_SLOT_REF2")])
            for a in tier.iter("ALIGNABLE_ANNOTATION")
        ]
        assert all(t0 < t1 for t0, t1 in spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "no overlaps in a tier"


def test_convokit_roundtrip_keeps_labels(annotated, tmp_path):
    (path,) = export_annotated(annotated, tmp_path / "ck", "convokit")
    transcripts = {t.session_id: t for t in read_convokit(path)}
    assert set(transcripts) == {"calm", "repaired", "ruptured"}
    utts = transcripts["ruptured"].utterances
    assert utts[1].labels == ["wd_minimal_response"] and utts[1].scores


def test_flat_csv_has_one_row_an_utterance(annotated, tmp_path):
    (path,) = export_annotated(annotated, tmp_path / "csv", "csv", no_text=True)
    rows = list(csv.DictReader(path.open()))
    n = sum(len(p.read_text().splitlines()) for p in (annotated / "utterances").glob("*.jsonl"))
    assert len(rows) == n
    assert {r["text"] for r in rows} == {""}
    patient = next(r for r in rows if r["role"] == "patient")
    assert patient["p_wd_denial"] != "" and patient["p_rs_redirect"] == ""


def test_cli_export_and_bad_target(annotated, tmp_path):
    ok = CliRunner().invoke(app, ["export", str(annotated), "--to", "elan", "--out", str(tmp_path / "e")])
    assert ok.exit_code == 0 and "wrote 3 files" in ok.output
    bad = CliRunner().invoke(app, ["export", str(annotated), "--to", "praat", "--out", str(tmp_path / "e")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output and "praat" in bad.output
    missing = CliRunner().invoke(
        app, ["export", str(tmp_path / "nope"), "--to", "csv", "--out", str(tmp_path)]
    )
    assert missing.exit_code == 1 and "not found" in missing.output
