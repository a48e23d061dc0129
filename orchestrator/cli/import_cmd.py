"""``assetgen import``: bring existing images into an asset as a new version to review."""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.models import Provenance
from assetgen.review.importing import import_images
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("import", help="import existing images into an asset (a new version to review)")
    cmd.add_argument("project_id")
    cmd.add_argument("files", nargs="+", type=Path, help="image files, in frame order")
    cmd.add_argument("--asset", required=True, help="asset id (created when new)")
    cmd.add_argument("--spec", help="the spec the asset belongs to")
    cmd.add_argument("--source", help="provenance: where the art comes from (e.g. 'hand-drawn', a store)")
    cmd.add_argument("--author", help="provenance: who made it")
    cmd.add_argument("--license", help="provenance: its licence (e.g. CC-BY-4.0)")
    cmd.add_argument("--url", help="provenance: where it was found")
    cmd.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    fields = {"source": args.source, "author": args.author, "license": args.license, "url": args.url}
    provenance = Provenance(**{k: v for k, v in fields.items() if v}) if any(fields.values()) else None
    output = import_images(
        ctx.store, args.project_id, args.files, asset_id=args.asset, spec_id=args.spec, provenance=provenance
    )
    count = len(output["variantIds"])
    ctx.emit(
        output, f"imported {count} image(s) into {args.asset} version {output['assetVersionId']} (review)"
    )
    return 0
