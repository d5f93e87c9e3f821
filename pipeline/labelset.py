"""The codebook's label set, read from ``data_schemas/labelset.json``.

Example:
    >>> from pipeline.labelset import load_labelset
    >>> ls = load_labelset()
    >>> ls.group_of("wd_denial"), ls.role_of("rs_redirect")
    ('withdrawal', 'therapist')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.paths import data_schemas_dir


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    group: str
    role: str


@dataclass(frozen=True)
class LabelSet:
    name: str
    version: str
    labels: tuple[Label, ...]
    groups: dict[str, dict[str, str]]

    @property
    def ids(self) -> list[str]:
        return [lab.id for lab in self.labels]

    @property
    def group_names(self) -> list[str]:
        return list(self.groups)

    def get(self, label_id: str) -> Label:
        for lab in self.labels:
            if lab.id == label_id:
                return lab
        raise KeyError(f"unknown label id {label_id!r}; known ids are in {self.name} v{self.version}")

    def group_of(self, label_id: str) -> str:
        return self.get(label_id).group

    def role_of(self, label_id: str) -> str:
        return self.get(label_id).role

    def ids_for_role(self, role: str) -> list[str]:
        return [lab.id for lab in self.labels if lab.role == role]

    def ids_in_group(self, group: str) -> list[str]:
        return [lab.id for lab in self.labels if lab.group == group]

    def fingerprint(self) -> dict[str, object]:
        """What a trained model stores to check it matches the running label set."""
        return {"name": self.name, "version": self.version, "ids": self.ids}


def _from_doc(doc: dict) -> LabelSet:
    groups = doc["groups"]
    labels = tuple(
        Label(id=d["id"], name=d["name"], group=d["group"], role=groups[d["group"]]["role"])
        for d in doc["labels"]
    )
    return LabelSet(name=doc["name"], version=str(doc["version"]), labels=labels, groups=groups)


@lru_cache(maxsize=4)
def load_labelset(path: str | Path | None = None) -> LabelSet:
    """Load the label set (the shipped one by default)."""
    path = Path(path) if path else data_schemas_dir() / "labelset.json"
    return _from_doc(json.loads(path.read_text(encoding="utf-8")))
