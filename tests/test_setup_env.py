"""The set-up picks the CUDA build of torch where an NVIDIA GPU answers, the CPU build elsewhere."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from assetgen.settings import REPO_DIR


def setup_env():
    spec = importlib.util.spec_from_file_location("setup_env", REPO_DIR / "tools" / "setup_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_nvidia_smi(folder: Path, exit_code: int) -> None:
    tool = folder / "nvidia-smi"
    tool.write_text(f"#!/bin/sh\necho 'GPU 0: NVIDIA H200'\nexit {exit_code}\n")
    tool.chmod(0o755)


@pytest.mark.parametrize(("smi_exit", "flavor"), [(0, "cuda"), (9, "cpu"), (None, "cpu")])
def test_the_torch_build_follows_nvidia_smi(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smi_exit: int | None, flavor: str
) -> None:
    if smi_exit is not None:  # a driver that answers, or one that is installed but finds no GPU
        fake_nvidia_smi(tmp_path, smi_exit)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("ASSETGEN_TORCH", raising=False)
    assert setup_env().torch_flavor() == flavor


def test_assetgen_torch_decides_and_a_bad_value_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_nvidia_smi(tmp_path, 0)
    monkeypatch.setenv("PATH", str(tmp_path))
    module = setup_env()
    monkeypatch.setenv("ASSETGEN_TORCH", "CPU")
    assert module.torch_flavor() == "cpu"
    monkeypatch.setenv("ASSETGEN_TORCH", "rocm")
    with pytest.raises(SystemExit, match="ASSETGEN_TORCH must be cpu or cuda, not 'rocm'"):
        module.torch_flavor()
