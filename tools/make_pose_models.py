"""Build the pose stand-ins: a demo VAE that carries an init image through encode -> decode, and a tiny
OpenPose-shaped ControlNet that ComfyUI loads (seeded).

Runs inside the ComfyUI runtime venv:
    python tools/make_pose_models.py --comfyui <ComfyUI dir> --out <models dir>

Writes <out>/vae/vae_demo_pose.safetensors and <out>/controlnet/controlnet_demo_openpose.safetensors
(nothing is downloaded). The ControlNet has the demo UNet's shape (ComfyUI's own cldm.ControlNet class,
3-channel hint) with seeded weights and small zero-convolutions: it is not trained, so its effect is small;
it exists so the ControlNet template (ControlNetLoader + ControlNetApplyAdvanced) runs for real.

The demo checkpoint's VAE has a random encoder and a hand-built decoder that draws its own centred blob
whatever the latent holds, so image-to-image would lose a pose. This VAE keeps that decoder unchanged
for latents sampled from noise and adds one path for encoded images:
  encoder  "ink" = how much darker than the background a pixel is (saturated 0..1), averaged over each
           8x8 block, written into all four latent channels (``INK_GAIN``).
  decoder  D = min over the four clamped channels (three ReLU layers compute the minimum): an encoded
           image has all four channels high where it has ink; noise almost never does (all four above
           ~1.2 sigma at once). D draws an outlined, filled silhouette at the ink's place, and a blurred
           D suppresses the blob path where an image was encoded, so the silhouette alone remains.
Noise latents give D = 0, so text-to-image output is the demo checkpoint's. It is a separate file
(loaded with VAELoader) so the demo checkpoint, which other stand-ins and tests rely on, stays as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_demo_models as demo  # the sibling script; its decoder is reused as it is

VAE_FILE = "vae_demo_pose.safetensors"
CONTROLNET_FILE = "controlnet_demo_openpose.safetensors"
INK_GAIN = 6.0  # latent value (decoder units) of a fully inked 8x8 block
INK_THRESHOLD = 0.72  # luminance under which a pixel counts as ink (fully at INK_THRESHOLD - 1/INK_SLOPE)
INK_SLOPE = 5.0
# Noise latents (about N(0, 1) in decoder units) have all four channels above this at once at ~0.06 % of
# positions; an inked block is at 3 * tanh(1) = 2.28.
NOISE_FLOOR = 1.0


def pose_encoder(vae: dict, torch) -> dict:
    """A TAESD encoder whose latent is the 8x8-block ink coverage times ``INK_GAIN`` in every channel."""
    enc = "taesd_encoder."
    out = {k: torch.zeros_like(v) for k, v in vae.items() if k.startswith(enc)}
    lum = torch.tensor([0.299, 0.587, 0.114])
    # conv 0 (no ReLU follows it in TAESD): ch0 = slope * (threshold - lum).
    out[enc + "0.weight"][0, :, 1, 1] = -INK_SLOPE * lum
    out[enc + "0.bias"][0] = INK_SLOPE * INK_THRESHOLD
    # block 1: ink = relu(ch0) - relu(ch0 - 1), saturated to 0..1, into ch2 (whose skip input is 0).
    out[enc + "1.conv.0.weight"][3, 0, 1, 1] = 1.0
    out[enc + "1.conv.0.weight"][4, 0, 1, 1] = 1.0
    out[enc + "1.conv.0.bias"][4] = -1.0
    out[enc + "1.conv.2.weight"][2, 3, 1, 1] = 1.0
    out[enc + "1.conv.2.weight"][2, 4, 1, 1] = -1.0
    out[enc + "1.conv.4.weight"][2, 2, 1, 1] = 1.0
    # Three stride-2 convs average 2x2 blocks of ch2 (taps [1:, 1:] of a padded 3x3 = pixels 2i, 2i+1).
    for conv in (2, 6, 10):
        out[f"{enc}{conv}.weight"][2, 2, 1:, 1:] = 0.25
    for c in range(4):
        out[enc + "14.weight"][c, 2, 1, 1] = INK_GAIN
    return out


def pose_decoder_path(
    dec_state: dict,
    torch,
    *,
    suppress: float = 40.0,
    t_outer: float = 1.1,
    t_inner: float = 1.45,
    smooth_blocks: tuple[int, ...] = (),
) -> None:
    """Add the encoded-image path to a ``sprite_decoder`` state (in place); see the module docstring."""
    dec = "taesd_decoder."
    w = dec_state
    for c in range(4):  # conv 1 (+ReLU): p_c = relu(clamped z_c - NOISE_FLOOR) in ch 48..51
        w[dec + "1.weight"][48 + c, c, 1, 1] = 1.0
        w[dec + "1.bias"][48 + c] = -NOISE_FLOOR
    # block 3: D = min(p0, p1, p2, p3) via min(a, b) = a - relu(a - b).
    c0, c2, c4 = (w[f"{dec}3.conv.{i}.weight"] for i in (0, 2, 4))
    c0[52, 48, 1, 1] = 1.0
    c0[53, 48, 1, 1], c0[53, 49, 1, 1] = 1.0, -1.0
    c0[54, 50, 1, 1] = 1.0
    c0[55, 50, 1, 1], c0[55, 51, 1, 1] = 1.0, -1.0
    c2[56, 52, 1, 1], c2[56, 53, 1, 1] = 1.0, -1.0  # m01
    c2[57, 52, 1, 1], c2[57, 53, 1, 1], c2[57, 54, 1, 1], c2[57, 55, 1, 1] = 1.0, -1.0, -1.0, 1.0
    for ch in (58, 59):  # D, and a copy that blocks 4-5 blur into the suppression field
        c4[ch, 56, 1, 1], c4[ch, 57, 1, 1] = 1.0, -1.0
    blur = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16.0
    for block in (4, 5, 8):
        for conv in ("conv.0", "conv.2", "conv.4"):
            w[f"{dec}{block}.{conv}.weight"][59, 59] = blur
    # blocks 8/9: the blob's shape fields minus the suppression field (an encoded image draws no blob).
    w[dec + "8.conv.0.weight"][9, 59, 1, 1] = -suppress
    w[dec + "9.conv.0.weight"][10, 59, 1, 1] = -suppress
    # Optional extra smoothing of D (blocks 10/13; ch 33 holds -D for the residual). Measured on walk
    # mannequins it lowers the IoU of the round trip, so the default is none.
    for block in smooth_blocks:
        c0, c2, c4 = (w[f"{dec}{block}.conv.{i}.weight"] for i in (0, 2, 4))
        c0[58, 58], c2[58, 58], c4[58, 58] = blur, blur, blur
        c0[33, 58, 1, 1], c2[33, 33, 1, 1], c4[58, 33, 1, 1] = 1.0, 1.0, -1.0
    # block 14 (64x64): saturated masks of D at two levels: outer (outline) and inner (fill).
    sharp = 6.0
    for ch, threshold, bias in (
        (60, t_outer, 0.0),
        (61, t_outer, -1.0),
        (62, t_inner, 0.0),
        (63, t_inner, -1.0),
    ):
        w[dec + "14.conv.0.weight"][ch, 58, 1, 1] = sharp
        w[dec + "14.conv.0.bias"][ch] = -sharp * threshold + bias
        w[dec + "14.conv.2.weight"][ch, ch, 1, 1] = 1.0
        w[dec + "14.conv.4.weight"][ch, ch, 1, 1] = 1.0
    final = w[dec + "19.weight"]
    background = w[dec + "19.bias"]
    # The blob's colours, read back from the decoder (so both paths draw the same character).
    outline = background + final[:, 11, 1, 1]
    fill = outline + final[:, 13, 1, 1]
    final[:, 60, 1, 1], final[:, 61, 1, 1] = outline - background, background - outline
    final[:, 62, 1, 1], final[:, 63, 1, 1] = fill - outline, outline - fill


def build_pose_vae(modules, torch) -> dict:
    """The pose VAE's state dict (TAESD keys; float16)."""
    _, _, _, taesd = modules
    vae = taesd.TAESD().state_dict()
    state = {k: torch.zeros_like(v) for k, v in vae.items()}
    state.update(demo.sprite_decoder(vae, torch))
    state.update(pose_encoder(vae, torch))
    pose_decoder_path(state, torch)
    return {k: v.to(torch.float16).contiguous() for k, v in state.items()}


def build_controlnet(torch, *, zero_conv_scale: float = 0.01) -> dict:
    """A ControlNet shaped like the demo UNet (``control_model.*`` keys, float16), seeded."""
    import comfy.cldm.cldm as cldm
    import comfy.ops

    net = cldm.ControlNet(
        image_size=32,
        in_channels=4,
        model_channels=320,
        hint_channels=3,
        num_res_blocks=[1],
        channel_mult=[1],
        transformer_depth=[1],
        transformer_depth_middle=1,
        context_dim=768,
        num_heads=8,
        use_spatial_transformer=True,
        use_linear_in_transformer=False,
        legacy=False,
        dtype=torch.float32,
        device="cpu",
        operations=comfy.ops.disable_weight_init,
    )
    state = net.state_dict()
    demo.init_(state, torch.Generator().manual_seed(demo.SEED + 7), torch)
    for key, value in state.items():
        if "zero_convs" in key or "middle_block_out" in key:
            value.mul_(zero_conv_scale)  # the control signal stays a nudge on an untrained model
    return {f"control_model.{k}": v.to(torch.float16).contiguous() for k, v in state.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comfyui", type=Path, required=True, help="ComfyUI source folder")
    parser.add_argument("--out", type=Path, required=True, help="models folder to write into")
    args = parser.parse_args()
    import torch

    torch.manual_seed(demo.SEED)
    modules = demo.import_comfy(args.comfyui.resolve())
    meta = {"assetgen": "generated demo model, not trained", "seed": str(demo.SEED)}
    with torch.no_grad():
        demo.save(build_pose_vae(modules, torch), args.out / "vae" / VAE_FILE, meta)
        demo.save(build_controlnet(torch), args.out / "controlnet" / CONTROLNET_FILE, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
