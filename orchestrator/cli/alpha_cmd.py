"""``assetgen alpha``: background removal for image files and folders; ``assetgen bg-remove``: for variants.

    assetgen alpha IN OUT [--method auto|colorkey|rembg] [--threshold T] [--feather F] [--erode E]
                          [--trim] [--padding P] [--json]
    assetgen bg-remove PROJECT ASSET [--variant ID ...] [same options]

IN may be a file or a folder (every image in it, not recursive); OUT is then a file or a folder
(created). Outputs are RGBA PNGs written atomically; a file that cannot be read is reported on
stderr and skipped, and the exit code is 1 when any file failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assetgen.errors import AssetgenError, InvalidInput, NotFound
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.alpha import METHODS, RemovalOptions, SessionSource, remove_background, session_source
from assetgen.imaging.trim import trim_to_alpha
from assetgen.models import BgRemoveInput
from assetgen.post.bg_remove import removal_options, removal_params, run_bg_remove
from assetgen.store import write_bytes_atomic
from orchestrator.cli import EXIT_FAILED, CliContext

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--method", choices=METHODS, default="auto", help="auto (default), colorkey or rembg")
    parser.add_argument(
        "--model", help="rembg model name installed under the rembg home, or a .onnx file (default: u2netp)"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        help="0-255: colour distance under which a border-connected pixel is background (colorkey, "
        "default 24, raised to 3.5x the measured noise) or mask level cut off (rembg)",
    )
    parser.add_argument("--feather", type=float, help="soft edge width in px (default 0)")
    parser.add_argument("--erode", type=int, help="shrink the opaque area by px (default 0)")
    parser.add_argument(
        "--keep-holes", action="store_true", help="do not clear enclosed regions of background colour"
    )
    parser.add_argument(
        "--hole-min-area",
        type=int,
        help="smallest enclosed hole cleared, px (default: 1/1000 of the image, at least 16)",
    )
    parser.add_argument("--trim", action="store_true", help="crop to the visible content")
    parser.add_argument("--padding", type=int, default=0, help="transparent px around trimmed content")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")


def register(sub: argparse._SubParsersAction) -> None:
    alpha = sub.add_parser(
        "alpha",
        help="remove the background of image files (RGBA PNG out)",
        description="Remove backgrounds: IN and OUT are files, or folders for a batch.",
    )
    alpha.add_argument("input", type=Path, metavar="IN", help="an image file or a folder of images")
    alpha.add_argument("output", type=Path, metavar="OUT", help="output PNG file, or folder")
    _add_options(alpha)
    alpha.set_defaults(handler=cmd_alpha)

    job = sub.add_parser(
        "bg-remove",
        help="remove the backgrounds of an asset's variants now (what a bg_remove job does)",
        description="Writes files/images/<asset>/alpha/<variant>.png and records variant.processing.bg_remove.",
    )
    job.add_argument("project_id", metavar="PROJECT")
    job.add_argument("asset_id", metavar="ASSET")
    job.add_argument(
        "--variant",
        action="append",
        dest="variants",
        help="a variant id (repeatable; default: approved ones)",
    )
    _add_options(job)
    job.set_defaults(handler=cmd_bg_remove)


def _request(args: argparse.Namespace, **extra: Any) -> BgRemoveInput:
    fields = {
        "method": args.method,
        "model": args.model,
        "threshold": args.threshold,
        "feather": args.feather,
        "erode": args.erode,
        "clear_holes": False if args.keep_holes else None,
        "hole_min_area_px": args.hole_min_area,
        "trim": args.trim,
        "padding": args.padding,
        **extra,
    }
    from assetgen.models.base import parse_model

    return parse_model(BgRemoveInput, {k: v for k, v in fields.items() if v is not None}, where="options")


def _pairs(source: Path, target: Path) -> list[tuple[Path, Path]]:
    """(input file, output file) pairs for IN and OUT."""
    if source.is_dir():
        if target.exists() and not target.is_dir():
            raise InvalidInput(f"{target}: IN is a folder, so OUT must be a folder too")
        files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise NotFound(f"{source}: no images ({', '.join(IMAGE_SUFFIXES)}) in this folder")
        pairs = [(p, target / f"{p.stem}.png") for p in files]
        seen: dict[Path, Path] = {}
        for src, dst in pairs:
            if dst in seen:
                raise InvalidInput(f"{src} and {seen[dst]} would both be written to {dst}: rename one")
            seen[dst] = src
        return pairs
    if not source.exists():
        raise NotFound(f"{source}: no such file or folder")
    if target.is_dir() or str(target).endswith(("/", "\\")):
        return [(source, target / f"{source.stem}.png")]
    if target.suffix.lower() != ".png":
        raise InvalidInput(f"{target}: the output is a PNG; name it .png or give a folder")
    return [(source, target)]


def _progress(done: int, total: int, name: str) -> None:
    if total < 2 or not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {name[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _process_file(
    src: Path, dst: Path, request: BgRemoveInput, options: RemovalOptions, session: SessionSource
) -> dict[str, Any]:
    rgba = read_rgba(src)
    cutout = remove_background(rgba, method=request.method, options=options, session=session)
    out = cutout.rgba
    entry: dict[str, Any] = {
        "input": str(src),
        "output": str(dst),
        "method": cutout.method,
        "sourceSize": {"w": rgba.shape[1], "h": rgba.shape[0]},
        "details": cutout.details,
    }
    if request.trim:
        trimmed = trim_to_alpha(out, padding_px=request.padding)
        out = trimmed.rgba
        entry["trim"] = trimmed.rect.model_dump(mode="json")
        entry["padding"] = trimmed.padding_px
    png = encode_png(out)
    dst.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(dst, png)
    return entry


def cmd_alpha(args: argparse.Namespace, ctx: CliContext) -> int:
    request = _request(args)
    options = removal_options(request)
    pairs = _pairs(args.input, args.output)
    session = session_source(
        request.method,
        model=request.model,
        rembg_home=ctx.settings.rembg_dir(),
        default_model=ctx.settings.rembg_model,
    )
    files: list[dict[str, Any]] = []
    failed = 0
    for index, (src, dst) in enumerate(pairs, start=1):
        try:
            files.append(_process_file(src, dst, request, options, session))
        except AssetgenError as exc:
            if len(pairs) == 1:
                raise
            failed += 1
            message = " ".join(str(exc).split())
            files.append({"input": str(src), "output": None, "error": message})
            sys.stderr.write(("\n" if sys.stderr.isatty() else "") + f"assetgen: error: {message}\n")
        _progress(index, len(pairs), src.name)
    data = {"params": removal_params(request, options), "files": files, "failed": failed}

    def text() -> str:
        lines = []
        for entry in files:
            if "error" in entry:
                continue
            trim = entry.get("trim")
            where = (
                f" trim {trim['x']},{trim['y']} {trim['w']}x{trim['h']} +{entry['padding']}px" if trim else ""
            )
            lines.append(f"{entry['input']} -> {entry['output']} ({entry['method']}{where})")
        lines.append(f"{len(files) - failed} written, {failed} failed")
        return "\n".join(lines)

    ctx.emit(data, text)
    return EXIT_FAILED if failed else 0


def cmd_bg_remove(args: argparse.Namespace, ctx: CliContext) -> int:
    request = _request(args, asset_id=args.asset_id, variant_ids=args.variants)
    session = session_source(
        request.method,
        model=request.model,
        rembg_home=ctx.settings.rembg_dir(),
        default_model=ctx.settings.rembg_model,
    )
    output = run_bg_remove(ctx.store, args.project_id, request, session=session)
    lines = [f"{r['variantId']}: {r['alphaPath']} ({r['method']})" for r in output["results"]]
    ctx.emit(output, "\n".join(lines))
    return 0
