"""`project init` copies the demo template's configuration into a new, valid project."""

from __future__ import annotations

import pytest

from assetgen.errors import Conflict, InvalidInput
from assetgen.projects import init_project
from assetgen.store import ProjectStore


def test_init_creates_a_complete_project(store: ProjectStore) -> None:
    project = init_project(store, "mygame", name="My Game")
    assert project.name == "My Game" and store.list_projects() == ["mygame"]
    for catalog in ("asset-types", "styles", "scenarios", "palettes", "tags"):
        store.read_catalog("mygame", catalog)
    assert store.list_ids("mygame", "checkpoints") == ["ckpt_sd15_demo", "ckpt_sd15_texture_demo"]
    assert store.list_ids("mygame", "loras") == ["lora_demo_forest", "lora_demo_icons"]
    spec_list = store.read("mygame", "spec-lists", "forest_wishlist")
    assert spec_list.project_id == "mygame" and spec_list.text.strip()
    assert store.list_ids("mygame", "specs") == [], "work (specs, jobs, assets) is not copied"


def test_init_refuses_existing_and_hostile_ids(store: ProjectStore) -> None:
    init_project(store, "mygame")
    with pytest.raises(Conflict):
        init_project(store, "mygame")
    with pytest.raises(InvalidInput):
        init_project(store, "../evil")
    assert store.list_projects() == ["mygame"]
