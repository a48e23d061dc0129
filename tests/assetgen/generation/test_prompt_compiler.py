"""Prompt layers come in the documented order, each fragment traced, and the hash is stable."""

from __future__ import annotations

from assetgen.generation.prompt_compiler import compile_prompt
from assetgen.models import AssetSpec, BaselineProfile, Checkpoint, Project
from assetgen.models.catalogs import CatalogEntry, TagGroup

CHECKPOINT = Checkpoint(
    id="ck",
    name="ck",
    weights={"path": "ck.safetensors"},
    prompt_templates={"basePositive": "record base", "baseNegative": "record neg"},
)
PROJECT = Project.model_validate(
    {
        "id": "p",
        "name": "p",
        "defaults": {"style": "paint", "scenario": "forest", "paletteIds": ["warm"]},
        "policies": {
            "checkpointProfiles": {
                "ck": {
                    "profileId": "prof",
                    "basePositive": "masterpiece",
                    "baseNegative": "lowres",
                    "perAssetType": {"prop": {"positive": "game prop", "negative": "photo"}},
                    "runtimeSafety": {"enabled": True, "negative": ["nsfw"]},
                }
            },
            "tagPromptMap": {
                "ck": {
                    "mood:dark": {"positive": "dark mood", "position": "prefix"},
                    "fx:glow": {"positive": "glowing", "negative": "dull"},
                }
            },
        },
    }
)
SPEC = AssetSpec(
    id="s",
    project_id="p",
    asset_type="prop",
    title="t",
    style="paint",
    scenario="forest",
    prompt={"positive": "wooden chest", "negative": "blurry"},
    tags=["mood:dark", "fx:glow", "view:top"],
)
STYLES = [CatalogEntry(id="paint", label="Paint", prompt_tokens=["painted", "soft shading"])]
SCENARIOS = [CatalogEntry(id="forest", label="Forest", prompt_tokens=["forest"])]
TAGS = [
    TagGroup(
        id="view", label="View", tags=[{"id": "view:top", "label": "Top", "promptToken": "top-down view"}]
    )
]
BASELINE = BaselineProfile(
    id="base", asset_type_profiles={"prop": {"promptHints": ["centered"], "negativePromptHints": ["shadow"]}}
)


def compile_(**kwargs):
    return compile_prompt(
        SPEC,
        PROJECT,
        checkpoint=CHECKPOINT,
        styles=STYLES,
        scenarios=SCENARIOS,
        tag_groups=TAGS,
        baseline=BASELINE,
        **kwargs,
    )


def test_layers_in_order_with_trace() -> None:
    result = compile_()
    assert result.positive == (
        "dark mood, masterpiece, game prop, wooden chest, painted, soft shading, forest, "
        "glowing, top-down view, centered"
    )
    assert result.negative == "lowres, photo, blurry, dull, shadow, nsfw"
    assert [f.layer for f in result.trace] == [
        "tag_prefix",
        "checkpoint_base",
        "checkpoint_asset_type",
        "spec_prompt",
        "catalog_style",
        "catalog_scenario",
        "tag",
        "tag",
        "baseline_hints",
        "runtime_safety",
    ]
    assert [f.order for f in result.trace] == list(range(1, 11))
    assert result.trace[1].source_id == "prof"


def test_override_really_replaces_the_spec_prompt() -> None:
    result = compile_(override_positive="iron chest")
    assert "iron chest" in result.positive and "wooden chest" not in result.positive
    assert "blurry" in result.negative


def test_hash_is_stable_and_changes_with_the_prompt() -> None:
    assert compile_().package_hash == compile_().package_hash
    assert compile_().package_hash.startswith("sha256:") and len(compile_().package_hash) == 71
    assert compile_(override_positive="other").package_hash != compile_().package_hash


def test_checkpoint_record_templates_when_no_profile() -> None:
    bare = Project(id="p", name="p", defaults={"style": "x", "scenario": "y"})
    result = compile_prompt(SPEC, bare, checkpoint=CHECKPOINT)
    assert result.positive.startswith("record base, wooden chest") and result.negative.startswith(
        "record neg"
    )


def test_repeated_fragments_are_kept_once() -> None:
    spec = SPEC.model_copy(
        update={"prompt": SPEC.prompt.model_copy(update={"positive": "Masterpiece, chest"})}
    )
    result = compile_prompt(spec, PROJECT, checkpoint=CHECKPOINT)
    assert result.positive.lower().count("masterpiece") == 1
