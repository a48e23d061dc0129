"""Ingest adds a version to the asset record without re-writing the versions it already holds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.generation.ingest import GeneratedVariant, ingest_variants
from assetgen.generation.plan import plan_generation
from assetgen.generation.variant_metadata import metadata_for
from assetgen.image_files import encode_png
from assetgen.models import Asset
from assetgen.store import ProjectStore, dump_json, read_json, write_json_atomic


def generated(plan, version_id: str) -> list[GeneratedVariant]:
    meta = metadata_for(
        plan,
        variant_index=0,
        variant_id=f"{version_id}-v01",
        job_id=version_id,
        batch_index=0,
        batch_size=1,
        batch_seed=plan.seeds[0],
        checkpoint_sha256=None,
        lora_sha256={},
    )
    png = encode_png(np.full((8, 8, 4), 200, np.uint8))
    return [GeneratedVariant(metadata=meta, png=png)]


def test_versions_are_appended_and_the_rest_of_the_record_is_kept(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=1)
    ingest_variants(demo_store, plan, generated(plan, "job1"), version_id="job1")
    path = demo_store.record_path("demo", "assets", "potion_icon")
    data = json.loads(path.read_text())
    data["handAdded"] = {"kept": True}  # a key no model knows, as AssetGenerator or a person may add
    data["versions"][0]["note"] = "looked at on Monday"
    path.write_text(json.dumps(data, indent=2))
    first = data["versions"][0]

    ingest_variants(demo_store, plan, generated(plan, "job2"), version_id="job2")
    ingest_variants(demo_store, plan, generated(plan, "job2"), version_id="job2")  # a re-run replaces
    after = json.loads(path.read_text())
    assert [v["id"] for v in after["versions"]] == ["job1", "job2"]
    assert after["versions"][0] == first and after["handAdded"] == {"kept": True}
    asset = demo_store.read("demo", "assets", "potion_icon")
    assert isinstance(asset, Asset) and asset.versions[1].variants[0].id == "job2-v01"
    assert asset.updated_at == asset.versions[1].created_at


def test_a_record_that_is_not_an_asset_is_refused_and_left_as_it_is(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=1)
    path = demo_store.record_path("demo", "assets", "potion_icon")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"id": "potion_icon", "versions": "oops"}')
    with pytest.raises(InvalidInput, match="versions list"):
        ingest_variants(demo_store, plan, generated(plan, "job1"), version_id="job1")
    assert path.read_text() == '{"id": "potion_icon", "versions": "oops"}'


def test_a_record_grown_by_splicing_is_the_same_text_as_one_written_whole(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=1)
    path = demo_store.record_path("demo", "assets", "potion_icon")
    for n in range(1, 5):
        ingest_variants(demo_store, plan, generated(plan, f"job{n}"), version_id=f"job{n}")
        assert path.read_bytes() == dump_json(read_json(path))
    data = read_json(path)
    data["versions"][1]["status"] = "approved"  # the gallery writes in between: its change is kept
    write_json_atomic(path, data)
    ingest_variants(demo_store, plan, generated(plan, "job5"), version_id="job5")
    ingest_variants(demo_store, plan, generated(plan, "job6"), version_id="job6")
    after = read_json(path)
    assert [v["id"] for v in after["versions"]] == [f"job{n}" for n in range(1, 7)]
    assert after["versions"][1]["status"] == "approved"
    assert after["updatedAt"] == after["versions"][-1]["createdAt"]
    assert path.read_bytes() == dump_json(after)
