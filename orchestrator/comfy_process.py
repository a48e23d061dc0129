"""The managed local ComfyUI: start it with our node pack and models, find it again, stop exactly it.

State lives under ``<data root>/runtime/comfyui/``: ``state.json`` (pid, port, url, command),
``comfyui.log``, ComfyUI's own input/output/user folders and its database, and the generated
``extra_model_paths.yaml`` that points ComfyUI at ``custom_nodes/`` of this repo and at the model
folders (the set-up cache's demo models, plus ``ASSETGEN_MODELS_DIR``). Nothing is copied into the
runtime.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from assetgen.clock import now_iso
from assetgen.errors import BackendUnavailable, Conflict, InvalidInput
from assetgen.generation.model_files import model_roots as assetgen_model_roots
from assetgen.origins import COMFYUI_HOST_GUARD_ENV
from assetgen.settings import PACKAGE_DIR, Settings
from assetgen.store import read_json, write_json_atomic

log = logging.getLogger(__name__)

COMFYUI_VERSION = "0.3.75"
SETUP_HINT = "run `make setup` (or set COMFYUI_DIR to an existing ComfyUI and COMFYUI_PYTHON to its python)"


@dataclass(frozen=True)
class ComfyRuntime:
    """Where ComfyUI's code is and which python runs it."""

    comfyui_dir: Path
    python: Path


@dataclass(frozen=True)
class ComfyState:
    """A running managed ComfyUI."""

    pid: int
    port: int
    url: str
    log_path: Path
    started_at: str
    command: list[str]


def resolve_runtime(settings: Settings) -> ComfyRuntime:
    """The ComfyUI to start: ``COMFYUI_DIR`` if set, else the one set-up installed in the cache."""
    if settings.comfyui_dir is not None:
        comfy = settings.comfyui_dir
        python = settings.comfyui_python or _guess_python(comfy)
    else:
        root = settings.cache_dir / f"comfyui-{COMFYUI_VERSION}"
        comfy, python = root / "ComfyUI", settings.comfyui_python or root / "venv" / "bin" / "python"
    if not (comfy / "main.py").is_file():
        raise BackendUnavailable(f"no ComfyUI at {comfy} (main.py missing): {SETUP_HINT}")
    if not Path(python).is_file():
        raise BackendUnavailable(f"no python for ComfyUI at {python}: {SETUP_HINT}")
    return ComfyRuntime(comfyui_dir=comfy, python=Path(python))


def _guess_python(comfy: Path) -> Path:
    for candidate in (
        comfy / "venv" / "bin" / "python",
        comfy / ".venv" / "bin" / "python",
        comfy.parent / "venv" / "bin" / "python",
    ):
        if candidate.is_file():
            return candidate
    return Path(sys.executable)


def run_dir(settings: Settings) -> Path:
    return settings.data_dir / "runtime" / "comfyui"


def model_roots(settings: Settings) -> list[Path]:
    """Folders holding checkpoints/ and loras/: the demo models first, then the user's own."""
    return assetgen_model_roots(settings)


def extra_model_paths_yaml(settings: Settings) -> str:
    """ComfyUI's --extra-model-paths-config: our node pack and model folders, no copies."""
    lines = []
    for index, root in enumerate(model_roots(settings)):
        lines += [
            f"assetgen_{index}:",
            f"  base_path: {json.dumps(str(root))}",
            "  checkpoints: checkpoints",
            "  loras: loras",
            "  vae: vae",
            "  controlnet: controlnet",
        ]
        if index == 0:
            lines.append(f"  custom_nodes: {json.dumps(str(PACKAGE_DIR.parent))}")
    return "\n".join(lines) + "\n"


# Imports torch (seconds) only for a CUDA build: a CPU-only build has no libtorch_cuda next to it.
CUDA_PROBE = """
import importlib.util, pathlib, sys
spec = importlib.util.find_spec("torch")
if spec is None or not any((pathlib.Path(spec.origin).parent / "lib").glob("libtorch_cuda*")):
    print("cpu"); sys.exit(0)
import torch
print("cuda" if torch.cuda.is_available() else "cpu")
"""


def runtime_device(runtime: ComfyRuntime) -> str:
    """``cuda`` when the runtime's own torch sees a GPU (``torch.cuda.is_available()`` in its python), else
    ``cpu``. Asked of the runtime, not of nvidia-smi: a GPU host whose runtime holds a CPU-only torch must
    still start ComfyUI with --cpu, and a CUDA torch without a usable driver too."""
    try:
        result = subprocess.run(
            [str(runtime.python), "-c", CUDA_PROBE], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning(
            "could not ask %s for its torch device (%s); starting ComfyUI with --cpu", runtime.python, exc
        )
        return "cpu"
    lines = result.stdout.strip().splitlines()
    return "cuda" if lines and lines[-1] == "cuda" else "cpu"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ComfyUI flags that turn off its origin-only middleware (which refuses a cross-origin POST to /prompt
# on loopback): a web page could then queue workflows on the managed ComfyUI. Never passed through.
UNSAFE_COMFYUI_FLAGS = ("--enable-cors-header",)


def refuse_unsafe_flags(args: tuple[str, ...] | list[str]) -> None:
    """InvalidInput when extra ComfyUI flags would let other web pages use the managed ComfyUI."""
    for arg in args:
        if arg.split("=", 1)[0] in UNSAFE_COMFYUI_FLAGS:
            raise InvalidInput(
                f"ASSETGEN_COMFYUI_ARGS contains {arg}, which lets any web page queue work on the managed "
                "ComfyUI (it turns off ComfyUI's cross-origin check); remove it"
            )


def build_command(
    settings: Settings, runtime: ComfyRuntime, port: int, *, force_cpu: bool = False
) -> list[str]:
    """The ComfyUI command line: loopback only, its cross-origin check left on; ``--cpu`` unless the
    runtime's torch sees a GPU (or ``force_cpu``)."""
    refuse_unsafe_flags(settings.comfyui_args)
    folder = run_dir(settings)
    cmd = [
        str(runtime.python),
        "main.py",
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        "--extra-model-paths-config",
        str(folder / "extra_model_paths.yaml"),
        "--database-url",
        f"sqlite:///{folder / 'comfyui.db'}",
        "--output-directory",
        str(folder / "output"),
        "--input-directory",
        str(folder / "input"),
        "--user-directory",
        str(folder / "user"),
        "--disable-auto-launch",
    ]
    if "--cpu" not in settings.comfyui_args and (force_cpu or runtime_device(runtime) != "cuda"):
        cmd.append("--cpu")
    return cmd + list(settings.comfyui_args)


def is_answering(url: str, *, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/system_stats", timeout=timeout_s) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def device_of(url: str, *, timeout_s: float = 2.0) -> str | None:
    """The device ComfyUI computes on, as its /system_stats names it (e.g. ``cuda:0 NVIDIA H200``, ``cpu``)."""
    try:
        with urllib.request.urlopen(f"{url}/system_stats", timeout=timeout_s) as response:
            devices = json.load(response).get("devices") or []
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return str(devices[0].get("name") or devices[0].get("type")) if devices else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_our_process(state: ComfyState) -> bool:
    """The pid is alive and still runs the command we started (pids get reused)."""
    if not _pid_alive(state.pid):
        return False
    try:
        cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid
    return b"main.py" in cmdline and str(state.port).encode() in cmdline


def read_state(settings: Settings) -> ComfyState | None:
    path = run_dir(settings) / "state.json"
    if not path.is_file():
        return None
    data = read_json(path)
    return ComfyState(
        pid=int(data["pid"]),
        port=int(data["port"]),
        url=data["url"],
        log_path=Path(data["logPath"]),
        started_at=data["startedAt"],
        command=list(data["command"]),
    )


def status(settings: Settings) -> dict:
    """What the managed ComfyUI is doing: running (and answering) or stopped, with its log file."""
    state = read_state(settings)
    log_path = run_dir(settings) / "comfyui.log"
    if state is None or not _is_our_process(state):
        return {"running": False, "logPath": str(log_path)}
    return {
        "running": True,
        "answering": is_answering(state.url),
        "device": device_of(state.url),
        "pid": state.pid,
        "port": state.port,
        "url": state.url,
        "startedAt": state.started_at,
        "logPath": str(state.log_path),
    }


def start(
    settings: Settings, *, port: int | None = None, timeout_s: float = 180.0, force_cpu: bool = False
) -> ComfyState:
    """Start the managed ComfyUI (detached), wait until it answers, record its pid and port.

    Returns the existing state when it already runs. Raises BackendUnavailable, naming the log,
    when it does not answer within ``timeout_s``.
    """
    folder = run_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    # Several workers may ask at once: one starts it, the others find it running.
    with open(folder / "start.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _start_locked(settings, port=port, timeout_s=timeout_s, force_cpu=force_cpu)


def _start_locked(
    settings: Settings, *, port: int | None, timeout_s: float, force_cpu: bool = False
) -> ComfyState:
    existing = read_state(settings)
    if existing is not None and _is_our_process(existing):
        if port is not None and port != existing.port:
            raise Conflict(f"the managed ComfyUI already runs on port {existing.port} (pid {existing.pid})")
        return existing
    runtime = resolve_runtime(settings)
    folder = run_dir(settings)
    for sub in ("output", "input", "user"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "extra_model_paths.yaml").write_text(extra_model_paths_yaml(settings))
    port = port or free_port()
    command = build_command(settings, runtime, port, force_cpu=force_cpu)
    log_path = folder / "comfyui.log"
    env = dict(os.environ)
    # Measured here: one thread per op halves sampling time on a loaded 2-core machine.
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("ORT_DISABLE_TELEMETRY", "1")
    env["ASSETGEN_DATA_DIR"] = str(settings.data_dir)
    env["ASSETGEN_CACHE_DIR"] = str(settings.cache_dir)
    env[COMFYUI_HOST_GUARD_ENV] = "1"  # the node pack refuses foreign Host headers (DNS rebinding)
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            command,
            cwd=runtime.comfyui_dir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    state = ComfyState(
        pid=process.pid,
        port=port,
        url=f"http://127.0.0.1:{port}",
        log_path=log_path,
        started_at=now_iso(),
        command=command,
    )
    write_json_atomic(
        folder / "state.json",
        {
            "pid": state.pid,
            "port": state.port,
            "url": state.url,
            "logPath": str(log_path),
            "startedAt": state.started_at,
            "command": command,
        },
    )
    log.info("started ComfyUI pid=%s port=%s log=%s", state.pid, port, log_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            (folder / "state.json").unlink(missing_ok=True)
            raise BackendUnavailable(
                f"ComfyUI exited with code {process.returncode} during start-up; see {log_path}"
            )
        if is_answering(state.url, timeout_s=1.0):
            return state
        time.sleep(0.5)
    stop(settings)
    raise BackendUnavailable(
        f"ComfyUI did not answer on port {port} within {timeout_s:.0f} s; see {log_path}"
    )


def stop(settings: Settings, *, timeout_s: float = 20.0) -> bool:
    """Stop exactly the process ``start`` recorded (TERM, then KILL). Returns False if none ran."""
    state = read_state(settings)
    state_path = run_dir(settings) / "state.json"
    if state is None:
        return False
    if not _is_our_process(state):
        state_path.unlink(missing_ok=True)
        return False
    os.killpg(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _pid_alive(state.pid):
        time.sleep(0.2)
    if _pid_alive(state.pid):
        os.killpg(state.pid, signal.SIGKILL)
    state_path.unlink(missing_ok=True)
    log.info("stopped ComfyUI pid=%s", state.pid)
    return True
