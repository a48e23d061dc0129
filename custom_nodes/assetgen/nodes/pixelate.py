"""Pixelate to Palette node: IMAGE -> exact pixel art IMAGE + MASK + the palette used, via assetgen.imaging."""

from __future__ import annotations

from pathlib import Path

import torch
from comfy_api.latest import io

from assetgen.errors import AssetgenError, NotFound
from assetgen.imaging.palette import (
    PALETTE_FILE_SUFFIXES,
    palette_to_hex,
    parse_hex_colors,
    parse_palette_file,
)
from assetgen.imaging.pixel_art import (
    CELL_COLOR_MODES,
    DITHER_MODES,
    PixelArtOptions,
    palette_from_first_anchor,
    pixelate,
    upscale_nearest,
)
from assetgen.nodes._convert import image_to_rgba_arrays, rgba_arrays_to_image_and_mask


def _options(
    grid_px: int, width: int, height: int, dither: str, outline: bool, cell_color: str
) -> PixelArtOptions:
    return PixelArtOptions(
        grid_px=grid_px or None,
        width=width or None,
        height=height or None,
        dither=dither,  # type: ignore[arg-type]
        outline=outline,
        cell_color=cell_color,  # type: ignore[arg-type]
    )


class AssetGenPixelate(io.ComfyNode):
    """Makes a batch exact pixel art with ONE palette: on its grid, palette colours only, alpha 0/255."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenPixelate",
            display_name="Pixelate to Palette (assetgen)",
            category="assetgen/post",
            description="Downscales each image by a robust per-cell colour (OKLab median or mode), maps it to one "
            "palette in OKLab (no dithering by default), makes alpha 0/255 and optionally outlines it. The whole "
            "batch shares one palette, so animation frames stay consistent.",
            inputs=[
                io.Image.Input("image", tooltip="Images (RGBA cut-outs work best), any batch size."),
                io.String.Input(
                    "palette",
                    default="anchor",
                    tooltip="'anchor' (max_colors colours of the first image that is not blank), '#rrggbb,#rrggbb,...', or the path "
                    "of a .hex/.gpl/.pal/.png palette file.",
                ),
                io.Int.Input(
                    "grid_px", default=8, min=0, max=512, tooltip="Source px per pixel; 0 = detect."
                ),
                io.Int.Input(
                    "width", default=0, min=0, max=4096, tooltip="Pixel-art width; 0 = from the grid."
                ),
                io.Int.Input(
                    "height", default=0, min=0, max=4096, tooltip="Pixel-art height; 0 = from the grid."
                ),
                io.Int.Input("max_colors", default=16, min=1, max=256, tooltip="Colours taken for 'anchor'."),
                io.Combo.Input(
                    "dither", options=list(DITHER_MODES), default="none", tooltip="Ordered dithering."
                ),
                io.Boolean.Input(
                    "outline", default=False, tooltip="1-px outline in the darkest palette colour."
                ),
                io.Combo.Input(
                    "cell_color",
                    options=list(CELL_COLOR_MODES),
                    default="median",
                    tooltip="median: the cell's pixel nearest its OKLab median; mode: its most frequent colour.",
                ),
                io.Int.Input(
                    "preview_scale",
                    default=1,
                    min=1,
                    max=64,
                    tooltip="Nearest-neighbour upscale of the output for viewing (1 = the logical size).",
                ),
            ],
            outputs=[
                io.Image.Output(display_name="image", tooltip="Pixel art, RGBA (4 channels)."),
                io.Mask.Output(display_name="mask", tooltip="1 = transparent (ComfyUI's mask convention)."),
                io.String.Output(
                    display_name="palette", tooltip="The palette used, comma-separated #rrggbb."
                ),
            ],
        )

    @classmethod
    def validate_inputs(
        cls, grid_px: int, width: int, height: int, dither: str, outline: bool, cell_color: str, **kwargs
    ) -> bool | str:
        try:
            _options(grid_px, width, height, dither, outline, cell_color)
        except AssetgenError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        image: torch.Tensor,
        palette: str,
        grid_px: int,
        width: int,
        height: int,
        max_colors: int,
        dither: str,
        outline: bool,
        cell_color: str,
        preview_scale: int,
    ) -> io.NodeOutput:
        options = _options(grid_px, width, height, dither, outline, cell_color)
        images = image_to_rgba_arrays(image)
        text = palette.strip()
        if text == "anchor":
            colors = palette_from_first_anchor(images, options, max_colors=max_colors)[1]
        elif Path(text).suffix.lower() in PALETTE_FILE_SUFFIXES:
            if not Path(text).is_file():
                raise NotFound(f"palette file {text!r} not found")
            colors = parse_palette_file(Path(text).name, Path(text).read_bytes())
        else:
            colors = parse_hex_colors([c for c in text.split(",") if c.strip()], name="palette")
        arts = [upscale_nearest(pixelate(rgba, colors, options).rgba, preview_scale) for rgba in images]
        picture, mask = rgba_arrays_to_image_and_mask(arts)
        return io.NodeOutput(picture, mask, ",".join(palette_to_hex(colors)))
