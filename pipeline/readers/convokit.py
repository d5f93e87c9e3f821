"""ConvoKit corpus directories (``utterances.jsonl``, ``speakers.json``, ``conversations.json``, ...).

One conversation is one session; an utterance's role comes from its meta, its speaker's
meta, or the speaker's name (``--roles`` maps the rest). Written corpora load in ConvoKit
with ``Corpus(filename=DIR)``.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pipeline.datamodel import Session, Transcript, Utterance
from pipeline.errors import InputError
from pipeline.io import atomic_open, iter_jsonl, write_json
from pipeline.readers.common import RawTurn, build_transcript
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


def is_convokit_dir(path: Path) -> bool:
    return path.is_dir() and (path / "utterances.jsonl").exists()


def read_convokit(path: Path, roles: dict[str, str] | None = None) -> list[Transcript]:
    """Read a ConvoKit corpus directory."""
    speakers = _load_json(path / "speakers.json")
    convos: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    utt_file = path / "utterances.jsonl"
    for no, obj in iter_jsonl(utt_file):
        for key in ("id", "speaker", "conversation_id", "text"):
            if key not in obj:
                raise InputError(
                    utt_file, f"utterance has no {key!r}", line=no, hint="see ConvoKit's data format"
                )
        obj["_line"] = no
        convos.setdefault(str(obj["conversation_id"]), []).append(obj)
    return [_transcript(path, utt_file, cid, utts, speakers, roles) for cid, utts in convos.items()]


def _load_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(path, f"not valid JSON ({err.msg})", line=err.lineno) from None


def _role(obj: dict[str, Any], speakers: dict[str, Any], roles: dict[str, str] | None) -> str:
    meta_role = (obj.get("meta") or {}).get("role") or (
        speakers.get(obj["speaker"], {}).get("meta") or {}
    ).get("role")
    if meta_role and not (roles and obj["speaker"].lower() in roles):
        return role_of(meta_role) or meta_role
    return obj["speaker"]


def _transcript(path, utt_file, cid, utts, speakers, roles) -> Transcript:
    meta_ok = all("utterance_index" in (u.get("meta") or {}) for u in utts)
    if meta_ok:  # written by rupture: keep our utterances as they were
        return Transcript(
            session_id=cid,
            source=str(path),
            input_format="convokit",
            utterances=[_utterance(cid, u, speakers, roles) for u in utts],
            metadata=_load_json(path / "conversations.json").get(cid, {}).get("meta", {}),
        )
    raw = [
        RawTurn(
            speaker=_role(u, speakers, roles),
            text=u["text"],
            line=u["_line"],
            start=u.get("timestamp") if isinstance(u.get("timestamp"), int | float) else None,
            turn_id=str(u["id"]),
        )
        for u in utts
    ]
    t = build_transcript(utt_file, cid, raw, roles, "convokit")
    for turn, u in zip(t.turns, utts, strict=True):
        turn.speaker = u["speaker"]
    return t


def _utterance(cid: str, u: dict[str, Any], speakers, roles) -> Utterance:
    meta = u.get("meta") or {}
    fields = {k: meta[k] for k in META_FIELDS if k in meta}
    fields.setdefault("role", role_of(_role(u, speakers, roles), roles) or "other")
    return Utterance(session_id=cid, speaker=u["speaker"], text=u["text"], **fields)


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
