"""A project seeded the origin's way opens unchanged: check is usable, every spec explains, nothing is
written; checkpoints named but not onboarded refuse generation until `assetgen checkpoint add`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.generation.plan import plan_generation
from assetgen.store import ProjectStore
from orchestrator.cli import main
from tests.assetgenerator_fixture import (
    SD15_ID,
    SEEDED_PROJECT_ID,
    SEEDED_SPEC_IDS,
    copy_seeded_fixture,
    tree_hashes,
)

P = SEEDED_PROJECT_ID


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    return copy_seeded_fixture(tmp_path / "data")


def cli(data_root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(data_root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def spec_json(data_root: Path, spec_id: str) -> dict:
    return json.loads((data_root / "projects" / P / "specs" / f"{spec_id}.json").read_text())


def test_the_seeded_project_is_usable_with_warnings_and_nothing_is_written(
    data_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not (data_root / "projects" / P / "checkpoints").exists()
    before = tree_hashes(data_root)
    code, out, _ = cli(data_root, capsys, "project", "check", P, "--json")
    report = json.loads(out)
    assert code == 0 and report["usable"] and report["errors"] == 0, out
    by_path = {r["path"]: r for r in report["reports"]}
    messages = [f["message"] for r in report["reports"] for f in r["findings"] if f["level"] == "warning"]
    assert any("not onboarded yet" in m and "assetgen checkpoint add" in m for m in messages)
    # the legacy root baseline profile is what checkpointBaselineMap names: resolved, not an error
    assert by_path["baseline-profile.json"]["status"] == "ok"
    # bare tags and values outside their group: warnings
    tag_findings = [f for r in report["reports"] for f in r["findings"] if f["field"].startswith("tags[")]
    assert tag_findings and {f["level"] for f in tag_findings} == {"warning"}
    assert any("'tileable' is not group:value" in f["message"] for f in tag_findings)
    assert any("'mood:calm' is not in group mood" in f["message"] for f in tag_findings)
    # checkpoint-profiles/: same id and version as the policies but different text -> a warning; policies win
    disagreement = by_path["checkpoint-profiles/sdxl_core.json"]["findings"]
    assert [f["level"] for f in disagreement] == ["warning"] and "policies win" in disagreement[0]["message"]
    assert by_path["checkpoint-profiles/sd15_pixel_core.json"]["findings"] == []
    code, text, _ = cli(data_root, capsys, "project", "check", P)
    assert code == 0 and text.splitlines()[-1].startswith(f"project {P}: usable")
    code, _, _ = cli(data_root, capsys, "specs", "validate", P)
    assert code == 0
    assert tree_hashes(data_root) == before


@pytest.mark.parametrize("spec_id", SEEDED_SPEC_IDS)
def test_every_seeded_spec_explains_in_its_dialect(
    data_root: Path, capsys: pytest.CaptureFixture[str], spec_id: str
) -> None:
    before = tree_hashes(data_root)
    spec = spec_json(data_root, spec_id)
    project = json.loads((data_root / "projects" / P / "project.json").read_text())
    profiles = project["policies"]["checkpointProfiles"]
    args = ["prompt", "explain", P, spec_id, "--json"]
    code, out, err = cli(data_root, capsys, *args)
    if "checkpointId" not in spec:  # the spec names none: one line that says to pick one with --checkpoint
        assert code == 2 and "--checkpoint" in err and len(err.strip().splitlines()) == 1
        ckpt = "ckpt_sdxl_ui" if spec["assetType"] == "ui_icon" else "ckpt_sdxl_base"
        code, out, err = cli(data_root, capsys, *args, "--checkpoint", ckpt)
    else:
        ckpt = spec["checkpointId"]
    assert code == 0, err
    data = json.loads(out)
    assert data["checkpoint"]["id"] == ckpt and data["checkpoint"]["file"] == ""
    assert data["dialect"] == {"profileId": profiles[ckpt]["profileId"], "version": profiles[ckpt]["version"]}
    assert (
        profiles[ckpt]["basePositive"] in data["positive"] and spec["prompt"]["positive"] in data["positive"]
    )
    assert any("not onboarded yet" in w and "generation refuses" in w for w in data["warnings"])
    assert tree_hashes(data_root) == before


def test_generation_refuses_until_onboarded_then_the_check_verifies_the_file(
    data_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec_id = SEEDED_SPEC_IDS[0]  # the player ship: SD1.5, no profile, no baseline, an unnamed animation
    code, _, err = cli(data_root, capsys, "generate", P, spec_id)
    assert code == 2 and err.count("\n") == 1
    assert f"assetgen checkpoint add {P} <model file> --id {SD15_ID}" in err
    assert not (data_root / "projects" / P / "jobs").exists()  # refused before a job was queued

    code, out, _ = cli(data_root, capsys, "--json", "checkpoint", "list", P)
    listed = {c["checkpointId"]: c for c in json.loads(out)}
    assert code == 0 and set(listed) == {SD15_ID, "ckpt_sdxl_base", "ckpt_sdxl_ui"}
    assert not any(c["onboarded"] for c in listed.values())
    assert f"spec {spec_id}" in listed[SD15_ID]["namedBy"]

    code, out, err = cli(
        data_root, capsys, "--json", "checkpoint", "add", P, "ckpt_sd15_demo.safetensors", "--id", SD15_ID,
        "--types", "sprite,spritesheet,overlay,tile",
    )  # fmt: skip
    assert code == 0, err
    record = json.loads(out)
    assert (
        record["weights"]["path"] == "ckpt_sd15_demo.safetensors" and len(record["weights"]["sha256"]) == 64
    )
    assert record["checkpointProfileId"] == "sd15_pixel_core"
    assert record["supportedAssetTypes"] == ["sprite", "spritesheet", "overlay", "tile"]
    code, out, _ = cli(data_root, capsys, "--json", "checkpoint", "list", P)
    sd15 = next(c for c in json.loads(out) if c["checkpointId"] == SD15_ID)
    assert sd15["onboarded"] and sd15["found"] and sd15["hash"] == "verified"
    for sd15_spec in [s for s in SEEDED_SPEC_IDS if spec_json(data_root, s).get("checkpointId") == SD15_ID]:
        code, out, _ = cli(data_root, capsys, "prompt", "explain", P, sd15_spec, "--json")
        data = json.loads(out)
        assert (
            code == 0 and data["checkpoint"]["file"] == "ckpt_sd15_demo.safetensors" and not data["warnings"]
        )
        assert plan_generation(ProjectStore(data_root), P, sd15_spec, random_seed=0).checkpoint.sha256
    code, out, _ = cli(data_root, capsys, "project", "check", P, "--json")
    report = json.loads(out)
    assert code == 0 and report["usable"]
    ckpt_report = next(r for r in report["reports"] if r["path"] == f"checkpoints/{SD15_ID}.json")
    assert any("matches weights.sha256" in f["message"] for f in ckpt_report["findings"])
    # a second add is a conflict; a file outside the models folders and an unknown type are refused
    for args, needle in (
        (["ckpt_sd15_demo.safetensors", "--id", SD15_ID], "--replace"),
        ([str(data_root / "projects" / P / "project.json"), "--id", "ckpt_x"], "not in a models folder"),
        (["ckpt_sd15_demo.safetensors", "--id", "ckpt_x", "--types", "sprite,dragon"], "unknown asset type"),
        (["ckpt_sd15_demo.safetensors", "--id", "ckpt_x", "--profile", "nope"], "unknown checkpoint profile"),
        (["ckpt_sd15_demo.safetensors", "--id", "../x"], "checkpoint id"),
    ):
        code, _, err = cli(data_root, capsys, "checkpoint", "add", P, *args)
        assert code == 2 and needle in err and err.count("\n") == 1, (args, err)
    assert not (data_root / "projects" / P / "checkpoints" / "ckpt_x.json").exists()


def test_refine_the_markdown_wishlist_from_the_cli(
    data_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_file = data_root / "projects" / P / "project.json"
    before = project_file.read_bytes()
    code, out, _ = cli(data_root, capsys, "refine", P, "specList_voidrunner")
    assert code == 0 and "line 57: skipped (not an image section (audio))" in out
    assert "project context proposed (--apply-context writes it): style: pixel_retro" in out
    assert out.splitlines()[-1].startswith("39 specs (0 autopilot-ready)")  # nothing onboarded yet
    assert project_file.read_bytes() == before  # proposed, not applied
    assert "onboard one the project names: ckpt_sd15_pixel, ckpt_sdxl_base, ckpt_sdxl_ui" in out
    code, out, _ = cli(data_root, capsys, "specs", "validate", P, "specList_voidrunner-ui_menu-play_button")
    assert code == 0 and "checkpointId" in out  # says exactly what is missing
    code, out, _ = cli(data_root, capsys, "--json", "refine", P, "specList_voidrunner", "--apply-context")
    assert code == 0 and json.loads(out)["refinement"]["projectContext"]["applied"] is True
