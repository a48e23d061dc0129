"""Build the demo checkpoint and LoRAs from ComfyUI's own classes (seeded; nothing downloaded).

Runs inside the ComfyUI runtime venv:
    python tools/make_demo_models.py --comfyui <ComfyUI dir> --out <models dir>

Writes <out>/checkpoints/ckpt_sd15_demo.safetensors (an SD1.5-shaped model that ComfyUI detects
as SD15: a one-level UNet, the full CLIP-L text encoder and a TAESD VAE) and
<out>/loras/lora_demo_{forest,icons}.safetensors (kohya key layout). The weights are not trained:
the decoder is shaped so images are smooth, seed-dependent colour blobs on a light background, so
previews, review and background removal have something meaningful to show. Real art needs a real
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
    init_(vae, generator, torch)
    last = "taesd_decoder.19.weight"  # the decoder's final conv(64, 3)
    vae[last].mul_(0.04 / float(vae[last].std()))
    vae["taesd_decoder.19.bias"].copy_(torch.tensor([0.45, 0.5, 0.55]))
    vae["vae_scale"].fill_(0.18215)
    state.update({f"first_stage_model.{k}": v for k, v in vae.items()})
    return {k: v.to(torch.float16).contiguous() for k, v in state.items()}


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
