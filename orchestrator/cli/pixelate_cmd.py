"""``assetgen pixelate``: image files made exact pixel art (one grid, one palette, binary alpha).

    assetgen pixelate IN... --out DIR [--grid N | --size WxH] --palette ID_OR_FILE [--project P]
                      [--max-colors K] [--dither none|bayer2|bayer4|bayer8] [--outline]
                      [--cell-color median|mode] [--preview-scale S] [--json]
    assetgen pixelate-asset PROJECT ASSET [--variant ID ...] [same settings]   (what a pixelate job does)

IN are files or folders (their images, not recursive). The palette is a palette file (.hex, .gpl,
.pal JASC, .png swatches), a comma-separated list of #rrggbb, ``anchor`` (k colours of the first
input, used for all of them) or, with ``--project``, a palette id of that project's catalog. One
palette holds for every file of the call. Without --grid/--size the grid is detected per image.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from assetgen.errors import AssetgenError, InvalidInput, NotFound
from assetgen.image_files import encode_png, read_rgba
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
    grid_mismatch_px,
    non_binary_alpha_px,
    palette_conformity,
    palette_from_anchor,
    pixelate,
    upscale_nearest,
)
from assetgen.models import Size
from assetgen.models.pixel_art import PixelArtSettings, PixelateInput
from assetgen.post.pixelate import run_pixelate
from assetgen.specs.pixel_art import ANCHOR, catalog_palette
from assetgen.store import write_bytes_atomic
from orchestrator.cli import EXIT_FAILED, CliContext
from orchestrator.cli.alpha_cmd import IMAGE_SUFFIXES
from orchestrator.progress_bar import ProgressBar


def _size(text: str) -> Size:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"size must be WxH, e.g. 32x32, got {text!r}") from exc
    return Size(w=w, h=h)


def _add_settings(parser: argparse.ArgumentParser, *, palette_required: bool) -> None:
    grid = parser.add_mutually_exclusive_group()
    grid.add_argument("--grid", type=int, help="source px per pixel-art pixel (default: detected)")
    grid.add_argument("--size", type=_size, help="pixel-art size WxH (e.g. 32x32)")
    parser.add_argument(
        "--palette",
        required=palette_required,
        help="palette file (.hex .gpl .pal .png), '#rrggbb,...', 'anchor', or a palette id with --project",
    )
    parser.add_argument("--max-colors", type=int, help="colours taken with --palette anchor (default 16)")
    parser.add_argument("--dither", choices=DITHER_MODES, help="ordered dithering (default none)")
    parser.add_argument("--outline", action="store_true", help="1-px outline in the palette's darkest colour")
    parser.add_argument(
        "--cell-color", choices=CELL_COLOR_MODES, help="per-cell colour: median (default) or mode"
    )
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")


def register(sub: argparse._SubParsersAction) -> None:
    files = sub.add_parser(
        "pixelate",
        help="make images exact pixel art: one grid, one palette, alpha 0/255",
        description="Pixelate image files into DIR with one palette for all of them.",
    )
    files.add_argument("inputs", type=Path, nargs="+", metavar="IN", help="image files or folders")
    files.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder (created)")
    files.add_argument("--project", help="project whose catalogs/palettes.json holds --palette ID")
    files.add_argument(
        "--preview-scale", type=int, default=0, help="also write <name>.preview.png upscaled (nearest) by S"
    )
    _add_settings(files, palette_required=True)
    files.set_defaults(handler=cmd_pixelate)

    job = sub.add_parser(
        "pixelate-asset",
        help="pixelate an asset's variants now (what a pixelate job does)",
        description="Writes files/images/<asset>/pixel/<variant>.png and records variant.processing.pixelate.",
    )
    job.add_argument("project_id", metavar="PROJECT")
    job.add_argument("asset_id", metavar="ASSET")
    job.add_argument("--variant", action="append", dest="variants", help="a variant id (repeatable)")
    _add_settings(job, palette_required=False)
    job.set_defaults(handler=cmd_pixelate_asset)


def _inputs(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not found:
                raise NotFound(f"{path}: no images ({', '.join(IMAGE_SUFFIXES)}) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise NotFound(f"{path}: no such file or folder")
    names: dict[str, Path] = {}
    for path in files:
        if path.stem in names:
            raise InvalidInput(f"{path} and {names[path.stem]} would both be written as {path.stem}.png")
        names[path.stem] = path
    return files


def _options(args: argparse.Namespace) -> PixelArtOptions:
    size: Size | None = args.size
    return PixelArtOptions(
        grid_px=args.grid,
        width=size.w if size else None,
        height=size.h if size else None,
        dither=args.dither or "none",
        outline=args.outline,
        cell_color=args.cell_color or "median",
    )


def _palette(
    args: argparse.Namespace, ctx: CliContext, first: np.ndarray, options: PixelArtOptions
) -> tuple[np.ndarray, str]:
    """The one palette of the call and where it came from (file, anchor, colours or catalog)."""
    value: str = args.palette
    path = Path(value)
    if path.suffix.lower() in PALETTE_FILE_SUFFIXES:
        if not path.is_file():
            raise NotFound(f"--palette {value!r}: no such palette file")
        return parse_palette_file(path.name, path.read_bytes()), f"file:{path.name}"
    if value == ANCHOR:
        return palette_from_anchor(first, options, max_colors=args.max_colors or 16), "anchor:" + str(
            args.inputs[0]
        )
    if value.startswith("#") or "," in value:
        return parse_hex_colors(value.split(","), name="--palette"), "colors"
    if args.project:
        return catalog_palette(ctx.store, args.project, value), f"catalog:{value}"
    raise InvalidInput(
        f"--palette {value!r}: not a palette file ({', '.join(PALETTE_FILE_SUFFIXES)}), not 'anchor' or"
        " #rrggbb colours; to use a catalog palette id, add --project"
    )


def cmd_pixelate(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.preview_scale < 0 or args.preview_scale > 64:
        raise InvalidInput(f"--preview-scale must be 0-64, got {args.preview_scale}")
    files = _inputs(args.inputs)
    options = _options(args)
    first = read_rgba(files[0])
    palette, source = _palette(args, ctx, first, options)
    args.out.mkdir(parents=True, exist_ok=True)
    bar = ProgressBar("pixelate", enabled=len(files) > 1 and not ctx.as_json)
    results: list[dict[str, Any]] = []
    failed = 0
    for index, src in enumerate(files):
        bar.update(index, len(files), src.name)
        try:
            rgba = first if index == 0 else read_rgba(src)
            result = pixelate(rgba, palette, options)
        except AssetgenError as exc:
            if len(files) == 1:
                raise
            failed += 1
            results.append({"input": str(src), "output": None, "error": " ".join(str(exc).split())})
            continue
        dst = args.out / f"{src.stem}.png"
        write_bytes_atomic(dst, encode_png(result.rgba))
        entry: dict[str, Any] = {
            "input": str(src),
            "output": str(dst),
            "size": {"w": result.rgba.shape[1], "h": result.rgba.shape[0]},
            "sourceSize": {"w": rgba.shape[1], "h": rgba.shape[0]},
            "gridPx": round(result.scale_x, 4),
            "detectedGrid": result.grid.cell_px if result.grid else None,
            "paletteConformity": palette_conformity(result.rgba, palette),
            "nonBinaryAlphaPx": non_binary_alpha_px(result.rgba),
        }
        if result.grid is not None and result.grid.cell_px == 1:
            entry["warning"] = "no pixel grid found: quantized at full size; give --grid or --size"
        if args.preview_scale:
            preview = upscale_nearest(result.rgba, args.preview_scale)
            preview_path = args.out / f"{src.stem}.preview.png"
            write_bytes_atomic(preview_path, encode_png(preview))
            entry["preview"] = str(preview_path)
            entry["previewGridMismatchPx"] = grid_mismatch_px(preview, args.preview_scale)
        results.append(entry)
    bar.close(f"{len(files) - failed} written")
    data = {"palette": palette_to_hex(palette), "paletteSource": source, "files": results, "failed": failed}

    def text() -> str:
        lines = [
            f"{e['input']} -> {e['output']} ({e['size']['w']}x{e['size']['h']}, "
            f"conformity {e['paletteConformity']:.3f})"
            + (f" warning: {e['warning']}" if "warning" in e else "")
            for e in results
            if "error" not in e
        ]
        lines += [f"{e['input']}: error: {e['error']}" for e in results if "error" in e]
        lines.append(
            f"palette {source} ({len(palette)} colours); {len(files) - failed} written, {failed} failed"
        )
        return "\n".join(lines)

    ctx.emit(data, text)
    return EXIT_FAILED if failed else 0


def cmd_pixelate_asset(args: argparse.Namespace, ctx: CliContext) -> int:
    size: Size | None = args.size
    fields = {
        "grid_px": args.grid,
        "size": size,
        "palette": args.palette,
        "max_colors": args.max_colors,
        "dither": args.dither,
        "outline": True if args.outline else None,
        "cell_color": args.cell_color,
    }
    overrides = PixelArtSettings(**{k: v for k, v in fields.items() if v is not None})
    request = PixelateInput(asset_id=args.asset_id, variant_ids=args.variants, settings=overrides)
    output = run_pixelate(ctx.store, args.project_id, request)
    lines = [
        f"{r['variantId']}: {r['pixelPath']} ({r['size']['w']}x{r['size']['h']})" for r in output["results"]
    ]
    lines.append(f"palette {output['paletteSource']} ({len(output['palette'])} colours)")
    ctx.emit(output, "\n".join(lines))
    return 0
