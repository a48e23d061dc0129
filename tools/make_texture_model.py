"""Build the texture stand-in checkpoint (seeded; nothing downloaded).

Runs inside the ComfyUI runtime venv, after (and independently of) make_demo_models.py:
    python tools/make_texture_model.py --comfyui <ComfyUI dir> --out <models dir>

Writes <out>/checkpoints/ckpt_sd15_texture_demo.safetensors: the demo checkpoint of
make_demo_models.py (same UNet, CLIP and VAE encoder) with another hand-built TAESD decoder, one that
fills the whole frame with seed-dependent texture (cobble-like blobs with dark mortar lines) instead
of drawing one centred sprite. Tiles need that: a plain border around a centred shape "wraps" trivially,
so only a full-bleed texture shows whether a tile has a seam (and whether Make Tileable removes it).
It is a separate file with its own setup stamp so the sprite checkpoint stays exactly as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_demo_models as demo

TEXTURE_CHECKPOINT = "ckpt_sd15_texture_demo.safetensors"
TEXTURE_SEED = demo.SEED + 7


def _blur_block(out: dict, dec: str, block: int, channels, blur, *, times: int = 3) -> None:
    """Make residual block ``block`` output blur^times of ``channels`` (times 1 or 3; conv path =
    blur^times(x) - x, the identity copies ride on carrier channels 40 and up), other channels unchanged."""
    identity = torch_zeros_like(blur)
    identity[1, 1] = 1.0
    for carrier, k in enumerate(channels, start=40):
        out[f"{dec}{block}.conv.0.weight"][k, k] = blur
        out[f"{dec}{block}.conv.0.weight"][carrier, k, 1, 1] = 1.0
        out[f"{dec}{block}.conv.2.weight"][k, k] = blur if times == 3 else identity
        out[f"{dec}{block}.conv.2.weight"][carrier, carrier, 1, 1] = 1.0
        out[f"{dec}{block}.conv.4.weight"][k, k] = blur if times == 3 else identity
        out[f"{dec}{block}.conv.4.weight"][k, carrier, 1, 1] = -1.0


def torch_zeros_like(tensor):
    """A zero tensor shaped like ``tensor`` (keeps this module free of a top-level torch import)."""
    return tensor.new_zeros(tensor.shape)


def texture_decoder(vae: dict, torch) -> dict:
    """A hand-built TAESD decoder that fills the frame with seed-dependent texture.

    The same register machine as ``make_demo_models.sprite_decoder``, without the centring dome:
      ch 0-7   |latent| parts (+z, -z per latent channel), blurred once at 1/8 scale, more at 1/2 and 1/1
      ch 8-9   two blob fields F = sum of weighted features, saturated ridges where F crosses a level
               (relu(a*F) - relu(a*F - 1) minus its shifted copy): thin dark "mortar" lines
      final    base colour + tints * features - mortar: every pixel, border included, carries content
    Every conv is 3x3 with zero padding, so without circular padding the border differs from the far side.
    """
    gen = torch.Generator().manual_seed(TEXTURE_SEED)
    out = {
        k: torch.zeros_like(v)
        for k, v in vae.items()
        if k.startswith("taesd_decoder.") or k.startswith("vae_")
    }
    dec = "taesd_decoder."
    blur = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16.0
    for c in range(4):
        out[dec + "1.weight"][c, c] = blur
        out[dec + "1.weight"][4 + c, c] = -blur
    # One blur at 1/8 scale only: zero padding darkens the border a little with every blur, and at 1/8
    # scale each one reaches 8 px into the image (a faded border would "wrap" trivially).
    _blur_block(out, dec, 3, range(8), blur, times=1)
    for conv in (7, 12, 17):  # after each upsample: smooth every channel
        for ch in range(64):
            out[f"{dec}{conv}.weight"][ch, ch] = blur
    # Block 8 (at 1/4 scale): two level fields F_j = w_j . features, kept positive with an offset.
    weights = torch.rand(2, 8, generator=gen) * 2.0 - 1.0
    for j, ch in enumerate((8, 9)):
        out[f"{dec}8.conv.0.weight"][ch, :8, 1, 1] = weights[j]
        out[f"{dec}8.conv.0.bias"][ch] = 4.0
        out[f"{dec}8.conv.2.weight"][ch, ch, 1, 1] = 1.0
        out[f"{dec}8.conv.4.weight"][ch, ch, 1, 1] = 1.0
    # Block 9: a ridge where F_j crosses its level: relu(s(F-l)) - 2 relu(s(F-l) - 1) + relu(s(F-l) - 2).
    sharp = 6.0
    for j, (src, first) in enumerate(((8, 20), (9, 23))):
        for offset, bias in enumerate((0.0, -1.0, -2.0)):
            ch = first + offset
            out[f"{dec}9.conv.0.weight"][ch, src, 1, 1] = sharp
            out[f"{dec}9.conv.0.bias"][ch] = -sharp * 4.0 + bias
            out[f"{dec}9.conv.2.weight"][ch, ch, 1, 1] = 1.0
            out[f"{dec}9.conv.4.weight"][ch, ch, 1, 1] = 1.0
        for offset, factor in enumerate((1.0, -2.0, 1.0)):
            out[f"{dec}10.conv.0.weight"][26 + j, first + offset, 1, 1] = factor
        out[f"{dec}10.conv.2.weight"][26 + j, 26 + j, 1, 1] = 1.0
        out[f"{dec}10.conv.4.weight"][26 + j, 26 + j, 1, 1] = 1.0
    # Blocks 13 (1/2 scale) and 18 (full scale): more smoothing, so the 8x upsampling leaves no grid that
    # would make the column pairs on 8-px boundaries (the wrap edge is one) steeper than their neighbours.
    for block in (13, 18):
        _blur_block(out, dec, block, [*range(8), 26, 27], blur)
    base = torch.rand(3, generator=gen) * 0.2 + 0.4
    tints = (torch.rand(8, 3, generator=gen) - 0.5) * 2.0
    mortar = torch.tensor([0.3, 0.27, 0.25])
    final = out[dec + "19.weight"]
    for c in range(3):
        final[c, :8, 1, 1] = tints[:, c]
        final[c, 26:28, 1, 1] = -mortar[c]
    out[dec + "19.bias"] = base.clone()
    out["vae_scale"] = torch.tensor(0.0125)  # the sampled latents have a std of about 80 (see the demo)
    out["vae_shift"] = torch.tensor(0.0)
    return out


def build_texture_checkpoint(modules, torch) -> dict:
    """The demo checkpoint with the texture decoder in place of the sprite decoder."""
    state = demo.build_checkpoint(modules, torch)
    prefix = "first_stage_model."
    vae = {k[len(prefix) :]: v.float() for k, v in state.items() if k.startswith(prefix)}
    for key, value in texture_decoder(vae, torch).items():
        state[prefix + key] = value.to(torch.float16).contiguous()
    return state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comfyui", type=Path, required=True, help="ComfyUI source folder")
    parser.add_argument("--out", type=Path, required=True, help="models folder to write into")
    args = parser.parse_args()
    import torch

    torch.manual_seed(demo.SEED)
    modules = demo.import_comfy(args.comfyui.resolve())
    with torch.no_grad():
        meta = {"assetgen": "generated texture demo model, not trained", "seed": str(TEXTURE_SEED)}
        demo.save(
            build_texture_checkpoint(modules, torch), args.out / "checkpoints" / TEXTURE_CHECKPOINT, meta
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
