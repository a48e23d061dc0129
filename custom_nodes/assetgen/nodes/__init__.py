"""The assetgen ComfyUI node pack (V3 schema). Only this subpackage imports ComfyUI and torch.

Nodes are thin adapters: convert tensors, call one core function, convert back. May import the whole
core; never the orchestrator (nodes run inside ComfyUI's process).
"""

from __future__ import annotations

from comfy_api.latest import ComfyExtension, io

from assetgen.nodes.bg_remove import AssetGenRemoveBackground
from assetgen.nodes.lora import AssetGenApplyLoraStack
from assetgen.nodes.pack import AssetGenPackSpritesheet
from assetgen.nodes.pixelate import AssetGenPixelate
from assetgen.nodes.pose_guide import AssetGenPoseGuide
from assetgen.nodes.save import AssetGenSaveVariants
from assetgen.nodes.spec import AssetGenLoadSpec
from assetgen.nodes.tileable import AssetGenMakeTileable

NODES: list[type[io.ComfyNode]] = [
    AssetGenLoadSpec,
    AssetGenApplyLoraStack,
    AssetGenSaveVariants,
    AssetGenRemoveBackground,
    AssetGenPixelate,
    AssetGenPackSpritesheet,
    AssetGenMakeTileable,
    AssetGenPoseGuide,
]


class AssetgenExtension(ComfyExtension):
    """Registers every assetgen node."""

    async def get_node_list(self) -> list[type[io.ComfyNode]]:
        return list(NODES)
