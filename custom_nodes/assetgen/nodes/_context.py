"""What a node may know about its surroundings: settings and the project store, read at call time."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from assetgen.generation.variant_metadata import parse_plan
from assetgen.models.generation import GenerationPlan
from assetgen.settings import Settings
from assetgen.store import ProjectStore

# What nodes use of the settings (the data root and the cache) comes from these variables only.
_NODE_ENV = ("ASSETGEN_DATA_DIR", "ASSETGEN_CACHE_DIR", "XDG_CACHE_HOME", "HOME")


def node_settings() -> Settings:
    """Settings from ComfyUI's environment (the managed start sets ASSETGEN_DATA_DIR and the cache)."""
    return _settings_of(tuple(os.environ.get(name) for name in _NODE_ENV))


@lru_cache(maxsize=4)
def _settings_of(_key: tuple[str | None, ...]) -> Settings:
    # Nodes ask for settings several times per prompt (the checkpoint dropdown is rebuilt on every schema
    # read), and building them resolves paths each time; a change of the variables still shows.
    return Settings.from_env()


def node_store() -> ProjectStore:
    return _store_of(node_settings().data_dir)


@lru_cache(maxsize=4)
def _store_of(data_dir: Path) -> ProjectStore:
    return ProjectStore(data_dir)  # resolves the root: a few syscalls, once


@lru_cache(maxsize=64)
def node_plan(text: str) -> GenerationPlan:
    """The plan JSON a node received, parsed once per distinct text (ComfyUI validates, fingerprints and
    executes a prompt's nodes, and every variant of a spec carries the same plan). Read-only for callers."""
    return parse_plan(text)
