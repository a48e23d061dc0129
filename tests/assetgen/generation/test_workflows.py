"""Templates are filled by node title; unknown titles and inputs are clear errors."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import (
    fill_by_title,
    list_templates,
    load_template,
    prompt_for_batch,
    titles_by_node,
)
from assetgen.store import ProjectStore


def test_templates_have_unique_titles() -> None:
    assert {"txt2img", "txt2img_fixed_seed"} <= set(list_templates())
    for template_id in list_templates():
        titles = titles_by_node(load_template(template_id))
        assert {"AssetGen Spec", "Checkpoint", "LoRA Policy", "Sampler", "Latent", "Save Variants"} <= set(
            titles
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
        assert prompt[titles["AssetGen Spec"]]["inputs"]["variant_index"] == 2
        assert prompt[titles["Checkpoint"]]["inputs"]["ckpt_name"] == "ckpt_sd15_demo.safetensors"
        seed = prompt[titles["Sampler"]]["inputs"]["seed"]
        assert seed == ["1", 7] if template_id == "txt2img" else seed == plan.seeds[2]
    with pytest.raises(InvalidInput):
        prompt_for_batch(load_template("txt2img"), plan, variant_indices=[0, 1], variant_ids=["a"])
