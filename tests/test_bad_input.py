"""Bad input gets one clear line naming the file (and line) and what to do; a batch goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.readers import read_path

runner = CliRunner()


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"\n  \n", "is empty"),
        ("audio.txt", b"RIFF\x00\x00\x01\x02WAVEfmt \x00\x10", "binary"),
        ("noprefix.txt", b"hello there\nhow are you\n", ":1: the first turn has no speaker prefix"),
        ("unknown.txt", b"Anna: Hi.\nBen: Hello.\n", ":1: unknown speaker(s) 'Anna', 'Ben'"),
        ("alone.txt", b"T: Hello?\nT: Anyone?\n", "only one speaker ('T')"),
        ("cols.csv", b"person,words\nT,Hi\nP,Hello\n", ":1: has no speaker column"),
        ("gone.csv", b"", "is empty"),
    ],
)
def test_reader_errors_name_file_line_and_fix(tmp_path, name, data, expected):
    path = write_bytes(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        read_path(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "(" in message  # every message says what to do


def test_unknown_speaker_hint_shows_the_roles_option(tmp_path):
    path = write_bytes(
        tmp_path,
        "asr.srt",
        b"1\n00:00:01,000 --> 00:00:02,000\nSPEAKER_00: Hi.\n\n"
        b"2\n00:00:03,000 --> 00:00:04,000\nSPEAKER_01: Hello.\n",
    )
    with pytest.raises(InputError, match=r'--roles "SPEAKER_00=therapist,SPEAKER_01=patient"'):
        read_path(path)


def test_missing_named_column_lists_the_columns(tmp_path):
    path = write_bytes(tmp_path, "t.csv", b"who,said\nT,Hi\nP,Hello\n")
    with pytest.raises(InputError, match="has no column 'Speaker'.*its columns are: who, said"):
        read_path(path, columns={"speaker": "Speaker"})


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("T: How are you?\nP: Café, then home.\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "T: How are you?\nP: Café, then home.\n".encode(), "utf-8-sig"),
        ("T: How are you?\nP: Café, then home.\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_decoded_and_reported(tmp_path, data, encoding):
    (t,) = read_path(write_bytes(tmp_path, "e.txt", data))
    assert t.encoding == encoding
    assert t.turns[0].speaker == "T"
    assert t.turns[1].text == "Café, then home."


def test_unreadable_time_stamp_is_a_warning_with_the_line(tmp_path):
    path = write_bytes(tmp_path, "t.txt", b"[00:00:01] T: Hi.\n[00:61:99] P: Hello.\n[00:00:09] T: So.\n")
    (t,) = read_path(path)
    assert t.turns[1].start is None
    assert t.warnings == [
        f"{path}:2: cannot read the time stamp '00:61:99'; its time is estimated from the "
        "neighbouring turns (write times as hh:mm:ss or seconds)"
    ]


def test_cli_one_line_no_traceback_and_nonzero_when_nothing_read(tmp_path):
    bad = write_bytes(tmp_path, "bad.txt", b"")
    result = runner.invoke(app, ["segment", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"skipped: {bad}: is empty" in result.output
    assert "error: nothing could be read" in result.output


def test_cli_batch_skips_the_bad_file_and_processes_the_rest(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("T: How was the week?\nP: Long.\n")
    (src / "one_speaker.txt").write_text("T: Hello?\nT: Anyone there?\n")
    (src / "also_good.csv").write_text("speaker,text\nTherapist,Hi.\nClient,Hi.\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["segment", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["also_good.jsonl", "good.jsonl"]
    assert "skipped: " in result.output and "one_speaker.txt" in result.output
    assert "2 of 3 inputs; 1 skipped" in result.output


def test_cli_bad_roles_option_is_one_line(tmp_path):
    good = tmp_path / "g.txt"
    good.write_text("T: Hi.\nP: Hi.\n")
    result = runner.invoke(app, ["segment", str(good), "--out", str(tmp_path), "--roles", "Anna=boss"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: --roles: cannot read 'Anna=boss'")
    assert "Traceback" not in result.output


def test_glob_that_matches_nothing_is_reported(tmp_path):
    result = runner.invoke(app, ["segment", str(tmp_path / "*.vtt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "matches no file" in result.output
