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


def test_the_most_recent_project_is_the_one_with_the_newest_work(store: ProjectStore) -> None:
    import os

    from assetgen.models import Job
    from assetgen.projects import most_recent_project

    assert most_recent_project(store) is None
    init_project(store, "b_game")
    init_project(store, "a_game")
    assert most_recent_project(store) == "a_game", "no work anywhere: the first in sorted order"
    for project_id, mtime_s in (("a_game", 1_000_000), ("b_game", 2_000_000)):
        path = store.write(project_id, "jobs", Job(id="j1", project_id=project_id, type="export"))
        os.utime(path, (mtime_s, mtime_s))
    assert most_recent_project(store) == "b_game"
