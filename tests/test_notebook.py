"""The researcher's starter notebook runs top to bottom on a small annotate output."""

from __future__ import annotations

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from pipeline.annotate import AnnotateConfig, annotate
from tests.conftest import KeywordClassifier

NOTEBOOK = "notebooks/rupture_starter.ipynb"


@pytest.mark.slow
def test_starter_notebook_executes(repo, transcripts_dir, tmp_path, monkeypatch):
    out = tmp_path / "annotated"
    annotate([str(transcripts_dir)], AnnotateConfig(out, progress=False), KeywordClassifier())
    monkeypatch.setenv("RUPTURE_OUT", str(out))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(repo / NOTEBOOK, as_version=4)
    # ipc transport: the kernel talks over unix sockets, so the test runs with network sockets disabled
    km = AsyncKernelManager(
        kernel_name="python3", transport="ipc", connection_file=str(tmp_path / "kernel.json")
    )
    client = NotebookClient(nb, km=km, timeout=180, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "3 sessions" in text and "episodes" in text
