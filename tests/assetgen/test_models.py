"""The models read the demo project (AssetGenerator layout) and write it back without losing a field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.models import CATALOG_MODELS, RECORD_MODELS, Asset, AssetSpec, Job, Project
from assetgen.schemas import render_schemas
from assetgen.settings import REPO_DIR
from assetgen.store import load_model
from tests.conftest import DEMO_PROJECT

# Copies of the design's examples/ (the seed's names): a clone of the repository alone passes.
EXAMPLES = REPO_DIR / "tests" / "fixtures" / "examples"


def demo_files() -> list[tuple[Path, type]]:
    files: list[tuple[Path, type]] = [(DEMO_PROJECT / "project.json", Project)]
    files += [(DEMO_PROJECT / "catalogs" / f"{name}.json", model) for name, model in CATALOG_MODELS.items()]
    for folder, model in RECORD_MODELS.items():
        files += [(path, model) for path in sorted((DEMO_PROJECT / folder).glob("*.json"))]
    return [(p, m) for p, m in files if p.is_file()]


def assert_kept(original: object, dumped: object, where: str = "") -> None:
    """Every key and value of ``original`` survives in ``dumped`` (defaults may be added, nothing lost)."""
    if isinstance(original, dict):
        assert isinstance(dumped, dict), where
        for key, value in original.items():
            assert key in dumped, f"{where}.{key} was dropped"
            assert_kept(value, dumped[key], f"{where}.{key}")
    elif isinstance(original, list):
        assert isinstance(dumped, list) and len(dumped) == len(original), where
        for index, (a, b) in enumerate(zip(original, dumped, strict=True)):
            assert_kept(a, b, f"{where}[{index}]")
    else:
        assert original == dumped, f"{where}: {original!r} became {dumped!r}"


@pytest.mark.parametrize(("path", "model"), demo_files(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_demo_file_round_trips_without_loss(path: Path, model: type) -> None:
    original = json.loads(path.read_text())
    dumped = load_model(model, path).model_dump(mode="json")
    assert_kept(original, dumped)
    assert dumped == original, "a file read and written back gains no keys (keys it lacked stay absent)"
    assert model.model_validate(dumped).model_dump(mode="json") == model.model_validate(original).model_dump(
        mode="json"
    ), "a second round trip changes nothing"


def test_demo_project_has_the_asset_types_the_issue_names() -> None:
    catalog = load_model(CATALOG_MODELS["asset-types"], DEMO_PROJECT / "catalogs" / "asset-types.json")
    assert {"character", "prop", "ui_icon", "tile", "vfx_frame"} <= {t.id for t in catalog.asset_types}


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("assets/hero_knight_walk.json", Asset),
        ("jobs/01JDEMOJOB00000000000000001.json", Job),
        ("specs/hero_knight_walk.json", AssetSpec),
        ("project.json", Project),
    ],
)
def test_design_examples_round_trip(name: str, model: type) -> None:
    path = EXAMPLES / name
    assert_kept(json.loads(path.read_text()), load_model(model, path).model_dump(mode="json"))


def test_unknown_fields_are_kept_at_every_level() -> None:
    data = json.loads((DEMO_PROJECT / "specs" / "hero_knight_walk.json").read_text())
    data["studioField"] = {"owner": "ana"}
    data["prompt"]["mood"] = "heroic"
    data["output"]["animation"]["blendMode"] = "add"
    dumped = AssetSpec.model_validate(data).model_dump(mode="json")
    assert dumped["studioField"] == {"owner": "ana"}
    assert dumped["prompt"]["mood"] == "heroic"
    assert dumped["output"]["animation"]["blendMode"] == "add"


def test_python_names_are_snake_case_and_json_is_camel_case() -> None:
    spec = AssetSpec(
        id="s1",
        project_id="p",
        asset_type="prop",
        title="t",
        style="a",
        scenario="b",
        prompt={"positive": "x"},
    )
    dumped = spec.model_dump(mode="json")
    assert dumped["projectId"] == "p" and dumped["assetType"] == "prop"
    assert "checkpointId" not in dumped, "unset optional fields are not written as null"


def test_origin_snake_case_keys_stay_as_they_are() -> None:
    asset = load_model(Asset, REPO_DIR / "tests" / "fixtures" / "asset_bg.json")
    variant = asset.versions[0].variants[0]
    assert variant.processing.bg_remove.threshold == 20
    assert "bg_remove" in asset.model_dump(mode="json")["versions"][0]["variants"][0]["processing"]


def test_checked_in_schemas_are_current() -> None:
    schema_dir = REPO_DIR / "schemas"
    rendered = render_schemas()
    stale = [
        n
        for n, text in rendered.items()
        if not (schema_dir / n).is_file() or (schema_dir / n).read_text() != text
    ]
    assert not stale, f"schemas/ is stale for {stale}: run `make schemas`"
    assert {p.name for p in schema_dir.glob("*.schema.json")} == set(rendered)


def test_asset_variants_are_walked_found_and_approved_by_one_rule() -> None:
    from assetgen.errors import NotFound
    from assetgen.models import AssetVersion, Variant

    def variant(variant_id: str, status: str = "candidate") -> Variant:
        return Variant(
            id=variant_id, original_path=f"projects/p/files/images/a/original/{variant_id}.png", status=status
        )

    old = AssetVersion(
        id="ver1",
        status="approved",
        primary_variant_id="v1",
        variants=[variant("v1"), variant("v2", "selected"), variant("v3", "rejected")],
    )
    new = AssetVersion(
        id="ver2", primary_variant_id="v4", variants=[variant("v4"), variant("v5", "rejected")]
    )
    asset = Asset(id="a", project_id="p", versions=[old, new])
    assert [(ver.id, v.id) for ver, v in asset.iter_variants()] == [
        ("ver1", "v1"),
        ("ver1", "v2"),
        ("ver1", "v3"),
        ("ver2", "v4"),
        ("ver2", "v5"),
    ]
    assert asset.find_variant("v4")[0].id == "ver2"
    with pytest.raises(NotFound, match=r"'nope'.*'a'"):
        asset.find_variant("nope")
    # approved: selected, or the primary of an approved version; never rejected; a primary of a version
    # still in review is not approved yet.
    assert [v.id for _, v in asset.approved_variants()] == ["v1", "v2"]
    rejected_primary = old.model_copy(update={"primary_variant_id": "v3"})
    assert not rejected_primary.is_approved(rejected_primary.variants[2])
