"""recreate_spec: the exact prompts verbatim, a fixed seed, the LoRA releases and strengths."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput
from assetgen.generation.plan import plan_generation
from assetgen.generation.recreate import recreate_spec
from assetgen.generation.variant_metadata import metadata_for
from assetgen.store import ProjectStore


def test_recreated_spec_plans_the_same_prompts_seed_and_stack(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=2, random_seed=7)
    meta = metadata_for(
        plan,
        variant_index=1,
        variant_id="v2",
        job_id="j",
        batch_index=0,
        batch_size=1,
        batch_seed=plan.seeds[1],
        checkpoint_sha256="abc",
        lora_sha256={},
    )
    source = demo_store.read("demo", "specs", "potion_icon")
    spec = recreate_spec(meta, spec_id="potion_again", source=source)
    demo_store.write("demo", "specs", spec)
    again = plan_generation(demo_store, "demo", "potion_again")
    assert (again.prompt.positive, again.prompt.negative) == (plan.prompt.positive, plan.prompt.negative)
    assert [f.layer for f in again.prompt_trace] == ["verbatim"]
    assert again.seeds == [plan.seeds[1]] and again.checkpoint.id == plan.checkpoint.id
    assert [(lo.lora_id, lo.release_id, lo.strength_model) for lo in again.loras] == [
        (lo.lora_id, lo.release_id, lo.strength_model) for lo in plan.loras
    ]
    assert (again.width, again.steps, again.sampler, again.cfg) == (
        plan.width,
        plan.steps,
        plan.sampler,
        plan.cfg,
    )
    assert spec.asset_type == source.asset_type and spec.quality_contract == source.quality_contract


def test_a_later_image_of_a_batch_cannot_be_recreated_alone(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=2, overrides={"batch_size": 2})
    meta = metadata_for(
        plan,
        variant_index=1,
        variant_id="v2",
        job_id=None,
        batch_index=1,
        batch_size=2,
        batch_seed=plan.seeds[0],
        checkpoint_sha256=None,
        lora_sha256={},
    )
    with pytest.raises(InvalidInput, match="batch"):
        recreate_spec(meta, spec_id="x", source=None)
