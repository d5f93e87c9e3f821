"""Each transcript format reads into the same turns, with roles, times and ids."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.datamodel import Session, Utterance
from pipeline.readers import detect_format, expand_inputs, read_path
from pipeline.readers.convokit import read_convokit, write_convokit
from pipeline.readers.roles import parse_roles
from pipeline.segment import segment_transcript


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_text_prefixes_times_and_continuation(tmp_path):
    path = write(
        tmp_path,
        "s.txt",
        (
            "# setting: CBT\n"
            "[00:00:05] Therapist: How was the week?\n"
            "[00:00:09] Client: Fine. [pause]\n"
            "  I mean, mostly fine.\n"
            "Dr. Lee: Mostly?\n"
        ),
    )
    (t,) = read_path(path)
    assert t.session_id == "s"
    assert t.metadata == {"setting": "CBT"}
    assert [(x.role, x.speaker, x.start) for x in t.turns] == [
        ("therapist", "Therapist", 5.0),
        ("patient", "Client", 9.0),
        ("therapist", "Dr. Lee", None),
    ]
    assert t.turns[1].text == "Fine. [pause] I mean, mostly fine."
    assert [x.source_line for x in t.turns] == [2, 3, 5]


def test_short_prefixes_and_roles_option(tmp_path):
    path = write(tmp_path, "s.txt", "T: Hi.\nP: Hi.\nMum: She never tells me anything.\n")
    (t,) = read_path(path, roles=parse_roles("Mum=other"))
    assert [x.role for x in t.turns] == ["therapist", "patient", "other"]


def test_csv_with_configured_columns(tmp_path):
    path = write(
        tmp_path,
        "visit.csv",
        "Who,Said,From,To\nDoctor,How are you?,00:00:01,00:00:03\nPatient,Tired.,4,5.5\n",
    )
    (t,) = read_path(path, columns={"speaker": "Who", "text": "Said", "start": "From", "end": "To"})
    assert [(x.role, x.text, x.start, x.end) for x in t.turns] == [
        ("therapist", "How are you?", 1.0, 3.0),
        ("patient", "Tired.", 4.0, 5.5),
    ]


def test_tsv_and_session_column_split_sessions(tmp_path):
    path = write(
        tmp_path,
        "two.tsv",
        "session_id\tspeaker\ttext\na\tT\tHi.\na\tP\tHello.\nb\tT\tMorning.\nb\tP\tMorning.\n",
    )
    ts = read_path(path)
    assert [t.session_id for t in ts] == ["a", "b"]
    assert all(len(t.turns) == 2 for t in ts)


def test_our_jsonl_keeps_utterances_and_labels(tmp_path):
    utts = [
        Utterance(
            session_id="s9",
            turn_id="0",
            utterance_index=0,
            role="therapist",
            text="How is this landing?",
            labels=["rs_invite_exploration"],
            start=1.0,
        ),
        Utterance(session_id="s9", turn_id="1", utterance_index=1, role="patient", text="Fine.", start=3.0),
    ]
    path = tmp_path / "s9.jsonl"
    path.write_text("".join(u.model_dump_json() + "\n" for u in utts))
    (t,) = read_path(path)
    assert t.utterances[0].labels == ["rs_invite_exploration"]
    s = segment_transcript(t)
    assert [u.text for u in s.utterances] == ["How is this landing?", "Fine."]


def test_webvtt_voice_tags_merge_consecutive_cues(tmp_path):
    path = write(
        tmp_path,
        "a.vtt",
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Therapist>Hello there.\n\n"
            "00:00:03.500 --> 00:00:05.000\n<v Therapist>Take a seat.\n\n"
            "00:00:06.000 --> 00:00:07.000\n<v Client>Thanks.\n"
        ),
    )
    (t,) = read_path(path)
    assert [(x.role, x.text, x.start, x.end) for x in t.turns] == [
        ("therapist", "Hello there. Take a seat.", 1.0, 5.0),
        ("patient", "Thanks.", 6.0, 7.0),
    ]


def test_srt_diarisation_labels_need_and_use_roles(tmp_path):
    path = write(
        tmp_path,
        "a.srt",
        (
            "1\n00:00:01,000 --> 00:00:02,500\nSPEAKER_00: How are you?\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nSPEAKER_01: Okay.\n"
        ),
    )
    assert detect_format(path) == "srt"
    (t,) = read_path(path, roles=parse_roles("SPEAKER_00=therapist,SPEAKER_01=patient"))
    assert [(x.role, x.speaker, x.start) for x in t.turns] == [
        ("therapist", "SPEAKER_00", 1.0),
        ("patient", "SPEAKER_01", 3.0),
    ]


ANNOMI_HEADER = (
    "transcript_id,mi_quality,video_title,video_url,topic,utterance_id,interlocutor,timestamp,"
    "utterance_text,main_therapist_behaviour,client_talk_type\n"
)


def test_annomi_layout(tmp_path):
    path = write(
        tmp_path,
        "mini.csv",
        ANNOMI_HEADER
        + (
            '7,low,"A video",u,smoking,0,therapist,00:00:10,"So you smoke?",question,n/a\n'
            '7,low,"A video",u,smoking,1,client,00:00:12,"Yeah.",n/a,neutral\n'
            '8,high,"B video",u,alcohol,0,therapist,00:00:01,"Welcome.",other,n/a\n'
            '8,high,"B video",u,alcohol,1,client,00:00:03,"Thanks.",n/a,neutral\n'
        ),
    )
    assert detect_format(path) == "annomi"
    ts = read_path(path)
    assert [t.session_id for t in ts] == ["annomi-7", "annomi-8"]
    assert [(x.turn_id, x.role, x.start) for x in ts[0].turns] == [
        ("0", "therapist", 10.0),
        ("1", "patient", 12.0),
    ]
    assert ts[0].metadata["mi_quality"] == "low"


def test_whole_annomi_csv_every_turn_kept(annomi_csv):
    ts = read_path(annomi_csv)
    assert len(ts) == 133
    assert sum(len(t.turns) for t in ts) == 9699
    with annomi_csv.open(encoding="utf-8") as fh:
        expected = {(f"annomi-{r['transcript_id']}", r["utterance_id"]) for r in csv.DictReader(fh)}
    sessions = [segment_transcript(t) for t in ts]
    got = {(s.session_id, u.turn_id) for s in sessions for u in s.utterances}
    assert got == expected


def test_convokit_round_trip_keeps_utterances(tmp_path):
    s = Session(
        session_id="c1",
        utterances=[
            Utterance(
                session_id="c1",
                turn_id="0",
                utterance_index=0,
                role="therapist",
                text="Hi.",
                start=0.0,
                end=1.0,
            ),
            Utterance(
                session_id="c1",
                turn_id="1",
                utterance_index=1,
                role="patient",
                text="Not this again.",
                start=1.0,
                end=2.0,
                labels=["cf_complaint_activities"],
            ),
        ],
    )
    out = write_convokit([s], tmp_path / "ck")
    assert json.loads((out / "index.json").read_text())["version"] == 1
    (t,) = read_convokit(out)
    assert [(u.role, u.text, u.labels) for u in t.utterances] == [
        ("therapist", "Hi.", []),
        ("patient", "Not this again.", ["cf_complaint_activities"]),
    ]


def test_convokit_foreign_corpus_roles_from_speaker_meta(tmp_path):
    d = tmp_path / "foreign"
    d.mkdir()
    lines = [
        {
            "id": "u1",
            "speaker": "ann",
            "conversation_id": "x",
            "reply-to": None,
            "timestamp": 0,
            "text": "Hello.",
            "meta": {},
        },
        {
            "id": "u2",
            "speaker": "bob",
            "conversation_id": "x",
            "reply-to": "u1",
            "timestamp": 2,
            "text": "Hi.",
            "meta": {},
        },
    ]
    (d / "utterances.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (d / "speakers.json").write_text(
        json.dumps({"ann": {"meta": {"role": "therapist"}}, "bob": {"meta": {"role": "client"}}})
    )
    (t,) = read_path(d)
    assert [(x.role, x.speaker) for x in t.turns] == [("therapist", "ann"), ("patient", "bob")]


def test_every_example_reads(examples_dir):
    paths = expand_inputs([examples_dir])
    formats = {detect_format(p) for p in paths}
    assert formats == {"text", "csv", "tsv", "jsonl", "vtt", "srt", "convokit", "annomi"}
    roles = parse_roles("SPEAKER_00=therapist,SPEAKER_01=patient")
    for p in paths:
        for t in read_path(p, roles=roles):
            s = segment_transcript(t)
            assert {u.role for u in s.utterances} >= {"patient", "therapist"}


def test_input_format_override(tmp_path):
    path = write(tmp_path, "notes.log", "T: Hi.\nP: Hi.\n")
    assert read_path(path, input_format="text")[0].turns[1].role == "patient"
    with pytest.raises(Exception, match="unknown input format"):
        read_path(path, input_format="docx")
