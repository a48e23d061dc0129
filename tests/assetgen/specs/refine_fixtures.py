"""The demo project's refinement context, shared by the refinement test modules."""

from __future__ import annotations

import pytest

from assetgen.settings import REPO_DIR
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.store import ProjectStore


@pytest.fixture(scope="module")
def context() -> ProjectContext:
    return load_project_context(ProjectStore(REPO_DIR / "data"), "demo")
