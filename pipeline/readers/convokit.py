"""ConvoKit corpus directories (``utterances.jsonl``, ``speakers.json``, ``conversations.json``, ...).

One conversation is one session; an utterance's role comes from its meta, its speaker's
meta, or the speaker's name (``--roles`` maps the rest). Written corpora load in ConvoKit
with ``Corpus(filename=DIR)``.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline.datamodel import Session, Transcript, Utterance
from pipeline.errors import InputError
from pipeline.io import atomic_open, iter_jsonl, write_json
from pipeline.readers.common import (
    MAX_SECONDS,
    RawTurn,
    build_transcript,
    cap_warnings,
    check_times,
    is_time,
)
from pipeline.readers.roles import role_of

META_FIELDS = (
    "turn_id",
    "utterance_index",
    "role",
    "start",
    "end",
    "times_estimated",
    "segment_index",
    "marks",
    "labels",
    "scores",
)


_JSON_TYPES = {
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


def is_convokit_dir(path: Path) -> bool:
    return path.is_dir() and (path / "utterances.jsonl").exists()


def read_convokit(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """Read a ConvoKit corpus directory."""
    if not is_convokit_dir(path):
        raise InputError(
            path, "is not a ConvoKit corpus folder (no utterances.jsonl in it)", hint="check --input-format"
        )
    speakers = _load_json(path / "speakers.json")
    convos: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    utt_file = path / "utterances.jsonl"
    for no, obj in iter_jsonl(utt_file):
        _check_utterance(utt_file, no, obj)
        obj["_line"] = no
        convos.setdefault(obj["conversation_id"], []).append(obj)
    return [_transcript(path, utt_file, cid, utts, speakers, roles) for cid, utts in convos.items()]


def _check_utterance(utt_file: Path, no: int, obj: dict[str, Any]) -> None:
    """Check one utterance line's fields and bring ids to strings, a missing text to ``""``."""
    for key in ("id", "speaker", "conversation_id", "text"):
        if key not in obj:
            raise InputError(
                utt_file, f"utterance has no {key!r}", line=no, hint="see ConvoKit's data format"
            )
        value = obj[key]
        if key == "text" and value is None:
            obj[key] = ""
        elif isinstance(value, int) and not isinstance(value, bool) and key != "text":
            obj[key] = str(value)
        elif not isinstance(value, str):
            raise InputError(
                utt_file,
                f"utterance {key!r} is {_JSON_TYPES.get(type(value), 'not text')}, not a string",
                line=no,
                hint="see ConvoKit's data format",
            )
    if obj.get("meta") is None:
        obj["meta"] = {}
    if not isinstance(obj["meta"], dict):
        raise InputError(
            utt_file, "utterance 'meta' is not a JSON object", line=no, hint="see ConvoKit's data format"
        )


def _load_json(path: Path) -> dict[str, Any]:
    """A corpus-level JSON file (``speakers.json``, ...) as a dict; ``{}`` when there is none."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as err:
        raise InputError(
            path, f"not valid JSON ({err.msg})", line=err.lineno, hint="see ConvoKit's data format"
        ) from None
    except UnicodeDecodeError as err:
        raise InputError(
            path, f"is not UTF-8 text (byte 0x{err.object[err.start]:02x})", hint="re-save it as UTF-8"
        ) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply", hint="see ConvoKit's data format") from None
    except OSError as err:
        raise InputError(
            path, f"cannot be read ({err.strerror})", hint="check the path and permissions"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            path, "is not a JSON object (id -> record)", line=1, hint="see ConvoKit's data format"
        )
    return data


def _meta(records: dict[str, Any], key: str) -> dict[str, Any]:
    """The ``meta`` of one speaker or conversation record; ``{}`` when it has none."""
    record = records.get(key)
    meta = record.get("meta") if isinstance(record, dict) else None
    return meta if isinstance(meta, dict) else {}


def _role(obj: dict[str, Any], speakers: dict[str, Any], roles: dict[str, str] | None) -> str:
    meta_role = obj["meta"].get("role") or _meta(speakers, obj["speaker"]).get("role")
    if isinstance(meta_role, str) and meta_role.strip() and not (roles and obj["speaker"].lower() in roles):
        return role_of(meta_role) or meta_role
    return obj["speaker"]


def _transcript(path, utt_file, cid, utts, speakers, roles) -> Transcript:
    meta_ok = all("utterance_index" in u["meta"] for u in utts)
    if meta_ok:  # written by rupture: keep our utterances as they were
        utterances = [_utterance(utt_file, cid, u, speakers, roles) for u in utts]
        return Transcript(
            session_id=cid,
            source=str(path),
            input_format="convokit",
            utterances=utterances,
            metadata=_meta(_load_json(path / "conversations.json"), cid),
            warnings=cap_warnings(
                utt_file,
                [
                    w
                    for u, x in zip(utts, utterances, strict=True)
                    for w in check_times(utt_file, u["_line"], x)
                ],
            ),
        )
    starts = _timestamps(utts)
    raw = [
        RawTurn(
            speaker=_role(u, speakers, roles),
            text=u["text"],
            line=u["_line"],
            start=start,
            turn_id=u["id"],
        )
        for u, start in zip(utts, starts, strict=True)
    ]
    t = build_transcript(utt_file, cid, raw, roles, "convokit")
    for turn, u in zip(t.turns, utts, strict=True):
        turn.speaker = u["speaker"]
    return t


def _timestamps(utts: list[dict[str, Any]]) -> list[float | None]:
    """Utterance timestamps as seconds from the conversation's start; None where there is no usable one.

    ConvoKit timestamps are often Unix times: when every one is too large to be an offset
    into a session, they are counted from the conversation's first.
    """
    stamps = [
        float(u["timestamp"])
        if isinstance(u.get("timestamp"), int | float) and not isinstance(u["timestamp"], bool)
        else None
        for u in utts
    ]
    stamps = [t if t is not None and math.isfinite(t) and t >= 0 else None for t in stamps]
    known = [t for t in stamps if t is not None]
    if known and min(known) > MAX_SECONDS:
        stamps = [t - min(known) if t is not None else None for t in stamps]
    return [t if t is not None and is_time(t) else None for t in stamps]


def _utterance(utt_file: Path, cid: str, u: dict[str, Any], speakers, roles) -> Utterance:
    fields = {k: u["meta"][k] for k in META_FIELDS if k in u["meta"]}
    fields.setdefault("role", role_of(_role(u, speakers, roles), roles) or "other")
    try:
        return Utterance(session_id=cid, speaker=u["speaker"], text=u["text"], **fields)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "record"
        raise InputError(
            utt_file, f"meta.{field}: {first['msg']}", line=u["_line"], hint="see ConvoKit's data format"
        ) from None


def write_convokit(sessions: list[Session], out_dir: str | Path) -> Path:
    """Write sessions as a ConvoKit corpus directory (one conversation a session).

    Example:
        >>> import tempfile
        >>> from pipeline.datamodel import Session, Utterance
        >>> s = Session(session_id="s1", utterances=[
        ...     Utterance(session_id="s1", turn_id="0", utterance_index=0, role="therapist", text="Hi."),
        ...     Utterance(session_id="s1", turn_id="1", utterance_index=1, role="patient", text="Hello.")])
        >>> d = write_convokit([s], tempfile.mkdtemp())
        >>> [t.session_id for t in read_convokit(d)]
        ['s1']
    """
    out = Path(out_dir)
    speakers: dict[str, dict[str, Any]] = {}
    conversations: dict[str, dict[str, Any]] = {}
    with atomic_open(out / "utterances.jsonl") as fh:
        for s in sessions:
            conversations[s.session_id] = {
                "meta": {**s.metadata, "times_estimated": s.times_estimated},
                "vectors": [],
            }
            prev_id = None
            for u in s.utterances:
                spk = f"{s.session_id}:{u.speaker or u.role}"
                speakers.setdefault(spk, {"meta": {"role": u.role, "name": u.speaker}, "vectors": []})
                uid = f"{s.session_id}:{u.utterance_index}"
                meta = {k: v for k, v in u.model_dump(mode="json").items() if k in META_FIELDS}
                rec = {
                    "id": uid,
                    "speaker": spk,
                    "conversation_id": s.session_id,
                    "reply-to": prev_id,
                    "timestamp": u.start,
                    "text": u.text,
                    "meta": meta,
                    "vectors": [],
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                prev_id = uid
    write_json(out / "speakers.json", speakers)
    write_json(out / "conversations.json", conversations)
    write_json(out / "corpus.json", {"name": "rupture export"})
    write_json(out / "index.json", _index())
    return out


def _index() -> dict[str, Any]:
    utt_meta = {k: ["<class 'str'>"] for k in META_FIELDS}
    return {
        "utterances-index": utt_meta,
        "speakers-index": {"role": ["<class 'str'>"], "name": ["<class 'str'>"]},
        "conversations-index": {},
        "overall-index": {},
        "version": 1,
        "vectors": [],
    }
