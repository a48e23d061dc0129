"""The managed ComfyUI's command line: --cpu unless the runtime's own torch sees CUDA; ComfyUI's own
cross-origin check stays on, and the check works."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assetgen.errors import InvalidInput
from assetgen.settings import Settings
from orchestrator import comfy_process
from orchestrator.comfy_process import ComfyRuntime, build_command

RUNTIME = ComfyRuntime(comfyui_dir=Path("/nonexistent/ComfyUI"), python=Path("/usr/bin/python3"))


def settings_with(tmp_path: Path, comfyui_args: str) -> Settings:
    return Settings.from_env({"ASSETGEN_COMFYUI_ARGS": comfyui_args}, data_dir=tmp_path / "data")


def test_the_command_listens_on_loopback_without_cors(tmp_path: Path) -> None:
    command = build_command(settings_with(tmp_path, "--preview-method auto"), RUNTIME, 8188)
    assert command[command.index("--listen") + 1] == "127.0.0.1"
    assert not any(arg.startswith("--enable-cors-header") for arg in command)
    assert command[-2:] == ["--preview-method", "auto"]


@pytest.mark.parametrize(
    "flag", ["--enable-cors-header", "--enable-cors-header=*", "--enable-cors-header=http://x"]
)
def test_a_flag_that_turns_off_the_origin_check_is_refused(tmp_path: Path, flag: str) -> None:
    with pytest.raises(InvalidInput, match="enable-cors-header"):
        build_command(settings_with(tmp_path, f"--lowvram {flag}"), RUNTIME, 8188)


def post_prompt(url: str, headers: dict[str, str]) -> int:
    """POST an (empty, invalid) prompt to ComfyUI's /prompt; the status it answers."""
    request = urllib.request.Request(
        f"{url}/prompt", data=json.dumps({"prompt": {}}).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.comfy
def test_the_managed_comfyui_refuses_a_cross_origin_prompt(comfy_env) -> None:
    _, state = comfy_env
    assert not any(arg.startswith("--enable-cors-header") for arg in state.command)
    own = f"http://{urlsplit(state.url).netloc}"
    for content_type in ("text/plain", "application/json"):
        for origin in ("http://evil.example", "http://127.0.0.1:1", "http://localhost:1"):
            assert post_prompt(state.url, {"Origin": origin, "Content-Type": content_type}) == 403, origin
    # From its own origin the request reaches the handler, which refuses the empty prompt as a bad request.
    assert post_prompt(state.url, {"Origin": own, "Content-Type": "application/json"}) == 400


@pytest.mark.comfy
def test_the_managed_comfyui_refuses_a_rebinding_host(comfy_env) -> None:
    """A rebinding page sends its own name as Host and Origin: ComfyUI's origin check lets that through,
    the node pack's Host guard does not."""
    _, state = comfy_env
    port = urlsplit(state.url).port
    rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    assert post_prompt(state.url, {**rebound, "Content-Type": "application/json"}) == 421
    for path in ("/system_stats", "/history", "/object_info"):
        request = urllib.request.Request(f"{state.url}{path}", headers={"Host": f"evil.example:{port}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 421, path
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        request = urllib.request.Request(f"{state.url}/system_stats", headers={"Host": host})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200


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
