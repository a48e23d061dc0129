"""The Remove Background node, in ComfyUI's own Python and inside a running ComfyUI (marked ``comfy``)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest

from assetgen.errors import AssetgenError
from assetgen.image_files import decode_rgba, encode_png
from assetgen.imaging.alpha import remove_background
from assetgen.settings import PACKAGE_DIR, Settings
from orchestrator import comfy_process
from tests.assetgen.imaging.alpha_testset import iou, make_case

pytestmark = pytest.mark.comfy

NODE_SCRIPT = r"""
import asyncio, json, sys
args, sys.argv = sys.argv[1:], [sys.argv[0], "--cpu"]  # the node pack imports comfy modules: parse --cpu first
import comfy.options
comfy.options.enable_args_parsing()
import numpy as np, torch
from PIL import Image
import assetgen
from comfy_api.latest import io
nodes = asyncio.run(asyncio.run(assetgen.comfy_entrypoint()).get_node_list())
node = next(n for n in nodes if n.define_schema().node_id == "AssetGenRemoveBackground")
schema = node.define_schema()
rgba = np.asarray(Image.open(args[0]).convert("RGBA"))
image = torch.from_numpy(np.stack([rgba[:, :, :3], rgba[:, :, :3]]).astype(np.float32) / 255.0)
out = node.execute(image, "colorkey", 24.0, 0.0, 0, True, 0, "")
picture, mask = out.result
np.save(args[1], (picture.numpy() * 255.0 + 0.5).astype(np.uint8))
print(json.dumps({
    "picture": list(picture.shape), "mask": list(mask.shape),
    "maskIsInverseAlpha": bool(torch.allclose(mask, 1.0 - picture[..., 3])),
    "tooltips": all(i.tooltip for i in schema.inputs),
    "category": schema.category,
    "badThreshold": node.validate_inputs(method="auto", threshold=999.0, feather_px=0.0, erode_px=0),
}))
"""


@pytest.fixture(scope="module")
def runtime() -> comfy_process.ComfyRuntime:
    try:
        return comfy_process.resolve_runtime(Settings.from_env())
    except AssetgenError as exc:
        pytest.fail(f"the ComfyUI runtime is missing: {exc}")


def test_node_in_comfyui_python_matches_the_core(tmp_path: Path, runtime: comfy_process.ComfyRuntime) -> None:
    case = make_case("gradient", 2, size=96)
    source = tmp_path / "in.png"
    source.write_bytes(encode_png(case.rgba))
    env = {"PYTHONPATH": f"{runtime.comfyui_dir}:{PACKAGE_DIR.parent}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [str(runtime.python), "-c", NODE_SCRIPT, str(source), str(tmp_path / "out.npy")],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=runtime.comfyui_dir,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["picture"] == [2, 96, 96, 4] and report["mask"] == [2, 96, 96]
    assert report["maskIsInverseAlpha"] and report["tooltips"] and report["category"] == "assetgen/post"
    assert "out of range" in report["badThreshold"]
    out = np.load(tmp_path / "out.npy")
    expected = remove_background(case.rgba, method="colorkey").rgba
    assert np.abs(out[0].astype(int) - expected.astype(int)).max() <= 1


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_node_runs_in_a_real_comfyui(tmp_path: Path, artifacts_dir: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path / "data")
    state = comfy_process.start(settings, timeout_s=180)
    try:
        info = _get(f"{state.url}/object_info/AssetGenRemoveBackground")["AssetGenRemoveBackground"]
        assert info["category"] == "assetgen/post" and set(info["input"]["required"]) >= {
            "image",
            "method",
            "threshold",
        }
        case = make_case("vignette", 1, size=128)
        (comfy_process.run_dir(settings) / "input" / "sprite.png").write_bytes(
            encode_png(case.rgba[:, :, :3])
        )
        prefix = f"alpha_{uuid.uuid4().hex[:8]}"
        prompt = {
            "1": {"class_type": "LoadImage", "inputs": {"image": "sprite.png"}},
            "2": {
                "class_type": "AssetGenRemoveBackground",
                "inputs": {
                    "image": ["1", 0],
                    "method": "auto",
                    "threshold": 24.0,
                    "feather_px": 0.0,
                    "erode_px": 0,
                    "clear_holes": True,
                    "hole_min_area_px": 0,
                    "model": "",
                },
            },
            "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": prefix}},
        }
        body = json.dumps({"prompt": prompt, "client_id": "assetgen-test"}).encode()
        request = urllib.request.Request(
            f"{state.url}/prompt", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            prompt_id = json.loads(response.read())["prompt_id"]
        deadline = time.monotonic() + 120
        history: dict = {}
        while time.monotonic() < deadline and prompt_id not in history:
            time.sleep(0.5)
            history = _get(f"{state.url}/history/{prompt_id}")
        entry = history[prompt_id]
        assert entry["status"]["status_str"] == "success", entry["status"]
        saved = entry["outputs"]["3"]["images"][0]
        path = comfy_process.run_dir(settings) / "output" / saved.get("subfolder", "") / saved["filename"]
        rgba = decode_rgba(path.read_bytes())
        (artifacts_dir / "comfyui_alpha.png").write_bytes(path.read_bytes())
        assert rgba.shape == (128, 128, 4)
        assert iou(case.alpha, rgba[:, :, 3]) > 0.97
    finally:
        comfy_process.stop(settings)
