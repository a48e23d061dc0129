"""The Pixelate to Palette node in ComfyUI's own Python (marked ``comfy``): same pixels as the core, one
palette for the batch, mask = 1 - alpha, validation messages."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assetgen.errors import AssetgenError
from assetgen.image_files import encode_png
from assetgen.imaging.palette import parse_hex_colors
from assetgen.imaging.pixel_art import PixelArtOptions, palette_from_anchor, pixelate
from assetgen.settings import PACKAGE_DIR, Settings
from orchestrator import comfy_process
from tests.assetgen.imaging.alpha_testset import make_case

pytestmark = pytest.mark.comfy

NODE_SCRIPT = r"""
import asyncio, json, sys
args, sys.argv = sys.argv[1:], [sys.argv[0], "--cpu"]
import comfy.options
comfy.options.enable_args_parsing()
import numpy as np, torch
from PIL import Image
import assetgen
nodes = asyncio.run(asyncio.run(assetgen.comfy_entrypoint()).get_node_list())
node = next(n for n in nodes if n.define_schema().node_id == "AssetGenPixelate")
schema = node.define_schema()
frames = [np.asarray(Image.open(p).convert("RGBA")) for p in args[:2]]
image = torch.from_numpy(np.stack(frames).astype(np.float32) / 255.0)
out = node.execute(image, "anchor", 4, 0, 0, 6, "none", True, "median", 2)
picture, mask, palette = out.result
np.save(args[2], (picture.numpy() * 255.0 + 0.5).astype(np.uint8))
print(json.dumps({
    "picture": list(picture.shape), "palette": palette,
    "maskIsInverseAlpha": bool(torch.allclose(mask, 1.0 - picture[..., 3])),
    "tooltips": all(i.tooltip for i in schema.inputs),
    "category": schema.category, "display": schema.display_name,
    "badDither": node.validate_inputs(grid_px=4, width=0, height=0, dither="floyd", outline=False,
                                      cell_color="median"),
    "badSize": node.validate_inputs(grid_px=4, width=8, height=0, dither="none", outline=False,
                                    cell_color="median"),
}))
"""


@pytest.fixture(scope="module")
def runtime() -> comfy_process.ComfyRuntime:
    try:
        return comfy_process.resolve_runtime(Settings.from_env())
    except AssetgenError as exc:
        pytest.fail(f"the ComfyUI runtime is missing: {exc}")


def test_pixelate_node_matches_the_core(tmp_path: Path, runtime: comfy_process.ComfyRuntime) -> None:
    frames = []
    for index, kind in enumerate(("white", "gradient")):
        case = make_case(kind, index, size=64)
        cutout = case.rgba.copy()
        cutout[..., 3] = np.round(case.alpha * 255).astype(np.uint8)
        (tmp_path / f"f{index}.png").write_bytes(encode_png(cutout))
        frames.append(cutout)
    env = {"PYTHONPATH": f"{runtime.comfyui_dir}:{PACKAGE_DIR.parent}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [str(runtime.python), "-c", NODE_SCRIPT, str(tmp_path / "f0.png"), str(tmp_path / "f1.png"),
         str(tmp_path / "out.npy")],
        capture_output=True, text=True, timeout=180, cwd=runtime.comfyui_dir, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["picture"] == [2, 32, 32, 4] and report["maskIsInverseAlpha"] and report["tooltips"]
    assert report["category"] == "assetgen/post" and report["display"] == "Pixelate to Palette (assetgen)"
    assert "dither" in report["badDither"] and "width and height" in report["badSize"]
    options = PixelArtOptions(grid_px=4, outline=True)
    palette = palette_from_anchor(frames[0], options, max_colors=6)
    assert parse_hex_colors(report["palette"].split(",")).tolist() == palette.tolist()
    out = np.load(tmp_path / "out.npy")
    for index, frame in enumerate(frames):
        expected = pixelate(frame, palette, options).rgba
        assert np.array_equal(out[index][::2, ::2], expected)
