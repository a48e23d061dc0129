"""``assetgen pack`` and ``assetgen export`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.spritesheet import extract_frame
from assetgen.post.texturepacker import read_atlas_json
from orchestrator.cli import main
from tests.sprite_factory import PROJECT, make_atlas, sprite


def write_frames(folder: Path, names: list[str]) -> dict[str, np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    images = {}
    for i, name in enumerate(names):
        images[name] = sprite(24 + i, 30, seed=i, margin=(2, 3, 1, 0))
        (folder / f"{name}.png").write_bytes(encode_png(images[name]))
    return images


def test_pack_folder_groups_numbered_frames(tmp_path: Path, capsys) -> None:
    images = write_frames(tmp_path / "in", ["walk_10", "walk_2", "walk_1", "icon"])
    out = tmp_path / "out"
    code = main(
        [
            "--json",
            "pack",
            str(tmp_path / "in"),
            "--out",
            str(out),
            "--name",
            "hero",
            "--fps",
            "6",
            "--no-loop",
            "--rotate",
            "--extrude",
            "1",
            "--pivot",
            "0.5,1",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["frames"] == 4 and result["animations"] == {"walk": 3}
    assert {p.name for p in out.iterdir()} == {"hero.png", "hero.json", "hero-preview.png"}
    doc = json.loads((out / "hero.json").read_text())
    assert doc["animations"]["walk"] == ["walk_1", "walk_2", "walk_10"]  # natural order inside a folder
    assert doc["meta"]["frameTags"][0]["loop"] is False and doc["frames"]["icon"]["pivot"] == {
        "x": 0.5,
        "y": 1.0,
    }
    page = read_rgba(out / "hero.png")
    for frame in read_atlas_json(doc)[0]:
        assert np.array_equal(extract_frame(page, frame), images[frame.name])


def test_pack_with_animation_name_keeps_argument_order(tmp_path: Path) -> None:
    write_frames(tmp_path / "in", ["b", "a", "c"])
    files = [str(tmp_path / "in" / f"{n}.png") for n in ("c", "a", "b")]
    assert (
        main(["pack", *files, "--out", str(tmp_path / "o"), "--animation", "blink", "--no-trim", "--pot"])
        == 0
    )
    doc = json.loads((tmp_path / "o" / "atlas.json").read_text())
    assert doc["animations"] == {"blink": ["blink_00", "blink_01", "blink_02"]}
    assert doc["frames"]["blink_00"]["sourceSize"] == {"w": 26, "h": 30}  # c.png came first
    assert not doc["frames"]["blink_00"]["trimmed"]
    width, height = doc["meta"]["size"]["w"], doc["meta"]["size"]["h"]
    assert width & (width - 1) == 0 and height & (height - 1) == 0


def test_pack_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert main(["pack", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    write_frames(tmp_path / "in", ["a"])
    assert main(["pack", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--pivot", "x"]) == 2
    assert "--pivot" in capsys.readouterr().err
    assert main(["pack", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--max-size", "8"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "max" in err


def test_export_command_writes_bundle_to_out_and_to_the_store(store, tmp_path: Path, capsys) -> None:
    make_atlas(store)
    root = ["--data-dir", str(store.root)]
    assert main([*root, "export", PROJECT, "chars", "--profile", "godot", "--out", str(tmp_path / "b")]) == 0
    assert {p.name for p in (tmp_path / "b").iterdir()} == {"chars.png", "chars.tres", "manifest.json"}
    assert main([*root, "--json", "export", PROJECT, "chars", "--profile", "unity"]) == 0
    capsys.readouterr()
    assert store.read(PROJECT, "exports", "chars-unity").status == "succeeded"
    assert main([*root, "export", PROJECT, "chars", "--profile", "unity3d"]) == 2
    assert "unknown export profile" in capsys.readouterr().err
