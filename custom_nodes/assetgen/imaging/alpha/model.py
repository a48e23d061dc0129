"""Background removal with a rembg model session (U^2-Net, IS-Net, BiRefNet ... as ONNX), offline only.

Nothing is downloaded at run time. A built-in model name (``u2netp``, ``u2net``, ``isnet-anime``,
``birefnet-general`` ...) is used only when its file is already at
``<rembg home>/models/<name>/<name>.onnx`` (set-up puts ``u2netp`` there); a path to any local
``.onnx`` file is opened with a ``*_custom`` session (``u2net_custom`` by default: 320x320 input,
ImageNet normalisation, like every U^2-Net export). rembg is imported only here, lazily: its first
import takes 30-45 s while numba compiles.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from scipy import ndimage

from assetgen.errors import BackendUnavailable, InvalidInput, NotFound
from assetgen.image_files import as_rgba
from assetgen.imaging.alpha import matte
from assetgen.imaging.alpha.cutout import Cutout, RemovalOptions

log = logging.getLogger(__name__)

DEFAULT_MODEL = "u2netp"
CUSTOM_SESSIONS = ("u2net_custom", "dis_custom", "ben_custom")
# rembg sessions that cannot run from one local ONNX file.
_UNSUPPORTED = {
    "sam": "it needs a separate encoder and decoder and point prompts",
    "atlascloud": "it sends the image to a remote service",
    "withoutbg": "it needs several model files from a remote service",
}
# rembg reads its model folder from the environment (REMBG_HOME, U2NET_HOME) while a session is
# built; the lock keeps two threads from building sessions with different folders at once.
_ENV_LOCK = threading.Lock()
_SOLID = 0.9  # model alpha at or above which a pixel's colour is trusted as foreground


@dataclass(frozen=True)
class ModelSession:
    """An open rembg session: built once (slow), then passed to every removal call."""

    name: str
    model_path: Path
    session: Any

    @property
    def label(self) -> str:
        """What records store as the model: the built-in name, or the custom file's name."""
        return self.name if self.name not in CUSTOM_SESSIONS else self.model_path.name


# What removers accept as a model: an open session, a zero-argument provider that opens one on first
# use (so a batch of clean images never imports rembg), or None.
SessionSource = ModelSession | Callable[[], "ModelSession | None"] | None


def resolve_session(source: SessionSource) -> ModelSession | None:
    """The session a ``SessionSource`` stands for (calling a provider)."""
    if source is None or isinstance(source, ModelSession):
        return source
    return source()


def rembg_available() -> bool:
    """Whether rembg and onnxruntime are installed in this Python (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rembg", "onnxruntime"))


def import_rembg() -> ModuleType:
    """Import rembg (with onnxruntime telemetry off) or raise BackendUnavailable saying how to install it."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    try:
        import rembg
    except (ImportError, SystemExit) as exc:  # plain `rembg` without onnxruntime calls sys.exit(1)
        raise BackendUnavailable(
            "rembg is not installed in this Python: install it with pip install 'rembg[cpu]==2.0.86' "
            "(or use the colorkey method, which needs no model)"
        ) from exc
    return rembg


def model_file(rembg_home: Path, name: str) -> Path:
    """Where the ONNX file of built-in model ``name`` must be: <rembg home>/models/<name>/<name>.onnx."""
    return Path(rembg_home) / "models" / name / f"{name}.onnx"


def installed_models(rembg_home: Path) -> list[str]:
    """Built-in model names whose ONNX file is present under ``rembg_home``."""
    base = Path(rembg_home) / "models"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / f"{p.name}.onnx").is_file())


@contextlib.contextmanager
def _rembg_home(home: Path) -> Iterator[None]:
    with _ENV_LOCK:
        saved = {key: os.environ.get(key) for key in ("REMBG_HOME", "U2NET_HOME")}
        os.environ["REMBG_HOME"] = str(home)
        os.environ.pop("U2NET_HOME", None)  # it would win over REMBG_HOME
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _is_path(model: str | Path) -> bool:
    text = str(model)
    return isinstance(model, Path) or text.endswith(".onnx") or "/" in text or os.sep in text


def open_model_session(
    model: str | Path, *, rembg_home: Path, custom_session: str = "u2net_custom"
) -> ModelSession:
    """Open a rembg session for a built-in model name or a local ONNX file; never downloads.

    Raises NotFound (with where to put the file) for a model that is not present, InvalidInput for
    an unknown name, BackendUnavailable when rembg is not installed.
    """
    rembg_home = Path(rembg_home).expanduser().resolve()
    if _is_path(model):
        path = Path(model).expanduser().resolve()
        if not path.is_file():
            raise NotFound(f"model file {path} does not exist (give the path of a local .onnx file)")
        if custom_session not in CUSTOM_SESSIONS:
            raise InvalidInput(
                f"unknown custom session {custom_session!r}; use one of {list(CUSTOM_SESSIONS)}"
            )
        rembg = import_rembg()
        name, home, kwargs = custom_session, path.parent, {"model_path": str(path)}
    else:
        name = str(model)
        rembg = import_rembg()
        known = sorted(cls.name() for cls in rembg.sessions.sessions_class)
        if name in CUSTOM_SESSIONS:
            raise InvalidInput(f"{name} needs a model file: pass the path of a local .onnx file instead")
        if name not in known:
            raise InvalidInput(
                f"unknown rembg model {name!r}; installed: {installed_models(rembg_home) or 'none'}; "
                f"rembg knows: {[n for n in known if n not in _UNSUPPORTED and n not in CUSTOM_SESSIONS]}"
            )
        if name in _UNSUPPORTED:
            raise InvalidInput(f"rembg model {name!r} is not supported here: {_UNSUPPORTED[name]}")
        path = model_file(rembg_home, name)
        if not path.is_file():
            raise NotFound(
                f"rembg model {name!r} is not installed: put {name}.onnx at {path} (nothing is downloaded "
                f"at run time; `make setup` installs u2netp); installed: {installed_models(rembg_home) or 'none'}"
            )
        home, kwargs = rembg_home, {}
    try:
        with _rembg_home(home):
            session = rembg.new_session(name, **kwargs)
    except (ValueError, OSError, RuntimeError) as exc:
        raise InvalidInput(f"cannot open model {path} with rembg session {name!r}: {exc}") from exc
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types for a broken file
        if type(exc).__module__.startswith("onnxruntime"):
            raise InvalidInput(f"{path} is not a usable ONNX model: {exc}") from exc
        raise
    log.info("rembg session %s opened from %s", name, path)
    return ModelSession(name=name, model_path=path, session=session)


def predict_mask(rgba: np.ndarray, session: ModelSession) -> np.ndarray:
    """The model's foreground mask, uint8 (H, W), through ``rembg.remove(..., only_mask=True)``."""
    rembg = import_rembg()
    rgb = np.ascontiguousarray(as_rgba(rgba)[:, :, :3])
    try:
        mask = rembg.remove(rgb, session=session.session, only_mask=True)
    except Exception as exc:
        if type(exc).__module__.startswith("onnxruntime"):
            raise InvalidInput(
                f"model {session.model_path} failed on a {rgb.shape[1]}x{rgb.shape[0]} image: {exc}"
            ) from exc
        raise
    mask = np.asarray(mask)
    if mask.ndim == 3:
        mask = mask[:, :, 0]
    if mask.shape != rgb.shape[:2]:
        raise InvalidInput(
            f"model {session.model_path} returned a {mask.shape} mask for a {rgb.shape[:2]} image"
        )
    return mask.astype(np.uint8, copy=False)


def alpha_from_mask(mask: np.ndarray, *, threshold: float) -> np.ndarray:
    """Model mask levels to alpha: under ``threshold`` -> 0, over 255 - ``threshold`` -> 255, linear between."""
    t = min(float(threshold), 127.0)
    scaled = (mask.astype(np.float32) - t) * (255.0 / max(255.0 - 2 * t, 1.0))
    return np.clip(scaled + 0.5, 0, 255).astype(np.uint8)


def cut_out_with_mask(rgba: np.ndarray, alpha8: np.ndarray, *, options: RemovalOptions) -> np.ndarray:
    """Apply a soft alpha to ``rgba``: edge colours from the nearest solid foreground, then erode/feather."""
    rgba = as_rgba(rgba)
    rgb = rgba[:, :, :3].copy()
    solid = alpha8 >= round(_SOLID * 255)
    colour_known = alpha8 > 0
    if options.decontaminate and solid.any() and not solid.all():
        # Soft and just-transparent pixels next to solid foreground take its colour (no background bleed).
        edge = ~solid & ndimage.maximum_filter(solid.view(np.uint8), size=5).view(bool)
        filled = matte.bleed_colours(rgb, solid, radius_px=2)
        rgb[edge] = filled[edge]
        colour_known |= edge
    out = matte.finish(rgb, alpha8, colour_known, erode_px=options.erode_px, feather_px=options.feather_px)
    if (rgba[:, :, 3] < 255).any():
        out[:, :, 3] = (out[:, :, 3].astype(np.uint16) * rgba[:, :, 3] // 255).astype(np.uint8)
    return out


def remove_background_rembg(
    rgba: np.ndarray, *, session: ModelSession, options: RemovalOptions | None = None
) -> Cutout:
    """Cut out the foreground the model finds; ``options.threshold`` trims low-confidence mask levels."""
    options = options or RemovalOptions()
    mask = predict_mask(rgba, session)
    alpha8 = alpha_from_mask(mask, threshold=options.threshold)
    out = cut_out_with_mask(rgba, alpha8, options=options)
    return Cutout(rgba=out, method="rembg", details={"model": session.label})


def session_source(
    method: str, *, model: str | Path | None, rembg_home: Path, default_model: str
) -> SessionSource:
    """The model a removal ``method`` should use, for callers that run many images (CLI, job, node).

    colorkey: none. rembg: ``model`` (or ``default_model``) opened now, so a missing file fails
    before any image is processed. auto: a provider that opens the model on the first cluttered
    image; an explicit ``model`` must exist then, while a missing default model only means auto
    keys every image by colour.
    """
    if method == "colorkey":
        return None
    if method == "rembg":
        return open_model_session(model or default_model, rembg_home=rembg_home)
    opened: list[ModelSession | None] = []

    def provide() -> ModelSession | None:
        if not opened:
            if model is not None:
                opened.append(open_model_session(model, rembg_home=rembg_home))
            elif not rembg_available():
                log.info("auto: rembg is not installed in this Python; colorkey only")
                opened.append(None)
            elif _is_path(default_model) or model_file(rembg_home, default_model).is_file():
                opened.append(open_model_session(default_model, rembg_home=rembg_home))
            else:
                log.info(
                    "auto: default model %s not installed under %s; colorkey only", default_model, rembg_home
                )
                opened.append(None)
        return opened[0]

    return provide
