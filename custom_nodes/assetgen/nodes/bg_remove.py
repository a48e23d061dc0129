"""Remove Background node: IMAGE -> IMAGE (RGBA) + MASK, calling assetgen.imaging.alpha."""

from __future__ import annotations

import torch
from comfy_api.latest import io

from assetgen.errors import AssetgenError
from assetgen.imaging.alpha import (
    DEFAULT_THRESHOLD,
    METHODS,
    RemovalOptions,
    remove_background,
    session_source,
)
from assetgen.nodes._convert import image_to_rgba_arrays, rgba_arrays_to_image_and_mask
from assetgen.settings import Settings


class AssetGenRemoveBackground(io.ComfyNode):
    """Cuts sprites out of their backgrounds (colorkey, a rembg model, or auto)."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenRemoveBackground",
            display_name="Remove Background (assetgen)",
            category="assetgen/post",
            description="Cuts sprites out of flat, noisy, gradient or vignetted backgrounds (colorkey), "
            "or of cluttered ones with a local rembg model (auto picks). Outputs RGBA and the removed mask.",
            inputs=[
                io.Image.Input("image", tooltip="Generated variants, any batch size."),
                io.Combo.Input(
                    "method",
                    options=list(METHODS),
                    default="auto",
                    tooltip="auto: colorkey on clean backgrounds, the model on cluttered ones; colorkey: "
                    "no model; rembg: the model only.",
                ),
                io.Float.Input(
                    "threshold",
                    default=DEFAULT_THRESHOLD,
                    min=0.0,
                    max=255.0,
                    step=1.0,
                    tooltip="0-255. colorkey: colour distance (OKLab) under which a border-connected pixel is "
                    "background, raised to 3.5x the measured noise. rembg: mask levels cut off.",
                ),
                io.Float.Input(
                    "feather_px", default=0.0, min=0.0, max=16.0, step=0.5, tooltip="Soft edge width in px."
                ),
                io.Int.Input("erode_px", default=0, min=0, max=16, tooltip="Shrink the opaque area by px."),
                io.Boolean.Input(
                    "clear_holes",
                    default=True,
                    tooltip="Also clear enclosed regions of the background colour (e.g. inside a ring).",
                ),
                io.Int.Input(
                    "hole_min_area_px",
                    default=0,
                    min=0,
                    max=1 << 20,
                    tooltip="Smallest enclosed hole that is cleared, in px; 0 = 1/1000 of the image (at least 16).",
                ),
                io.String.Input(
                    "model",
                    default="",
                    tooltip="rembg model name (installed under the rembg home) or a .onnx path; "
                    "empty = ASSETGEN_REMBG_MODEL (u2netp).",
                ),
            ],
            outputs=[
                io.Image.Output(display_name="image", tooltip="RGBA cut-outs (4 channels)."),
                io.Mask.Output(display_name="mask", tooltip="1 = removed (ComfyUI's mask convention)."),
            ],
        )

    @classmethod
    def validate_inputs(
        cls, method: str, threshold: float, feather_px: float, erode_px: int, **kwargs
    ) -> bool | str:
        try:
            RemovalOptions(threshold=threshold, feather_px=feather_px, erode_px=erode_px)
        except AssetgenError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        image: torch.Tensor,
        method: str,
        threshold: float,
        feather_px: float,
        erode_px: int,
        clear_holes: bool,
        hole_min_area_px: int,
        model: str,
    ) -> io.NodeOutput:
        settings = Settings.from_env()
        options = RemovalOptions(
            threshold=threshold,
            feather_px=feather_px,
            erode_px=erode_px,
            clear_holes=clear_holes,
            hole_min_area_px=hole_min_area_px or None,
        )
        session = session_source(
            method, model=model or None, rembg_home=settings.rembg_dir(), default_model=settings.rembg_model
        )
        cutouts = [
            remove_background(rgba, method=method, options=options, session=session).rgba
            for rgba in image_to_rgba_arrays(image)
        ]
        return io.NodeOutput(*rgba_arrays_to_image_and_mask(cutouts))
