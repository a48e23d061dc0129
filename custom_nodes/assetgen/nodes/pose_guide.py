"""Pose Guide node: a pose clip's frame as an OpenPose skeleton and a mannequin, from assetgen.imaging.poses."""

from __future__ import annotations

from comfy_api.latest import io

from assetgen.errors import AssetgenError
from assetgen.imaging.poses import DIRECTIONS, get_direction, parse_color, pose_guides, pose_names
from assetgen.nodes._convert import rgba_arrays_to_image_and_mask


class AssetGenPoseGuide(io.ComfyNode):
    """Renders frame ``frame_index`` of a pose clip facing ``direction``: skeleton (for an OpenPose
    ControlNet) and mannequin (blended into an image-to-image init)."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenPoseGuide",
            display_name="Pose Guide (assetgen)",
            category="assetgen/animation",
            description="A procedural humanoid pose (idle, walk, run, jump, attack, hurt) for one frame of an "
            "animation: an OpenPose-style skeleton and a filled mannequin on the background colour.",
            inputs=[
                io.Combo.Input("pose", options=pose_names(), default="walk", tooltip="The pose clip."),
                io.Int.Input("frame_index", default=0, min=0, max=255, tooltip="Frame of the clip, 0-based."),
                io.Int.Input("frames", default=8, min=1, max=256, tooltip="Frames in the whole clip."),
                io.Combo.Input(
                    "direction",
                    options=list(DIRECTIONS),
                    default="e",
                    tooltip="Facing: s = towards the viewer, e = right; w, sw, nw are mirrored east views.",
                ),
                io.Int.Input("width", default=128, min=8, max=4096, step=8, tooltip="Frame width in px."),
                io.Int.Input("height", default=128, min=8, max=4096, step=8, tooltip="Frame height in px."),
                io.String.Input(
                    "background", default="#F5F5F0", tooltip="Mannequin background, #RRGGBB (the spec's)."
                ),
            ],
            outputs=[
                io.Image.Output("skeleton", tooltip="OpenPose skeleton on black (ControlNet input)."),
                io.Image.Output("mannequin", tooltip="Filled mannequin on the background (init image)."),
            ],
        )

    @classmethod
    def validate_inputs(cls, frame_index: int, frames: int, background: str, **_: object) -> bool | str:
        if frame_index >= frames:
            return f"frame_index {frame_index} must be smaller than frames {frames}"
        try:
            parse_color(background)
        except AssetgenError as exc:
            return str(exc)
        return True

    @classmethod
    def execute(
        cls,
        pose: str,
        frame_index: int,
        frames: int,
        direction: str,
        width: int,
        height: int,
        background: str,
    ) -> io.NodeOutput:
        guides = pose_guides(
            pose,
            frames=frames,
            directions=[get_direction(direction).name],
            width=width,
            height=height,
            background=parse_color(background),
        )
        guide = guides[frame_index]
        skeleton, _ = rgba_arrays_to_image_and_mask([guide.skeleton])
        mannequin, _ = rgba_arrays_to_image_and_mask([guide.mannequin])
        return io.NodeOutput(skeleton[..., :3], mannequin[..., :3])
