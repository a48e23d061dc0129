"""Image bytes <-> the core's one image type, a uint8 RGBA array of shape (H, W, 4).

Decoding is defensive: any input (a decompression bomb, a truncated file, a zero-byte file, a JPEG
named .png, 16-bit, palette-with-transparency, CMYK, greyscale) gives either a correct RGBA array or
an ``InvalidInput`` that says what is wrong with which file, never a Pillow traceback.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from assetgen.errors import InvalidInput, NotFound

# 64 megapixels: a 8192x8192 sheet still opens; a bomb does not.
MAX_PIXELS = 8192 * 8192
MAX_FILE_BYTES = 256 * 2**20


def decode_rgba(data: bytes, *, name: str = "image", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode PNG/JPEG/WebP/... bytes into uint8 RGBA (H, W, 4); ``name`` is used in error messages."""
    if not data:
        raise InvalidInput(f"{name}: empty file (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise InvalidInput(
                        f"{name}: {width}x{height} is larger than the {max_pixels}-pixel limit "
                        "(a decompression bomb or an image too large for a sprite pipeline)"
                    )
                if width == 0 or height == 0:
                    raise InvalidInput(f"{name}: image has no pixels ({width}x{height})")
                image.load()
                return _to_rgba(image)
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput(f"{name}: refused as a decompression bomb ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise InvalidInput(f"{name}: not an image Pillow can read (PNG, JPEG, WebP, ...)") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InvalidInput(f"{name}: damaged or truncated image ({exc})") from exc


def _to_rgba(image: Image.Image) -> np.ndarray:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale: scale to 8 bits instead of clipping.
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or values.max() > 255 else 255.0
        grey = np.clip(np.round(values / top * 255.0), 0, 255).astype(np.uint8)
        return np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    if mode == "CMYK":
        image = image.convert("RGB")
    elif mode == "P" or mode == "PA":
        image = image.convert("RGBA")  # keeps palette transparency (tRNS)
    elif mode in ("LA", "L", "1", "RGB", "RGBX", "YCbCr", "LAB", "HSV", "F"):
        image = image.convert("RGBA") if mode != "F" else image.convert("L").convert("RGBA")
    if image.mode != "RGBA":
        image = image.convert("RGBA")
    array = np.asarray(image, dtype=np.uint8)
    return np.ascontiguousarray(array)


def read_rgba(path: Path, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image file into uint8 RGBA (H, W, 4) with the checks of ``decode_rgba``."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise NotFound(f"{path}: no such file") from exc
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder, not an image")
    if size > MAX_FILE_BYTES:
        raise InvalidInput(f"{path}: {size} bytes is over the {MAX_FILE_BYTES}-byte limit")
    return decode_rgba(path.read_bytes(), name=str(path), max_pixels=max_pixels)


def as_rgba(array: np.ndarray) -> np.ndarray:
    """Validate (and if needed widen) an array to uint8 RGBA (H, W, 4)."""
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] not in (3, 4):
        raise InvalidInput(f"expected a uint8 image of shape (H, W, 3|4), got {array.dtype} {array.shape}")
    if array.shape[2] == 3:
        array = np.dstack([array, np.full(array.shape[:2], 255, np.uint8)])
    return array


def encode_png(rgba: np.ndarray, *, text: Mapping[str, str] | None = None, compress_level: int = 6) -> bytes:
    """Encode RGBA (or RGB) uint8 as PNG bytes, with optional tEXt/iTXt metadata chunks."""
    array = as_rgba(rgba)
    image = Image.fromarray(array, "RGBA")
    info = None
    if text:
        info = PngImagePlugin.PngInfo()
        for key, value in text.items():
            info.add_itxt(key, value)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, compress_level=compress_level)
    return buffer.getvalue()


def encode_webp(rgba: np.ndarray, *, max_side_px: int = 256, quality: int = 85) -> bytes:
    """A preview thumbnail: downscaled to fit ``max_side_px`` (never upscaled), WebP with alpha."""
    image = Image.fromarray(as_rgba(rgba), "RGBA")
    image.thumbnail((max_side_px, max_side_px), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=quality, method=4)
    return buffer.getvalue()


def read_png_text(data: bytes) -> dict[str, str]:
    """The text chunks (tEXt/iTXt/zTXt) of a PNG, e.g. the generation metadata assetgen embeds."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return {str(k): str(v) for k, v in getattr(image, "text", {}).items()}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"cannot read PNG metadata: {exc}") from exc
