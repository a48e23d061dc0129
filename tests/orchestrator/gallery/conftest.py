"""A data root holding a review project with generated variants, and the app over it."""

from __future__ import annotations

import pytest

from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.api import create_app
from tests.review_factory import PROJECT_ID, build_review_project


@pytest.fixture
def review_store(store: ProjectStore) -> ProjectStore:
    build_review_project(store, variants=12, versions=2)
    return store


@pytest.fixture
async def client(aiohttp_client, review_store: ProjectStore):
    return await aiohttp_client(create_app(Settings.from_env(data_dir=review_store.root)))


@pytest.fixture
def project_id() -> str:
    return PROJECT_ID
