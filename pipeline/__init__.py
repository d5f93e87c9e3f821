"""rupture: find therapeutic alliance ruptures and their repair in session transcripts."""

from __future__ import annotations

import os

# Offline before anything imports transformers or huggingface_hub (both read these at import): the
# package never reaches a model hub, whatever the environment says. Models load from local folders.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
    os.environ[_var] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
