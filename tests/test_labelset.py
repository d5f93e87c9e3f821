"""The label set file is the codebook's label set, ids exactly."""

from __future__ import annotations

import re

import pytest

from pipeline.labelset import load_labelset
from tests.conftest import CODEBOOK


def test_ids_groups_and_roles():
    ls = load_labelset()
    assert len(ls.ids) == len(set(ls.ids)) == 28
    assert ls.group_names == ["withdrawal", "confrontation", "resolution", "therapist_contribution"]
    prefix_group = {
        "wd_": "withdrawal",
        "cf_": "confrontation",
        "rs_": "resolution",
        "tc_": "therapist_contribution",
    }
    for lab in ls.labels:
        assert lab.group == prefix_group[lab.id[:3]]
        assert lab.role == ("patient" if lab.group in {"withdrawal", "confrontation"} else "therapist")
    assert ls.ids_for_role("other") == []


def test_ids_match_the_codebook_tables():
    if not CODEBOOK.exists():
        pytest.skip("codebook is not beside the checkout")
    ids = re.findall(r"^\| `([a-z]{2}_[a-z_]+)` \|", CODEBOOK.read_text(), flags=re.MULTILINE)
    assert ids == load_labelset().ids
