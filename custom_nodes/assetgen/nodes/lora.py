"""AssetGen Apply LoRA Stack: MODEL + CLIP + plan -> MODEL + CLIP with the policy's LoRAs applied in order."""

from __future__ import annotations

import json

import comfy.sd
import comfy.utils
import folder_paths
from comfy_api.latest import io

from assetgen.errors import AssetgenError
from assetgen.nodes._context import node_plan
from assetgen.nodes._model_files import missing_lora_files
from assetgen.nodes.spec import PLAN

NO_EXTRA = "(none)"


def _missing_files(plan_text: str) -> list[str]:
    return missing_lora_files(node_plan(plan_text))


class AssetGenApplyLoraStack(io.ComfyNode):
    """Applies the LoRA stack the selection policy chose (baseline/project layers, caps, releases)."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenApplyLoraStack",
            display_name="Apply LoRA Policy (assetgen)",
            category="assetgen",
            description="Loads each LoRA of the plan's resolved stack onto MODEL and CLIP, in order, with the "
            "strengths the LoRA records give. The plan's loraDecisions say why each LoRA was used or not.",
            inputs=[
                io.Model.Input("model", tooltip="The checkpoint's MODEL."),
                io.Clip.Input("clip", tooltip="The checkpoint's CLIP."),
                PLAN.Input("plan", tooltip="From Load AssetSpec."),
                io.Float.Input(
                    "strength_scale",
                    default=1.0,
                    min=0.0,
                    max=4.0,
                    step=0.05,
                    tooltip="Multiplies every LoRA strength (1 = as recorded).",
                ),
                io.Combo.Input(
                    "extra_lora",
                    options=[NO_EXTRA, *folder_paths.get_filename_list("loras")],
                    default=NO_EXTRA,
                    tooltip="A LoRA file to try on top of the policy's stack (recorded in the report, not in the plan).",
                ),
                io.Float.Input(
                    "extra_strength",
                    default=0.8,
                    min=-4.0,
                    max=4.0,
                    step=0.05,
                    tooltip="Strength of the extra LoRA.",
                ),
            ],
            outputs=[
                io.Model.Output(tooltip="MODEL with the LoRAs applied."),
                io.Clip.Output(tooltip="CLIP with the LoRAs applied."),
                io.String.Output(
                    "lora_report",
                    display_name="lora_report",
                    tooltip="JSON: the stack applied and every decision.",
                ),
            ],
        )

    @classmethod
    def validate_inputs(cls, plan: str | None = None, **_: object) -> bool | str:
        if plan is None:  # linked: checked when it runs
            return True
        try:
            missing = _missing_files(plan)
        except AssetgenError as exc:
            return str(exc)
        if missing:
            return (
                f"LoRA file(s) not found in ComfyUI's loras folders: {', '.join(missing)}; "
                "put them in models/loras (or ASSETGEN_MODELS_DIR/loras)"
            )
        return True

    @classmethod
    def execute(
        cls,
        model,
        clip,
        plan: str,
        strength_scale: float = 1.0,
        extra_lora: str = NO_EXTRA,
        extra_strength: float = 0.8,
    ) -> io.NodeOutput:
        resolved = node_plan(plan)
        missing = _missing_files(plan)
        if missing:
            raise FileNotFoundError(
                f"LoRA file(s) not found in ComfyUI's loras folders: {', '.join(missing)}"
            )
        stack = [
            (lora.file, lora.strength_model * strength_scale, lora.strength_clip * strength_scale)
            for lora in resolved.loras
        ]
        if extra_lora != NO_EXTRA:
            stack.append((extra_lora, extra_strength, extra_strength))
        for file, strength_model, strength_clip in stack:
            weights = comfy.utils.load_torch_file(
                folder_paths.get_full_path_or_raise("loras", file), safe_load=True
            )
            model, clip = comfy.sd.load_lora_for_models(model, clip, weights, strength_model, strength_clip)
        report = {
            "loras": [lora.model_dump(mode="json") for lora in resolved.loras],
            "decisions": [d.model_dump(mode="json") for d in resolved.lora_decisions],
            "extra": {"file": extra_lora, "strength": extra_strength} if extra_lora != NO_EXTRA else None,
        }
        return io.NodeOutput(model, clip, json.dumps(report))
