"""``assetgen recreate``: write a spec that regenerates a variant (or a PNG assetgen made) exactly."""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.recreate import recreate_from_variant
from assetgen.generation.variant_metadata import VariantMetadata, read_variant_metadata
from assetgen.image_files import read_png_text
from assetgen.review.decisions import find_variant
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser(
        "recreate", help="write a spec that regenerates a variant or an assetgen PNG exactly"
    )
    rec.add_argument("project_id")
    rec.add_argument(
        "source", help="a variant id (<assetId>/<variantId> or a unique variant id) or a PNG file"
    )
    rec.add_argument("--spec-id", help="id of the new spec (default: <spec>-re-<variant>)")
    rec.set_defaults(handler=cmd_recreate)


def _metadata(ctx: CliContext, project_id: str, source: str) -> VariantMetadata:
    path = Path(source)
    if source.lower().endswith(".png") or path.is_file():
        if not path.is_file():
            raise NotFound(f"{source}: no such file")
        return read_variant_metadata(read_png_text(path.read_bytes()))
    asset_id, _, variant_id = source.rpartition("/")
    assets = [asset_id] if asset_id else ctx.store.list_ids(project_id, "assets")
    for candidate in assets:
        asset = ctx.store.read(project_id, "assets", candidate)
        try:
            _, variant = find_variant(asset, variant_id)
        except NotFound:
            continue
        if not variant.metadata:
            raise InvalidInput(f"variant {variant_id!r} has no generation metadata (imported art?)")
        return VariantMetadata.model_validate(variant.metadata)
    raise NotFound(f"variant {variant_id!r} not found in project {project_id!r}")


def cmd_recreate(args: argparse.Namespace, ctx: CliContext) -> int:
    spec = recreate_from_variant(
        ctx.store, args.project_id, _metadata(ctx, args.project_id, args.source), spec_id=args.spec_id
    )
    ctx.emit(
        spec.model_dump(mode="json"),
        f"wrote spec {spec.id} (seed {spec.seed_policy.base_seed}); run `assetgen generate "
        f"{args.project_id} {spec.id}` to regenerate the image",
    )
    return 0
