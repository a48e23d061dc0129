"""How the managed ComfyUI's command line is chosen: --cpu unless the runtime's own torch sees CUDA."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assetgen.settings import Settings
from orchestrator import comfy_process


def test_the_device_is_asked_of_the_runtime_python(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path)
    try:
        runtime = comfy_process.resolve_runtime(settings)
    except Exception as exc:
        pytest.fail(f"the ComfyUI runtime is missing ({exc}): run `make setup`")
    # The set-up's runtime holds the CPU build of torch here (no libtorch_cuda), so it says cpu.
    assert comfy_process.runtime_device(runtime) == "cpu"
    assert "--cpu" in comfy_process.build_command(settings, runtime, 8188)


def test_a_python_without_torch_or_cuda_means_cpu_and_force_cpu_wins(tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path)
    fake = comfy_process.ComfyRuntime(comfyui_dir=tmp_path, python=Path(sys.executable))
    assert comfy_process.runtime_device(fake) == "cpu"  # this venv has no torch
    missing = comfy_process.ComfyRuntime(comfyui_dir=tmp_path, python=tmp_path / "no-python")
    assert comfy_process.runtime_device(missing) == "cpu"
    command = comfy_process.build_command(settings, fake, 8188, force_cpu=True)
    assert command.count("--cpu") == 1
