"""The LoRA/checkpoint selection policy: table-driven cases for every mode, cap, release and override."""

from __future__ import annotations

from typing import Any

import pytest

from assetgen.errors import NotFound
from assetgen.generation.policy import choose_checkpoint, choose_release, resolve_lora_stack
from assetgen.models import AssetSpec, Checkpoint, Lora, Project

CKPT = "ckpt_a"


def lora(
    lora_id: str,
    scope: str,
    *,
    recommended: bool = True,
    types: tuple[str, ...] = ("prop",),
    checkpoint: str = CKPT,
    releases: list[dict[str, Any]] | None = None,
    active: str | None = "r1",
) -> Lora:
    releases = (
        releases
        if releases is not None
        else [
            {
                "id": "r1",
                "status": "approved",
                "createdAt": "2026-01-01",
                "weights": {"path": f"{lora_id}.safetensors"},
            }
        ]
    )
    return Lora(
        id=lora_id,
        name=lora_id,
        scope=scope,
        checkpoint_id=checkpoint,
        asset_types=list(types),
        recommended=recommended,
        active_release_id=active,
        releases=releases,
    )


LIBRARY = [
    lora("b1", "baseline"),
    lora("b2", "baseline", recommended=False),
    lora("p1", "project"),
    lora("p2", "project"),
    lora("other_ckpt", "project", checkpoint="ckpt_b"),
    lora("icons_only", "baseline", types=("ui_icon",)),
    lora("no_release", "project", releases=[], active=None),
]


def project(**selection: Any) -> Project:
    return Project(
        id="p",
        name="p",
        defaults={"style": "s", "scenario": "c"},
        policies={"loraSelection": selection} if selection else {},
    )


def spec(**fields: Any) -> AssetSpec:
    return AssetSpec(
        id="spec1",
        project_id="p",
        asset_type="prop",
        title="t",
        style="s",
        scenario="c",
        prompt={"positive": "x"},
        **fields,
    )


CASES = [
    # (name, project selection, spec fields, expected chosen ids in order)
    ("default baseline then project, cap 2", {}, {}, ["b1", "p1"]),
    ("project first", {"mode": "project_then_baseline"}, {}, ["p1", "p2"]),
    ("baseline only", {"mode": "baseline_only", "maxActiveLoras": 5}, {}, ["b1"]),
    ("project only", {"mode": "project_only", "maxActiveLoras": 5}, {}, ["p1", "p2"]),
    ("manual mode uses only the spec's picks", {"mode": "manual"}, {"loraIds": ["p2"]}, ["p2"]),
    (
        "no preferRecommended lets b2 in",
        {"preferRecommended": False, "maxActiveLoras": 5},
        {},
        ["b1", "b2", "p1", "p2"],
    ),
    ("cap 1", {"maxActiveLoras": 1}, {}, ["b1"]),
    ("cap 0", {"maxActiveLoras": 0}, {}, []),
    ("spec cap overrides project", {"maxActiveLoras": 5}, {"loraPolicy": {"maxActiveLoras": 1}}, ["b1"]),
    ("spec mode overrides project", {}, {"loraPolicy": {"mode": "project_only"}}, ["p1", "p2"]),
    (
        "spec exclude; b2 stands in as no recommended baseline is left",
        {},
        {"loraPolicy": {"exclude": ["b1"]}},
        ["b2", "p1"],
    ),
    ("spec include goes first", {}, {"loraPolicy": {"include": ["p2"]}}, ["p2", "b1"]),
    ("manual pick ignores asset types", {}, {"loraIds": ["icons_only"]}, ["icons_only", "b1"]),
]


@pytest.mark.parametrize(
    ("selection", "fields", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_lora_stack(selection: dict, fields: dict, expected: list[str]) -> None:
    stack = resolve_lora_stack(spec(**fields), LIBRARY, project(**selection), checkpoint_id=CKPT)
    assert [c.lora_id for c in stack.loras] == expected
    assert {d.lora_id for d in stack.decisions} == {item.id for item in LIBRARY}, "every LoRA gets a decision"


def test_every_reason_code_is_reported() -> None:
    stack = resolve_lora_stack(
        spec(loraPolicy={"exclude": ["p2"]}), LIBRARY, project(maxActiveLoras=1), checkpoint_id=CKPT
    )
    codes = {d.lora_id: d.code for d in stack.decisions}
    assert codes == {
        "b1": "chosen",
        "b2": "skipped_not_recommended",
        "p1": "skipped_over_cap",
        "p2": "blocked_excluded",
        "other_ckpt": "blocked_checkpoint",
        "icons_only": "blocked_asset_type",
        "no_release": "blocked_no_release",
    }
    mode_blocked = resolve_lora_stack(spec(), LIBRARY, project(mode="baseline_only"), checkpoint_id=CKPT)
    assert {d.lora_id: d.code for d in mode_blocked.decisions}["p1"] == "blocked_mode"
    assert all(d.reason for d in stack.decisions)


def test_layer_caps_and_stack_order_from_model_stack_policy() -> None:
    proj = Project(
        id="p",
        name="p",
        defaults={"style": "s", "scenario": "c"},
        policies={
            "loraSelection": {"maxActiveLoras": 5},
            "modelStackPolicy": {"stackOrder": ["project", "baseline"], "layerCaps": {"project": 1}},
        },
    )
    stack = resolve_lora_stack(spec(), LIBRARY, proj, checkpoint_id=CKPT)
    assert [c.lora_id for c in stack.loras] == ["p1", "b1"]


RELEASES = [
    {"id": "r1", "status": "approved", "createdAt": "2026-01-01", "weights": {"path": "a1.safetensors"}},
    {"id": "r2", "status": "approved", "createdAt": "2026-02-01", "weights": {"path": "a2.safetensors"}},
    {"id": "r3", "status": "candidate", "createdAt": "2026-03-01", "weights": {"path": "a3.safetensors"}},
    {"id": "r0", "status": "deprecated", "createdAt": "2025-01-01", "weights": {"path": "a0.safetensors"}},
]


@pytest.mark.parametrize(
    ("active", "explicit", "active_only", "expected"),
    [
        ("r3", None, False, "r3"),
        (None, None, False, "r2"),
        (None, None, True, None),
        ("r1", "r2", False, "r2"),
        ("r0", None, False, "r2"),
        (None, "r0", False, None),
        ("missing", None, True, None),
    ],
)
def test_release_choice(active, explicit, active_only, expected) -> None:
    item = lora("a", "project", releases=RELEASES, active=active)
    chosen = choose_release(item, explicit=explicit, active_only=active_only)
    assert (chosen.id if chosen else None) == expected


def test_explicit_release_in_lora_ids() -> None:
    library = [lora("a", "project", releases=RELEASES, active="r1")]
    stack = resolve_lora_stack(spec(loraIds=["a@r2"]), library, project(), checkpoint_id=CKPT)
    assert stack.loras[0].release_id == "r2" and stack.loras[0].file == "a2.safetensors"


def test_unknown_lora_names_what_exists() -> None:
    with pytest.raises(NotFound, match="b1, b2"):
        resolve_lora_stack(spec(loraIds=["nope"]), LIBRARY, project(), checkpoint_id=CKPT)


CHECKPOINTS = [
    Checkpoint(id="ckpt_b", name="b", supported_asset_types=["prop"], weights={"path": "b.safetensors"}),
    Checkpoint(
        id="ckpt_a", name="a", supported_asset_types=["prop", "tile"], weights={"path": "a.safetensors"}
    ),
    Checkpoint(id="ckpt_c", name="c", supported_asset_types=["tile"], weights={"path": "c.safetensors"}),
]


def test_checkpoint_precedence() -> None:
    proj = project()
    assert choose_checkpoint(spec(), CHECKPOINTS, proj).id == "ckpt_a", "first by id that supports the type"
    assert choose_checkpoint(spec(checkpointId="ckpt_b"), CHECKPOINTS, proj).id == "ckpt_b"
    assert (
        choose_checkpoint(spec(checkpointId="ckpt_b"), CHECKPOINTS, proj, requested_id="ckpt_c").id
        == "ckpt_c"
    )
    profiled = Project(
        id="p",
        name="p",
        defaults={"style": "s", "scenario": "c"},
        policies={"checkpointProfiles": {"ckpt_b": {"profileId": "b1", "defaultForCheckpoint": True}}},
    )
    assert choose_checkpoint(spec(), CHECKPOINTS, profiled).id == "ckpt_b", "a default prompt profile wins"
    choice = choose_checkpoint(spec(), CHECKPOINTS, proj)
    assert choice.file == "a.safetensors" and choice.reason, "the file comes from weights.path, not the id"


def test_checkpoint_errors_name_what_exists() -> None:
    with pytest.raises(NotFound, match="ckpt_a, ckpt_b, ckpt_c"):
        choose_checkpoint(spec(checkpointId="nope"), CHECKPOINTS, project())
    with pytest.raises(NotFound, match="no checkpoint supports asset type 'vfx'"):
        choose_checkpoint(spec(assetType="vfx"), CHECKPOINTS, project())
