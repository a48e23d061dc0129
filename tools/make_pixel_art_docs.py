"""Write the before/after pictures of docs/pipeline/pixel-art.md (small PNGs, made from the synthetic
alpha test set, so no model or download is needed).

    .venv/bin/python tools/make_pixel_art_docs.py [OUT_DIR]   (default docs/pipeline/pixel-art/)

Each strip shows, left to right, on a checkerboard: the soft-edged 256x256 cut-out; Pillow resize (BOX)
+ quantize to the same palette; assetgen pixelate; with a 1-px outline; with Bayer 4x4 dithering. The
pixel art is 32x32, shown 6x (nearest).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assetgen.image_files import encode_png  # noqa: E402
from assetgen.imaging.palette import parse_hex_colors  # noqa: E402
from assetgen.imaging.pixel_art import PixelArtOptions, palette_from_anchor, pixelate, upscale_nearest  # noqa: E402
from tests.assetgen.imaging.alpha_testset import make_case  # noqa: E402

PICO8 = parse_hex_colors(
    ["#000000", "#1d2b53", "#7e2553", "#008751", "#ab5236", "#5f574f", "#c2c3c7", "#fff1e8",
     "#ff004d", "#ffa300", "#ffec27", "#00e436", "#29adff", "#83769c", "#ff77a8", "#ffccaa"]
)  # fmt: skip
TILE, LOGICAL, SHOW = 192, 32, 6
LABELS = ("input (soft alpha)", "Pillow BOX+quantize", "assetgen pixelate", "+ outline", "+ bayer4")


def checker(size: int) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size]
    grey = np.where(((ys // 12) + (xs // 12)) % 2 == 0, 205, 235).astype(np.uint8)
    return np.dstack([grey, grey, grey])


def over_checker(rgba: np.ndarray) -> np.ndarray:
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    return (rgba[..., :3] * alpha + checker(rgba.shape[0]) * (1 - alpha)).astype(np.uint8)


def pillow(rgba: np.ndarray, palette: np.ndarray) -> np.ndarray:
    flat = palette.reshape(-1).tolist()
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette(flat + flat[:3] * (256 - len(palette)))
    small = Image.fromarray(rgba, "RGBA").resize((LOGICAL, LOGICAL), Image.Resampling.BOX)
    rgb = np.asarray(
        small.convert("RGB").quantize(palette=palette_image, dither=Image.Dither.NONE).convert("RGB")
    )
    return np.dstack([rgb, np.asarray(small)[..., 3]])


def strip(rgba: np.ndarray, palette: np.ndarray) -> Image.Image:
    size = PixelArtOptions(width=LOGICAL, height=LOGICAL)
    panels = [
        np.asarray(Image.fromarray(rgba, "RGBA").resize((TILE, TILE), Image.Resampling.LANCZOS)),
        upscale_nearest(pillow(rgba, palette), SHOW),
        upscale_nearest(pixelate(rgba, palette, size).rgba, SHOW),
        upscale_nearest(
            pixelate(rgba, palette, PixelArtOptions(width=LOGICAL, height=LOGICAL, outline=True)).rgba, SHOW
        ),
        upscale_nearest(
            pixelate(rgba, palette, PixelArtOptions(width=LOGICAL, height=LOGICAL, dither="bayer4")).rgba,
            SHOW,
        ),
    ]
    canvas = Image.new("RGB", (TILE * len(panels) + 8 * (len(panels) - 1), TILE + 18), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for index, (panel, label) in enumerate(zip(panels, LABELS, strict=True)):
        x = index * (TILE + 8)
        canvas.paste(Image.fromarray(over_checker(panel)), (x, 18))
        draw.text((x + 2, 3), label, fill=(40, 40, 40))
    return canvas


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else REPO / "docs" / "pipeline" / "pixel-art"
    out.mkdir(parents=True, exist_ok=True)
    for name, kind, index, use_anchor in (
        ("potion", "saturated", 1, False),
        ("gradient", "gradient", 2, True),
    ):
        case = make_case(kind, index, size=256, seed=3)
        cutout = case.rgba.copy()
        cutout[..., 3] = np.round(case.alpha * 255).astype(np.uint8)
        palette = (
            palette_from_anchor(cutout, PixelArtOptions(width=LOGICAL, height=LOGICAL), max_colors=8)
            if use_anchor
            else PICO8
        )
        picture = strip(cutout, palette)
        path = out / f"{name}-strip.png"
        buffer = np.asarray(picture.convert("RGBA"))
        path.write_bytes(encode_png(buffer, compress_level=9))
        print(f"{path} ({path.stat().st_size // 1024} KiB, palette {'anchor 8' if use_anchor else 'PICO-8'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
