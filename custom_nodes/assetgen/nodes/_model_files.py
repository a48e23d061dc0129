"""Which of a plan's model files ComfyUI can find (checked before a prompt runs)."""

from __future__ import annotations

import folder_paths

from assetgen.models.generation import GenerationPlan


def missing_lora_files(plan: GenerationPlan) -> list[str]:
    """The plan's LoRA files that none of ComfyUI's loras folders holds."""
    return [lora.file for lora in plan.loras if folder_paths.get_full_path("loras", lora.file) is None]


def missing_model_files(plan: GenerationPlan) -> str | None:
    """A message naming the plan's checkpoint/LoRA files ComfyUI cannot find, or None."""
    missing = (
        [f"checkpoint {plan.checkpoint.file}"]
        if folder_paths.get_full_path("checkpoints", plan.checkpoint.file) is None
        else []
    )
    missing += [f"LoRA {file}" for file in missing_lora_files(plan)]
    if not missing:
        return None
    return (
        f"model file(s) not found in ComfyUI's model folders: {', '.join(missing)}; put them in "
        "models/checkpoints and models/loras (or ASSETGEN_MODELS_DIR/checkpoints, /loras)"
    )
