"""Regenerate the pictures of docs/pipeline/animation.md.

    .venv/bin/python tools/make_anim_docs.py

Pose sheets come from the pose library (no model needed). The generated strip is the picture the
real-ComfyUI walk test keeps (test-artifacts/test_walk_is_cut_out_aligned_packed_and_loaded_by_godot3_and_pixi/
walk-strip-with-guides.png): run `pytest -m comfy tests/orchestrator/test_anchor_frames_comfy.py` first.
"""

from __future__ import annotations

import shutil
import sys

from assetgen.image_files import encode_png
from assetgen.imaging.poses import pose_guides, pose_sheet
from assetgen.settings import REPO_DIR

OUT = REPO_DIR / "docs" / "pipeline" / "img"
STRIP = (
    REPO_DIR
    / "test-artifacts"
    / "test_walk_is_cut_out_aligned_packed_and_loaded_by_godot3_and_pixi"
    / "walk-strip-with-guides.png"
)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    walk = pose_guides("walk", frames=8, directions=4, width=96, height=96)
    for style in ("mannequin", "skeleton"):
        (OUT / f"walk-pose-sheet-{style}.png").write_bytes(
            encode_png(pose_sheet(walk, style=style, cell_px=72))
        )
    library = [g for pose in ("idle", "run", "jump", "attack", "hurt") for g in
               pose_guides(pose, frames=6, directions=["se"], width=72, height=72)]  # fmt: skip
    (OUT / "pose-library.png").write_bytes(encode_png(pose_sheet(library, style="mannequin", cell_px=64)))
    if STRIP.is_file():
        shutil.copyfile(STRIP, OUT / "walk-strip-generated.png")
    else:
        print(f"no generated strip at {STRIP}; run the walk test first", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
