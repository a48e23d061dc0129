"""A second ComfyUI install (COMFYUI_DIR + COMFYUI_PYTHON), the user's own models (ASSETGEN_MODELS_DIR) and
extra flags (ASSETGEN_COMFYUI_ARGS), started and stopped as the managed ComfyUI."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from assetgen.image_files import read_png_text
from assetgen.settings import Settings
from orchestrator import comfy_process
from orchestrator.comfy_client import ComfyClient

pytestmark = pytest.mark.comfy


def plain_prompt(ckpt_name: str) -> dict:
    """Checkpoint -> 128x128 in 2 steps -> SaveImage: ComfyUI's own nodes only."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ckpt_name}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["1", 1], "text": "a chest"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["1", 1], "text": ""}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 128, "height": 128, "batch_size": 1}},
        "5": {
            "class_type": "KSampler",
            "inputs": {
                "model": ["1", 0],
                "positive": ["2", 0],
                "negative": ["3", 0],
                "latent_image": ["4", 0],
                "seed": 11,
                "steps": 2,
                "cfg": 7.0,
                "sampler_name": "euler",
                "scheduler": "normal",
                "denoise": 1.0,
            },
        },
        "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
        "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "own_install"}},
    }


def test_a_second_install_with_own_models_and_extra_flags(tmp_path: Path) -> None:
    cache = Settings.from_env().cache_dir
    runtime = cache / "comfyui-0.3.75"
    if not (runtime / "ComfyUI" / "main.py").is_file():
        pytest.fail(f"no cached ComfyUI at {runtime}: run `make setup`")
    install = tmp_path / "their-comfy" / "ComfyUI"
    shutil.copytree(
        runtime / "ComfyUI",
        install,
        ignore=shutil.ignore_patterns("__pycache__", "user", "output", "input", "*.db"),
    )
    models = tmp_path / "my-models"
    (models / "checkpoints").mkdir(parents=True)
    (models / "loras").mkdir()
    (models / "checkpoints" / "my_own_ckpt.safetensors").symlink_to(
        cache / "models" / "checkpoints" / "ckpt_sd15_demo.safetensors"
    )
    env = {
        "ASSETGEN_CACHE_DIR": str(cache),
        "COMFYUI_DIR": str(install),
        "COMFYUI_PYTHON": str(runtime / "venv" / "bin" / "python"),
        "ASSETGEN_MODELS_DIR": str(models),
        "ASSETGEN_COMFYUI_ARGS": "--disable-metadata --preview-method none",
    }
    settings = Settings.from_env(env, data_dir=tmp_path / "data")
    state = comfy_process.start(settings, timeout_s=300)
    try:
        argv = Path(f"/proc/{state.pid}/cmdline").read_bytes().split(b"\0")
        assert Path(os.readlink(f"/proc/{state.pid}/cwd")) == install, "COMFYUI_DIR is the install that runs"
        assert argv[0].decode() == env["COMFYUI_PYTHON"]
        assert b"--disable-metadata" in argv and b"--preview-method" in argv
        with urllib.request.urlopen(f"{state.url}/object_info/CheckpointLoaderSimple") as response:
            info = json.load(response)
        names = info["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0]
        assert "my_own_ckpt.safetensors" in names and "ckpt_sd15_demo.safetensors" in names

        async def generate() -> dict:
            async with aiohttp.ClientSession() as session:
                client = ComfyClient(state.url, session)
                return await client.wait(await client.submit(plain_prompt("my_own_ckpt.safetensors")))

        entry = asyncio.run(generate())
        (image,) = entry["outputs"]["7"]["images"]
        png = comfy_process.run_dir(settings) / "output" / image["subfolder"] / image["filename"]
        assert png.is_file(), "generated from the checkpoint in ASSETGEN_MODELS_DIR"
        assert "prompt" not in read_png_text(png.read_bytes()), "--disable-metadata reached ComfyUI"
    finally:
        assert comfy_process.stop(settings)
    assert comfy_process.status(settings)["running"] is False
