"""The JSON contracts: pydantic models for every file in a project folder.

camelCase on disk, snake_case in Python, unknown fields kept (see ``base.Contract``). The JSON
Schemas in ``schemas/`` are generated from these classes by ``make schemas``. Job inputs and outputs
are here too (``job.py``), and small model methods that every stage shares (``Asset.iter_variants``,
``AssetVersion.is_approved``, ``GenerationPlan.sampling``).

May import ``assetgen.errors`` and ``assetgen.ids`` only: no store, no stage, no I/O.
"""

from assetgen.models.asset import Asset, AssetVersion, BgRemoveRecord, Provenance, ReviewEvent, Variant
from assetgen.models.atlas import Atlas, AtlasAnimation, AtlasFrame, AtlasPage, PackSettings
from assetgen.models.base import Contract, Point, Record, Rect, Size
from assetgen.models.catalogs import (
    CATALOG_MODELS,
    AssetType,
    AssetTypeCatalog,
    Palette,
    PaletteCatalog,
    ScenarioCatalog,
    StyleCatalog,
    TagCatalog,
)
from assetgen.models.export import ExportProfile, ExportRecord, Manifest, ManifestFile
from assetgen.models.generation import GenerationParams
from assetgen.models.job import TERMINAL_STATUSES, BgRemoveInput, GenerateInput, Job, NextJob
from assetgen.models.project import Project
from assetgen.models.registry import BaselineProfile, Checkpoint, Lora, LoraRelease, WeightsRef
from assetgen.models.spec import AssetSpec
from assetgen.models.spec_list import SpecList

# Folder name under data/projects/<p>/ -> the record model stored there (one file per id).
RECORD_MODELS: dict[str, type[Record]] = {
    "checkpoints": Checkpoint,
    "loras": Lora,
    "baseline-profiles": BaselineProfile,
    "spec-lists": SpecList,
    "specs": AssetSpec,
    "assets": Asset,
    "jobs": Job,
    "atlases": Atlas,
    "export-profiles": ExportProfile,
    "exports": ExportRecord,
}

# Folder -> the singular noun used in messages and schema file names.
RECORD_NOUNS: dict[str, str] = {
    folder: folder[:-2] if folder.endswith("ses") else folder[:-1] for folder in RECORD_MODELS
}

__all__ = [
    "CATALOG_MODELS",
    "RECORD_MODELS",
    "RECORD_NOUNS",
    "TERMINAL_STATUSES",
    "Asset",
    "AssetSpec",
    "AssetType",
    "AssetTypeCatalog",
    "AssetVersion",
    "Atlas",
    "AtlasAnimation",
    "AtlasFrame",
    "AtlasPage",
    "BaselineProfile",
    "BgRemoveInput",
    "BgRemoveRecord",
    "Checkpoint",
    "Contract",
    "ExportProfile",
    "ExportRecord",
    "GenerateInput",
    "GenerationParams",
    "Job",
    "Lora",
    "LoraRelease",
    "Manifest",
    "ManifestFile",
    "NextJob",
    "PackSettings",
    "Palette",
    "PaletteCatalog",
    "Point",
    "Project",
    "Provenance",
    "Record",
    "Rect",
    "ReviewEvent",
    "ScenarioCatalog",
    "Size",
    "SpecList",
    "StyleCatalog",
    "TagCatalog",
    "Variant",
    "WeightsRef",
]
