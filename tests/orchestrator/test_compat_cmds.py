"""`--data-dir` at an AssetGenerator project: read-only commands write nothing; prompt explain per spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.store import ProjectStore
from orchestrator.cli import main
from tests.assetgenerator_fixture import PROJECT_ID, SPEC_IDS, copy_fixture, tree_hashes


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path / "data")


def cli(data_root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(data_root), *args])
    return code, capsys.readouterr().out


def test_read_only_commands_change_no_file(data_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_hashes(data_root)
    commands = [
        ["project", "check", PROJECT_ID],
        ["project", "check", PROJECT_ID, "--json"],
        ["project", "show", PROJECT_ID],
        ["project", "list"],
        ["specs", "validate", PROJECT_ID],
        ["--json", "specs", "validate", PROJECT_ID],
    ]
    commands += [["prompt", "explain", PROJECT_ID, spec_id] for spec_id in SPEC_IDS]
    commands += [["prompt", "explain", PROJECT_ID, SPEC_IDS[0], "--checkpoint", "ckpt_pony_v6", "--json"]]
    for args in commands:
        code, _ = cli(data_root, capsys, *args)
        assert code == 0, args
        assert tree_hashes(data_root) == before, f"{args} wrote something"


def test_project_check_json_and_exit_codes(data_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(data_root, capsys, "project", "check", PROJECT_ID, "--json")
    report = json.loads(out)
    assert code == 0 and report["usable"] and report["errors"] == 0
    assert "jobs-index.json" in report["kept"]
    spec = data_root / "projects" / PROJECT_ID / "specs" / f"{SPEC_IDS[0]}.json"
    data = json.loads(spec.read_text())
    data["checkpointId"] = "ckpt_missing"
    spec.write_text(json.dumps(data))
    code, out = cli(data_root, capsys, "project", "check", PROJECT_ID)
    assert code == 2
    assert f"specs/{SPEC_IDS[0]}.json: invalid" in out and "ckpt_missing" in out
    assert "NOT usable" in out.splitlines()[-1]


@pytest.mark.parametrize("spec_id", SPEC_IDS)
def test_every_fixture_spec_explains_its_prompt(
    data_root: Path, capsys: pytest.CaptureFixture[str], spec_id: str
) -> None:
    code, out = cli(data_root, capsys, "prompt", "explain", PROJECT_ID, spec_id, "--json")
    data = json.loads(out)
    assert code == 0 and data["specId"] == spec_id
    spec = json.loads((data_root / "projects" / PROJECT_ID / "specs" / f"{spec_id}.json").read_text())
    assert spec["prompt"]["positive"] in data["positive"]
    assert data["checkpoint"]["id"] == spec.get("checkpointId", data["checkpoint"]["id"])
    assert data["checkpoint"]["reason"] and data["checkpoint"]["file"].endswith(".safetensors")
    layers = [f["layer"] for f in data["trace"]]
    assert "spec_prompt" in layers and [f["order"] for f in data["trace"]] == list(range(1, len(layers) + 1))
    assert {d["loraId"] for d in data["loraDecisions"]} == {
        p.stem for p in (data_root / "projects" / PROJECT_ID / "loras").glob("*.json")
    }
    assert all(d["code"] for d in data["loraDecisions"]) and data["seeds"]
    code, text = cli(data_root, capsys, "prompt", "explain", PROJECT_ID, spec_id)
    assert (
        code == 0 and f"positive: {data['positive']}" in text and "trace (layer, source, fragment):" in text
    )


@pytest.mark.parametrize(
    ("checkpoint", "profile", "starts"),
    [
        ("ckpt_sd15_demo", "sd15_default", "cheerful, best quality"),
        ("ckpt_sdxl_base", "sdxl_default", "(cheerful:1.2), masterpiece"),
        ("ckpt_pony_v6", "pony_default", "score_9, score_8_up"),
    ],
)
def test_checkpoint_switches_the_dialect(
    data_root: Path, capsys: pytest.CaptureFixture[str], checkpoint: str, profile: str, starts: str
) -> None:
    code, out = cli(
        data_root, capsys, "prompt", "explain", PROJECT_ID, SPEC_IDS[0], "--checkpoint", checkpoint, "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["checkpoint"]["id"] == checkpoint and data["dialect"]["profileId"] == profile
    assert data["positive"].startswith(starts)
    base = next(f for f in data["trace"] if f["layer"] == "checkpoint_base")
    assert base["sourceId"] == profile
    loras = json.loads((data_root / "projects" / PROJECT_ID / "loras" / "lora_icons_sd15.json").read_text())
    codes = {d["loraId"]: d["code"] for d in data["loraDecisions"]}
    for lora_id in ("lora_icons_sd15", "lora_duck_character", "lora_pixel_sdxl", "lora_pony_old"):
        made_for = json.loads((data_root / "projects" / PROJECT_ID / "loras" / f"{lora_id}.json").read_text())
        if made_for["checkpointId"] != checkpoint:
            assert codes[lora_id] == "blocked_checkpoint", (lora_id, codes)
    assert loras["checkpointId"] == "ckpt_sd15_demo"
    if checkpoint != "ckpt_sd15_demo":
        assert any("not allowed" in w for w in data["warnings"])


def test_explain_on_an_unknown_checkpoint_is_one_line(
    data_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--data-dir", str(data_root), "prompt", "explain", PROJECT_ID, SPEC_IDS[0], "--checkpoint", "x"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "checkpoint 'x'" in err and err.count("\n") == 1


def test_editing_one_spec_rewrites_only_that_file_and_keeps_unknown_fields(data_root: Path) -> None:
    store = ProjectStore(data_root)
    spec_id = SPEC_IDS[1]  # has reviewChecklist and originSchemaVersion, unknown to assetgen
    path = store.record_path(PROJECT_ID, "specs", spec_id)
    original = json.loads(path.read_text())
    before = tree_hashes(data_root)
    spec = store.read(PROJECT_ID, "specs", spec_id)
    spec.title = "Astro Duck idle (renamed)"
    store.write(PROJECT_ID, "specs", spec)
    after = tree_hashes(data_root)
    changed = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
    assert changed == {f"projects/{PROJECT_ID}/specs/{spec_id}.json"}
    written = json.loads(path.read_text())
    assert written == {**original, "title": "Astro Duck idle (renamed)"}
