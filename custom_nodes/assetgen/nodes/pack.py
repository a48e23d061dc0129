"""Pack Spritesheet node: an IMAGE batch (frames, in order) -> atlas page IMAGE + MASK + TexturePacker JSON."""

from __future__ import annotations

import json

from comfy_api.latest import io

from assetgen.imaging.spritesheet import SpriteFrame, build_spritesheet
from assetgen.models.atlas import AtlasAnimation, PackSettings
from assetgen.nodes._convert import image_to_rgba_arrays, rgba_arrays_to_image_and_mask
from assetgen.post.texturepacker import atlas_json


class AssetGenPackSpritesheet(io.ComfyNode):
    """Packs frames into one atlas page with the packer the pipeline uses, and describes it as JSON."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenPackSpritesheet",
            display_name="Pack Spritesheet (assetgen)",
            category="assetgen/post",
            description="Trims and packs an IMAGE batch (animation frames in order) into an atlas page; the JSON "
            "is TexturePacker's JSON (Hash) with an animations object, as PixiJS, Phaser and Paper2D read it.",
            inputs=[
                io.Image.Input(
                    "images", tooltip="Frames in animation order (RGBA from Remove Background keeps alpha)."
                ),
                io.Mask.Input("mask", optional=True, tooltip="Optional MASK (1 = removed) to use as alpha."),
                io.String.Input(
                    "animation", default="anim", tooltip="Animation name; frames are <name>_00, _01 ..."
                ),
                io.Float.Input(
                    "fps", default=12.0, min=0.1, max=240.0, step=0.5, tooltip="Frames per second."
                ),
                io.Boolean.Input("loop", default=True, tooltip="Whether the animation loops."),
                io.Int.Input("padding_px", default=2, min=0, max=64, tooltip="Free pixels between sprites."),
                io.Int.Input(
                    "extrude_px", default=0, min=0, max=32, tooltip="Edge pixels repeated around sprites."
                ),
                io.Int.Input("max_size_px", default=2048, min=16, max=16384, tooltip="Largest page side."),
                io.Boolean.Input("trim", default=True, tooltip="Cut transparent borders (offsets are kept)."),
                io.Boolean.Input(
                    "power_of_two", default=False, tooltip="Round page sides up to powers of two."
                ),
            ],
            outputs=[
                io.Image.Output(display_name="atlas", tooltip="The packed page (RGBA)."),
                io.Mask.Output(display_name="atlas_mask", tooltip="1 - alpha of the page."),
                io.String.Output(display_name="atlas_json", tooltip="TexturePacker JSON (Hash) of the page."),
            ],
        )

    @classmethod
    def execute(
        cls,
        images,
        animation: str,
        fps: float,
        loop: bool,
        padding_px: int,
        extrude_px: int,
        max_size_px: int,
        trim: bool,
        power_of_two: bool,
        mask=None,
    ) -> io.NodeOutput:
        arrays = image_to_rgba_arrays(images)
        if mask is not None:
            alpha = ((1.0 - mask.detach().cpu().clamp(0, 1).numpy()) * 255.0 + 0.5).astype("uint8")
            for index, array in enumerate(arrays):
                array[:, :, 3] = alpha[min(index, len(alpha) - 1)]
        names = [f"{animation}_{index:02d}" for index in range(len(arrays))]
        settings = PackSettings(
            max_size_px=max_size_px,
            padding_px=padding_px,
            extrude_px=extrude_px,
            trim=trim,
            power_of_two=power_of_two,
        )
        sheet = build_spritesheet(
            [SpriteFrame(name=n, rgba=a) for n, a in zip(names, arrays, strict=True)], settings=settings
        )
        anim = AtlasAnimation(name=animation, frames=names, fps=fps, loop=loop)
        document = atlas_json(sheet, page=0, base_name=animation, animations=[anim])
        page, page_mask = rgba_arrays_to_image_and_mask([sheet.pages[0]])
        return io.NodeOutput(page, page_mask, json.dumps(document))
