"""`assetgen demo` on a one-spec wishlist and `assetgen autopilot --wait`, through the CLI, on the real ComfyUI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assetgen.store import ProjectStore
from orchestrator.cli import main
from tests.conftest import DEMO_PROJECT

pytestmark = pytest.mark.comfy


def test_demo_on_a_one_spec_wishlist(comfy_env, tmp_path: Path, monkeypatch, capsys) -> None:
    _, state = comfy_env
    monkeypatch.setenv("COMFYUI_URL", state.url)
    wishlist = tmp_path / "one.txt"
    wishlist.write_text("- wooden treasure chest prop, 3/4 view, forest palette\n")
    data = tmp_path / "data"
    code = main(["--data-dir", str(data), "--json", "demo", "--wishlist", str(wishlist), "--variants", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["projectId"] == "forest_demo" and summary["specs"] == 1 and summary["variants"] >= 1
    assert summary["approved"] + summary["needsReview"] == 1
    assert summary["bundles"] and Path(summary["contactSheet"]).is_file()
    assert "[demo] autopilot" in captured.err, "stage lines go to stderr when stdout is JSON"
    store = ProjectStore(data)
    assert len(store.list_ids("forest_demo", "specs")) == 1 and store.list_ids("forest_demo", "assets")


def test_autopilot_command_waits_for_its_chains(comfy_env, tmp_path: Path, monkeypatch, capsys) -> None:
    _, state = comfy_env
    monkeypatch.setenv("COMFYUI_URL", state.url)
    data = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, data / "projects" / "demo")
    args = [
        "--data-dir",
        str(data),
        "--json",
        "autopilot",
        "demo",
        "potion_icon",
        "--variants",
        "2",
        "--wait",
    ]
    code = main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    answer = json.loads(captured.out)
    assert answer["decisions"] == {"potion_icon": "approved"}
    types = sorted(j["type"] for j in answer["jobs"])
    assert all(j["status"] == "succeeded" for j in answer["jobs"])
    assert {"autopilot", "generate", "autopilot_review", "bg_remove", "export"} <= set(types)
    asset = ProjectStore(data).read("demo", "assets", "potion_icon")
    assert asset.versions[-1].status == "approved" and asset.versions[-1].primary_variant_id
