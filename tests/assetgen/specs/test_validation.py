"""Spec validation: schema and catalog references are errors naming file and field; readiness is reported."""

from __future__ import annotations

import json

import pytest

from assetgen.specs.refine import refine_spec_list
from assetgen.specs.validation import validate_project_specs
from assetgen.store import ProjectStore


def test_demo_specs_are_valid_and_ready(demo_store: ProjectStore) -> None:
    refine_spec_list(demo_store, "demo", "forest_wishlist")
    report = validate_project_specs(demo_store, "demo")
    data = report.as_dict()
    assert report.is_valid and data["specs"] == 12 and data["ready"] == 12, data


@pytest.mark.parametrize(
    ("field", "value", "reported"),
    [
        ("checkpointId", "ckpt_nope", "checkpointId"),
        ("assetType", "spaceship", "assetType"),
        ("style", "noir", "style"),
        ("scenario", "space", "scenario"),
        ("baselineProfileId", "nope", "baselineProfileId"),
        ("loraIds", ["lora_nope"], "loraIds[0]"),
        ("paletteIds", ["neon"], "paletteIds[0]"),
        ("checkpointProfileId", "other", "checkpointProfileId"),
        ("projectId", "elsewhere", "projectId"),
        ("id", "renamed", "id"),
    ],
)
def test_unknown_references_are_errors(
    demo_store: ProjectStore, field: str, value: object, reported: str
) -> None:
    path = demo_store.record_path("demo", "specs", "potion_icon")
    data = json.loads(path.read_text())
    data[field] = value
    path.write_text(json.dumps(data))
    report = validate_project_specs(demo_store, "demo")
    assert not report.is_valid
    check = next(c for c in report.checks if c.spec_id == "potion_icon")
    assert [e.field for e in check.errors] == [reported], check.as_dict()
    assert check.path == "projects/demo/specs/potion_icon.json"
    assert next(c for c in report.checks if c.spec_id == "hero_knight_walk").is_valid


@pytest.mark.parametrize(
    "mutation",
    [
        lambda d: d.update(prompt="just a string"),
        lambda d: d.update(tags="a,b"),
        lambda d: d["generationParams"].update(width="wide"),
        lambda d: d.update(status="finished"),
    ],
)
def test_schema_errors_name_file_and_field(demo_store: ProjectStore, mutation) -> None:
    path = demo_store.record_path("demo", "specs", "potion_icon")
    data = json.loads(path.read_text())
    mutation(data)
    path.write_text(json.dumps(data))
    check = next(c for c in validate_project_specs(demo_store, "demo").checks if c.spec_id == "potion_icon")
    assert not check.is_valid and "potion_icon.json" in check.errors[0].message


def test_garbage_file_is_an_error_not_a_crash(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "specs", "junk")
    path.write_bytes(b"\xff\xfe\x00garbage")
    check = next(c for c in validate_project_specs(demo_store, "demo").checks if c.spec_id == "junk")
    assert not check.is_valid and "UTF-8" in check.errors[0].message


def test_readiness_is_reported_not_an_error(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "specs", "potion_icon")
    data = json.loads(path.read_text())
    del data["promptPolicy"]
    path.write_text(json.dumps(data))
    report = validate_project_specs(demo_store, "demo", ["potion_icon"])
    assert report.is_valid
    check = report.checks[0]
    assert not check.is_ready and check.readiness is not None
    assert [i.field for i in check.readiness.issues] == ["promptPolicy.tagOrderMode"]
    assert any(w.field == "status" for w in check.warnings)


def test_unknown_tag_in_a_catalog_group_is_a_warning(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "specs", "potion_icon")
    data = json.loads(path.read_text())
    data["tags"].append("view:upside_down")
    path.write_text(json.dumps(data))
    check = validate_project_specs(demo_store, "demo", ["potion_icon"]).checks[0]
    assert check.is_valid and any("view:upside_down" in w.message for w in check.warnings)


def test_a_ready_spec_needs_a_baseline_allowed_for_its_checkpoint(demo_store) -> None:
    from assetgen.errors import InvalidInput
    from assetgen.models import BaselineProfile
    from assetgen.specs.editing import save_spec

    demo_store.write(
        "demo", "baseline-profiles", BaselineProfile(id="baseline_other", checkpoint_id="ckpt_other")
    )
    data = json.loads(demo_store.record_path("demo", "specs", "potion_icon").read_text())
    data["baselineProfileId"] = "baseline_other"
    with pytest.raises(InvalidInput, match="checkpointBaselineMap"):
        save_spec(demo_store, "demo", "potion_icon", data)
    data["status"] = "draft"
    assert save_spec(demo_store, "demo", "potion_icon", data).status == "draft"
