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
import re
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

    An interrupted run never leaves a half-written file under the final name. The file and then its
    folder are synced to disk before the function returns, so files written one after the other reach
    the disk in that order even across a power cut (``annotate`` relies on this: a session's summary,
    written last, is never on disk without its other files).
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
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable; skipped where folders cannot be opened or synced (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
    try:
        fh = path.open("rb")
    except OSError as err:
        raise InputError(
            path, f"cannot be read ({err.strerror})", hint="check the path and permissions"
        ) from None
    with fh:
        for no, data in enumerate(fh, start=1):
            obj = _json_line(path, no, data.removeprefix(b"\xef\xbb\xbf") if no == 1 else data)
            if obj is not None:
                yield no, obj


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _json_line(path: Path, no: int, data: bytes) -> dict[str, Any] | None:
    """One JSONL line as an object (None when blank); anything else raises :class:`InputError`."""
    try:
        line = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            path, f"is not UTF-8 text (byte 0x{data[err.start]:02x})", line=no, hint="re-save it as UTF-8"
        ) from None
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(
            path, f"not valid JSON ({err.msg})", line=no, hint="one JSON object per line"
        ) from None
    except RecursionError:
        raise InputError(
            path, "JSON nested too deeply", line=no, hint="one flat JSON object per line"
        ) from None
    if not isinstance(obj, dict):
        raise InputError(path, "each line must be a JSON object", line=no, hint="one JSON object per line")
    if _SURROGATE.search(line):
        try:
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as err:
            raise InputError(
                path,
                f"has a broken character escape ({err.object[err.start]!r}, half of a surrogate pair)",
                line=no,
                hint="remove it or write the character itself in UTF-8",
            ) from None
    return obj


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
    """Write a session's utterances as JSONL (text and speaker labels left out with ``no_text``)."""
    recs = (u.model_copy(update={"text": "", "speaker": None}) if no_text else u for u in session.utterances)
    write_jsonl(path, recs)
