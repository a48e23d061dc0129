"""``assetgen poses --pose walk --frames 8 --directions 4 --size 128 --out DIR``: pose guide pictures."""

from __future__ import annotations

import argparse
from pathlib import Path

from assetgen.imaging.poses import STYLES, parse_color, pose_guide_files, pose_guides, pose_names
from assetgen.store import write_bytes_atomic
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    poses = sub.add_parser(
        "poses",
        help="render pose guides (OpenPose skeletons and mannequins) for an animation",
        description="Frames of a procedural humanoid pose clip at 1, 4 or 8 facing directions (west views "
        "are mirrored east views), one PNG per frame and style, a sheet per style and a JSON of keypoints.",
    )
    poses.add_argument("--pose", required=True, choices=pose_names(), help="the pose clip")
    poses.add_argument("--frames", type=int, default=8, help="frames in the clip (default 8)")
    poses.add_argument("--directions", type=int, default=1, choices=(1, 4, 8), help="facing directions")
    poses.add_argument("--size", type=int, default=128, help="frame width and height in px (default 128)")
    poses.add_argument("--out", type=Path, required=True, help="output folder")
    poses.add_argument("--style", choices=(*STYLES, "both"), default="both", help="which rendering")
    poses.add_argument("--background", default="#F5F5F0", help="mannequin background #RRGGBB")
    poses.set_defaults(handler=cmd_poses)


def cmd_poses(args: argparse.Namespace, ctx: CliContext) -> int:
    guides = pose_guides(
        args.pose,
        frames=args.frames,
        directions=args.directions,
        width=args.size,
        height=args.size,
        background=parse_color(args.background),
    )
    styles = STYLES if args.style == "both" else (args.style,)
    files = pose_guide_files(guides, styles=styles)
    for name, data in files.items():
        write_bytes_atomic(args.out / name, data)
    ctx.emit(
        {"pose": args.pose, "frames": args.frames, "directions": args.directions, "files": sorted(files)},
        f"wrote {len(files)} files to {args.out} ({len(guides)} frames)",
    )
    return 0
