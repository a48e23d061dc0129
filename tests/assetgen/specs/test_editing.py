"""Specs as people edit them: the listing with verdicts, and save_spec's guards."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.specs.editing import list_spec_entries, save_spec


def test_list_spec_entries(demo_store) -> None:
    entries = list_spec_entries(demo_store, "demo")
    assert [e.check.spec_id for e in entries] == ["hero_knight_walk", "potion_icon"]
    assert all(e.spec is not None and e.check.is_valid for e in entries)
    assert entries[1].as_dict()["spec"]["id"] == "potion_icon"


def test_save_spec_keeps_created_at_and_unknown_fields(demo_store) -> None:
    data = demo_store.read("demo", "specs", "potion_icon").model_dump(mode="json")
    data |= {"createdAt": "2030-01-01T00:00:00Z", "handNote": "keep me"}
    saved = save_spec(demo_store, "demo", "potion_icon", data)
    assert saved.created_at == "2026-11-24T21:02:00Z" and saved.updated_at != "2026-11-24T21:02:00Z"
    assert demo_store.read("demo", "specs", "potion_icon").model_extra["handNote"] == "keep me"


@pytest.mark.parametrize(
    ("spec_id", "change", "error"),
    [
        ("potion_icon", {"id": "other"}, InvalidInput),
        ("potion_icon", {"scenario": "moon"}, InvalidInput),
        ("potion_icon", {"loraIds": ["ghost"]}, InvalidInput),
        ("../x", {"id": "../x"}, InvalidInput),
    ],
)
def test_save_spec_refusals(demo_store, spec_id, change, error) -> None:
    data = demo_store.read("demo", "specs", "potion_icon").model_dump(mode="json") | change
    with pytest.raises(error):
        save_spec(demo_store, "demo", spec_id, data)


def test_save_spec_unknown_project(demo_store) -> None:
    with pytest.raises(NotFound):
        save_spec(demo_store, "nope", "potion_icon", {})
