"""Custom profile and the bundle manifest every profile writes."""

from __future__ import annotations

import hashlib
import json

import jsonschema
import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.export import EXPORTERS, get_exporter
from assetgen.export.build import build_export, write_export
from assetgen.settings import REPO_DIR
from tests.sprite_factory import PROJECT, make_atlas


@pytest.mark.parametrize("profile", sorted(EXPORTERS))
def test_every_profile_manifest_links_files_to_ids_with_sha256(store, profile) -> None:
    make_atlas(store)
    bundle = build_export(store, PROJECT, "chars", profile=profile)
    files = bundle.all_files()
    manifest = json.loads(files["manifest.json"])
    assert manifest["profile"] == profile and manifest["projectId"] == PROJECT
    assert {f["path"] for f in manifest["files"]} == set(files) - {"manifest.json"}
    for entry in manifest["files"]:
        data = files[entry["path"]]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
        assert entry["atlasId"] == "chars" and entry["jobId"]
        assert set(entry["assetIds"]) <= {"hero_walk", "coin", "gem"}
    assets = {a["assetId"]: a for a in manifest["assets"]}
    assert assets["hero_walk"]["specId"] == "spec_hero_walk" and assets["hero_walk"]["variantIds"] == [
        f"v{i}" for i in range(6)
    ]
    # the file on disk obeys the schema we ship, so a consumer can validate a bundle without assetgen
    schema = json.loads((REPO_DIR / "schemas" / "manifest.schema.json").read_text())
    jsonschema.validate(manifest, schema)


def test_custom_bundle_is_png_json_and_manifest(store) -> None:
    make_atlas(store)
    assert set(build_export(store, PROJECT, "chars", profile="custom").all_files()) == {
        "chars.png",
        "chars.json",
        "manifest.json",
    }


def test_asset_export_packs_the_assets_frames_and_is_stored(store) -> None:
    make_atlas(store)
    bundle = build_export(store, PROJECT, "hero_walk", profile="custom")
    doc = json.loads(bundle.files["hero_walk.json"])
    assert list(doc["animations"]) == ["walk"] and len(doc["frames"]) == 6
    record = write_export(store, PROJECT, bundle, target_id="hero_walk")
    assert record.id == "hero_walk-custom" and record.status == "succeeded"
    folder = store.resolve(record.output["exportPath"])
    assert (folder / "manifest.json").is_file() and (folder / "hero_walk.png").is_file()
    assert store.read(PROJECT, "exports", record.id).input["assetIds"] == ["hero_walk"]


def test_profile_records_and_errors(store) -> None:
    make_atlas(store)
    from assetgen.models import ExportProfile
    from assetgen.models.export import ExportOptions

    store.write(
        PROJECT,
        "export-profiles",
        ExportProfile(
            id="unity_prefixed", name="U", type="unity", options=ExportOptions(name_prefix="hero_")
        ),
    )
    bundle = build_export(store, PROJECT, "chars", profile="unity_prefixed")
    assert (
        "hero_walk_00" in bundle.files["chars.png.meta"].decode()
        and bundle.manifest.profile_id == "unity_prefixed"
    )
    with pytest.raises(InvalidInput, match="unknown export profile 'nope'"):
        build_export(store, PROJECT, "chars", profile="nope")
    with pytest.raises(InvalidInput, match="use one of"):
        get_exporter("nope")
    with pytest.raises(NotFound, match="no atlas or asset 'ghost'"):
        build_export(store, PROJECT, "ghost", profile="custom")
