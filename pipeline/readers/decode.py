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
    if looks_binary(data):
        raise InputError(
            path,
            "looks like a binary file, not a transcript",
            hint="export the transcript as text, CSV, VTT or SRT",
        )
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        return text, enc
    raise InputError(path, "is not UTF-8 or cp1252 text", hint="re-save it as UTF-8")
