"""What a node may know about its surroundings: settings and the project store, read at call time."""

from __future__ import annotations

from assetgen.settings import Settings
from assetgen.store import ProjectStore


def node_settings() -> Settings:
    """Settings from ComfyUI's environment (the managed start sets ASSETGEN_DATA_DIR and the cache)."""
    return Settings.from_env()


def node_store() -> ProjectStore:
    return ProjectStore(node_settings().data_dir)
