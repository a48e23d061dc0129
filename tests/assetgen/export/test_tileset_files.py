"""A tileset stored in its project, and the ``tileset`` job's input check."""

from __future__ import annotations

import json

import pytest

from assetgen.errors import InvalidInput
from assetgen.export.tileset_files import store_tileset
from assetgen.jobs import create_job
from assetgen.post.tileset import build_tileset
from assetgen.store import ProjectStore
from tests.assetgen.imaging.test_seams import periodic_texture


def test_store_tileset_writes_every_file_under_the_project(demo_store: ProjectStore) -> None:
    tileset = build_tileset(
        periodic_texture(32, seed=1), periodic_texture(32, seed=2), terrains=("grass", "dirt")
    )
    out = store_tileset(demo_store, "demo", "meadow", tileset)
    assert out["tilesetDir"] == "projects/demo/files/atlases/meadow-tileset"
    folder = demo_store.resolve(out["tilesetDir"])
    assert {p.name for p in folder.iterdir()} == {
        "meadow.png",
        "meadow.godot4.tres",
        "meadow.godot3.tres",
        "meadow.tsx",
        "meadow.json",
        "meadow.png.meta",
        "tileset.json",
    }
    record = json.loads((folder / "tileset.json").read_text())
    assert record["terrains"] == ["grass", "dirt"] and record["edgeMismatchPx"] == 0
    with pytest.raises(InvalidInput):
        store_tileset(demo_store, "demo", "../evil", tileset)


def test_tileset_job_input_is_checked(demo_store: ProjectStore) -> None:
    job = create_job(demo_store, "demo", "tileset", {"specId": "meadow"})
    assert job.type == "tileset"
    with pytest.raises(InvalidInput, match="tileset job input"):
        create_job(demo_store, "demo", "tileset", {"regenerateBands": True})
