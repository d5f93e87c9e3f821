"""Reading and writing the data model's files; every write is atomic.

Example:
    >>> import tempfile, pathlib
    >>> from pipeline.datamodel import Utterance
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> u = Utterance(session_id="s1", turn_id="0", utterance_index=0, role="patient", text="Okay.")
    >>> write_jsonl(d / "s1.jsonl", [u])
    >>> [x.text for x in read_utterances(d / "s1.jsonl")]
    ['Okay.']
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from pipeline.datamodel import Session, SessionInfo, Utterance
from pipeline.errors import InputError

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    An interrupted run never leaves a half-written file under the final name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the permissions open() would
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _dump(obj: BaseModel | dict[str, Any], exclude: set[str] | None = None) -> str:
    if isinstance(obj, BaseModel):
        data = obj.model_dump(mode="json", exclude=exclude)
    else:
        data = {k: v for k, v in obj.items() if not exclude or k not in exclude}
    return json.dumps(data, ensure_ascii=False)


def write_jsonl(
    path: str | Path, records: Iterable[BaseModel | dict[str, Any]], exclude: set[str] | None = None
) -> None:
    """Write one JSON object a line, atomically."""
    with atomic_open(path) as fh:
        for rec in records:
            fh.write(_dump(rec, exclude) + "\n")


def write_json(path: str | Path, obj: BaseModel | dict[str, Any] | list[Any]) -> None:
    """Write one JSON document (indented), atomically."""
    data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
    with atomic_open(path) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)``; a line that is not a JSON object raises :class:`InputError`."""
    path = Path(path)
    with path.open(encoding="utf-8-sig") as fh:
        for no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(
                    path, f"not valid JSON ({err.msg})", line=no, hint="one JSON object per line"
                ) from None
            if not isinstance(obj, dict):
                raise InputError(path, "each line must be a JSON object", line=no)
            yield no, obj


def _validate(model: type[BaseModel], path: Path, no: int, obj: dict[str, Any]) -> Any:
    try:
        return model.model_validate(obj)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "record"
        raise InputError(
            path,
            f"{field}: {first['msg']}",
            line=no,
            hint=f"see data_schemas/{model.__name__.lower()}.schema.json",
        ) from None


def read_utterances(path: str | Path) -> list[Utterance]:
    """Read an utterance JSONL file (our schema)."""
    path = Path(path)
    return [_validate(Utterance, path, no, obj) for no, obj in iter_jsonl(path)]


def read_session_infos(path: str | Path) -> list[SessionInfo]:
    """Read a ``sessions.jsonl`` file."""
    path = Path(path)
    return [_validate(SessionInfo, path, no, obj) for no, obj in iter_jsonl(path)]


def write_session_utterances(path: str | Path, session: Session, no_text: bool = False) -> None:
    """Write a session's utterances as JSONL (text left out with ``no_text``)."""
    recs = (u.model_copy(update={"text": ""}) if no_text else u for u in session.utterances)
    write_jsonl(path, recs)
