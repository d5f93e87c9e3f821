"""Gold readers: every format, the corpus, and one clear line for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.datamodel import Utterance
from pipeline.errors import InputError
from pipeline.evaluate.gold import Span, project_spans, read_gold
from pipeline.labelset import load_labelset

LS = load_labelset()


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_turn_segment_session_and_span_files(tmp_path):
    g = read_gold(
        [
            write(
                tmp_path,
                "t.gold.csv",
                "session_id,turn_id,labels\ns1,0,\ns1,1,wd_denial; wd_minimal_response\n",
            ),
            write(
                tmp_path,
                "seg.gold.csv",
                "session_id,segment_index,withdrawal_significance,"
                "confrontation_significance,resolution\ns1,1,3,1,\ns1,2,1,4,5\n",
            ),
            write(tmp_path, "ses.gold.csv", "session_id,therapist_contribution,overall_resolution\ns1,2,-\n"),
        ]
    )
    assert g.grain == "turn"
    assert g.turns["s1"] == {"0": frozenset(), "1": frozenset({"wd_denial", "wd_minimal_response"})}
    assert g.segment_ratings[("s1", 1)].resolution is None
    assert g.segment_ratings[("s1", 2)].confrontation_significance == 4
    assert g.session_ratings["s1"].overall_resolution is None
    spans = read_gold(
        [write(tmp_path, "sp.gold.csv", "session_id,start,end,label\ns1,00:00:10,12.5,wd_denial\n")]
    )
    assert spans.grain == "span" and spans.spans["s1"][0].start == 10.0


def test_utterance_jsonl_and_corpus(tmp_path):
    lines = [
        Utterance(session_id="s1", turn_id=str(i), utterance_index=i, role=r, text=t, labels=lab)
        for i, (r, t, lab) in enumerate(
            [("therapist", "How was it?", []), ("patient", "Fine I guess whatever.", ["wd_minimal_response"])]
        )
    ]
    utt = write(tmp_path, "s1.jsonl", "".join(u.model_dump_json() + "\n" for u in lines))
    g = read_gold([utt])
    assert g.grain == "utterance" and g.utterances["s1"][1].labels == ["wd_minimal_response"]
    assert g.utterances["s1"][1].start is not None  # times as segmentation gives them
    corpus = tmp_path / "corpus"
    (corpus / "utterances").mkdir(parents=True)
    (corpus / "utterances" / "s1.jsonl").write_text(utt.read_text())
    info = {
        "session_id": "s1",
        "split": "test",
        "metadata": {"patient": "p1"},
        "segment_ratings": [
            {
                "session_id": "s1",
                "segment_index": 1,
                "withdrawal_significance": 2,
                "confrontation_significance": 1,
                "resolution": None,
            }
        ],
        "session_rating": {"session_id": "s1", "therapist_contribution": 1, "overall_resolution": None},
    }
    (corpus / "sessions.jsonl").write_text(json.dumps(info) + "\n")
    c = read_gold([corpus], split="test")
    assert c.grain == "utterance" and ("s1", 1) in c.segment_ratings and "s1" in c.session_ratings
    assert c.metadata["s1"]["patient"] == "p1"
    with pytest.raises(InputError, match="no session in split 'train'"):
        read_gold([corpus], split="train")


@pytest.mark.parametrize(
    "name,text,message",
    [
        (
            "a.gold.csv",
            "session_id,turn_id,labels\ns1,0,wd_nope\n",
            r"a.gold.csv:2: unknown label id 'wd_nope'",
        ),
        (
            "b.gold.csv",
            "session_id,turn_id,labels\ns1,0,\ns1,0,\n",
            r"b.gold.csv:3: repeats s1 0 \(first on line 2\)",
        ),
        ("c.gold.csv", "who,what\nx,y\n", r"c.gold.csv:1: is not a gold file I know"),
        (
            "d.gold.csv",
            "session_id,segment_index,withdrawal_significance,confrontation_significance,resolution\n"
            "s1,1,7,1,\n",
            r"d.gold.csv:2: withdrawal_significance '7' is not a rating 1-5",
        ),
        (
            "e.gold.csv",
            "session_id,segment_index,withdrawal_significance,confrontation_significance,resolution\n"
            "s1,one,2,1,\n",
            r"e.gold.csv:2: segment_index 'one' is not a segment number",
        ),
        (
            "f.gold.csv",
            "session_id,start,end,label\ns1,20,10,wd_denial\n",
            r"f.gold.csv:2: cannot read the span",
        ),
        ("g.gold.csv", "session_id,turn_id,labels\n", r"g.gold.csv: has a header but no rows"),
        (
            "h.gold.csv",
            "session_id,therapist_contribution,overall_resolution\ns1,,3\n",
            r"h.gold.csv:2: therapist_contribution is empty",
        ),
    ],
)
def test_bad_gold_is_one_clear_line(tmp_path, name, text, message):
    with pytest.raises(InputError, match=message) as err:
        read_gold([write(tmp_path, name, text)])
    assert "\n" not in str(err.value)


def test_mixed_label_grains_and_repeated_sessions_are_refused(tmp_path):
    t = write(tmp_path, "t.gold.csv", "session_id,turn_id,labels\ns1,0,\n")
    sp = write(tmp_path, "sp.gold.csv", "session_id,start,end,label\ns1,1,2,wd_denial\n")
    with pytest.raises(InputError, match="label-level gold in one format"):
        read_gold([t, sp])
    with pytest.raises(InputError, match="repeats turns already given for s1"):
        read_gold([t, t])
    with pytest.raises(InputError, match="does not exist"):
        read_gold([tmp_path / "missing.gold.csv"])


def test_spans_land_on_overlapping_utterances_of_the_label_role():
    us = [
        Utterance(session_id="s", turn_id=str(i), utterance_index=i, role=r, text="x", start=s, end=e)
        for i, (r, s, e) in enumerate([("therapist", 0, 10), ("patient", 10, 20), ("patient", 20, 30)])
    ]
    out = project_spans([Span("s", 5, 12, "wd_denial"), Span("s", 0, 30, "rs_redirect")], us, LS)
    assert [u.labels for u in out] == [["rs_redirect"], ["wd_denial"], []]
