"""The shipped corpus meets its minimums and rules; the validator catches broken corpora."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.corpus.build import character_groups
from pipeline.corpus.load import load_corpus, to_dataset_dict
from pipeline.corpus.source import parse_source
from pipeline.corpus.stats import corpus_stats
from pipeline.labelset import load_labelset

runner = CliRunner()


@pytest.fixture(scope="module")
def shipped(corpus_dir):
    return load_corpus(corpus_dir)


def test_shipped_corpus_stats_exit_zero_and_meet_minimums(corpus_dir):
    result = runner.invoke(app, ["corpus", "stats", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    assert (
        "project minimums (80 sessions, 8,000 utterances, every label >= 40 positives in >= 10 sessions): met"
        in result.output
    )
    stats = corpus_stats(corpus_dir)
    ls = load_labelset()
    for lab in ls.ids:
        assert stats.positives[lab]["dev"] > 0 and stats.positives[lab]["test"] > 0, lab


def test_no_character_in_two_splits(shipped):
    for group in character_groups(shipped):
        assert len({shipped[i].split for i in group}) == 1


def test_built_files_match_the_sources(corpus_dir, shipped):
    by_id = {s.session_id: s for s in shipped}
    for src_path in sorted((corpus_dir / "sessions").glob("*.txt")):
        src = parse_source(src_path)
        session = by_id[src.header["session_id"]]
        assert [u.text for u in session.utterances] == [ln.text for ln in src.lines]
        assert [u.labels for u in session.utterances] == [ln.labels for ln in src.lines]
    assert len(by_id) == len(list((corpus_dir / "sessions").glob("*.txt")))


def test_dataset_dict_one_row_an_utterance(shipped):
    ds = to_dataset_dict(shipped)
    assert set(ds) == {"train", "dev", "test"}
    assert sum(len(ds[k]) for k in ds) == sum(len(s.utterances) for s in shipped)
    row = ds["train"][1]
    assert set(row) >= {"session_id", "turn_id", "utterance_index", "role", "text", "context", "labels"}
    assert row["context"]


@pytest.fixture
def small_copy(corpus_dir, tmp_path) -> Path:
    """Three shipped sessions from three splits, copied so a test can break them."""
    out = tmp_path / "corpus"
    (out / "utterances").mkdir(parents=True)
    lines, seen = [], set()
    for line in (corpus_dir / "sessions.jsonl").read_text().splitlines():
        info = json.loads(line)
        if info["split"] in seen:
            continue
        seen.add(info["split"])
        lines.append(line)
        shutil.copy(corpus_dir / "utterances" / f"{info['session_id']}.jsonl", out / "utterances")
    (out / "sessions.jsonl").write_text("\n".join(lines) + "\n")
    return out


def _rewrite_first(path: Path, change) -> None:
    rows = [json.loads(x) for x in path.read_text().splitlines()]
    change(rows)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_copy_is_valid(small_copy):
    assert corpus_stats(small_copy).problems == []


def test_therapist_utterance_with_withdrawal_label_is_refused(small_copy):
    path = next((small_copy / "utterances").glob("*.jsonl"))

    def add(rows):
        row = next(r for r in rows if r["role"] == "therapist")
        row["labels"] = ["wd_denial"]

    _rewrite_first(path, add)
    result = runner.invoke(app, ["corpus", "stats", str(small_copy)])
    assert result.exit_code == 1
    assert "wd_denial is for patient utterances, this is therapist" in result.output


def test_unknown_label_id_is_refused(small_copy):
    path = next((small_copy / "utterances").glob("*.jsonl"))
    _rewrite_first(path, lambda rows: rows[0].update(labels=["wd_sulking"]))
    assert any("unknown label id 'wd_sulking'" in p for p in corpus_stats(small_copy).problems)


def test_session_in_two_splits_is_refused(small_copy):
    index = small_copy / "sessions.jsonl"
    first = json.loads(index.read_text().splitlines()[0])
    first["split"] = "test" if first["split"] != "test" else "dev"
    with index.open("a") as fh:
        fh.write(json.dumps(first) + "\n")
    problems = corpus_stats(small_copy).problems
    assert any(f"session {first['session_id']} is in two splits" in p for p in problems)


def test_character_in_two_splits_is_refused(small_copy):
    index = small_copy / "sessions.jsonl"
    rows = [json.loads(x) for x in index.read_text().splitlines()]
    rows[1]["metadata"]["patient"] = rows[0]["metadata"]["patient"]
    index.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert any("appears in 2 splits" in p for p in corpus_stats(small_copy).problems)


def test_schema_violation_is_refused_with_file_and_line(small_copy):
    path = next((small_copy / "utterances").glob("*.jsonl"))
    _rewrite_first(path, lambda rows: rows[2].update(role="supervisor"))
    problems = corpus_stats(small_copy).problems
    assert any(f"{path}:3: role" in p for p in problems)


def test_source_checker_reports_line_and_rule(tmp_path):
    src = tmp_path / "x01.txt"
    src.write_text(
        "# session_id: x01\n# title: t\n# setting: s\n# modality: m\n# presentation: p\n# stage: s\n"
        "# clinician: c\n# clinician_style: s\n# patient: p\n# rupture: none\n# summary: s\n---\n"
        "[00:00:01] T: Did you bring the log? {wd_denial}\n"
        "[00:00:00] P: No.\n"
        "---\nsegment 1: withdrawal=1 confrontation=1 resolution=-\n"
    )
    errors = parse_source(src).errors
    assert f"{src}:13: wd_denial applies to patient utterances, not therapist" in errors
    assert f"{src}:14: time 00:00:00 does not come after the previous turn's" in errors
    assert any("missing 'session: therapist_contribution" in e for e in errors)


def test_corpus_card_counts_match_the_stats_command(corpus_dir):
    ls = load_labelset()
    from pipeline.corpus.stats import format_stats

    card = (corpus_dir / "README.md").read_text()
    assert format_stats(corpus_stats(corpus_dir), ls) in card, "refresh the counts in data/corpus/README.md"
