"""Every reader, fed broken input, returns valid sessions or one clear InputError, nothing else (issue #8).

Inputs come from ``tests/fuzz_inputs.py``: random bytes, valid files cut at any byte,
garbled lines, malformed times, mixed encodings, huge lines and thousands of speakers,
each read with the format forced and auto-detected. ``scripts/fuzz_readers.py`` runs the
same inputs for much longer.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.batch import BatchReport, load_sessions
from pipeline.errors import InputError
from pipeline.readers import read_path
from pipeline.readers.common import MAX_WARNINGS, parse_clock
from tests.fuzz_inputs import (
    FORMATS,
    KINDS,
    ROLES,
    UTTERANCES,
    any_input,
    check_error,
    csv_bytes,
    huge_turn,
    many_speakers,
    outcome,
    read_and_check,
    time_tokens,
    valid_files,
    write_input,
)

settings.register_profile(
    "fuzz",
    max_examples=20,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz-ci", settings.get_profile("fuzz"), derandomize=True)
FUZZ = settings.get_profile("fuzz-ci" if os.environ.get("CI") else "fuzz")


def _outcome_in_tmp(fmt: str, data, forced: bool) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_input(Path(tmp), "fuzz", fmt, data)
        return outcome(path, fmt if forced else None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_files_are_accepted_forced_and_detected(tmp_path, fmt):
    for n, data in enumerate(valid_files(fmt)):
        path = write_input(tmp_path, f"valid{n}", fmt, data)
        for forced in (fmt, None):
            sessions = read_and_check(path, forced)
            assert sessions and all(s.utterances for s in sessions)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_broken_input_is_read_or_refused_clearly(fmt, kind):
    @FUZZ
    @given(data=KINDS[kind](fmt), forced=st.booleans())
    def check(data, forced):
        assert _outcome_in_tmp(fmt, data, forced) in {"accepted", "refused"}

    check()


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@FUZZ
@given(tokens=st.lists(st.tuples(time_tokens(), time_tokens()), min_size=2, max_size=8))
def test_unreadable_csv_times_are_warnings_not_errors(fmt, tokens):
    rows = [["speaker", "text", "start", "end"]]
    rows += [["TP"[i % 2], f"Turn {i} has some words.", a, b] for i, (a, b) in enumerate(tokens)]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_input(Path(tmp), "times", fmt, csv_bytes(rows, "\t" if fmt == "tsv" else ","))
        (transcript,) = read_path(path)
        read_and_check(path)
    for i, (turn, (a, _)) in enumerate(zip(transcript.turns, tokens, strict=True)):
        assert turn.start == parse_clock(a)
        if parse_clock(a) is None and a.strip().lower() not in {"", "na", "n/a", "nan", "none"}:
            assert any(
                w.startswith(f"{path}:{i + 2}: cannot read the 'start' time") for w in transcript.warnings
            )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_one_megabyte_line_is_read_whole(tmp_path, fmt):
    size = 1_000_000
    sentence = "and so on " * 300 + "okay. "
    path = write_input(tmp_path, "huge", fmt, huge_turn(fmt, size, sentence))
    (session,) = read_and_check(path)
    said = sum(len(u.text) for u in session.utterances if u.role == "patient")
    assert size - len(sentence) <= said <= size * 1.01
    if fmt != "jsonl":  # our JSONL keeps its utterances as they are
        assert len(session.utterances) > size // len(sentence) // 2


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "convokit"])
def test_a_one_megabyte_junk_line_is_refused_in_one_short_line(tmp_path, fmt):
    junk = (bytes(range(33, 127)) * 11000)[:1_000_000]
    path = write_input(tmp_path, "junk", fmt, junk)
    for forced in (fmt, None):
        with pytest.raises(InputError) as info:
            read_path(path, forced)
        check_error(info.value, path)


@pytest.mark.parametrize(("fmt", "line"), [("text", 1), ("csv", 2)])
def test_five_thousand_unknown_speakers_are_listed_in_short(tmp_path, fmt, line):
    path = write_input(tmp_path, "crowd", fmt, many_speakers(fmt, 5000))
    with pytest.raises(InputError) as info:
        read_path(path)
    check_error(info.value, path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: unknown speaker(s) 'Speaker0', 'Speaker1', ")
    assert "and 4995 more" in message and len(message) < 300
    assert '--roles "Speaker0=therapist,Speaker1=patient"' in message


def test_five_thousand_speakers_mapped_with_roles_are_read(tmp_path):
    path = write_input(tmp_path, "crowd", "csv", many_speakers("csv", 5000))
    roles = {f"speaker{i}": ("therapist", "patient", "other")[i % 3] for i in range(5000)}
    (session,) = read_and_check(path, roles=roles)
    assert len({u.speaker for u in session.utterances}) == 5000


@pytest.mark.parametrize("fmt", ["text", "csv", "tsv", "vtt", "srt"])
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_read_like_utf8(tmp_path, fmt, codec):
    text = valid_files(fmt)[1].decode("utf-8").replace("Hi", "Caf\u00e9 \u2014 hi")
    utf8 = read_path(write_input(tmp_path, "utf8", fmt, text.encode("utf-8")), roles=ROLES)
    utf16 = read_path(write_input(tmp_path, "utf16", fmt, text.encode(codec)), roles=ROLES)
    assert [t.encoding for t in utf16] == [codec] * len(utf16)
    assert [[(x.speaker, x.text, x.start) for x in t.turns] for t in utf16] == [
        [(x.speaker, x.text, x.start) for x in t.turns] for t in utf8
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"T: Hi.\nP: caf\xc3\xa9 and \x81\n", ":2: is not UTF-8 or cp1252 text (byte 0x81)"),
        (
            "T: Hi.\nP: Hello.\n".encode("utf-16-le") + b"\x00",
            ":3: is utf-16-le text with a broken character",
        ),
        (
            b"\xff\xfe" + "T: Hi.\nP: \ud800".encode("utf-16-le", "surrogatepass"),
            ":2: is utf-16 text with a broken",
        ),
    ],
)
def test_undecodable_bytes_name_their_line(tmp_path, data, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_path(path)
    assert str(info.value).startswith(f"{path}{expected}")
    assert str(info.value).endswith("(re-save it as UTF-8)")


def test_lines_are_counted_as_an_editor_counts_them(tmp_path):
    path = tmp_path / "ff.txt"
    path.write_bytes("T: one\x0cpage\nP: two\u2028lines\r[00:61:99] T: Hi.\n".encode())
    (transcript,) = read_path(path)
    assert [t.source_line for t in transcript.turns] == [1, 2, 3]
    assert transcript.warnings[0].startswith(f"{path}:3: cannot read the time stamp '00:61:99'")
    vtt = tmp_path / "ff.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v T>a\x0cb\u2028c\n\n00:00:0x --> 1\n<v P>d\n")
    with pytest.raises(InputError, match=r"ff.vtt:6: cannot read the cue timing '00:00:0x --> 1'"):
        read_path(vtt)


def test_a_bad_time_column_warns_a_few_times_then_counts(tmp_path):
    rows = [["speaker", "text", "start"]] + [["TP"[i % 2], "Some words here.", "soon"] for i in range(100)]
    path = write_input(tmp_path, "t", "csv", csv_bytes(rows))
    (transcript,) = read_path(path)
    assert len(transcript.warnings) == MAX_WARNINGS + 1
    assert transcript.warnings[0].startswith(f"{path}:2: cannot read the 'start' time 'soon'")
    assert transcript.warnings[-1] == (
        f"{path}: 80 more warnings (fix the lines above and read the file again to see them)"
    )


def test_unusable_jsonl_times_are_estimated_with_a_warning(tmp_path):
    lines = [
        '{"session_id": "s", "turn_id": "0", "utterance_index": 0, "role": "therapist", "text": "Hi.", '
        '"start": NaN}',
        '{"session_id": "s", "turn_id": "1", "utterance_index": 1, "role": "patient", "text": "Hello.", '
        '"start": -4}',
        '{"session_id": "s", "turn_id": "2", "utterance_index": 2, "role": "therapist", "text": "So.", '
        '"start": 9, "end": 2}',
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(lines) + "\n")
    (transcript,) = read_path(path)
    assert [w.split(": ", 1)[0] for w in transcript.warnings] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert "end time 2.0 is before the start 9.0" in transcript.warnings[2]
    (session,) = read_and_check(path)
    assert [u.times_estimated for u in session.utterances] == [True, True, False]
    assert session.utterances[2].start == 9.0


def test_jsonl_half_surrogate_is_refused_with_its_line(tmp_path):
    path = tmp_path / "s.jsonl"
    good = '{"session_id": "s", "turn_id": "0", "utterance_index": 0, "role": "therapist", "text": "Hi."}'
    path.write_text(good + "\n" + good.replace('"Hi."', '"\\ud83d"').replace('"0"', '"1"') + "\n")
    with pytest.raises(InputError, match=r"s.jsonl:2: has a broken character escape \('\\ud83d'"):
        read_path(path)


def test_jsonl_must_be_utf8(tmp_path):
    path = tmp_path / "s.jsonl"
    good = (
        '{"session_id": "s", "turn_id": "0", "utterance_index": 0, "role": "therapist", "text": "Caf\u00e9"}'
    )
    path.write_bytes(good.encode("cp1252") + b"\n")
    with pytest.raises(InputError, match="is cp1252 text; JSON Lines must be UTF-8"):
        read_path(path)


def test_convokit_unix_timestamps_count_from_the_conversation_start(tmp_path):
    utts = [
        {
            "id": f"u{i}",
            "speaker": spk,
            "conversation_id": "c",
            "timestamp": 1_700_000_000 + 40 * i,
            "text": "Some words said here.",
            "meta": {},
        }
        for i, spk in enumerate(["therapist", "patient"] * 5)
    ]
    path = write_input(
        tmp_path, "ck", "convokit", {UTTERANCES: "".join(json.dumps(u) + "\n" for u in utts).encode()}
    )
    (session,) = read_and_check(path)
    assert [u.start for u in session.utterances] == [40.0 * i for i in range(10)]


def test_convokit_bad_field_types_name_the_line(tmp_path):
    utts = [
        {"id": "u0", "speaker": "therapist", "conversation_id": "c", "text": "Hi."},
        {"id": "u1", "speaker": ["patient"], "conversation_id": "c", "text": "Hello."},
    ]
    path = write_input(
        tmp_path, "ck", "convokit", {UTTERANCES: "".join(json.dumps(u) + "\n" for u in utts).encode()}
    )
    with pytest.raises(InputError, match=r"utterances.jsonl:2: utterance 'speaker' is a list, not a string"):
        read_path(path)


@FUZZ
@given(
    inputs=st.lists(
        st.sampled_from(FORMATS).flatmap(lambda fmt: st.tuples(st.just(fmt), any_input(fmt))),
        min_size=1,
        max_size=4,
    )
)
def test_load_sessions_never_raises_and_reports_every_bad_file(inputs):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [write_input(folder, f"in{i}", fmt, data) for i, (fmt, data) in enumerate(inputs)]
        report = BatchReport()
        sessions = list(load_sessions([folder], roles=ROLES, report=report))
        refused = set()
        for path in paths:
            try:
                read_path(path, roles=ROLES)
            except InputError:
                refused.add(str(path))
    assert refused <= {p.path for p in report.problems}
    for problem in report.problems:
        assert problem.message.startswith(problem.path)
        assert problem.path in refused or "was already read from" in problem.message
    read = {str(p) for p in paths if str(p) not in refused}
    assert report.files_read == len(read) and report.sessions == len(sessions)
    sources = {s.source for s in sessions}
    assert all(any(src == p or src.startswith(p + os.sep) for p in read) for src in sources)
