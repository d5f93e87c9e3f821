"""Very short and very long sessions: one turn is a session; three hours keep their times and 36 segments."""

from __future__ import annotations

import json
import math

import pytest

from pipeline.errors import InputError
from pipeline.readers import read_path
from tests.fuzz_inputs import check_session, csv_bytes, read_and_check

ONE_TURN = {
    "one.txt": b"P: I don't want to be here.\n",
    "one.csv": b'speaker,text,start\nPatient,"I don\'t want to be here.",00:00:04\n',
    "one.vtt": b"WEBVTT\n\n00:00:04.000 --> 00:00:06.000\n<v Client>I don't want to be here.\n",
    "one.jsonl": json.dumps(
        {
            "session_id": "one",
            "turn_id": "0",
            "utterance_index": 0,
            "role": "patient",
            "text": "I don't want to be here.",
        }
    ).encode()
    + b"\n",
}


@pytest.mark.parametrize("name", list(ONE_TURN))
def test_a_one_turn_transcript_is_a_session_with_a_warning(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(ONE_TURN[name])
    (transcript,) = read_path(path)
    assert any(
        w.startswith(f"{path}:") and "single turn" in w and "one-turn session" in w
        for w in transcript.warnings
    )
    (session,) = read_and_check(path)
    assert [(u.role, u.text) for u in session.utterances] == [("patient", "I don't want to be here.")]
    assert [s.segment_index for s in session.segments] == [1]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("alone.txt", b"P: I don't want to be here.\nP: Really.\n"),
        ("alone.csv", b"speaker,text\nP,I don't want to be here.\nP,Really.\n"),
        (
            "alone.vtt",  # two cues of one speaker make one turn, but still a mislabelled file
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Client>I don't want to be here.\n\n"
            b"00:00:03.000 --> 00:00:04.000\n<v Client>Really.\n",
        ),
        (
            "alone.jsonl",
            b'{"session_id": "a", "turn_id": "0", "utterance_index": 0, "role": "patient", "text": "No."}\n'
            b'{"session_id": "a", "turn_id": "1", "utterance_index": 1, "role": "patient", "text": "So."}\n',
        ),
    ],
)
def test_several_turns_of_one_speaker_are_still_refused(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match="only one speaker"):
        read_path(path)


TURNS = 3000
STEP = 3.6  # seconds: 3,000 turns in three hours


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{round(seconds % 1 * 1000):03d}"


def _long_session(fmt: str) -> bytes:
    """Alternating therapist/patient turns every 3.6 s for three hours, each one sentence."""
    turns = [(i * STEP, "TP"[i % 2], f"This is turn number {i} of the long session.") for i in range(TURNS)]
    if fmt == "txt":
        return "".join(f"[{_clock(t)}] {spk}: {text}\n" for t, spk, text in turns).encode()
    if fmt == "csv":
        return csv_bytes(
            [["speaker", "text", "start", "end"]] + [[s, x, f"{t:.1f}", f"{t + 3:.1f}"] for t, s, x in turns]
        )
    cues = [f"{_clock(t)} --> {_clock(t + 3)}\n<v {spk}>{text}\n" for t, spk, text in turns]
    return ("WEBVTT\n\n" + "\n".join(cues)).encode()


@pytest.mark.parametrize("fmt", ["txt", "csv", "vtt"])
def test_a_three_hour_session_keeps_its_times_and_has_36_segments(tmp_path, fmt):
    path = tmp_path / f"long.{fmt}"
    path.write_bytes(_long_session(fmt))
    (transcript,) = read_path(path)
    assert transcript.warnings == []
    (session,) = read_and_check(path)
    check_session(session)
    assert len(session.utterances) == TURNS
    assert [u.start for u in session.utterances] == [round(i * STEP, 3) for i in range(TURNS)]
    assert not any(u.times_estimated for u in session.utterances) and not session.times_estimated
    if fmt != "txt":  # the end times given in the file
        assert [u.end for u in session.utterances] == [round(i * STEP + 3, 3) for i in range(TURNS)]
    assert [s.segment_index for s in session.segments] == list(range(1, 37))
    assert [s.first_utterance for s in session.segments] == [
        math.ceil(k * 300 / STEP - 1e-9) for k in range(36)
    ]
    assert session.segments[-1].last_utterance == TURNS - 1
