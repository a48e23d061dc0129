"""Readiness: every rule of the compat doc's definition, each with a proposed value."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assetgen.models import AssetSpec
from assetgen.settings import REPO_DIR
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.specs.readiness import assess_readiness
from assetgen.store import ProjectStore
from tests.conftest import DEMO_PROJECT


@pytest.fixture(scope="module")
def context() -> ProjectContext:
    return load_project_context(ProjectStore(REPO_DIR / "data"), "demo")


def demo_spec(name: str = "hero_knight_walk") -> dict[str, Any]:
    return json.loads((DEMO_PROJECT / "specs" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["hero_knight_walk", "potion_icon"])
def test_demo_specs_are_ready(context: ProjectContext, name: str) -> None:
    readiness = assess_readiness(AssetSpec.model_validate(demo_spec(name)), context)
    assert readiness.is_ready, readiness.as_dict()


def drop(data: dict, path: str) -> None:
    *parents, last = path.split(".")
    for key in parents:
        data = data[key]
    del data[last]


def put(data: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        data = data[key]
    data[last] = value


# (how to break the ready demo spec, the field reported, the value proposed)
BREAKS: list[tuple[str, Any, str, Any]] = [
    ("checkpointId", None, "checkpointId", "ckpt_sd15_demo"),
    ("checkpointId", "ckpt_missing", "checkpointId", "ckpt_sd15_demo"),
    ("checkpointProfileId", None, "checkpointProfileId", "sd15_demo_v1"),
    ("checkpointProfileId", "other", "checkpointProfileId", "sd15_demo_v1"),
    ("checkpointProfileVersion", None, "checkpointProfileVersion", 1),
    ("checkpointProfileVersion", 3, "checkpointProfileVersion", 1),
    ("baselineProfileId", None, "baselineProfileId", "baseline_demo"),
    ("baselineProfileId", "nope", "baselineProfileId", "baseline_demo"),
    ("loraPolicy", None, "loraPolicy.mode", "baseline_then_project"),
    ("styleConsistency", None, "styleConsistency.mode", "inherit_project"),
    ("promptPolicy", None, "promptPolicy.tagOrderMode", "checkpoint_default"),
    ("qualityContract.backgroundPolicy", None, "qualityContract.backgroundPolicy", "transparent_only"),
    (
        "qualityContract.backgroundPolicy",
        "white_only",
        "qualityContract.backgroundPolicy",
        "transparent_only",
    ),
    ("qualityContract.requiredStates", [], "qualityContract.requiredStates", ["default"]),
    ("qualityContract.alignmentTolerancePx", None, "qualityContract.alignmentTolerancePx", 2.0),
    ("output.animation.frameCount", None, "output.animation.frameCount", 8),
    ("output.sizes", [], "output.sizes", [{"w": 128, "h": 128}]),
    ("output.kind", None, "output.kind", "animation"),
    ("generationParams.variants", None, "generationParams.variants", 4),
    ("generationParams.width", 130, "generationParams.width", 128),
    ("generationParams.width", 64, "generationParams.width", [128, 128]),
    ("seedPolicy", None, "seedPolicy.mode", "derived"),
    ("seedPolicy", {"mode": "fixed"}, "seedPolicy.baseSeed", 0),
    ("entityLink", None, "entityLink", {"entityId": "hero_knight", "role": "character"}),
    ("entityLink", {"entityId": "other"}, "entityLink.entityId", "hero_knight"),
    ("prompt.negative", "", "prompt.negative", "cropped, cut off limbs, multiple characters, extra limbs"),
    ("style", "noir", "style", "painterly"),
    ("scenario", "space", "scenario", "fantasy_forest"),
    ("assetType", "spaceship", "assetType", None),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "proposed"), BREAKS, ids=[f"{b[0]}={b[1]}" for b in BREAKS]
)
def test_each_rule_reports_and_proposes(
    context: ProjectContext, path: str, value: Any, field: str, proposed: Any
) -> None:
    data = demo_spec()
    if value is None:
        drop(data, path)
    else:
        put(data, path, value)
    readiness = assess_readiness(AssetSpec.model_validate(data), context)
    assert not readiness.is_ready
    found = [i for i in readiness.issues if i.field == field]
    assert found, readiness.as_dict()
    assert found[0].proposed == proposed, readiness.as_dict()


def test_ui_states_must_be_required_states(context: ProjectContext) -> None:
    data = demo_spec("potion_icon")
    data["output"] = {"kind": "ui_states", "background": "transparent_required", "sizes": [{"w": 64, "h": 64}],
                      "uiStates": {"states": ["default", "hover"]}}  # fmt: skip
    data["qualityContract"]["alignmentTolerancePx"] = 1
    issues = assess_readiness(AssetSpec.model_validate(data), context).issues
    assert [(i.field, i.proposed) for i in issues] == [
        ("qualityContract.requiredStates", ["default", "hover"])
    ]


def test_unsupported_type_and_missing_profile(context: ProjectContext) -> None:
    project = context.project.model_copy(deep=True)
    project.policies.checkpoint_profiles.clear()
    bare = ProjectContext(**{**context.__dict__, "project": project})
    readiness = assess_readiness(AssetSpec.model_validate(demo_spec()), bare)
    assert any(i.field == "checkpointProfileId" for i in readiness.issues)
