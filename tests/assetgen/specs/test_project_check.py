"""project check on the AssetGenerator fixture: every file read, problems named per file, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.errors import NotFound
from assetgen.specs.project_check import ORIGIN_EXTRAS, check_project
from assetgen.store import ProjectStore
from tests.assetgenerator_fixture import PROJECT_ID, SPEC_IDS, copy_fixture, tree_hashes


@pytest.fixture
def origin(tmp_path: Path) -> ProjectStore:
    return ProjectStore(copy_fixture(tmp_path / "data"))


def project_file(store: ProjectStore, rel: str) -> Path:
    return store.project_dir(PROJECT_ID) / rel


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n")


def findings(report, path: str, level: str | None = None) -> list[tuple[str, str, str]]:
    file = next(f for f in report.files if f.path == path)
    return [(f.level, f.field, f.message) for f in file.findings if level is None or f.level == level]


def test_the_fixture_is_usable_and_every_file_is_reported(origin: ProjectStore) -> None:
    before = tree_hashes(origin.root)
    report = check_project(origin, PROJECT_ID)
    assert tree_hashes(origin.root) == before
    assert report.is_usable, [f.as_dict() for f in report.files if f.has_errors]
    paths = {f.path for f in report.files}
    assert {f"specs/{s}.json" for s in SPEC_IDS} <= paths
    assert {"project.json", "catalogs/asset-types.json", "loras/lora_icons_sd15.json"} <= paths
    assert "catalogs/checkpoints/ckpt_pony_v6/styles.json" in paths
    kept = set(report.as_dict()["kept"])
    assert {
        "jobs-index.json",
        "events/",
        "checkpoint-profiles/",
        "automation-rules/",
    } <= kept
    assert all(name.rstrip("/") in ORIGIN_EXTRAS for name in kept)
    # the legacy root baseline profile is resolved as a baseline profile now (and kept unchanged)
    legacy = next(f for f in report.files if f.path == "baseline-profile.json")
    assert legacy.status == "ok" and legacy.kind == "baseline profile (legacy)"
    assert report.count("error") == 0


def test_unknown_keys_are_info_not_errors(origin: ProjectStore) -> None:
    report = check_project(origin, PROJECT_ID)
    infos = findings(report, f"specs/{SPEC_IDS[1]}.json", "info")
    assert ("info", "reviewChecklist", "unknown key, kept as it is") in infos
    assert ("info", "originSchemaVersion", "unknown key, kept as it is") in infos


@pytest.mark.parametrize(
    ("rel", "change", "field", "needle"),
    [
        (
            f"specs/{SPEC_IDS[0]}.json",
            lambda d: d.update(checkpointId="ckpt_nope"),
            "checkpointId",
            "ckpt_nope",
        ),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.update(assetType="hat"), "assetType", "hat"),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.update(style="baroque"), "style", "baroque"),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.update(scenario="moon"), "scenario", "moon"),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.update(loraIds=["lora_gone"]), "loraIds[0]", "lora_gone"),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.update(loraIds=["lora_icons_sd15@r9"]), "loraIds[0]", "r9"),
        (
            f"specs/{SPEC_IDS[0]}.json",
            lambda d: d.update(baselineProfileId="bp_x"),
            "baselineProfileId",
            "bp_x",
        ),
        (
            f"specs/{SPEC_IDS[0]}.json",
            lambda d: d.update(baselineProfileId="bp_pony_v1"),
            "baselineProfileId",
            "checkpointBaselineMap",
        ),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.update(status="finished"), "status", "draft"),
        (f"specs/{SPEC_IDS[0]}.json", lambda d: d.pop("title"), "title", "required"),
        (
            "loras/lora_icons_sd15.json",
            lambda d: d.update(checkpointId="ckpt_gone"),
            "checkpointId",
            "ckpt_gone",
        ),
        ("loras/lora_icons_sd15.json", lambda d: d.update(activeReleaseId="r7"), "activeReleaseId", "r7"),
        (
            "baseline-profiles/bp_sd15_v1.json",
            lambda d: d.update(checkpointId="ckpt_x"),
            "checkpointId",
            "ckpt_x",
        ),
        (
            "project.json",
            lambda d: d["policies"]["checkpointBaselineMap"]["ckpt_sd15_demo"].update(
                defaultBaselineProfileId="bp_z"
            ),
            "policies.checkpointBaselineMap.ckpt_sd15_demo",
            "bp_z",
        ),
        ("project.json", lambda d: d["defaults"].update(style="nope"), "defaults.style", "nope"),
        ("checkpoints/ckpt_sdxl_base.json", lambda d: d["weights"].pop("path"), "weights.path", "ComfyUI"),
    ],
)
def test_a_broken_file_is_named_with_its_field(origin: ProjectStore, rel, change, field, needle) -> None:
    edit_json(project_file(origin, rel), change)
    report = check_project(origin, PROJECT_ID)
    assert not report.is_usable
    errors = findings(report, rel, "error")
    assert any(f == field and needle in m for _, f, m in errors), errors
    others = [f.path for f in report.files if f.has_errors and f.path != rel]
    assert others == [], others


def test_missing_catalog_and_bad_json_are_reported(origin: ProjectStore) -> None:
    project_file(origin, "catalogs/tags.json").unlink()
    project_file(origin, "loras/lora_pony_old.json").write_text("{ not json")
    report = check_project(origin, PROJECT_ID)
    tags = next(f for f in report.files if f.path == "catalogs/tags.json")
    assert tags.status == "missing"
    assert any("invalid JSON" in m for _, _, m in findings(report, "loras/lora_pony_old.json", "error"))


def test_a_checkpoint_file_whose_hash_differs_is_an_error(origin: ProjectStore, tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "checkpoints" / "sdxl").mkdir(parents=True)
    (models / "checkpoints" / "sdxl" / "sd_xl_base_1.0.safetensors").write_bytes(b"not the real weights")
    report = check_project(origin, PROJECT_ID, model_roots=[models])
    errors = findings(report, "checkpoints/ckpt_sdxl_base.json", "error")
    assert (
        errors
        and "weights.sha256" in errors[0][1]
        and "replace the file or correct the record" in errors[0][2]
    )
    pony = findings(report, "checkpoints/ckpt_pony_v6.json")
    assert pony == []  # no sha256 recorded: nothing to verify


def test_unknown_project_is_not_found(origin: ProjectStore) -> None:
    with pytest.raises(NotFound, match="astroduck"):
        check_project(origin, "nope")
