"""Write the data model's JSON Schemas to data_schemas/ (tests fail when they are stale)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.schemas import all_schemas

if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "data_schemas"
    for name, schema in all_schemas().items():
        (out / name).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote data_schemas/{name}")
