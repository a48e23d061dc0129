"""``assetgen tile check | preview | set`` on image files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assetgen.image_files import encode_png, read_rgba
from orchestrator.cli import main
from tests.assetgen.imaging.test_seams import periodic_texture


def write(path: Path, image: np.ndarray) -> Path:
    path.write_bytes(encode_png(image))
    return path


def test_check_prints_ratios_and_fails_on_a_seam(tmp_path: Path, capsys) -> None:
    good = write(tmp_path / "good.png", periodic_texture(64, seed=1))
    bad = write(tmp_path / "bad.png", periodic_texture(160, seed=2)[:64, :64])
    assert main(["--json", "tile", "check", str(good)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["passes"] and [a["axis"] for a in data[0]["axes"]] == ["x", "y"]
    assert main(["tile", "check", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("ok") and out[1].endswith("SEAM") and "x=" in out[1]


def test_check_reports_bad_input_in_one_line(tmp_path: Path, capsys) -> None:
    assert main(["tile", "check", str(tmp_path / "missing.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.png" in err and "Traceback" not in err
    assert main(["tile", "check", "--axes", "z", "x.png"]) == 2


def test_preview_writes_a_3x3_repeat(tmp_path: Path) -> None:
    tile = periodic_texture(16, seed=3)
    out = tmp_path / "sub" / "grid.png"
    assert main(["tile", "preview", str(write(tmp_path / "t.png", tile)), "--out", str(out)]) == 0
    grid = read_rgba(out)
    assert grid.shape == (48, 48, 4) and np.array_equal(grid[16:32, :16], tile)


def test_set_writes_the_atlas_and_engine_files(tmp_path: Path, capsys) -> None:
    t0 = write(tmp_path / "grass.png", periodic_texture(32, seed=4))
    t1 = write(tmp_path / "dirt.png", periodic_texture(32, seed=5))
    out = tmp_path / "set"
    code = main(["--json", "tile", "set", str(t0), str(t1), "--out", str(out), "--names", "grass,dirt"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["edgeMismatchPx"] == 0 and len(data["tiles"]) == 16
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "tileset.png",
            "tileset.godot4.tres",
            "tileset.godot3.tres",
            "tileset.tsx",
            "tileset.json",
            "tileset.png.meta",
        ]
    )
    assert main(["tile", "set", str(t0), str(t1), "--out", str(out), "--base", "../evil"]) == 2
    assert main(["tile", "set", str(t0), str(t1), "--out", str(out), "--names", "grass"]) == 2


def test_set_with_the_blob_layout(tmp_path: Path, capsys) -> None:
    t0 = write(tmp_path / "grass.png", periodic_texture(32, seed=4))
    t1 = write(tmp_path / "path.png", periodic_texture(32, seed=5))
    out = tmp_path / "blob"
    code = main(["--json", "tile", "set", str(t0), str(t1), "--out", str(out), "--layout", "blob47"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["layout"] == "blob47" and len(data["tiles"]) == 48 and data["edgeMismatchPx"] == 0
    assert data["tiles"][47] == {"index": 47, "background": True}
    assert read_rgba(out / "tileset.png").shape == (192, 256, 4)
