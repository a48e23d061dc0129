"""``assetgen tile``: seams of tile images, a 3x3 repeat preview, and a terrain set from two tiles.

    assetgen tile check IMAGE... [--axes both|x|y] [--max-ratio R] [--json]
    assetgen tile preview IMAGE --out PNG [--grid N]
    assetgen tile set TERRAIN0 TERRAIN1 --out DIR [--names grass,dirt] [--ring-px 2] [--base NAME]
                     [--layout wang2corner|blob47]
    assetgen tile generate PROJECT SPEC [--no-inpaint] [--wait] [--keep-comfy]

``check`` prints the seam ratio per axis (1.0 = no visible seam) and whether the border is full-bleed;
the exit code is 1 when any image fails (ratio above --max-ratio or a plain border). ``set`` composes
the 16-tile Wang 2-corner set (or the 47-tile blob set) from two seamless square tiles (no ComfyUI:
corner masks only) and writes the atlas with its Godot 4/3, Tiled, TexturePacker and Unity files. ``generate`` queues a ``tileset``
job for a spec with ``output.kind: tileset`` (with --wait it runs here on ComfyUI): both terrains are
generated seamless, the transition bands repainted, and the set stored in files/atlases/<spec>-tileset/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.errors import InvalidInput
from assetgen.export.tileset import tileset_bundle
from assetgen.ids import validate_id
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.seams import measure_seams, repeat_grid
from assetgen.jobs import create_job
from assetgen.post.tileset import LAYOUTS, build_tileset
from assetgen.store import write_bytes_atomic
from orchestrator.cli import EXIT_FAILED, CliContext
from orchestrator.job_chains import run_job_here


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

    tileset = tile_sub.add_parser("set", help="compose a terrain set (Wang 2-corner or blob) from two tiles")
    tileset.add_argument("terrain0", type=Path, metavar="TERRAIN0", help="seamless tile for corner bit 0")
    tileset.add_argument("terrain1", type=Path, metavar="TERRAIN1", help="seamless tile for corner bit 1")
    tileset.add_argument("--out", type=Path, required=True, help="output folder (created)")
    tileset.add_argument("--names", default="terrain0,terrain1", help="two terrain names, comma-separated")
    tileset.add_argument("--ring-px", type=int, default=2, help="outer ring kept exact (default 2)")
    tileset.add_argument("--base", default="tileset", help="file name base (an id)")
    tileset.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="wang2corner",
        help="wang2corner (16 tiles) or blob47 (47 + background)",
    )
    tileset.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    tileset.set_defaults(handler=cmd_set)

    generate = tile_sub.add_parser(
        "generate", help="generate a spec's terrain tileset on ComfyUI (a tileset job)"
    )
    generate.add_argument("project_id", metavar="PROJECT")
    generate.add_argument("spec_id", metavar="SPEC")
    generate.add_argument("--no-inpaint", action="store_true", help="corner masks only, no band inpainting")
    generate.add_argument("--wait", action="store_true", help="run the job here and show its progress")
    generate.add_argument(
        "--keep-comfy", action="store_true", help="with --wait: leave a managed ComfyUI running"
    )
    generate.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    generate.set_defaults(handler=cmd_generate)


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
        layout=args.layout,
    )
    for name, data in tileset_bundle(tileset, base=args.base).items():
        write_bytes_atomic(args.out / name, data)
    record = tileset.record()
    ctx.emit(
        {"out": str(args.out), **record},
        f"wrote {len(tileset.tiles)} tiles to {args.out} (edges differing: {record['edgeMismatchPx']} px)",
    )
    return 0


def cmd_generate(args: argparse.Namespace, ctx: CliContext) -> int:
    spec = ctx.store.read(args.project_id, "specs", args.spec_id)  # a clear NotFound before a job exists
    if spec.output is None or spec.output.kind != "tileset" or spec.output.tileset is None:
        raise InvalidInput(
            f"spec {args.spec_id!r} is not a tileset: set output.kind 'tileset' and output.tileset"
        )
    job = create_job(
        ctx.store,
        args.project_id,
        "tileset",
        {"specId": args.spec_id, "regenerateBands": not args.no_inpaint},
    )
    if not args.wait:
        ctx.emit(job.model_dump(mode="json"), f"queued tileset job {job.id}; `assetgen worker` runs it")
        return 0
    final = run_job_here(
        ctx.settings,
        args.project_id,
        job.id,
        label=f"tileset {args.spec_id}",
        show_progress=not ctx.as_json,
        keep_comfy=args.keep_comfy,
    )
    if final.status != "succeeded":
        ctx.emit(final.model_dump(mode="json"), f"tileset job {final.id} {final.status}: {final.error}")
        return EXIT_FAILED
    out = final.output
    ctx.emit(
        final.model_dump(mode="json"),
        f"tileset of {args.spec_id}: {out['atlasPath']} (edges differing: {out['edgeMismatchPx']} px)",
    )
    return 0
