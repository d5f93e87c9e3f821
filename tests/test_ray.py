"""``rupture annotate --engine ray`` (issue #7): same outputs as the local engine, resumable, clear errors.

Ray runs locally with 2 CPUs, bound to 127.0.0.1: sockets are allowed for these tests only, and only
to 127.0.0.1 (pytest-socket's ``allow_hosts``); nothing leaves the machine.
"""

from __future__ import annotations

import builtins
import time
from pathlib import Path

import pytest

from pipeline.errors import RuptureError
from tests.test_speed_invariance import ROLES, build_tiny_model


def _config(out: Path, **kw):
    from pipeline.annotate import AnnotateConfig
    from pipeline.readers.roles import parse_roles

    return AnnotateConfig(
        out,
        formats=frozenset({"utterances", "csv"}),
        progress=False,
        roles=parse_roles(ROLES),
        batch_utterances=40,
        identifiers="redact",
        **kw,
    )


def _tree(out: Path, sub: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((out / sub).iterdir())}


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory, tiny_encoder_dir, tiny_config) -> Path:
    return build_tiny_model(tiny_encoder_dir, tiny_config, tmp_path_factory.mktemp("tiny-model-ray"))


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install .[ray])")
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False)
    yield ray
    time.sleep(2)  # let Ray Data's executor threads finish before the driver disconnects
    ray.shutdown()


@pytest.mark.ray
@pytest.mark.slow
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_ray_engine_writes_what_the_local_engine_writes(tmp_path, examples_dir, tiny_model_dir, local_ray):
    from pipeline.annotate import annotate, load_classifier
    from pipeline.engines.ray_engine import annotate_ray

    local_cfg = _config(tmp_path / "local")
    local = annotate([str(examples_dir)], local_cfg, load_classifier(tiny_model_dir))
    ray_cfg = _config(tmp_path / "ray")
    res = annotate_ray([str(examples_dir)], ray_cfg, tiny_model_dir)

    assert res.written == local.written > 5
    assert res.utterances == local.utterances
    assert res.read.lines() == local.read.lines()
    for sub in ("utterances", "sessions"):
        assert _tree(ray_cfg.out_dir, sub) == _tree(local_cfg.out_dir, sub), sub
    assert (ray_cfg.out_dir / "cohort.csv").read_text() == (local_cfg.out_dir / "cohort.csv").read_text()
    assert (ray_cfg.out_dir / "run.json").exists()

    # a rerun resumes: everything is already done, nothing is rewritten
    again = annotate_ray([str(examples_dir)], _config(tmp_path / "ray"), tiny_model_dir)
    assert (again.written, again.already_done) == (0, res.written)
    assert _tree(ray_cfg.out_dir, "sessions") == _tree(local_cfg.out_dir, "sessions")


@pytest.mark.ray
@pytest.mark.slow
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_ray_engine_reports_a_failing_worker_in_one_line(tmp_path, examples_dir, local_ray):
    from pipeline.engines.ray_engine import annotate_ray

    class Broken:
        from pipeline.labelset import load_labelset

        labelset, card = load_labelset(), {"name": "broken"}

        def predict(self, sessions, batch_size=64):
            raise RuptureError("the model exploded on purpose")

    with pytest.raises(RuptureError, match="a Ray worker failed: the model exploded on purpose") as err:
        annotate_ray([str(examples_dir)], _config(tmp_path / "out"), Broken())
    assert "\n" not in str(err.value)
    assert not list(tmp_path.glob("out/sessions/*.json"))  # nothing half-done was marked complete


def test_engine_ray_without_ray_says_how_to_install(monkeypatch, tmp_path):
    from pipeline.engines import run_annotate

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(RuptureError) as err:
        run_annotate(["x.txt"], _config(tmp_path / "out"), None, engine="ray")
    assert "pip install .[ray]" in str(err.value) and "\n" not in str(err.value)


def test_unknown_engine_and_stray_ray_address_are_refused(tmp_path):
    from pipeline.engines import run_annotate

    with pytest.raises(RuptureError, match="unknown --engine spark"):
        run_annotate(["x.txt"], _config(tmp_path / "out"), None, engine="spark")
    with pytest.raises(RuptureError, match="--ray-address needs --engine ray"):
        run_annotate(["x.txt"], _config(tmp_path / "out"), None, engine="local", ray_address="auto")


def test_the_ray_driver_stores_each_batch_as_soon_as_it_is_full(tmp_path):
    # Memory bounded by the batch: the driver hands each full batch to the object store (here a list)
    # before it reads the next session, and keeps only what the store gives back.
    from pipeline.annotate import AnnotateResult
    from pipeline.datamodel import Session, Utterance
    from pipeline.engines.ray_engine import _read_batches

    stored: list[str] = []

    def sessions():
        for i in range(6):
            if i >= 2:  # 2 sessions of 20 utterances fill a batch of 40
                assert len(stored) >= i // 2, "a full batch was still held by the driver"
            utts = [
                Utterance(session_id=f"s{i}", turn_id=str(k), utterance_index=k, role="patient", text="ok")
                for k in range(20)
            ]
            yield Session(session_id=f"s{i}", utterances=utts)

    def store(payload: str) -> str:
        stored.append(payload)
        return f"ref{len(stored)}"

    result = AnnotateResult()
    batches = _read_batches(sessions(), _config(tmp_path / "out"), result, store)
    assert [b[0] for b in batches] == ["ref1", "ref2", "ref3"]
    assert [(b[1], b[2]) for b in batches] == [(2, 40)] * 3 and result.utterances == 120
    assert '"session_id":"s5"' in stored[-1].replace(" ", "")
