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
  encoder  "ink" = how far a pixel's colour is from the guides' background (saturated 0..1). Each 8x8 block's four
           4x4 quadrants get one latent channel each: the quadrant's ink coverage as a level between
           LEVEL_EMPTY and LEVEL_FULL. So all four channels of an encoded image are high everywhere.
  decoder  E = min over the four clamped channels (three ReLU layers compute the minimum): only an encoded
           image has all four high; noise almost never does (all four above ~1 sigma at once). E gates the
           quadrants (noise draws nothing) and a blurred E switches the blob path off. After the first
           upsample one conv puts each quadrant back in its place (QUADRANT_TAPS: no layer needs to know
           a pixel's parity), an unsharp mask undoes most of that placement's blur, the later upsamples
           smooth it, and at full size two thresholds draw an outlined, filled silhouette. Thin limbs
           (4-6 px at 128 px) survive, which 8x8 blocks alone lost.
Noise latents give E = 0, so text-to-image output is the demo checkpoint's. It is a separate file
(loaded with VAELoader) so the demo checkpoint, which other stand-ins and tests rely on, stays as it is.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_demo_models as demo  # the sibling script; its decoder is reused as it is

VAE_FILE = "vae_demo_pose.safetensors"
CONTROLNET_FILE = "controlnet_demo_openpose.safetensors"
BACKGROUND = (245 / 255, 245 / 255, 240 / 255)  # the pose guides' background (imaging.poses)
INK_THRESHOLD = 0.18  # mean |pixel - background| (0..1) above which a pixel starts to count as ink
INK_SLOPE = 10.0  # fully ink at INK_THRESHOLD + 1 / INK_SLOPE
# Latent levels, in decoder units after its clamp 3*tanh(z/3): an encoded quadrant with no ink sits at
# LEVEL_EMPTY, a fully inked one at LEVEL_FULL. Every channel of an encoded image is >= LEVEL_EMPTY
# everywhere (background included), which is what tells it from noise.
LEVEL_EMPTY = 1.5
LEVEL_FULL = 2.4
# Noise latents (about N(0, 1) in decoder units) have all four channels above this at once at ~0.05 % of
# positions; an encoded image has all four at LEVEL_EMPTY or more.
NOISE_FLOOR = 1.0


def _unclamp(level: float) -> float:
    """The latent value that the decoder's clamp 3*tanh(z/3) turns into ``level``."""
    return 3.0 * math.atanh(level / 3.0)


def pose_encoder(vae: dict, torch) -> dict:
    """A TAESD encoder whose latent channel 2a+b holds the ink coverage of quadrant (row a, column b) of
    each 8x8 block, as a level between LEVEL_EMPTY and LEVEL_FULL."""
    enc = "taesd_encoder."
    out = {k: torch.zeros_like(v) for k, v in vae.items() if k.startswith(enc)}
    # conv 0 (no ReLU follows it in TAESD): ch4..6 = pixel - background, per colour channel.
    for c in range(3):
        out[enc + "0.weight"][4 + c, c, 1, 1] = 1.0
        out[enc + "0.bias"][4 + c] = -BACKGROUND[c]
    # block 1: ink = saturate(INK_SLOPE * (mean |pixel - background| - INK_THRESHOLD)) into ch2 (skip 0):
    # |d| = relu(d) + relu(-d), and the saturation is relu(a) - relu(a - 1). Any colour that stands out
    # from the background is ink, so an init image drawn in the character's colours encodes like a grey one.
    for c in range(3):
        out[enc + "1.conv.0.weight"][10 + 2 * c, 4 + c, 1, 1] = 1.0
        out[enc + "1.conv.0.weight"][11 + 2 * c, 4 + c, 1, 1] = -1.0
    for ch, bias in ((3, 0.0), (4, -1.0)):
        out[enc + "1.conv.2.weight"][ch, 10:16, 1, 1] = INK_SLOPE / 3.0
        out[enc + "1.conv.2.bias"][ch] = -INK_SLOPE * INK_THRESHOLD + bias
    out[enc + "1.conv.4.weight"][2, 3, 1, 1] = 1.0
    out[enc + "1.conv.4.weight"][2, 4, 1, 1] = -1.0
    # Two stride-2 convs average 2x2 blocks of ch2 (taps [1:, 1:] of a padded 3x3 = pixels 2i, 2i+1): at
    # 1/4 scale ch2 is the coverage of 4x4 pixel quadrants.
    for conv in (2, 6):
        out[f"{enc}{conv}.weight"][2, 2, 1:, 1:] = 0.25
    # The last stride-2 conv keeps the four quadrants apart, one channel each (tap 1 = row/column 2i).
    for a in range(2):
        for b in range(2):
            out[enc + "10.weight"][8 + 2 * a + b, 2, 1 + a, 1 + b] = 1.0
    low, high = _unclamp(LEVEL_EMPTY), _unclamp(LEVEL_FULL)
    for c in range(4):
        out[enc + "14.weight"][c, 8 + c, 1, 1] = high - low
        out[enc + "14.bias"][c] = low
    return out


# Upsampling taps that put quadrants back in place. After a nearest 2x upsample, fine row 2i and 2i+1
# both hold cell i; a 3x3 conv with taps [0, 1, 1] on the first-half quadrant and [1, 1, 0] on the
# second-half one gives, at every fine row k (either parity), t(k-1) + 2 t(k) + t(k+1): the quadrant
# field itself at twice the latent resolution, blurred by [1, 2, 1]. No layer needs to know the parity.
QUADRANT_TAPS = ((0.0, 1.0, 1.0), (1.0, 1.0, 0.0))


def pose_decoder_path(
    dec_state: dict,
    torch,
    *,
    suppress: float = 40.0,
    t_outer: float = 0.45,
    t_inner: float = 0.55,
    sharp: float = 20.0,
    mask_block: int = 18,
    sharpen: float = 2.0,
    sharpen_block: int = 10,
) -> None:
    """Add the encoded-image path to a ``sprite_decoder`` state (in place); see the module docstring."""
    dec = "taesd_decoder."
    w = dec_state
    for c in range(4):  # conv 1 (+ReLU): p_c = relu(z_c - NOISE_FLOOR) in ch 48..51, quadrants in 52..55
        w[dec + "1.weight"][48 + c, c, 1, 1] = 1.0
        w[dec + "1.bias"][48 + c] = -NOISE_FLOOR
        w[dec + "1.weight"][52 + c, c, 1, 1] = 1.0
        w[dec + "1.bias"][52 + c] = -LEVEL_EMPTY
    # block 3: E = min(p0, p1, p2, p3) via min(a, b) = a - relu(a - b) (internal channels 52..57).
    c0, c2, c4 = (w[f"{dec}3.conv.{i}.weight"] for i in (0, 2, 4))
    c0[52, 48, 1, 1] = 1.0
    c0[53, 48, 1, 1], c0[53, 49, 1, 1] = 1.0, -1.0
    c0[54, 50, 1, 1] = 1.0
    c0[55, 50, 1, 1], c0[55, 51, 1, 1] = 1.0, -1.0
    c2[56, 52, 1, 1], c2[56, 53, 1, 1] = 1.0, -1.0  # m01
    c2[57, 52, 1, 1], c2[57, 53, 1, 1], c2[57, 54, 1, 1], c2[57, 55, 1, 1] = 1.0, -1.0, -1.0, 1.0
    for ch in (58, 59):  # E, and a copy that blocks 4-5 blur into the suppression field
        c4[ch, 56, 1, 1], c4[ch, 57, 1, 1] = 1.0, -1.0
    # block 4: gate the quadrants by the encoded-image mask: q = relu(q - gate * (1 - min(1, 2E))), so
    # noise (E about 0) draws nothing even where one channel happens to be high.
    gate = 3.0
    b4 = dec + "4.conv."
    w[b4 + "0.weight"][60, 58, 1, 1] = 2.0
    w[b4 + "0.weight"][61, 58, 1, 1] = 2.0
    w[b4 + "0.bias"][61] = -1.0
    w[b4 + "2.weight"][62, 60, 1, 1], w[b4 + "2.weight"][62, 61, 1, 1] = 1.0, -1.0
    for c in range(4):
        w[b4 + "4.weight"][52 + c, 62, 1, 1] = gate
        w[b4 + "4.bias"][52 + c] = -gate
    blur = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16.0
    for block in (4, 5, 8):
        for conv in ("conv.0", "conv.2", "conv.4"):
            w[f"{dec}{block}.{conv}.weight"][59, 59] = blur
    # conv 7 (after the first upsample): Q in ch 56 = the quadrant field, back in place (QUADRANT_TAPS).
    w[dec + "7.weight"][56] = 0.0
    for a in range(2):
        for b in range(2):
            taps = torch.outer(torch.tensor(QUADRANT_TAPS[a]), torch.tensor(QUADRANT_TAPS[b])) / 16.0
            w[dec + "7.weight"][56, 52 + 2 * a + b] = taps
    # One unsharp mask at 2x (Q + sharpen * (Q - blur Q)) takes back most of the [1, 2, 1] blur that the
    # quadrant taps cost: necks and the gap between legs survive (measured: IoU min 0.93 -> 0.96 at 128 px).
    if sharpen:
        sb = f"{dec}{sharpen_block}.conv."
        w[sb + "0.weight"][50, 56, 1, 1] = 1.0
        w[sb + "0.weight"][51, 56] = blur
        w[sb + "2.weight"][50, 50, 1, 1] = 1.0
        w[sb + "2.weight"][51, 51, 1, 1] = 1.0
        w[sb + "4.weight"][56, 50, 1, 1] = sharpen
        w[sb + "4.weight"][56, 51, 1, 1] = -sharpen
    # blocks 8/9: the blob's shape fields minus the suppression field (an encoded image draws no blob).
    w[dec + "8.conv.0.weight"][9, 59, 1, 1] = -suppress
    w[dec + "9.conv.0.weight"][10, 59, 1, 1] = -suppress
    # mask block: saturated masks of Q (smoothed by the later upsamples) at two levels: outline and fill.
    for ch, threshold, bias in (
        (60, t_outer, 0.0),
        (61, t_outer, -1.0),
        (62, t_inner, 0.0),
        (63, t_inner, -1.0),
    ):
        w[f"{dec}{mask_block}.conv.0.weight"][ch, 56, 1, 1] = sharp
        w[f"{dec}{mask_block}.conv.0.bias"][ch] = -sharp * threshold + bias
        w[f"{dec}{mask_block}.conv.2.weight"][ch, ch, 1, 1] = 1.0
        w[f"{dec}{mask_block}.conv.4.weight"][ch, ch, 1, 1] = 1.0
    final = w[dec + "19.weight"]
    background = w[dec + "19.bias"]
    # The blob's colours, read back from the decoder (so both paths draw the same character).
    outline = background + final[:, 11, 1, 1]
    fill = outline + final[:, 13, 1, 1]
    final[:, 60, 1, 1], final[:, 61, 1, 1] = outline - background, background - outline
    final[:, 62, 1, 1], final[:, 63, 1, 1] = fill - outline, outline - fill


def build_pose_vae(modules, torch, **decoder) -> dict:
    """The pose VAE's state dict (TAESD keys; float16)."""
    _, _, _, taesd = modules
    vae = taesd.TAESD().state_dict()
    state = {k: torch.zeros_like(v) for k, v in vae.items()}
    state.update(demo.sprite_decoder(vae, torch))
    state.update(pose_encoder(vae, torch))
    pose_decoder_path(state, torch, **decoder)
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
