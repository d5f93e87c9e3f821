"""Inputs for fuzzing the transcript readers, and the property every reader must keep.

Shared by ``tests/test_reader_fuzz.py`` (short, in CI) and ``scripts/fuzz_readers.py``
(long runs). The property: :func:`read_and_check` either returns sessions that are
valid data-model objects with usable times, or raises :class:`InputError` whose message
passes :func:`check_error` (one line, names the file, says what to do). Any other
exception is a reader bug.

Inputs per format (``FORMATS``): random bytes, valid files cut at any byte, valid files
with lines replaced or garbled, malformed times, mixed encodings, huge lines and
thousands of speakers.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from hypothesis import strategies as st

from pipeline.datamodel import SEGMENT_SECONDS, Session, Transcript
from pipeline.errors import InputError
from pipeline.readers import read_path
from pipeline.readers.roles import parse_roles
from pipeline.segment import segment_transcript

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
FORMATS = ("text", "csv", "tsv", "jsonl", "vtt", "srt", "annomi", "convokit")
EXTENSION = {
    "text": ".txt",
    "csv": ".csv",
    "tsv": ".tsv",
    "jsonl": ".jsonl",
    "vtt": ".vtt",
    "srt": ".srt",
    "annomi": ".csv",
}
ROLES = parse_roles("SPEAKER_00=therapist,SPEAKER_01=patient")
UTTERANCES = "utterances.jsonl"
MAX_MESSAGE = 600

# -- Valid files -------------------------------------------------------------------------------------------

ANNOMI_HEADER = (
    "transcript_id,mi_quality,video_title,video_url,topic,utterance_id,interlocutor,timestamp,"
    "utterance_text,main_therapist_behaviour,client_talk_type\n"
)
SMALL = {
    "text": "# title: tiny\n[00:00:05] Therapist: How was the week?\n[00:00:09] Client: Fine. [pause]\n"
    "  I mean, mostly fine.\nDr. Lee: Mostly?\n",
    "csv": 'speaker,text,start,end\nT,"Hi, how are you?",00:00:01,00:00:03\nP,Tired.,4,5.5\n',
    "tsv": "session_id\tspeaker\ttext\na\tT\tHi.\na\tP\tHello.\nb\tT\tMorning.\nb\tP\tMorning.\n",
    "jsonl": "".join(
        json.dumps(u) + "\n"
        for u in (
            {
                "session_id": "s9",
                "turn_id": "0",
                "utterance_index": 0,
                "role": "therapist",
                "text": "Hi.",
                "start": 1.0,
            },
            {
                "session_id": "s9",
                "turn_id": "1",
                "utterance_index": 1,
                "role": "patient",
                "text": "Fine.",
                "start": 3.0,
                "end": 4.0,
            },
        )
    ),
    "vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Therapist>Hello there.\n\n"
    "00:00:03.500 --> 00:00:05.000\n<v Therapist>Take a seat.\n\n"
    "00:00:06.000 --> 00:00:07.000\n<v Client>Thanks.\n",
    "srt": "1\n00:00:01,000 --> 00:00:02,500\nSPEAKER_00: How are you?\n\n"
    "2\n00:00:03,000 --> 00:00:04,000\nSPEAKER_01: Okay.\n",
    "annomi": ANNOMI_HEADER + '7,low,"A video",u,smoking,0,therapist,00:00:10,"So you smoke?",question,n/a\n'
    '7,low,"A video",u,smoking,1,client,00:00:12,"Yeah.",n/a,neutral\n',
}
EXAMPLE_FILES = {
    "text": "cbt_homework.txt",
    "csv": "med_check.csv",
    "tsv": "group_checkin.tsv",
    "jsonl": "dbt_diary_card.jsonl",
    "vtt": "telehealth_ptsd.vtt",
    "srt": "intake_whisper.srt",
    "annomi": "annomi_layout.csv",
}


def _foreign_convokit() -> dict[str, bytes]:
    utts = [
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
            "text": "Hi. I don't want to be here.",
            "meta": {},
        },
    ]
    speakers = {"ann": {"meta": {"role": "therapist"}}, "bob": {"meta": {"role": "client"}}}
    return {
        UTTERANCES: "".join(json.dumps(u) + "\n" for u in utts).encode(),
        "speakers.json": json.dumps(speakers).encode(),
    }


def valid_files(fmt: str) -> list[bytes] | list[dict[str, bytes]]:
    """Valid inputs of a format: the example file and a small one (a ConvoKit input is ``{name: bytes}``)."""
    if fmt == "convokit":
        corpus = EXAMPLES / "convokit_mi_diabetes"
        return [{p.name: p.read_bytes() for p in sorted(corpus.iterdir())}, _foreign_convokit()]
    return [(EXAMPLES / EXAMPLE_FILES[fmt]).read_bytes(), SMALL[fmt].encode()]


def write_input(folder: Path, name: str, fmt: str, data: bytes | dict[str, bytes]) -> Path:
    """Write one input (a file, or a ConvoKit folder) under ``folder``; returns its path."""
    if fmt == "convokit":
        path = folder / name
        path.mkdir(parents=True)
        for file, content in data.items():
            (path / file).write_bytes(content)
        return path
    path = folder / f"{name}{EXTENSION[fmt]}"
    path.write_bytes(data)
    return path


# -- The property ------------------------------------------------------------------------------------------


def read_and_check(path: Path, input_format: str | None = None, roles=ROLES) -> list[Session]:
    """``read_path`` then ``segment_transcript``, checking every object; an InputError passes through."""
    sessions = []
    for transcript in read_path(path, input_format, roles):
        Transcript.model_validate(transcript.model_dump())
        session = segment_transcript(transcript)
        check_session(session)
        sessions.append(session)
    return sessions


def check_session(session: Session) -> None:
    """A session validates, survives JSON (what ``segment`` writes) and has usable times and segments."""
    again = Session.model_validate(session.model_dump())
    assert Session.model_validate_json(session.model_dump_json()) == again
    assert session.utterances, "a session has at least one utterance"
    for i, u in enumerate(session.utterances):
        assert u.utterance_index == i
        assert math.isfinite(u.start) and math.isfinite(u.end), (u.start, u.end)
        assert 0 <= u.start <= u.end, (u.start, u.end)
        assert u.segment_index == int(u.start // SEGMENT_SECONDS) + 1
    indices = [s.segment_index for s in session.segments]
    assert indices == sorted(set(indices)) == sorted({u.segment_index for u in session.utterances})


def check_error(err: InputError, path: Path) -> None:
    """An input error is one short line that names the file and says what to do."""
    message = str(err)
    assert message.startswith(str(path)), message[:200]
    assert "\n" not in message and "\r" not in message, message[:200]
    assert len(message) <= MAX_MESSAGE, message[:200]
    assert err.hint, message


def outcome(path: Path, input_format: str | None = None) -> str:
    """``"accepted"`` or ``"refused"`` (a clear :class:`InputError`); anything else propagates."""
    try:
        read_and_check(path, input_format)
    except InputError as err:
        check_error(err, path)
        return "refused"
    return "accepted"


# -- Strategies --------------------------------------------------------------------------------------------

BAD_TIMES = (
    "99:99:99",
    "00:09:025",
    "-5",
    "-00:00:01",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "1e400",
    "1e308",
    "1.7e9",
    "",
    " ",
    "--",
    "-->",
    "00:00:05.0000",
    "12:75",
    "1_000",
    "0x10",
    "00:00:10,5",
    "1e-320",
    "24:00:00",
    "99:59:59.999",
)
JUNK = (
    b"-->",
    b" --> ",
    b"00:00:01.000 -->",
    b"--> 00:00:02.000",
    b"[99:99:99] T: x",
    b'"',
    b'"unclosed, field',
    b"{",
    b'{"a": [',
    b"[" * 50,
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x81\x8d\x8f\x90\x9d",
    "caf\u00e9".encode("cp1252"),
    "na\u00efve \u2014 \u201cq\u201d \u20ac".encode(),
    b"\\ud800",
    b'"\\udc00"',
    "\u2028".encode(),
    b"\x0c",
    b"\r",
    b"<v ",
    b"<" * 30,
    b"WEBVTT",
    b"T:",
    b"P: ",
    b"SPEAKER_99: who?",
    b"#",
    b"\t",
    b",,,,,,",
)


def time_tokens() -> st.SearchStrategy[str]:
    """Malformed (and some good) times: fixed nasty ones, float reprs, random clock-ish text."""
    return st.one_of(
        st.sampled_from(BAD_TIMES),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10**12), 10**12).map(str),
        st.text(alphabet="0123456789:.,-+eEnaNiIf ", max_size=14),
        st.sampled_from(("00:00:01", "00:05:00.5", "3", "0")),
    )


def junk() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(JUNK),
        st.binary(max_size=40),
        st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )


def random_bytes() -> st.SearchStrategy[bytes]:
    """Any bytes, and any text (lone surrogates encoded as they are)."""
    return st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=1500).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )


def _on_utterances(fmt: str, base, lines_strategy):
    """Apply a bytes -> bytes change to a file, or to a ConvoKit folder's utterances.jsonl."""
    if fmt != "convokit":
        return lines_strategy(base)
    return lines_strategy(base[UTTERANCES]).map(lambda data: {**base, UTTERANCES: data})


def truncated(fmt: str) -> st.SearchStrategy:
    """A valid input cut at any byte."""

    def cut(data: bytes) -> st.SearchStrategy[bytes]:
        return st.integers(0, len(data)).map(lambda i: data[:i])

    return st.sampled_from(valid_files(fmt)).flatmap(lambda base: _on_utterances(fmt, base, cut))


@st.composite
def _edit_lines(draw, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        op = draw(st.sampled_from(("replace", "insert", "delete", "duplicate", "garble", "splice")))
        if op == "replace" and lines:
            lines[i] = draw(junk())
        elif op == "insert":
            lines.insert(i, draw(junk()))
        elif op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines[i:i] = [lines[i]] * draw(st.integers(1, 3))
        elif op == "garble" and lines:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(junk()) + lines[i][at:]
        elif op == "splice" and lines:
            lines[i] = lines[i] + b"\n" * draw(st.integers(0, 2)) + draw(junk())
    return b"\n".join(lines)


def mutated(fmt: str) -> st.SearchStrategy:
    """A valid input with lines replaced, inserted, deleted, duplicated or garbled."""
    return st.sampled_from(valid_files(fmt)).flatmap(lambda base: _on_utterances(fmt, base, _edit_lines))


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _json_time(token: str) -> str:
    """A time token as it may appear in JSON: a bare number (NaN and Infinity included) or a string."""
    try:
        float(token)
        json.loads(token)
    except ValueError:
        return json.dumps(token)
    return token


@st.composite
def timed(draw, fmt: str) -> bytes | dict[str, bytes]:
    """A small transcript of alternating speakers whose times come from :func:`time_tokens`."""
    turns = [
        (i, draw(time_tokens()), draw(time_tokens()), f"Turn {i} says a few words.")
        for i in range(draw(st.integers(2, 6)))
    ]
    if fmt == "text":
        return "".join(f"[{a}] {'TP'[i % 2]}: {t}\n" for i, a, _, t in turns).encode()
    if fmt in {"csv", "tsv"}:
        rows = [["speaker", "text", "start", "end"]] + [["TP"[i % 2], t, a, b] for i, a, b, t in turns]
        return csv_bytes(rows, "\t" if fmt == "tsv" else ",")
    if fmt == "annomi":
        rows = [next(csv.reader([ANNOMI_HEADER]))]
        rows += [
            ["1", "", "", "", "", str(i), ("therapist", "client")[i % 2], a, t, "", ""]
            for i, a, _, t in turns
        ]
        return csv_bytes(rows)
    if fmt in {"vtt", "srt"}:
        cues = [f"{a} --> {b}\nSPEAKER_0{i % 2}: {t}\n" for i, a, b, t in turns]
        if fmt == "vtt":
            return ("WEBVTT\n\n" + "\n".join(cues)).encode()
        return "\n".join(f"{n}\n{c}" for n, c in enumerate(cues, start=1)).encode()
    role = ("therapist", "patient")
    if fmt == "jsonl":
        return "".join(
            f'{{"session_id": "s", "turn_id": "{i}", "utterance_index": {i}, "role": "{role[i % 2]}", '
            f'"text": "{t}", "start": {_json_time(a)}, "end": {_json_time(b)}}}\n'
            for i, a, b, t in turns
        ).encode()
    ours = draw(st.booleans())  # meta written by rupture (start/end in meta) or a foreign corpus (timestamp)
    lines = []
    for i, a, b, t in turns:
        meta = (
            f'{{"utterance_index": {i}, "turn_id": "{i}", "role": "{role[i % 2]}", '
            f'"start": {_json_time(a)}, "end": {_json_time(b)}}}'
        )
        lines.append(
            f'{{"id": "u{i}", "speaker": "{role[i % 2]}", "conversation_id": "c", '
            f'"timestamp": {_json_time(a)}, "text": "{t}", "meta": {meta if ours else "{}"}}}\n'
        )
    return {UTTERANCES: "".join(lines).encode()}


CODECS = ("utf-8", "cp1252", "latin-1", "utf-16-le", "utf-16-be", "utf-8-sig")
ACCENTED = " Caf\u00e9, na\u00efve \u2014 \u201cso\u201d, 20\u20ac."


@st.composite
def _mixed(draw, data: bytes) -> bytes:
    lines = data.decode("utf-8").split("\n")
    whole = draw(st.sampled_from((None, "utf-16", "utf-16-le", "utf-16-be")))
    if whole:  # the whole file in UTF-16, with or without byte order mark, maybe with a stray NUL
        out = "\n".join(line + ACCENTED if line.strip() else line for line in lines).encode(whole)
        return out + draw(st.sampled_from((b"", b"\x00", b"\x00\x00", b"\xd8")))
    out = []
    for line in lines:
        codec = draw(st.sampled_from(CODECS))
        text = line + ACCENTED if line.strip() and draw(st.booleans()) else line
        chunk = text.encode(codec, errors="replace")
        extra = draw(
            st.sampled_from((b"", b"", b"\x00", b"\\ud83d", "\ud800".encode("utf-8", "surrogatepass")))
        )
        out.append(chunk + extra)
    return b"\n".join(out)


def mixed_encodings(fmt: str) -> st.SearchStrategy:
    """A valid input with lines in different encodings (UTF-8, cp1252, latin-1, UTF-16), or all UTF-16."""
    return st.sampled_from(valid_files(fmt)).flatmap(lambda base: _on_utterances(fmt, base, _mixed))


def random_input(fmt: str) -> st.SearchStrategy:
    """Random bytes as a file of the format (as a ConvoKit folder's utterances.jsonl)."""
    return random_bytes() if fmt != "convokit" else random_bytes().map(lambda data: {UTTERANCES: data})


KINDS = {
    "random bytes": random_input,
    "truncated": truncated,
    "garbled lines": mutated,
    "bad times": timed,
    "mixed encodings": mixed_encodings,
}
"""Every kind of drawn input: name -> format -> strategy."""


def any_input(fmt: str) -> st.SearchStrategy:
    """Every kind of input above for one format."""
    return st.one_of([kind(fmt) for kind in KINDS.values()])


# -- Big inputs (built, not drawn) -------------------------------------------------------------------------


def huge_turn(
    fmt: str, size: int, sentence: str = "I just do not know what to say about it. "
) -> bytes | dict[str, bytes]:
    """A valid two-turn transcript whose patient turn is one line of ``size`` characters of ``sentence``."""
    words = (sentence * (size // len(sentence) + 1))[:size]
    if fmt == "text":
        return f"T: How was the week?\nP: {words}\n".encode()
    if fmt in {"csv", "tsv"}:
        rows = [["speaker", "text", "start"], ["T", "How was the week?", "1"], ["P", words, "5"]]
        return csv_bytes(rows, "\t" if fmt == "tsv" else ",")
    if fmt == "annomi":
        rows = [next(csv.reader([ANNOMI_HEADER]))]
        rows += [["1", "", "", "", "", "0", "therapist", "00:00:01", "How was the week?", "", ""]]
        rows += [["1", "", "", "", "", "1", "client", "00:00:05", words, "", ""]]
        return csv_bytes(rows)
    if fmt in {"vtt", "srt"}:
        cues = (
            "00:00:01.000 --> 00:00:04.000\nSPEAKER_00: How was the week?\n\n"
            f"00:00:05.000 --> 00:10:00.000\nSPEAKER_01: {words}\n"
        )
        return (("WEBVTT\n\n" + cues) if fmt == "vtt" else ("1\n" + cues)).encode()
    utts = [("therapist", "How was the week?"), ("patient", words)]
    if fmt == "jsonl":
        return "".join(
            json.dumps({"session_id": "s", "turn_id": str(i), "utterance_index": i, "role": r, "text": t})
            + "\n"
            for i, (r, t) in enumerate(utts)
        ).encode()
    return {
        UTTERANCES: "".join(
            json.dumps({"id": f"u{i}", "speaker": r, "conversation_id": "c", "text": t}) + "\n"
            for i, (r, t) in enumerate(utts)
        ).encode()
    }


def many_speakers(fmt: str, n: int) -> bytes:
    """A text or CSV transcript with ``n`` distinct speaker labels (``Speaker1``, ...)."""
    if fmt == "text":
        return "".join(f"Speaker{i}: Hello from speaker {i}.\n" for i in range(n)).encode()
    return csv_bytes([["speaker", "text"]] + [[f"Speaker{i}", f"Hello from speaker {i}."] for i in range(n)])
