"""Background removal: removers keyed by method name, one entry point for the node, job and CLI.

    auto       colorkey on clean backgrounds, the rembg model on cluttered ones (``auto.py``)
    colorkey   border-colour model + flood fill + soft edges, no model needed (``colorkey.py``)
    rembg      any local rembg ONNX model, never downloaded (``model.py``)

``remove_background(rgba, method=..., options=RemovalOptions(...), session=...)`` returns a
``Cutout``; the model session (``open_model_session``) is the expensive object, built once by the
caller and passed in. Importing this package does not import rembg.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.imaging.alpha.auto import remove_background_auto
from assetgen.imaging.alpha.colorkey import remove_background_colorkey
from assetgen.imaging.alpha.cutout import DEFAULT_THRESHOLD, Cutout, RemovalOptions, default_hole_min_area_px
from assetgen.imaging.alpha.model import (
    DEFAULT_MODEL,
    ModelSession,
    SessionSource,
    installed_models,
    model_file,
    open_model_session,
    remove_background_rembg,
    resolve_session,
    session_source,
)


class BackgroundRemover(Protocol):
    """One removal method: RGBA uint8 in, ``Cutout`` out."""

    def __call__(self, rgba: np.ndarray, *, options: RemovalOptions, session: SessionSource) -> Cutout: ...


def _colorkey(rgba: np.ndarray, *, options: RemovalOptions, session: SessionSource) -> Cutout:
    return remove_background_colorkey(rgba, options=options)


def _rembg(rgba: np.ndarray, *, options: RemovalOptions, session: SessionSource) -> Cutout:
    model = resolve_session(session)
    if model is None:
        raise InvalidInput("the rembg method needs a model session (open_model_session); none was given")
    return remove_background_rembg(rgba, session=model, options=options)


def _auto(rgba: np.ndarray, *, options: RemovalOptions, session: SessionSource) -> Cutout:
    return remove_background_auto(rgba, options=options, session=session)


REMOVERS: Mapping[str, BackgroundRemover] = MappingProxyType(
    {"auto": _auto, "colorkey": _colorkey, "rembg": _rembg}
)
METHODS: tuple[str, ...] = tuple(REMOVERS)


def get_remover(method: str) -> BackgroundRemover:
    """The remover registered under ``method``; InvalidInput listing the valid names otherwise."""
    try:
        return REMOVERS[method]
    except KeyError:
        raise InvalidInput(
            f"unknown background removal method {method!r}; use one of {list(METHODS)}"
        ) from None


def remove_background(
    rgba: np.ndarray,
    *,
    method: str = "auto",
    options: RemovalOptions | None = None,
    session: SessionSource = None,
) -> Cutout:
    """Remove the background of one RGBA uint8 (H, W, 4) image with ``method`` (auto|colorkey|rembg).

    ``session`` is an open model session or a provider that opens one on first use.
    """
    return get_remover(method)(rgba, options=options or RemovalOptions(), session=session)


__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_THRESHOLD",
    "METHODS",
    "REMOVERS",
    "BackgroundRemover",
    "Cutout",
    "ModelSession",
    "RemovalOptions",
    "SessionSource",
    "default_hole_min_area_px",
    "get_remover",
    "installed_models",
    "model_file",
    "open_model_session",
    "remove_background",
    "resolve_session",
    "session_source",
]
