"""Build the demo checkpoint and LoRAs from ComfyUI's own classes (seeded; nothing downloaded).

Runs inside the ComfyUI runtime venv:
    python tools/make_demo_models.py --comfyui <ComfyUI dir> --out <models dir>

Writes <out>/checkpoints/ckpt_sd15_demo.safetensors (an SD1.5-shaped model that ComfyUI detects
as SD15: a one-level UNet, the full CLIP-L text encoder and a TAESD VAE) and
<out>/loras/lora_demo_{forest,icons}.safetensors (kohya key layout). The weights are not trained:
the decoder is built by hand (see ``sprite_decoder``) so every image is one outlined, seed-dependent
sprite-like shape on a light background: previews, review, background removal and packing have
something meaningful to show. Real art needs a real
checkpoint (see README).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

SEED = 20261124
CHECKPOINT = "ckpt_sd15_demo.safetensors"
# (file name, seed, per-layer scale): two LoRAs with clearly different effects.
LORAS = (("lora_demo_forest.safetensors", 11, 1.0), ("lora_demo_icons.safetensors", 23, 1.0))
LORA_RANK = 4


def import_comfy(comfy_dir: Path):
    """Import ComfyUI's model classes the way its own start-up does (CPU, args parsed)."""
    sys.path.insert(0, str(comfy_dir))
    sys.argv = [sys.argv[0], "--cpu"]
    import comfy.options

    comfy.options.enable_args_parsing()
    import comfy.ldm.modules.diffusionmodules.openaimodel as openaimodel
    import comfy.ops
    import comfy.sd1_clip
    import comfy.taesd.taesd as taesd

    return openaimodel, comfy.ops, comfy.sd1_clip, taesd


def init_(tensors: dict, generator, torch) -> None:
    """Seeded init of every tensor (comfy.ops layers skip weight init, so nothing may stay empty)."""
    for name in sorted(tensors):
        t = tensors[name]
        if not t.is_floating_point():
            continue
        if name.endswith("bias") or name.endswith("position_ids"):
            t.zero_()
        elif t.ndim == 0:  # scalars such as logit_scale
            t.fill_(1.0)
        elif t.ndim == 1:  # norm weights
            t.fill_(1.0)
        elif "embedding" in name:
            t.normal_(0.0, 0.02, generator=generator)
        else:
            fan_in = t[0].numel()
            t.normal_(0.0, 1.0 / math.sqrt(max(fan_in, 1)), generator=generator)


def build_unet(openaimodel, ops, torch):
    return openaimodel.UNetModel(
        image_size=32,
        in_channels=4,
        model_channels=320,
        out_channels=4,
        num_res_blocks=[1],
        channel_mult=[1],
        transformer_depth=[1],
        transformer_depth_output=[1, 1],
        transformer_depth_middle=1,
        context_dim=768,
        num_heads=8,
        use_spatial_transformer=True,
        use_linear_in_transformer=False,
        legacy=False,
        dtype=torch.float32,
        device="cpu",
        operations=ops.disable_weight_init,
    )


def build_checkpoint(modules, torch) -> dict:
    openaimodel, ops, sd1_clip, taesd = modules
    generator = torch.Generator().manual_seed(SEED)
    state: dict = {}

    unet = build_unet(openaimodel, ops, torch).state_dict()
    init_(unet, generator, torch)
    # Small output so the sampler's denoised latent stays in range and varies smoothly with the seed.
    unet["out.2.weight"].mul_(0.1)
    state.update({f"model.diffusion_model.{k}": v for k, v in unet.items()})

    clip = sd1_clip.SDClipModel(device="cpu", dtype=torch.float32).state_dict()
    init_(clip, generator, torch)
    state.update({f"cond_stage_model.{k}": v for k, v in clip.items()})

    vae = taesd.TAESD().state_dict()
    init_(vae, generator, torch)  # the encoder stays random: only img2img would use it
    vae.update(sprite_decoder(vae, torch))
    state.update({f"first_stage_model.{k}": v for k, v in vae.items()})
    return {k: v.to(torch.float16).contiguous() for k, v in state.items()}


def sprite_decoder(vae: dict, torch) -> dict:
    """A hand-built TAESD decoder that draws one outlined blob, centred, on a light background.

    TAESD's decoder is conv(4->64), 3 residual blocks, then three times (upsample, conv, blocks), and a
    final conv(64->3); every residual block computes relu(convs(x) + x). The weights below use those
    pieces as a tiny program (channels are registers):
      ch 0-7   |latent| parts (+z, -z per latent channel), blurred nine times at 16x16 so shapes are smooth
      ch 8     a constant 1 blurred with zero padding: a dome that is high in the centre (keeps the sprite
               centred and inside the frame)
      ch 9/10  shape field S = dome + latent features, minus two thresholds (outline and fill)
      ch 11-14 the two masks, saturated to 0..1 (relu(a*s) - relu(a*s - 1))
      ch 15-18 latent features gated by the fill mask: seed-dependent tints inside the sprite
      final    background + outline mask * (outline - bg) + fill mask * (fill - outline) + tints
    The sampled latent decides the silhouette and the tints, so seeds (and prompts, LoRAs) change the image.
    """
    gen = torch.Generator().manual_seed(SEED + 1)
    out = {
        k: torch.zeros_like(v)
        for k, v in vae.items()
        if k.startswith("taesd_decoder.") or k.startswith("vae_")
    }
    dec = "taesd_decoder."
    blur = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16.0
    beta, weight, t_outline, t_fill, sharp, gate, tint = 2.5, 1.6, 4.05, 4.13, 12.0, 3.0, 1.5

    for c in range(4):
        out[dec + "1.weight"][c, c] = blur
        out[dec + "1.weight"][4 + c, c] = -blur
    out[dec + "1.bias"][8] = 1.0
    for block in (3, 4, 5):
        for conv in ("conv.0", "conv.2", "conv.4"):
            out[f"{dec}{block}.{conv}.weight"][8, 8] = blur
        for k in range(8):  # features: conv path = blur^3(x) - x, so the block outputs blur^3(x)
            out[f"{dec}{block}.conv.0.weight"][k, k] = blur
            out[f"{dec}{block}.conv.0.weight"][40 + k, k, 1, 1] = 1.0
            out[f"{dec}{block}.conv.2.weight"][k, k] = blur
            out[f"{dec}{block}.conv.2.weight"][40 + k, 40 + k, 1, 1] = 1.0
            out[f"{dec}{block}.conv.4.weight"][k, k] = blur
            out[f"{dec}{block}.conv.4.weight"][k, 40 + k, 1, 1] = -1.0
    for conv in (7, 12, 17):  # after each upsample: smooth every channel
        for ch in range(64):
            out[f"{dec}{conv}.weight"][ch, ch] = blur
    feature_weights = torch.rand(8, generator=gen) * 0.5 + 0.75
    for block, ch, threshold in ((8, 9, t_outline), (9, 10, t_fill)):
        out[f"{dec}{block}.conv.0.weight"][ch, 8, 1, 1] = beta / 8.0
        out[f"{dec}{block}.conv.0.weight"][ch, :8, 1, 1] = weight * feature_weights
        out[f"{dec}{block}.conv.2.weight"][ch, ch, 1, 1] = 1.0
        out[f"{dec}{block}.conv.4.weight"][ch, ch, 1, 1] = 1.0
        out[f"{dec}{block}.conv.4.bias"][ch] = -threshold
    for src, low, high in ((9, 11, 12), (10, 13, 14)):
        for ch, bias in ((low, 0.0), (high, -1.0)):
            out[f"{dec}10.conv.0.weight"][ch, src, 1, 1] = sharp
            out[f"{dec}10.conv.2.weight"][ch, ch, 1, 1] = 1.0
            out[f"{dec}10.conv.4.weight"][ch, ch, 1, 1] = 1.0
            out[f"{dec}10.conv.4.bias"][ch] = bias
    for j in range(4):  # gated tint j = relu(feature_j + gate * fill_mask - gate)
        tmp = 20 + 3 * j
        for offset, src in enumerate((j, 13, 14)):
            out[f"{dec}13.conv.0.weight"][tmp + offset, src, 1, 1] = 1.0
            out[f"{dec}13.conv.2.weight"][tmp + offset, tmp + offset, 1, 1] = 1.0
        for offset, factor in enumerate((1.0, gate, -gate)):
            out[f"{dec}13.conv.4.weight"][15 + j, tmp + offset, 1, 1] = factor
        out[f"{dec}13.conv.4.bias"][15 + j] = -gate
    background = torch.tensor([0.96, 0.96, 0.94])
    outline = torch.tensor([0.12, 0.10, 0.14])
    fill = torch.rand(3, generator=gen) * 0.4 + 0.3
    tints = (torch.rand(4, 3, generator=gen) - 0.5) * tint
    final = out[dec + "19.weight"]
    for c in range(3):
        final[c, 11, 1, 1], final[c, 12, 1, 1] = outline[c] - background[c], background[c] - outline[c]
        final[c, 13, 1, 1], final[c, 14, 1, 1] = fill[c] - outline[c], outline[c] - fill[c]
        final[c, 15:19, 1, 1] = tints[:, c]
    out[dec + "19.bias"] = background.clone()
    # The sampled latents of this model have a std of about 80: scale them to about 1.
    out["vae_scale"] = torch.tensor(0.0125)
    out["vae_shift"] = torch.tensor(0.0)
    return out


def lora_targets(unet_keys, clip_keys) -> list[tuple[str, int, int]]:
    """(kohya name, in features, out features) for every attention projection LoRAs touch."""
    targets = []
    for key, shape in unet_keys:
        if ".transformer_blocks." in key and key.endswith(".weight") and ".attn" in key and len(shape) == 2:
            name = key[: -len(".weight")].replace(".", "_")
            targets.append((f"lora_unet_{name}", shape[1], shape[0]))
    for key, shape in clip_keys:
        if (
            key.startswith("transformer.text_model.encoder.layers.")
            and "self_attn" in key
            and key.endswith("proj.weight")
        ):
            name = key[len("transformer.") : -len(".weight")].replace(".", "_")
            targets.append((f"lora_te_{name}", shape[1], shape[0]))
    return targets


def build_lora(targets, seed: int, scale: float, torch) -> dict:
    generator = torch.Generator().manual_seed(seed)
    lora = {}
    for name, fan_in, fan_out in targets:
        down = torch.randn(LORA_RANK, fan_in, generator=generator) / math.sqrt(fan_in)
        up = torch.randn(fan_out, LORA_RANK, generator=generator) * scale
        lora[f"{name}.lora_down.weight"] = down.to(torch.float16)
        lora[f"{name}.lora_up.weight"] = up.to(torch.float16)
        lora[f"{name}.alpha"] = torch.tensor(float(LORA_RANK), dtype=torch.float16)
    return lora


def save(tensors: dict, path: Path, metadata: dict[str, str]) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata=metadata)
    os.replace(tmp, path)
    print(f"[models] wrote {path} ({path.stat().st_size / 2**20:.0f} MiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comfyui", type=Path, required=True, help="ComfyUI source folder")
    parser.add_argument("--out", type=Path, required=True, help="models folder to write into")
    args = parser.parse_args()
    import torch

    torch.manual_seed(SEED)
    modules = import_comfy(args.comfyui.resolve())
    with torch.no_grad():
        checkpoint = build_checkpoint(modules, torch)
        meta = {"assetgen": "generated demo model, not trained", "seed": str(SEED)}
        save(checkpoint, args.out / "checkpoints" / CHECKPOINT, meta)
        unet_keys = [
            (k[len("model.diffusion_model.") :], tuple(v.shape))
            for k, v in checkpoint.items()
            if k.startswith("model.diffusion_model.")
        ]
        clip_keys = [
            (k[len("cond_stage_model.") :], tuple(v.shape))
            for k, v in checkpoint.items()
            if k.startswith("cond_stage_model.")
        ]
        targets = lora_targets(unet_keys, clip_keys)
        for file_name, seed, scale in LORAS:
            save(
                build_lora(targets, seed, scale, torch),
                args.out / "loras" / file_name,
                {**meta, "seed": str(seed)},
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
