"""Imported art goes the way of generated art: review, approve, background removal, atlas, pixi_kit export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.export.build import build_export
from assetgen.image_files import encode_png, read_rgba
from assetgen.models import BgRemoveInput, Provenance
from assetgen.post.atlas_build import FrameSource, build_atlas
from assetgen.post.bg_remove import run_bg_remove
from assetgen.review.decisions import decide
from assetgen.review.importing import import_images
from assetgen.store import ProjectStore
from orchestrator.cli import main
from tests.assetgen.export.test_pixi_kit import load_kit_in_pixi
from tests.browser_clients import require_clients
from tests.orchestrator.worker_helpers import sprite

ASSET = "knight_import"


def frame_files(folder: Path, count: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"frame_{index}.png"
        path.write_bytes(encode_png(sprite(index + 3, size=40)))
        paths.append(path)
    return paths


def import_with_cli(store: ProjectStore, files: list[Path], capsys) -> dict:
    args = ["--data-dir", str(store.root), "--json", "import", "demo", *map(str, files), "--asset", ASSET]
    args += [
        "--spec",
        "hero_knight_walk",
        "--source",
        "hand-drawn",
        "--author",
        "Ana",
        "--license",
        "CC-BY-4.0",
    ]
    args += ["--url", "https://example.org/knight"]
    capsys.readouterr()
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def imported_kit(store: ProjectStore, files: list[Path], capsys):
    """Import 3 frames, approve them, remove backgrounds, pack an atlas, build the pixi_kit bundle."""
    output = import_with_cli(store, files, capsys)
    for variant_id in output["variantIds"]:
        decide(store, "demo", ASSET, variant_id, "approve", by="ana")
    removed = run_bg_remove(store, "demo", BgRemoveInput(asset_id=ASSET, method="colorkey"), session=None)
    assert removed["variantIds"] == output["variantIds"]
    sources = [FrameSource(ASSET, variant_id) for variant_id in output["variantIds"]]
    build_atlas(store, "demo", "knight_sheet", sources)
    return output, build_export(store, "demo", "knight_sheet", profile="pixi_kit")


def test_import_writes_a_review_version_with_previews_and_provenance(demo_store, tmp_path, capsys) -> None:
    files = frame_files(tmp_path / "in")
    output = import_with_cli(demo_store, files, capsys)
    asset = demo_store.read("demo", "assets", ASSET)
    assert asset.spec_id == "hero_knight_walk"
    assert asset.provenance == Provenance(
        source="hand-drawn", author="Ana", license="CC-BY-4.0", url="https://example.org/knight"
    )
    version = asset.versions[-1]
    assert version.id == output["assetVersionId"] and version.status == "review"
    assert [v.status for v in version.variants] == ["candidate"] * 3
    for variant, source in zip(version.variants, files, strict=True):
        original = demo_store.resolve(variant.original_path)
        assert original == demo_store.image_path("demo", ASSET, "original", variant.id)
        assert (read_rgba(original) == read_rgba(source)).all()
        assert demo_store.resolve(variant.preview_path).suffix == ".webp"
        assert variant.metadata["importedFrom"] == source.name
    again = import_images(
        demo_store, "demo", files[:1], asset_id=ASSET, provenance=Provenance(notes="retouched")
    )
    asset = demo_store.read("demo", "assets", ASSET)
    assert len(asset.versions) == 2 and again["assetVersionId"] == asset.versions[-1].id
    assert asset.provenance.author == "Ana" and asset.provenance.notes == "retouched"


def test_imported_frames_are_approved_cut_out_packed_and_exported(demo_store, tmp_path, capsys) -> None:
    output, bundle = imported_kit(demo_store, frame_files(tmp_path / "in"), capsys)
    asset = demo_store.read("demo", "assets", ASSET)
    alpha = [demo_store.resolve(v.alpha_path) for v in asset.versions[-1].variants]
    assert all(path.is_file() for path in alpha)
    assert read_rgba(alpha[0])[0, 0, 3] == 0, "the flat background became transparent"
    atlas = demo_store.read("demo", "atlases", "knight_sheet")
    assert len(atlas.frames) == 3
    kit = json.loads(bundle.files["kit.json"])
    assert kit["atlases"][0]["id"] == "knight_sheet"
    assert len(kit["animations"]) == 1 and len(kit["animations"][0]["frames"]) == 3
    assert kit["animations"][0]["assetId"] == ASSET
    assert output["provenance"]["license"] == "CC-BY-4.0"


@pytest.mark.browser
def test_pixi_loads_the_export_of_imported_art(demo_store, tmp_path, capsys) -> None:
    require_clients()
    _, bundle = imported_kit(demo_store, frame_files(tmp_path / "in"), capsys)
    result = load_kit_in_pixi(bundle, tmp_path / "kit")
    assert result["atlases"] == {"knight_sheet": 3}
    (frames,) = result["animations"].values()
    assert len(frames) == 3 and all(width > 0 for width in frames)


def test_a_bad_file_imports_nothing(demo_store, tmp_path) -> None:
    files = frame_files(tmp_path / "in", 2)
    bogus = tmp_path / "in" / "notes.png"
    bogus.write_text("not an image")
    with pytest.raises(InvalidInput, match=r"notes\.png"):
        import_images(demo_store, "demo", [*files, bogus], asset_id=ASSET)
    assert not demo_store.exists("demo", "assets", ASSET)
    assert not (demo_store.project_dir("demo") / "files" / "images" / ASSET).exists()
    with pytest.raises(InvalidInput, match="over the import limit"):
        import_images(demo_store, "demo", files, asset_id=ASSET, max_bytes=10)
    with pytest.raises(InvalidInput, match="no such file"):
        import_images(demo_store, "demo", [tmp_path / "gone.png"], asset_id=ASSET)
    with pytest.raises(NotFound, match="nope"):
        import_images(demo_store, "demo", files, asset_id=ASSET, spec_id="nope")
    with pytest.raises(InvalidInput):
        import_images(demo_store, "demo", files, asset_id="../evil")


@pytest.mark.browser
def test_pixi_loads_the_fixture_projects_animation_spec_as_a_kit(tmp_path, capsys) -> None:
    """The AssetGenerator-format fixture: its animation spec's frames (imported) -> atlas -> pixi_kit in PixiJS."""
    from tests.assetgenerator_fixture import FIXTURE_PROJECT, PROJECT_ID, copy_fixture

    require_clients()
    spec_id = next(
        p.stem
        for p in sorted((FIXTURE_PROJECT / "specs").glob("*.json"))
        if json.loads(p.read_text()).get("output", {}).get("kind") == "animation"
    )
    store = ProjectStore(copy_fixture(tmp_path / "data"))
    files = frame_files(tmp_path / "in", 4)
    args = [
        "--data-dir",
        str(store.root),
        "--json",
        "import",
        PROJECT_ID,
        *map(str, files),
        "--asset",
        spec_id,
        "--spec",
        spec_id,
        "--source",
        "studio",
    ]
    capsys.readouterr()
    assert main(args) == 0
    output = json.loads(capsys.readouterr().out)
    for variant_id in output["variantIds"]:
        decide(store, PROJECT_ID, spec_id, variant_id, "approve", by="ana")
    run_bg_remove(store, PROJECT_ID, BgRemoveInput(asset_id=spec_id, method="colorkey"), session=None)
    build_atlas(store, PROJECT_ID, "fixture_sheet", [FrameSource(spec_id, v) for v in output["variantIds"]])
    bundle = build_export(store, PROJECT_ID, "fixture_sheet", profile="pixi_kit")
    result = load_kit_in_pixi(bundle, tmp_path / "kit")
    assert result["atlases"] == {"fixture_sheet": 4}
    (frames,) = result["animations"].values()
    assert len(frames) == 4
    kit = json.loads(bundle.files["kit.json"])
    assert kit["animations"][0]["assetId"] == spec_id and kit["animations"][0]["fps"] > 0
