"""Turn a file's bytes into text, saying which encoding was used."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or many control characters, in the first 4 kB."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    control = sum(b < 9 or 13 < b < 32 for b in head)
    return bool(head) and control / len(head) > 0.1


def read_text(path: Path) -> tuple[str, str]:
    """Return ``(text, encoding)``; empty or binary files raise :class:`InputError`.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
        >>> _ = p.write_bytes("T: caf\\xe9?".encode("cp1252"))
        >>> read_text(p)
        ('T: café?', 'cp1252')
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(
            path, f"cannot be read ({err.strerror})", hint="check the path and permissions"
        ) from None
    if not data.strip():
        raise InputError(path, "is empty", hint="give a transcript with speaker turns")
    codec = utf16_codec(data)
    if codec:
        return _decode_utf16(path, data, codec), codec
    if looks_binary(data):
        raise InputError(
            path,
            "looks like a binary file, not a transcript",
            hint="export the transcript as text, CSV, VTT or SRT",
        )
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as err:
            bad = err
            continue
        if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        return text, enc
    raise InputError(
        path,
        f"is not UTF-8 or cp1252 text (byte 0x{data[bad.start]:02x})",
        line=data.count(b"\n", 0, bad.start) + 1,
        hint="re-save it as UTF-8",
    )


def utf16_codec(data: bytes) -> str | None:
    """``utf-16`` (with a byte order mark), ``utf-16-le`` / ``utf-16-be`` (NUL in every other byte), or None.

    Windows tools ("Unicode text") save UTF-16; without the check such files look binary.

    Example:
        >>> utf16_codec("T: Hi".encode("utf-16")), utf16_codec("T: Hi".encode("utf-16-be"))
        ('utf-16', 'utf-16-be')
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode_utf16(path: Path, data: bytes, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        line = data[: err.start].decode(codec, errors="replace").count("\n") + 1
        raise InputError(
            path, f"is {codec} text with a broken character", line=line, hint="re-save it as UTF-8"
        ) from None
    if "\x00" in text or looks_binary(text.encode("utf-8", errors="replace")):
        raise InputError(
            path,
            "looks like a binary file, not a transcript",
            hint="export the transcript as text, CSV, VTT or SRT",
        )
    return text
