"""Shared fixtures: temporary data roots and the repo's demo project."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from assetgen.settings import REPO_DIR
from assetgen.store import ProjectStore

# Property tests draw the same examples on every run: a CI run must not fail on a case no one has seen.
# (Set HYPOTHESIS_PROFILE=explore to draw new ones when hunting for bugs.)
hypothesis_settings.register_profile("assetgen", derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "assetgen"))

DEMO_PROJECT = REPO_DIR / "data" / "projects" / "demo"


def pytest_configure(config: pytest.Config) -> None:
    # `make test-fast` leaves these out: they need more than the venv (see the Makefile).
    config.addinivalue_line(
        "markers",
        "runtime: needs what make setup installs beside the venv (the cached rembg model, godot3-server)",
    )


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


@pytest.fixture(scope="session")
def comfy_env(tmp_path_factory: pytest.TempPathFactory):
    """A real managed ComfyUI (node pack + demo models) serving a data root with the demo project.

    Started once per test session; fails (never skips) with the set-up command when the runtime is missing.
    """
    from assetgen.settings import Settings
    from orchestrator import comfy_process

    root = tmp_path_factory.mktemp("comfy") / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    settings = Settings.from_env(data_dir=root)
    try:
        state = comfy_process.start(settings, timeout_s=240)
    except Exception as exc:
        pytest.fail(f"cannot start the managed ComfyUI ({exc}); install it with `make setup`")
    yield settings, state
    comfy_process.stop(settings)
