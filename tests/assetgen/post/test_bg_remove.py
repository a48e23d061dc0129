"""The bg_remove job: variant selection, files and records, atomicity, the worker entry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.image_files import decode_rgba, encode_png
from assetgen.models import Asset, BgRemoveInput, Job
from assetgen.post.bg_remove import handle_bg_remove_job, is_approved, run_bg_remove, select_variants
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from tests.assetgen.imaging.alpha_testset import iou, make_case

PROJECT, ASSET = "demo", "hero_knight_walk"


def _variant(store: ProjectStore, variant_id: str, status: str, kind: str = "white") -> dict:
    case = make_case(kind, len(variant_id) % 4, size=96)
    path = store.image_path(PROJECT, ASSET, "original", variant_id)
    stored = store.write_file(path, encode_png(case.rgba))
    return {"id": variant_id, "originalPath": stored, "status": status}


@pytest.fixture
def asset_store(demo_store: ProjectStore) -> ProjectStore:
    store = demo_store
    versions = [
        {
            "id": "v1",
            "status": "approved",
            "primaryVariantId": "a1",
            "variants": [_variant(store, "a1", "candidate"), _variant(store, "a2", "candidate")],
        },
        {
            "id": "v2",
            "status": "review",
            "variants": [_variant(store, "b1", "selected", "gradient"), _variant(store, "b2", "rejected")],
        },
    ]
    store.write(PROJECT, "assets", Asset(id=ASSET, project_id=PROJECT, spec_id=ASSET, versions=versions))
    return store


def test_approved_variants_are_selected_by_default(asset_store: ProjectStore) -> None:
    asset = asset_store.read(PROJECT, "assets", ASSET)
    chosen = select_variants(asset, BgRemoveInput(asset_id=ASSET))
    assert [variant.id for _, variant in chosen] == ["a1", "b1"]
    assert not is_approved(asset.versions[1], asset.versions[1].variants[1])


def test_run_writes_alpha_files_and_records(asset_store: ProjectStore) -> None:
    output = run_bg_remove(
        asset_store,
        PROJECT,
        BgRemoveInput(asset_id=ASSET, method="colorkey", trim=True, padding=2),
        session=None,
        job_id="J1",
    )
    assert output["variantIds"] == ["a1", "b1"]
    assert output["alphaPath"] == f"projects/{PROJECT}/files/images/{ASSET}/alpha/a1.png"
    asset = asset_store.read(PROJECT, "assets", ASSET)
    variant = asset.versions[0].variants[0]
    record = variant.processing.bg_remove
    assert variant.alpha_path == output["alphaPath"]
    assert (record.method, record.requested_method, record.job_id, record.padding) == (
        "colorkey",
        "colorkey",
        "J1",
        2,
    )
    assert record.threshold == 24 and record.feather == 0 and record.erode == 0
    assert record.source_size.w == 96 and record.trim.w > 0
    image = decode_rgba(asset_store.resolve(variant.alpha_path).read_bytes())
    assert image.shape == (record.trim.h + 4, record.trim.w + 4, 4)
    assert image[0].max() == 0  # padding is transparent
    on_disk = json.loads((asset_store.record_path(PROJECT, "assets", ASSET)).read_text())
    stored = on_disk["versions"][0]["variants"][0]["processing"]["bg_remove"]
    assert stored["trim"] == record.trim.model_dump() and stored["sourceSize"] == {"w": 96, "h": 96}
    assert asset.versions[0].variants[1].alpha_path is None  # not approved, untouched


def test_named_variants_and_original_path(asset_store: ProjectStore) -> None:
    out = run_bg_remove(
        asset_store, PROJECT, BgRemoveInput(asset_id=ASSET, variant_ids=["a2", "b2"]), session=None
    )
    assert out["variantIds"] == ["a2", "b2"]
    stored = f"projects/{PROJECT}/files/images/{ASSET}/original/a2.png"
    out = run_bg_remove(
        asset_store, PROJECT, BgRemoveInput(original_path=stored, threshold=30, erode=1), session=None
    )
    assert out["variantIds"] == ["a2"] and out["params"]["threshold"] == 30
    record = asset_store.read(PROJECT, "assets", ASSET).versions[0].variants[1].processing.bg_remove
    assert record.threshold == 30 and record.erode == 1 and record.method == "colorkey"


def test_rerun_overwrites_and_quality_holds(asset_store: ProjectStore) -> None:
    request = BgRemoveInput(asset_id=ASSET, variant_id="a1")
    first = run_bg_remove(asset_store, PROJECT, request, session=None)
    second = run_bg_remove(asset_store, PROJECT, request, session=None)
    assert first["alphaPaths"] == second["alphaPaths"]
    files = list(asset_store.image_path(PROJECT, ASSET, "alpha", "a1").parent.iterdir())
    assert [f.name for f in files] == ["a1.png"]
    alpha = decode_rgba(asset_store.resolve(first["alphaPath"]).read_bytes())[:, :, 3]
    assert iou(make_case("white", 2, size=96).alpha, alpha) > 0.95


def test_a_missing_original_fails_before_anything_is_written(asset_store: ProjectStore) -> None:
    asset_store.image_path(PROJECT, ASSET, "original", "b1").unlink()
    before = asset_store.record_path(PROJECT, "assets", ASSET).read_bytes()
    with pytest.raises(NotFound, match=r"original .*b1\.png is missing"):
        run_bg_remove(asset_store, PROJECT, BgRemoveInput(asset_id=ASSET), session=None)
    assert asset_store.record_path(PROJECT, "assets", ASSET).read_bytes() == before
    assert not asset_store.image_path(PROJECT, ASSET, "alpha", "a1").exists()


def test_a_damaged_original_is_a_clear_error(asset_store: ProjectStore) -> None:
    path = asset_store.image_path(PROJECT, ASSET, "original", "a1")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(InvalidInput, match=r"a1\.png: damaged or truncated"):
        run_bg_remove(asset_store, PROJECT, BgRemoveInput(asset_id=ASSET), session=None)


@pytest.mark.parametrize(
    ("request_data", "error", "match"),
    [
        ({}, InvalidInput, "needs assetId"),
        ({"assetId": ASSET, "variantIds": ["zz"]}, NotFound, "no variant 'zz'"),
        ({"assetId": ASSET, "versionId": "v9"}, NotFound, "no version 'v9'"),
        ({"assetId": "nope"}, NotFound, "asset 'nope' not found"),
        ({"assetId": "../x"}, InvalidInput, "invalid asset id"),
        ({"originalPath": "projects/other/files/images/a/original/b.png"}, InvalidInput, "originalPath"),
        (
            {"assetId": ASSET, "variantId": "a1", "alphaPath": "projects/demo/x.png"},
            InvalidInput,
            "alphaPath must be",
        ),
    ],
)
def test_bad_requests(asset_store: ProjectStore, request_data: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        run_bg_remove(asset_store, PROJECT, BgRemoveInput.model_validate(request_data), session=None)


def test_no_approved_variant_says_what_to_do(asset_store: ProjectStore) -> None:
    asset = asset_store.read(PROJECT, "assets", ASSET)
    for version in asset.versions:
        version.status = "review"
        for variant in version.variants:
            variant.status = "candidate"
    asset_store.write(PROJECT, "assets", asset)
    with pytest.raises(InvalidInput, match=r"no approved variant.*variantIds"):
        run_bg_remove(asset_store, PROJECT, BgRemoveInput(asset_id=ASSET), session=None)


def test_worker_entry_validates_input_and_uses_settings(asset_store: ProjectStore, tmp_path: Path) -> None:
    settings = Settings.from_env({"ASSETGEN_CACHE_DIR": str(tmp_path / "cache")}, data_dir=asset_store.root)
    job = Job(
        id="J2",
        project_id=PROJECT,
        type="bg_remove",
        input={"assetId": ASSET, "variantIds": ["a1"], "method": "auto"},
    )
    output = handle_bg_remove_job(
        asset_store, job, settings=settings
    )  # no model installed: auto keys by colour
    assert output["results"][0]["method"] == "colorkey" and output["results"][0]["jobId"] == "J2"
    bad = Job(id="J3", project_id=PROJECT, type="bg_remove", input={"assetId": ASSET, "threshold": 999})
    with pytest.raises(InvalidInput, match="job J3 input: threshold"):
        handle_bg_remove_job(asset_store, bad, settings=settings)
    rembg = Job(id="J4", project_id=PROJECT, type="bg_remove", input={"assetId": ASSET, "method": "rembg"})
    with pytest.raises(NotFound, match=r"u2netp\.onnx at"):
        handle_bg_remove_job(asset_store, rembg, settings=settings)


def test_the_origin_shaped_fixture_still_parses() -> None:
    data = json.loads((REPO_DIR / "tests" / "fixtures" / "asset_bg.json").read_text())
    record = Asset.model_validate(data).versions[0].variants[0].processing.bg_remove
    assert record.threshold == 20 and record.trim.w == 81 and record.source_size.h == 128
    assert Asset.model_validate(data).model_dump(mode="json") == data
    assert np.isclose(record.feather, 1)
