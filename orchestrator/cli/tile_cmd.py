"""``assetgen tile``: seams of tile images, a 3x3 repeat preview, and a terrain set from two tiles.

    assetgen tile check IMAGE... [--axes both|x|y] [--max-ratio R] [--json]
    assetgen tile preview IMAGE --out PNG [--grid N]
    assetgen tile set TERRAIN0 TERRAIN1 --out DIR [--names grass,dirt] [--ring-px 2] [--base NAME]

``check`` prints the seam ratio per axis (1.0 = no visible seam) and whether the border is full-bleed;
the exit code is 1 when any image fails (ratio above --max-ratio or a plain border). ``set`` composes
the 16-tile Wang 2-corner set from two seamless square tiles (no ComfyUI: corner masks only) and writes
the atlas with its Godot 4/3, Tiled, TexturePacker and Unity files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.errors import InvalidInput
from assetgen.export.tileset import tileset_bundle
from assetgen.ids import validate_id
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.seams import measure_seams, repeat_grid
from assetgen.post.tileset import build_tileset
from assetgen.store import write_bytes_atomic
from orchestrator.cli import EXIT_FAILED, CliContext


def register(sub: argparse._SubParsersAction) -> None:
    tile = sub.add_parser("tile", help="seamless tiles: seam check, 3x3 preview, terrain set")
    tile_sub = tile.add_subparsers(dest="tile_command", metavar="SUBCOMMAND")
    tile_sub.required = True

    check = tile_sub.add_parser("check", help="print the seam ratio per axis of tile images")
    check.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    check.add_argument("--axes", choices=("both", "x", "y"), default="both", help="axes the tile repeats in")
    check.add_argument(
        "--max-ratio", type=float, default=1.15, help="highest passing seam ratio (default 1.15)"
    )
    check.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    check.set_defaults(handler=cmd_check)

    preview = tile_sub.add_parser("preview", help="write the tile repeated NxN (default 3x3)")
    preview.add_argument("image", type=Path, metavar="IMAGE")
    preview.add_argument("--out", type=Path, required=True, help="output PNG")
    preview.add_argument("--grid", type=int, default=3, help="tiles per side (1-16, default 3)")
    preview.set_defaults(handler=cmd_preview)

    tileset = tile_sub.add_parser("set", help="compose a 16-tile Wang 2-corner terrain set from two tiles")
    tileset.add_argument("terrain0", type=Path, metavar="TERRAIN0", help="seamless tile for corner bit 0")
    tileset.add_argument("terrain1", type=Path, metavar="TERRAIN1", help="seamless tile for corner bit 1")
    tileset.add_argument("--out", type=Path, required=True, help="output folder (created)")
    tileset.add_argument("--names", default="terrain0,terrain1", help="two terrain names, comma-separated")
    tileset.add_argument("--ring-px", type=int, default=2, help="outer ring kept exact (default 2)")
    tileset.add_argument("--base", default="tileset", help="file name base (an id)")
    tileset.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    tileset.set_defaults(handler=cmd_set)


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    results = []
    for path in args.images:
        measures = measure_seams(read_rgba(path), args.axes)
        results.append(
            {
                "image": str(path),
                "passes": all(m.passes(args.max_ratio) for m in measures),
                "axes": [m.as_dict() for m in measures],
            }
        )

    def text() -> str:
        lines = []
        for r in results:
            parts = [
                f"{a['axis']}={a['ratio']:.3f}{'' if a['fullBleed'] else ' (plain border)'}"
                for a in r["axes"]
            ]
            lines.append(f"{r['image']}: {' '.join(parts)} {'ok' if r['passes'] else 'SEAM'}")
        return "\n".join(lines)

    ctx.emit(results, text)
    return 0 if all(r["passes"] for r in results) else EXIT_FAILED


def cmd_preview(args: argparse.Namespace, ctx: CliContext) -> int:
    grid = repeat_grid(read_rgba(args.image), columns=args.grid, rows=args.grid)
    write_bytes_atomic(args.out, encode_png(grid))
    ctx.emit({"out": str(args.out), "w": grid.shape[1], "h": grid.shape[0]}, f"wrote {args.out}")
    return 0


def cmd_set(args: argparse.Namespace, ctx: CliContext) -> int:
    names = [n.strip() for n in args.names.split(",")]
    if len(names) != 2 or not all(names):
        raise InvalidInput(f"--names needs two comma-separated terrain names, got {args.names!r}")
    validate_id(args.base, what="file name base")
    tileset = build_tileset(
        read_rgba(args.terrain0),
        read_rgba(args.terrain1),
        terrains=(names[0], names[1]),
        ring_px=args.ring_px,
    )
    for name, data in tileset_bundle(tileset, base=args.base).items():
        write_bytes_atomic(args.out / name, data)
    record = tileset.record()
    ctx.emit(
        {"out": str(args.out), **record},
        f"wrote {len(tileset.tiles)} tiles to {args.out} (edges differing: {record['edgeMismatchPx']} px)",
    )
    return 0
