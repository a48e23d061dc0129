"""Autopilot end to end on the demo project with the real ComfyUI: every stage leaves its files and records."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from assetgen.jobs import create_job, list_jobs
from assetgen.models.spec import QualityLimits
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.job_chains import run_chains
from tests.conftest import DEMO_PROJECT

pytestmark = pytest.mark.comfy


def project_with(tmp_path: Path, comfy_url: str, *, edit_spec=None) -> tuple[Settings, ProjectStore]:
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    store = ProjectStore(root)
    if edit_spec is not None:
        spec = store.read("demo", "specs", "potion_icon")
        edit_spec(spec)
        store.write("demo", "specs", spec)
    settings = Settings.from_env(
        {"COMFYUI_URL": comfy_url, "ASSETGEN_CACHE_DIR": str(Settings.from_env().cache_dir)}, data_dir=root
    )
    return settings, store


def run_autopilot(settings: Settings, store: ProjectStore, spec_ids: list[str]) -> list:
    roots = [create_job(store, "demo", "autopilot", {"specId": s, "variants": 2}).id for s in spec_ids]
    return asyncio.run(run_chains(settings, "demo", roots, label="autopilot", show_progress=False))


def test_autopilot_takes_specs_to_engine_bundles(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env
    settings, store = project_with(tmp_path, state.url)
    jobs = run_autopilot(settings, store, ["potion_icon", "hero_knight_walk"])
    assert all(j.status == "succeeded" for j in jobs), [
        (j.type, j.error) for j in jobs if j.status != "succeeded"
    ]
    types = sorted(j.type for j in jobs)
    assert (
        types.count("generate") == 2
        and types.count("autopilot_review") == 2
        and types.count("bg_remove") == 2
    )
    assert types.count("atlas_pack") == 1 and types.count("export") == 8  # 4 profiles x 2 specs

    for spec_id in ("potion_icon", "hero_knight_walk"):
        asset = store.read("demo", "assets", spec_id)
        version = asset.versions[-1]
        assert version.status == "approved" and version.primary_variant_id
        primary = next(v for v in version.variants if v.id == version.primary_variant_id)
        assert primary.quality["passed"] and primary.quality["by"] == "autopilot"
        assert set(primary.quality["checks"]) >= {
            "coverage",
            "clean_border",
            "single_subject",
            "near_duplicate",
        }
        assert primary.review_note.startswith("autopilot: score")
        assert primary.review_history[-1].by == "autopilot"
        assert primary.alpha_path and store.resolve(primary.alpha_path).is_file()
        assert asset.model_extra["autopilot"]["status"] == "approved"

    atlas = store.read("demo", "atlases", "hero_knight_walk-atlas")
    assert len(atlas.frames) >= 1 and store.resolve(atlas.image_path).is_file()
    spec = store.read("demo", "specs", "hero_knight_walk")
    assert spec.output.animation.fps == 12
    exports = list_jobs(store, "demo", status="succeeded")
    bundles = [j for j in exports if j.type == "export"]
    profiles = {store.read("demo", "exports", j.output["exports"][0]["exportId"]).type for j in bundles}
    assert profiles == {"unity", "godot", "unreal", "custom"}
    for job in bundles:
        manifest = json.loads((store.root / job.output["manifestPath"]).read_text())
        linked = {f.get("specId") for f in manifest["files"]} | {a.get("specId") for a in manifest["assets"]}
        assert linked & {"potion_icon", "hero_knight_walk"}, manifest["files"][:2]


def test_an_unmeetable_contract_ends_in_needs_review_without_export(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env

    def impossible(spec) -> None:
        spec.quality_contract.checks = QualityLimits(coverage_max=0.01, max_attempts=2)

    settings, store = project_with(tmp_path, state.url, edit_spec=impossible)
    jobs = run_autopilot(settings, store, ["potion_icon"])
    assert all(j.status == "succeeded" for j in jobs)
    assert [j.type for j in jobs if j.type in ("generate", "autopilot_review")].count("generate") == 2
    assert not [j for j in jobs if j.type in ("bg_remove", "export", "atlas_pack")]
    last_review = [j for j in jobs if j.type == "autopilot_review"][-1]
    assert last_review.output["decision"] == "needs_review" and last_review.input["attempt"] == 2
    asset = store.read("demo", "assets", "potion_icon")
    verdict = asset.model_extra["autopilot"]
    assert verdict["status"] == "needs_review" and verdict["attempts"] == 2
    assert any("coverage" in reason for reason in verdict["reasons"])
    assert all(v.status == "candidate" for version in asset.versions for v in version.variants)
    assert store.list_ids("demo", "exports") == []
    seeds = [v.seed for version in asset.versions for v in version.variants]
    assert len(set(seeds)) == len(seeds) == 4, "the second round used new seeds"
