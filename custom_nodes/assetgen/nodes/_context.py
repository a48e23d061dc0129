"""What a node may know about its surroundings: settings and the project store, read at call time."""

from __future__ import annotations

from functools import lru_cache

from assetgen.generation.variant_metadata import parse_plan
from assetgen.models.generation import GenerationPlan
from assetgen.settings import Settings
from assetgen.store import ProjectStore


def node_settings() -> Settings:
    """Settings from ComfyUI's environment (the managed start sets ASSETGEN_DATA_DIR and the cache)."""
    return Settings.from_env()


def node_store() -> ProjectStore:
    return ProjectStore(node_settings().data_dir)


@lru_cache(maxsize=64)
def node_plan(text: str) -> GenerationPlan:
    """The plan JSON a node received, parsed once per distinct text (ComfyUI validates, fingerprints and
    executes a prompt's nodes, and every variant of a spec carries the same plan). Read-only for callers."""
    return parse_plan(text)
