"""``assetgen pack FRAMES... --out DIR``: pack image files into a spritesheet (PNG + TexturePacker JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assetgen.errors import InvalidInput, NotFound
from assetgen.image_files import read_rgba
from assetgen.imaging.spritesheet import SpriteFrame, build_spritesheet
from assetgen.models.atlas import PackSettings
from assetgen.post.animation import natural_sort_key
from assetgen.post.atlas_build import name_frames, sheet_files, write_sheet_files
from orchestrator.cli import CliContext

IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".jpeg", ".gif", ".bmp", ".tga")


def register(sub: argparse._SubParsersAction) -> None:
    pack = sub.add_parser(
        "pack",
        help="pack image files into a spritesheet (PNG + TexturePacker JSON + preview)",
        description="Frames are packed in argument order; a folder adds its images in natural name order. "
        "Without --animation, frames named <prefix>_<number> form an animation called <prefix>.",
    )
    pack.add_argument("frames", nargs="+", type=Path, metavar="FRAMES", help="image files or folders")
    pack.add_argument("--out", type=Path, required=True, help="output folder")
    pack.add_argument("--name", default="atlas", help="base name of the files (default: atlas)")
    pack.add_argument("--max-size", type=int, default=2048, help="largest page side in px (default 2048)")
    pack.add_argument("--padding", type=int, default=2, help="px between sprites (default 2)")
    pack.add_argument("--extrude", type=int, default=0, help="edge px repeated around sprites (default 0)")
    pack.add_argument("--pot", action="store_true", help="power-of-two page sizes")
    pack.add_argument("--no-trim", action="store_true", help="keep transparent borders")
    pack.add_argument("--rotate", action="store_true", help="allow 90-degree rotation")
    pack.add_argument("--pivot", default="0.5,0.5", help="pivot X,Y normalised 0..1 (default 0.5,0.5)")
    pack.add_argument("--fps", type=float, default=12.0, help="animation frames per second (default 12)")
    loop = pack.add_mutually_exclusive_group()
    loop.add_argument(
        "--loop", dest="loop", action="store_true", default=True, help="animations loop (default)"
    )
    loop.add_argument("--no-loop", dest="loop", action="store_false", help="animations play once")
    pack.add_argument("--animation", help="all frames form this animation, named <NAME>_00, <NAME>_01 ...")
    pack.set_defaults(handler=cmd_pack)


def collect_frame_files(paths: list[Path]) -> list[Path]:
    """Files in argument order; a folder contributes its images in natural name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES),
                key=lambda p: natural_sort_key(p.name),
            )
            if not found:
                raise InvalidInput(f"{path}: folder holds no images ({', '.join(IMAGE_SUFFIXES)})")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise NotFound(f"{path}: no such file or folder")
    return files


def parse_pivot(text: str) -> tuple[float, float]:
    """``"0.5,1"`` -> (0.5, 1.0); InvalidInput otherwise."""
    try:
        x_text, y_text = text.split(",")
        return float(x_text), float(y_text)
    except ValueError as exc:
        raise InvalidInput(f"--pivot {text!r}: write X,Y with numbers in 0..1, e.g. 0.5,1") from exc


def _progress_bar(done: int, total: int) -> None:
    if total < 50 or not sys.stderr.isatty():
        return
    filled = 30 * done // total
    end = "\n" if done == total else ""
    print(f"\rpacking [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end=end, file=sys.stderr)


def cmd_pack(args: argparse.Namespace, ctx: CliContext) -> int:
    files = collect_frame_files(args.frames)
    pivot_x, pivot_y = parse_pivot(args.pivot)
    names, animations = name_frames(
        [f.stem for f in files], animation=args.animation, fps=args.fps, loop=args.loop
    )
    try:
        settings = PackSettings(
            max_size_px=args.max_size,
            padding_px=args.padding,
            extrude_px=args.extrude,
            trim=not args.no_trim,
            allow_rotation=args.rotate,
            power_of_two=args.pot,
        )
    except ValueError as exc:
        raise InvalidInput(f"pack settings: {' '.join(str(exc).split())}") from exc
    frames = [SpriteFrame(n, read_rgba(f), pivot_x, pivot_y) for n, f in zip(names, files, strict=True)]
    sheet = build_spritesheet(frames, settings=settings, on_progress=_progress_bar)
    written = write_sheet_files(args.out, sheet_files(sheet, base_name=args.name, animations=animations))
    result = {
        "files": [str(p) for p in written],
        "frames": len(frames),
        "pages": [{"w": p.shape[1], "h": p.shape[0]} for p in sheet.pages],
        "animations": {a.name: len(a.frames) for a in animations},
    }
    sizes = ", ".join(f"{p.shape[1]}x{p.shape[0]}" for p in sheet.pages)
    ctx.emit(result, f"packed {len(frames)} frames into {len(sheet.pages)} page(s) ({sizes}) in {args.out}")
    return 0
