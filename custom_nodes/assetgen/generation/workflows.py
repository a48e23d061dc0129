"""Saved workflow templates (workflows/api/*.json) and filling their inputs by node title.

API-format prompts name nodes by number; numbers change when a graph is edited, titles do not. Every
node in a template has a unique ``_meta.title`` and callers address inputs as (title, input name).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assetgen.errors import InvalidInput, NotFound
from assetgen.ids import validate_id
from assetgen.models.generation import GenerationPlan
from assetgen.settings import REPO_DIR

WORKFLOWS_DIR = REPO_DIR / "workflows"


def list_templates(workflows_dir: Path = WORKFLOWS_DIR) -> list[str]:
    """Ids of the API-format templates."""
    return sorted(p.stem for p in (workflows_dir / "api").glob("*.json"))


def load_template(template_id: str, workflows_dir: Path = WORKFLOWS_DIR) -> dict[str, Any]:
    """An API-format template, checked for unique titles."""
    validate_id(template_id, what="template id")
    path = workflows_dir / "api" / f"{template_id}.json"
    if not path.is_file():
        raise NotFound(
            f"no workflow template {template_id!r}; templates: {', '.join(list_templates(workflows_dir))}"
        )
    prompt = json.loads(path.read_text())
    titles_by_node(prompt)
    return prompt


def titles_by_node(prompt: Mapping[str, Any]) -> dict[str, str]:
    """title -> node id; raises InvalidInput when a node has no title or a title repeats."""
    out: dict[str, str] = {}
    for node_id, node in prompt.items():
        title = (node.get("_meta") or {}).get("title")
        if not title:
            raise InvalidInput(f"template node {node_id} ({node.get('class_type')}) has no _meta.title")
        if title in out:
            raise InvalidInput(f"template title {title!r} is used by nodes {out[title]} and {node_id}")
        out[title] = node_id
    return out


def fill_by_title(prompt: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of ``prompt`` with ``values[title][input]`` set. Unknown titles or inputs are errors;
    an input that is a link in the template is only replaced when ``values`` says so explicitly.

    Each node and its inputs are copied; values inside them (``_meta``, link lists) are shared with
    ``prompt``, which is only ever filled, never edited in place (a deep copy cost 0.3 ms a prompt)."""
    filled = {node_id: {**node, "inputs": dict(node.get("inputs") or {})} for node_id, node in prompt.items()}
    titles = titles_by_node(filled)
    for title, inputs in values.items():
        if title not in titles:
            raise InvalidInput(f"template has no node titled {title!r}; titles: {', '.join(sorted(titles))}")
        node_inputs = filled[titles[title]]["inputs"]
        for name, value in inputs.items():
            if name not in node_inputs:
                raise InvalidInput(
                    f"node {title!r} has no input {name!r}; inputs: {', '.join(sorted(node_inputs))}"
                )
            node_inputs[name] = value
    return filled


def is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)


def graph_plan(plan: GenerationPlan) -> GenerationPlan:
    """The plan as the spec node of a cache-friendly template receives it: everything that defines the
    checkpoint, the LoRA stack and the prompts, nothing that changes per variant (the seeds).

    ComfyUI caches a node's outputs by the signature of its inputs and of all its ancestors; a seed
    inside the plan JSON would make every new seed re-run the LoRA patch and both text encodes.
    Metadata does not read ``seeds`` from this plan: Save Variants gets the batch seed on its own input.
    """
    return plan.model_copy(update={"seeds": [0]})


def seeds_by_node(template: Mapping[str, Any]) -> bool:
    """True when the template routes the seed through a node titled ``Seed`` (the cache-friendly pattern:
    the seed reaches only the sampler and Save Variants); False for templates that still take the seed
    from the spec node or write it into the sampler themselves."""
    return "Seed" in titles_by_node(template)


def prompt_for_batch(
    template: Mapping[str, Any],
    plan: GenerationPlan,
    *,
    variant_indices: Sequence[int],
    variant_ids: Sequence[str],
    job_id: str = "",
) -> dict[str, Any]:
    """The prompt that generates the variants ``variant_indices`` (one ComfyUI batch) of ``plan``.

    With a ``Seed`` node (see ``seeds_by_node``) the spec node gets the seed-free ``graph_plan`` and
    variant index 0, so consecutive prompts of one spec differ only in the Seed node and Save Variants'
    inputs, and ComfyUI reuses its cached checkpoint, LoRA patch and conditioning.
    """
    if not variant_indices or len(variant_indices) != len(variant_ids):
        raise InvalidInput("a batch needs as many variant ids as variant indices (at least one)")
    first = variant_indices[0]
    titles = titles_by_node(template)
    for required in ("AssetGen Spec", "Save Variants"):
        if required not in titles:
            raise InvalidInput(
                f"template has no node titled {required!r}; titles: {', '.join(sorted(titles))}"
            )
    # Checkpoint, Latent and Sampler are filled where the template has them (a probe graph has none).
    sampler_inputs = template[titles["Sampler"]]["inputs"] if "Sampler" in titles else {}
    save_inputs = template[titles["Save Variants"]]["inputs"]
    cache_friendly = seeds_by_node(template)
    values: dict[str, dict[str, Any]] = {
        "AssetGen Spec": {
            "project_id": plan.project_id,
            "spec_id": plan.spec_id,
            "variant_index": 0 if cache_friendly else first,
            "plan_json": (graph_plan(plan) if cache_friendly else plan).model_dump_json(),
        },
        "Checkpoint": {"ckpt_name": plan.checkpoint.file},
        "Latent": {"batch_size": len(variant_indices)},
        "Sampler": {"sampler_name": plan.sampler, "scheduler": plan.scheduler, "denoise": plan.denoise},
        "Save Variants": {"variant_index": first, "job_id": job_id, "variant_ids": ",".join(variant_ids)},
    }
    if "Make Tileable" in titles and plan.tiling is not None:
        values["Make Tileable"] = {"axes": plan.tiling.axes}
    if cache_friendly:
        values["Seed"] = {"value": plan.seeds[first]}
    # Templates with a fixed seed widget (not linked from the spec) get the plan's seed written in.
    if "Sampler" in titles and not is_link(sampler_inputs.get("seed")):
        values["Sampler"]["seed"] = plan.seeds[first]
    if not is_link(save_inputs.get("batch_seed")):
        values["Save Variants"]["batch_seed"] = plan.seeds[first]
    return fill_by_title(template, {title: inputs for title, inputs in values.items() if title in titles})


def prompt_for_frame(
    template: Mapping[str, Any],
    plan: GenerationPlan,
    *,
    variant_index: int,
    variant_id: str,
    positive: str,
    init_image: str,
    vae_file: str | None = None,
    skeleton_image: str | None = None,
    controlnet_file: str | None = None,
    controlnet_strength: float = 0.8,
    job_id: str = "",
) -> dict[str, Any]:
    """The prompt of one anchor frame (``anchor_img2img`` templates): the init image and the frame's prompt,
    the anchor's seed, the plan's denoise; ``vae_file`` = the VAE that encodes and decodes (None = the
    checkpoint's own, and the template's VAE loader is dropped); the ControlNet inputs when the template
    has them."""
    titles = titles_by_node(template)
    values: dict[str, dict[str, Any]] = {
        "AssetGen Spec": {
            "project_id": plan.project_id,
            "spec_id": plan.spec_id,
            "variant_index": variant_index,
            "plan_json": plan.model_dump_json(),
        },
        "Checkpoint": {"ckpt_name": plan.checkpoint.file},
        "Positive": {"text": positive},
        "Init Image": {"image": init_image},
        "Sampler": {
            "sampler_name": plan.sampler,
            "scheduler": plan.scheduler,
            "denoise": plan.denoise,
            "seed": plan.seeds[variant_index],
        },
        "Save Variants": {
            "variant_index": variant_index,
            "job_id": job_id,
            "variant_ids": variant_id,
            "batch_seed": plan.seeds[variant_index],
        },
    }
    has_controlnet = "Apply ControlNet" in titles
    if has_controlnet:
        if not (skeleton_image and controlnet_file):
            raise InvalidInput("a ControlNet template needs the pose skeleton image and the ControlNet file")
        values["Pose Skeleton"] = {"image": skeleton_image}
        values["ControlNet"] = {"control_net_name": controlnet_file}
        values["Apply ControlNet"] = {"strength": controlnet_strength}
    if vae_file:
        values["VAE"] = {"vae_name": vae_file}
    else:
        own_vae = [titles["Checkpoint"], 2]
        values["Latent"] = {"vae": own_vae}
        values["Decode"] = {"vae": own_vae}
        if has_controlnet:
            values["Apply ControlNet"]["vae"] = own_vae
    filled = fill_by_title(template, values)
    if not vae_file:
        del filled[titles["VAE"]]
    return filled
