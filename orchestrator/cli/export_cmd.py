"""``assetgen export <project> <atlasId|assetId> --profile P [--out DIR]``: build an engine bundle."""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.export import EXPORTERS
from assetgen.export.build import build_export, write_bundle_to, write_export
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="export an atlas or asset as an engine bundle (unity, godot, godot3, unreal, pixi_kit, custom)",
    )
    export.add_argument("project_id", help="project id")
    export.add_argument("target_id", help="atlas id (atlases/<id>.json) or asset id (assets/<id>.json)")
    export.add_argument(
        "--profile", required=True, help=f"profile type ({', '.join(EXPORTERS)}) or an export-profile id"
    )
    export.add_argument(
        "--out", type=Path, help="write the bundle into this folder (default: the project's files/exports/)"
    )
    export.add_argument("--export-id", help="export id (default: <target>-<profile type>)")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    bundle = build_export(
        ctx.store, args.project_id, args.target_id, profile=args.profile, export_id=args.export_id
    )
    if args.out is not None:
        paths = [str(p) for p in write_bundle_to(args.out, bundle)]
        where = str(args.out)
    else:
        record = write_export(ctx.store, args.project_id, bundle, target_id=args.target_id)
        where = str(ctx.store.resolve(record.output["exportPath"]))
        paths = [str(Path(where) / f) for f in [*bundle.files, "manifest.json"]]
    ctx.emit(
        {"exportId": bundle.manifest.id, "profile": bundle.manifest.profile, "folder": where, "files": paths},
        f"exported {args.target_id} as {bundle.manifest.profile} ({len(paths)} files) to {where}",
    )
    return 0
