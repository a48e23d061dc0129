"""plan_generation: parameter precedence, override validation and batching."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput
from assetgen.generation.plan import batches, plan_generation
from assetgen.store import ProjectStore


def test_precedence_job_over_spec_over_checkpoint(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon")
    assert (plan.width, plan.steps, plan.sampler, len(plan.seeds)) == (128, 8, "euler", 4)
    plan = plan_generation(
        demo_store,
        "demo",
        "potion_icon",
        variants=2,
        overrides={"steps": 3, "sampler_name": "dpmpp_2m", "cfg": 4.5},
    )
    assert (plan.steps, plan.sampler, plan.cfg, len(plan.seeds)) == (3, "dpmpp_2m", 4.5, 2)


def test_unknown_override_lists_the_valid_ones(demo_store: ProjectStore) -> None:
    with pytest.raises(InvalidInput, match=r"unknown override 'colour'.*steps"):
        plan_generation(demo_store, "demo", "potion_icon", overrides={"colour": "red"})


def test_batches_split_variants(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=5, overrides={"batch_size": 2})
    assert batches(plan) == [[0, 1], [2, 3], [4]]


def test_plan_records_the_resolver_and_trace(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "hero_knight_walk", random_seed=5)
    assert plan.checkpoint.file == "ckpt_sd15_demo.safetensors"
    assert [lo.lora_id for lo in plan.loras] == ["lora_demo_forest"]
    assert {d.lora_id: d.code for d in plan.lora_decisions}["lora_demo_icons"] == "blocked_asset_type"
    assert plan.seed_policy == "derived" and plan.prompt_trace[0].layer == "checkpoint_base"


def test_planning_reads_the_project_again_only_when_a_file_changed(demo_store: ProjectStore) -> None:
    """Plans share the parsed project inputs until a file they came from changes (a catalog edited, a
    LoRA record removed, the spec rewritten), and then see the change on the very next plan."""
    from assetgen.generation.plan_inputs import read_plan_inputs

    first = read_plan_inputs(demo_store, "demo")
    assert read_plan_inputs(demo_store, "demo") is first
    assert "lora_demo_forest" in [
        lo.lora_id for lo in plan_generation(demo_store, "demo", "hero_knight_walk").loras
    ]

    styles = demo_store.read_catalog("demo", "styles")
    styles.styles[0].prompt_tokens = ["chunky brush strokes"]
    demo_store.write_catalog("demo", "styles", styles)
    spec = demo_store.read("demo", "specs", "potion_icon")
    spec.style = styles.styles[0].id
    demo_store.write("demo", "specs", spec)
    assert "chunky brush strokes" in plan_generation(demo_store, "demo", "potion_icon").prompt.positive
    assert read_plan_inputs(demo_store, "demo") is not first

    demo_store.delete("demo", "loras", "lora_demo_forest")
    assert plan_generation(demo_store, "demo", "hero_knight_walk").loras == []


def test_planning_still_names_a_missing_catalog(demo_store: ProjectStore) -> None:
    from assetgen.errors import NotFound

    plan_generation(demo_store, "demo", "potion_icon")
    demo_store.catalog_path("demo", "asset-types").unlink()
    with pytest.raises(NotFound, match="no catalog 'asset-types'"):
        plan_generation(demo_store, "demo", "potion_icon")
