"""AssetGen Make Tileable: MODEL + VAE -> copies whose 2D convolutions wrap around (circular padding).

A tile wraps when every convolution sees the far side of the image across an edge: the sampler's model
(so the latent continues across the wrap) and the VAE decoder (or its zero padding draws the seam back).
The patch is a set of ModelPatcher *object patches* on clones: each padded Conv2d is replaced, while
the clone is loaded, by a shallow copy that shares its weights and pads circularly. ComfyUI restores
the original modules whenever another clone of the same model loads (``unpatch_model`` restores
``object_patches_backup``), so the MODEL and VAE other nodes use are never changed.
"""

from __future__ import annotations

import copy
import functools

import torch
import torch.nn.functional as F
from comfy_api.latest import io

from assetgen.generation.tiling import TILE_AXES, wraps_x, wraps_y


def _wrapped_conv_forward(conv: torch.nn.Conv2d, wrap_x: bool, wrap_y: bool, input, weight, bias, *_args):
    """Conv2d._conv_forward with the padding done here: circular on wrapped axes, zeros elsewhere."""
    pad_y, pad_x = conv.padding
    if pad_x:
        input = F.pad(input, (pad_x, pad_x, 0, 0), mode="circular" if wrap_x else "constant")
    if pad_y:
        input = F.pad(input, (0, 0, pad_y, pad_y), mode="circular" if wrap_y else "constant")
    return F.conv2d(input, weight, bias, conv.stride, 0, conv.dilation, conv.groups)


def wrapping_copy(conv: torch.nn.Conv2d, *, wrap_x: bool, wrap_y: bool) -> torch.nn.Conv2d:
    """A shallow copy of ``conv`` (same parameters, so weight patches still apply) that pads circularly.

    Works for torch's Conv2d and ComfyUI's ops subclasses alike: both call ``self._conv_forward``.
    """
    wrapped = copy.copy(conv)
    wrapped._conv_forward = functools.partial(_wrapped_conv_forward, wrapped, wrap_x, wrap_y)
    return wrapped


def _padded_conv_names(module: torch.nn.Module) -> list[str]:
    return [
        name
        for name, child in module.named_modules()
        if isinstance(child, torch.nn.Conv2d)
        and isinstance(child.padding, tuple)
        and any(child.padding)
        and child.padding_mode == "zeros"
    ]


def tileable_patcher(patcher, *, axes: str):
    """A clone of a ModelPatcher with every padded Conv2d of its model object-patched to wrap ``axes``."""
    clone = patcher.clone()
    wrap_x, wrap_y = wraps_x(axes), wraps_y(axes)
    for name in _padded_conv_names(patcher.model):
        # get_model_object gives the unpatched module even while another clone's patch is applied.
        original = patcher.get_model_object(name)
        clone.add_object_patch(name, wrapping_copy(original, wrap_x=wrap_x, wrap_y=wrap_y))
    return clone


def tileable_vae(vae, *, axes: str):
    """A copy of a VAE whose patcher (the one decode/encode load) wraps ``axes``; the original is untouched."""
    out = copy.copy(vae)
    out.patcher = tileable_patcher(vae.patcher, axes=axes)
    return out


class AssetGenMakeTileable(io.ComfyNode):
    """Returns MODEL and VAE copies that sample and decode seamless (wrap-around) images."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenMakeTileable",
            display_name="Make Tileable (assetgen)",
            category="assetgen",
            description="Patches copies of MODEL and VAE so their 2D convolutions pad circularly in the chosen "
            "axes: the image wraps around and repeats without a seam. The inputs stay unchanged for other "
            "nodes. Use the patched VAE for decoding too, or the decoder's zero padding brings the seam back.",
            inputs=[
                io.Model.Input("model", tooltip="The MODEL to sample with (after LoRAs)."),
                io.Vae.Input("vae", tooltip="The VAE that decodes the result (and encodes for inpainting)."),
                io.Combo.Input(
                    "axes",
                    options=list(TILE_AXES),
                    default="both",
                    tooltip="both: repeats in x and y (a floor tile); x: left/right only (a horizontal "
                    "strip); y: top/bottom only.",
                ),
            ],
            outputs=[
                io.Model.Output(tooltip="A MODEL clone whose convolutions wrap around."),
                io.Vae.Output(tooltip="A VAE copy whose decoder (and encoder) wrap around."),
            ],
        )

    @classmethod
    def execute(cls, model, vae, axes: str = "both") -> io.NodeOutput:
        return io.NodeOutput(tileable_patcher(model, axes=axes), tileable_vae(vae, axes=axes))
