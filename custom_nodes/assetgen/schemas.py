"""JSON Schemas generated from the pydantic models (never written by hand)."""

from __future__ import annotations

import json
from typing import Any

from assetgen.generation.variant_metadata import VariantMetadata
from assetgen.models import (
    CATALOG_MODELS,
    RECORD_MODELS,
    RECORD_NOUNS,
    BgRemoveInput,
    GenerateInput,
    Manifest,
    Project,
)
from assetgen.models.generation import GenerationPlan
from assetgen.models.job import AtlasPackInput, AutopilotInput, ExportInput

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_models() -> dict[str, type]:
    """File name stem -> model, for every JSON file type assetgen reads or writes."""
    models: dict[str, type] = {
        "project": Project,
        "manifest": Manifest,
        "generate-input": GenerateInput,
        "generation-plan": GenerationPlan,
        "variant-metadata": VariantMetadata,
        "bg-remove-input": BgRemoveInput,
        "atlas-pack-input": AtlasPackInput,
        "export-input": ExportInput,
        "autopilot-input": AutopilotInput,
    }
    models.update({f"catalog-{name}": model for name, model in CATALOG_MODELS.items()})
    models.update({RECORD_NOUNS[folder]: model for folder, model in RECORD_MODELS.items()})
    return models


def render_schemas() -> dict[str, str]:
    """File name -> schema text (pretty JSON with trailing newline), deterministic."""
    out: dict[str, str] = {}
    for stem, model in sorted(schema_models().items()):
        schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT, "$id": f"assetgen:{stem}"}
        schema.update(model.model_json_schema(by_alias=True))
        out[f"{stem}.schema.json"] = json.dumps(schema, indent=2, sort_keys=False) + "\n"
    return out
