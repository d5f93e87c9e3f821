"""JSON Schemas of the data model, as written to ``data_schemas/``.

``scripts/export_schemas.py`` writes them; ``tests/test_schemas.py`` fails when a
file is out of date, so the schemas always say what the code writes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from pipeline import datamodel

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "turn": datamodel.Turn,
    "utterance": datamodel.Utterance,
    "segment": datamodel.Segment,
    "segmentrating": datamodel.SegmentRating,
    "sessionrating": datamodel.SessionRating,
    "sessioninfo": datamodel.SessionInfo,
    "session": datamodel.Session,
    "transcript": datamodel.Transcript,
    "identifierfinding": datamodel.IdentifierFinding,
}


def register(name: str, model: type[BaseModel]) -> None:
    """Add a model whose schema is kept in ``data_schemas/<name>.schema.json``."""
    SCHEMA_MODELS[name] = model


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    """``{file name: schema}`` for every registered model."""
    import pipeline.cohort  # noqa: F401  registers the cohort row

    for model in (datamodel.Episode, datamodel.SegmentSummary, datamodel.SessionSummary):
        SCHEMA_MODELS.setdefault(model.__name__.lower(), model)
    return {f"{name}.schema.json": schema_of(model) for name, model in SCHEMA_MODELS.items()}
