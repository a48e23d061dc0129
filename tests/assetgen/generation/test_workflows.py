"""Templates are filled by node title; unknown titles and inputs are clear errors."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import (
    fill_by_title,
    graph_plan,
    list_templates,
    load_template,
    prompt_for_batch,
    titles_by_node,
)
from assetgen.store import ProjectStore


def test_templates_have_unique_titles() -> None:
    assert {"txt2img", "txt2img_fixed_seed"} <= set(list_templates())
    for template_id in list_templates():
        titles = set(titles_by_node(load_template(template_id)))
        assert {"AssetGen Spec", "Save Variants"} <= titles
        if template_id.startswith("txt2img"):
            assert {"Checkpoint", "LoRA Policy", "Sampler", "Latent"} <= titles


def test_a_probe_template_without_sampler_is_filled(demo_store: ProjectStore) -> None:
    """dispatch_probe (EmptyImage -> Save Variants) has no Checkpoint/Latent/Sampler: only its own nodes are filled."""
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=1, template_id="dispatch_probe")
    template = load_template("dispatch_probe")
    prompt = prompt_for_batch(template, plan, variant_indices=[0], variant_ids=["p1"], job_id="j")
    titles = titles_by_node(prompt)
    assert set(titles) == {"AssetGen Spec", "Seed", "Image", "Save Variants"}
    assert prompt[titles["Seed"]]["inputs"]["value"] == plan.seeds[0]
    assert prompt[titles["Save Variants"]]["inputs"]["variant_ids"] == "p1"
    with pytest.raises(InvalidInput, match="Save Variants"):
        prompt_for_batch(
            {"1": {"class_type": "X", "_meta": {"title": "AssetGen Spec"}, "inputs": {}}},
            plan,
            variant_indices=[0],
            variant_ids=["p"],
        )


def test_fill_by_title_errors() -> None:
    template = load_template("txt2img")
    with pytest.raises(InvalidInput, match="no node titled 'Nope'"):
        fill_by_title(template, {"Nope": {"x": 1}})
    with pytest.raises(InvalidInput, match="has no input 'bogus'"):
        fill_by_title(template, {"Sampler": {"bogus": 1}})
    with pytest.raises(NotFound, match="txt2img"):
        load_template("missing_template")
    with pytest.raises(InvalidInput):
        load_template("../etc/passwd")


def test_batch_prompt_carries_the_plan(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=3, overrides={"batch_size": 2})
    for template_id in ("txt2img", "txt2img_fixed_seed"):
        prompt = prompt_for_batch(
            load_template(template_id), plan, variant_indices=[2], variant_ids=["v3"], job_id="j"
        )
        titles = titles_by_node(prompt)
        assert prompt[titles["Save Variants"]]["inputs"]["variant_ids"] == "v3"
        assert prompt[titles["Checkpoint"]]["inputs"]["ckpt_name"] == "ckpt_sd15_demo.safetensors"
        seed = prompt[titles["Sampler"]]["inputs"]["seed"]
        if template_id == "txt2img":  # cache-friendly: the seed comes from the Seed node alone
            assert seed == [titles["Seed"], 0] and prompt[titles["Seed"]]["inputs"]["value"] == plan.seeds[2]
            assert prompt[titles["Save Variants"]]["inputs"]["batch_seed"] == [titles["Seed"], 0]
            assert prompt[titles["AssetGen Spec"]]["inputs"]["variant_index"] == 0
        else:
            assert seed == plan.seeds[2]
            assert prompt[titles["AssetGen Spec"]]["inputs"]["variant_index"] == 2
    with pytest.raises(InvalidInput):
        prompt_for_batch(load_template("txt2img"), plan, variant_indices=[0, 1], variant_ids=["a"])


def test_the_spec_node_input_does_not_change_with_the_seed(demo_store: ProjectStore) -> None:
    """Two variants (and two jobs with other seeds) of one spec send the spec node the same inputs, so
    ComfyUI's cache keeps the LoRA patch and the conditioning; only Seed and Save Variants differ."""
    template = load_template("txt2img")
    titles = titles_by_node(template)
    plan_a = plan_generation(demo_store, "demo", "potion_icon", variants=2)
    plan_b = plan_generation(demo_store, "demo", "potion_icon", variants=1, seed_offset=17)
    prompts = [
        prompt_for_batch(template, plan_a, variant_indices=[0], variant_ids=["a"]),
        prompt_for_batch(template, plan_a, variant_indices=[1], variant_ids=["b"]),
        prompt_for_batch(template, plan_b, variant_indices=[0], variant_ids=["c"]),
    ]
    seeds = {p[titles["Seed"]]["inputs"]["value"] for p in prompts}
    assert len(seeds) == 3
    for title in ("AssetGen Spec", "Checkpoint", "LoRA Policy", "Positive", "Negative", "Latent"):
        assert prompts[0][titles[title]] == prompts[1][titles[title]] == prompts[2][titles[title]], title
    assert graph_plan(plan_a) == graph_plan(plan_b)
