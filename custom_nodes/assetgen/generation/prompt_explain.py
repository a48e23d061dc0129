"""Explain a spec's prompt: what ``plan_generation`` would send to ComfyUI, and why, without generating.

The explanation is the plan itself (one source of truth): final prompts, the checkpoint and the rule
that chose it, the checkpoint's prompt dialect (``policies.checkpointProfiles``), the LoRA stack with a
reason code per LoRA, the seeds, and the ordered trace of prompt layers.
"""

from __future__ import annotations

from typing import Any

from assetgen.generation.onboarding import not_onboarded_message
from assetgen.generation.plan import plan_generation
from assetgen.models.generation import GenerationPlan
from assetgen.store import ProjectStore

# random_recorded seeds are drawn when a job runs; the explanation shows them as drawn from this value.
EXAMPLE_RANDOM_SEED = 0


def explain_prompt(
    store: ProjectStore, project_id: str, spec_id: str, *, checkpoint_id: str | None = None
) -> dict[str, Any]:
    """The plan of ``spec_id`` (on ``checkpoint_id`` when given) as a JSON-ready explanation; reads only."""
    plan = plan_generation(
        store,
        project_id,
        spec_id,
        checkpoint_id=checkpoint_id,
        random_seed=EXAMPLE_RANDOM_SEED,
        allow_pending=True,
    )
    project = store.read_project(project_id)
    profile = project.policies.checkpoint_profiles.get(plan.checkpoint.id)
    data = explanation_of(plan, dialect=None if profile is None else profile.model_dump(mode="json"))
    spec = store.read(project_id, "specs", spec_id)
    if not plan.checkpoint.file:
        data["warnings"].append(
            not_onboarded_message(project_id, plan.checkpoint.id) + "; generation refuses"
        )
    link = project.policies.checkpoint_baseline_map.get(plan.checkpoint.id)
    allowed = [] if link is None else [link.default_baseline_profile_id, *link.allowed_baseline_profile_ids]
    if spec.baseline_profile_id and link is not None and spec.baseline_profile_id not in allowed:
        data["warnings"].append(
            f"baseline profile {spec.baseline_profile_id!r} is not allowed with {plan.checkpoint.id!r} "
            f"(checkpointBaselineMap allows {sorted({a for a in allowed if a})}): its hints are still applied"
        )
    return data


def explanation_of(plan: GenerationPlan, *, dialect: dict[str, Any] | None) -> dict[str, Any]:
    """A plan as the explanation's JSON shape (camelCase)."""
    return {
        "projectId": plan.project_id,
        "specId": plan.spec_id,
        "checkpoint": plan.checkpoint.model_dump(mode="json"),
        "dialect": None
        if dialect is None
        else {"profileId": dialect.get("profileId"), "version": dialect.get("version")},
        "positive": plan.prompt.positive,
        "negative": plan.prompt.negative,
        "loraMode": plan.lora_mode,
        "loras": [lora.model_dump(mode="json") for lora in plan.loras],
        "loraDecisions": [d.model_dump(mode="json") for d in plan.lora_decisions],
        "seedPolicy": plan.seed_policy,
        "seeds": plan.seeds,
        "seedsAreExamples": plan.seed_policy == "random_recorded",
        "params": plan.sampling(),
        "trace": [fragment.model_dump(mode="json") for fragment in plan.prompt_trace],
        "promptPackageHash": plan.prompt_package_hash,
        "warnings": [],
    }
