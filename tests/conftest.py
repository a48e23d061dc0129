"""Shared fixtures: temporary data roots and the repo's demo project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assetgen.settings import REPO_DIR
from assetgen.store import ProjectStore

DEMO_PROJECT = REPO_DIR / "data" / "projects" / "demo"
ARTIFACTS = REPO_DIR / "test-artifacts"


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    """An empty data root."""
    return ProjectStore(tmp_path / "data")


@pytest.fixture
def demo_store(tmp_path: Path) -> ProjectStore:
    """A data root holding a copy of the demo project (config only, as tracked in git)."""
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    return ProjectStore(root)


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """Where a test keeps screenshots and pictures a person may want to look at."""
    path = ARTIFACTS / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path
