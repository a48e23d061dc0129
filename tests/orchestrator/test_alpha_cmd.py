"""``assetgen alpha`` and ``assetgen bg-remove``: files, folders, JSON, hostile images, projects."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assetgen.image_files import decode_rgba, encode_png
from assetgen.models import Asset
from assetgen.store import ProjectStore
from orchestrator.cli import main
from tests.assetgen.imaging.alpha_testset import iou, make_case


def _run(capsys: pytest.CaptureFixture[str], *args: str, data_dir: Path) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def hostile_files(folder: Path) -> dict[str, str]:
    """Write the hostile inputs; returns name -> 'error' or 'ok' (what the command must do)."""
    folder.mkdir(parents=True, exist_ok=True)
    sprite = make_case("white", 0, size=64).rgba
    expected = {}
    # A decompression bomb: a valid PNG header declaring 40000x40000 pixels.
    bomb = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 0, 0, 0, 0))
    bomb += _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _png_chunk(b"IEND", b"")
    (folder / "bomb.png").write_bytes(bomb)
    expected["bomb"] = "error"
    (folder / "truncated.png").write_bytes(encode_png(sprite)[:300])
    expected["truncated"] = "error"
    (folder / "empty.png").write_bytes(b"")
    expected["empty"] = "error"
    (folder / "text.png").write_text("this is not an image\n")
    expected["text"] = "error"
    buffer = io.BytesIO()
    Image.fromarray(sprite[:, :, :3]).save(buffer, format="JPEG", quality=95)
    (folder / "jpeg_named.png").write_bytes(buffer.getvalue())
    expected["jpeg_named"] = "ok"
    grey16 = (sprite[:, :, :3].mean(axis=2).astype(np.uint16) * 257).astype(np.uint16)
    Image.fromarray(grey16).save(folder / "sixteen.png")
    expected["sixteen"] = "ok"
    palette = Image.fromarray(sprite[:, :, :3]).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    palette.save(folder / "palette.png", transparency=0)
    expected["palette"] = "ok"
    Image.fromarray(sprite[:, :, :3]).convert("CMYK").save(folder / "cmyk.jpg", quality=95)
    expected["cmyk"] = "ok"
    return expected


def test_single_file_with_json_and_trim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = make_case("vignette", 1, size=128)
    source = tmp_path / "in.png"
    source.write_bytes(encode_png(case.rgba))
    code, out, err = _run(
        capsys,
        "alpha",
        str(source),
        str(tmp_path / "out.png"),
        "--trim",
        "--padding",
        "3",
        "--json",
        "--threshold",
        "20",
        data_dir=tmp_path,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["params"] == {
        "method": "auto",
        "threshold": 20.0,
        "feather": 0.0,
        "erode": 0,
        "clearHoles": True,
        "holeMinAreaPx": None,
        "trim": True,
        "padding": 3,
    }
    entry = data["files"][0]
    assert (
        entry["method"] == "colorkey"
        and entry["padding"] == 3
        and entry["sourceSize"] == {"w": 128, "h": 128}
    )
    image = decode_rgba((tmp_path / "out.png").read_bytes())
    assert image.shape == (entry["trim"]["h"] + 6, entry["trim"]["w"] + 6, 4)
    untrimmed = tmp_path / "full.png"
    assert (
        _run(capsys, "alpha", str(source), str(untrimmed), "--method", "colorkey", data_dir=tmp_path)[0] == 0
    )
    assert iou(case.alpha, decode_rgba(untrimmed.read_bytes())[:, :, 3]) > 0.97


def test_folder_batch_with_hostile_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = hostile_files(tmp_path / "in")
    code, out, err = _run(
        capsys, "--json", "alpha", str(tmp_path / "in"), str(tmp_path / "out"), data_dir=tmp_path
    )
    assert code == 1 and "Traceback" not in err
    data = json.loads(out)
    by_name = {Path(f["input"]).stem: f for f in data["files"]}
    assert set(by_name) == set(expected)
    for name, outcome in expected.items():
        written = tmp_path / "out" / f"{name}.png"
        if outcome == "error":
            assert "error" in by_name[name] and not written.exists(), name
            assert f"{name}.png" in by_name[name]["error"]
        else:
            assert "error" not in by_name[name], by_name[name]
            image = decode_rgba(written.read_bytes())
            assert image.shape == (64, 64, 4) and (image[:, :, 3] == 0).mean() > 0.3, name
    assert data["failed"] == sum(v == "error" for v in expected.values())
    assert len(err.strip().splitlines()) == data["failed"]
    assert "decompression bomb" in by_name["bomb"]["error"] or "larger than" in by_name["bomb"]["error"]
    assert not list((tmp_path / "out").glob(".*tmp"))


@pytest.mark.parametrize("name", ["bomb", "truncated", "empty", "text"])
def test_a_single_hostile_file_is_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    hostile_files(tmp_path / "in")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator.cli",
            "alpha",
            str(tmp_path / "in" / f"{name}.png"),
            str(tmp_path / "o.png"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "o.png").exists()


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["missing.png", "o.png"], "no such file"),
        (["in.png", "out.jpg"], "name it .png"),
        (["in.png", "o.png", "--threshold", "300"], "threshold"),
        (["in.png", "o.png", "--method", "rembg", "--model", "isnet-anime"], "isnet-anime.onnx at"),
        (["in.png", "o.png", "--method", "magic"], "invalid choice"),
    ],
)
def test_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], match: str
) -> None:
    (tmp_path / "in.png").write_bytes(encode_png(make_case("white", 0, size=32).rgba))
    cwd_args = [str(tmp_path / a) if a.endswith((".png", ".jpg")) else a for a in args]
    code, _, err = _run(capsys, "alpha", *cwd_args, data_dir=tmp_path)
    assert code == 2 and match in err and err.count("\n") == 1, err


def test_same_output_name_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.png").write_bytes(encode_png(make_case("white", 0, size=32).rgba))
    Image.fromarray(make_case("white", 0, size=32).rgba[:, :, :3]).save(folder / "a.jpg")
    code, _, err = _run(capsys, "alpha", str(folder), str(tmp_path / "out"), data_dir=tmp_path)
    assert code == 2 and "would both be written" in err


def test_bg_remove_command_on_a_project(demo_store: ProjectStore, capsys: pytest.CaptureFixture[str]) -> None:
    store = demo_store
    stored = store.write_file(
        store.image_path("demo", "potion", "original", "v1"), encode_png(make_case("grey", 1, size=64).rgba)
    )
    asset = Asset(
        id="potion",
        project_id="demo",
        versions=[{"id": "ver", "variants": [{"id": "v1", "originalPath": stored}]}],
    )
    store.write("demo", "assets", asset)
    code, out, err = _run(
        capsys,
        "--json",
        "bg-remove",
        "demo",
        "potion",
        "--variant",
        "v1",
        "--erode",
        "1",
        data_dir=store.root,
    )
    assert code == 0, err
    output = json.loads(out)
    assert output["alphaPath"] == "projects/demo/files/images/potion/alpha/v1.png"
    assert store.read("demo", "assets", "potion").versions[0].variants[0].processing.bg_remove.erode == 1
    code, _, err = _run(capsys, "bg-remove", "demo", "potion", data_dir=store.root)
    assert code == 2 and "no approved variant" in err
