"""``assetgen checkpoint``: onboard a model file as a checkpoint record, and list the checkpoints a project names."""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.generation.model_files import hash_cache_file, model_roots
from assetgen.generation.onboarding import CheckpointStatus, list_checkpoints, onboard_checkpoint
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    checkpoint = sub.add_parser("checkpoint", help="onboard and list checkpoints (model records)")
    verbs = checkpoint.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="write checkpoints/<id>.json for a model file (sha256 computed)")
    add.add_argument("project_id")
    add.add_argument("file", help="a file in a models folder, or its name relative to <models>/checkpoints")
    add.add_argument("--id", required=True, dest="checkpoint_id", help="the checkpoint id (as specs name it)")
    add.add_argument("--types", help="supported asset types, comma-separated (default: every catalog type)")
    add.add_argument("--profile", help="prompt profile id (default: policies.checkpointProfiles[id])")
    add.add_argument("--name", help="display name (default: the id)")
    add.add_argument("--replace", action="store_true", help="overwrite an existing record")
    add.set_defaults(handler=cmd_add)

    listing = verbs.add_parser(
        "list", help="every checkpoint id the project names: onboarded, found, verified"
    )
    listing.add_argument("project_id")
    listing.set_defaults(handler=cmd_list)


def cmd_add(args: argparse.Namespace, ctx: CliContext) -> int:
    source = str(Path(args.file).resolve()) if Path(args.file).is_file() else args.file
    types = [t.strip() for t in args.types.split(",") if t.strip()] if args.types else None
    checkpoint = onboard_checkpoint(
        ctx.store,
        args.project_id,
        source,
        checkpoint_id=args.checkpoint_id,
        roots=model_roots(ctx.settings),
        asset_types=types,
        profile_id=args.profile,
        name=args.name,
        hash_cache=hash_cache_file(ctx.settings),
        replace=args.replace,
    )
    sha = checkpoint.weights.sha256 or "not computed (file not in the models folders)"
    ctx.emit(
        checkpoint.model_dump(mode="json"),
        f"onboarded checkpoint {checkpoint.id}: {checkpoint.weights.path}, sha256 {sha}, "
        f"types {', '.join(checkpoint.supported_asset_types)}, profile {checkpoint.checkpoint_profile_id}",
    )
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    statuses = list_checkpoints(
        ctx.store, args.project_id, roots=model_roots(ctx.settings), hash_cache=hash_cache_file(ctx.settings)
    )
    ctx.emit([s.as_dict() for s in statuses], lambda: format_statuses(statuses))
    return 0


def format_statuses(statuses: list[CheckpointStatus]) -> str:
    """One line per checkpoint: id, onboarded, found, hash, then the message."""
    if not statuses:
        return "the project names no checkpoint"
    lines = []
    for s in statuses:
        state = "onboarded" if s.is_onboarded else "NOT onboarded"
        found = "found" if s.is_found else "not found"
        lines.append(f"{s.checkpoint_id}: {state}, {found}, hash {s.hash_status} - {s.message}")
    return "\n".join(lines)
