"""AssetGen Load Spec: an AssetSpec (or a ready generation plan) -> prompts, size, sampler values, seed."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from comfy_api.latest import io

from assetgen.errors import AssetgenError
from assetgen.generation.plan import plan_generation
from assetgen.nodes._context import node_plan, node_store
from assetgen.nodes._model_files import missing_model_files
from assetgen.store import ProjectStore, SignedCache

PLAN = io.Custom("ASSETGEN_PLAN")
log = logging.getLogger(__name__)


FROM_SPEC = "(from spec)"


def checkpoint_options() -> list[str]:
    """The dropdown: the spec's own choice, then every checkpoint record of the projects under the data root."""
    store = node_store()
    try:
        key = _listing_key(store)
    except OSError:
        key = None
    cached = _OPTIONS.get(store.root, key) if key is not None else None
    if cached is not None:
        return list(cached)
    ids: set[str] = set()
    try:
        for project_id in store.list_projects():
            ids.update(store.list_ids(project_id, "checkpoints"))
    except AssetgenError as exc:
        # The dropdown still offers the spec's own choice; the log says why the records are missing.
        log.warning("checkpoint dropdown: cannot list the checkpoint records under %s: %s", store.root, exc)
    options = [FROM_SPEC, *sorted(ids)]
    if key is not None:
        _OPTIONS.put(store.root, key, options)
    return list(options)


# data root -> options, by listing key. ComfyUI reads a node's schema several times per prompt (validation,
# cache keys), and listing every project's checkpoints each time was most of what Load AssetSpec added.
_OPTIONS: SignedCache[Path, list[str]] = SignedCache(4)


def _listing_key(store: ProjectStore) -> tuple[int, ...]:
    """Modification times of the folders the dropdown lists: a folder's changes when an entry is added,
    renamed or removed (a new project, a new checkpoint record), which is all the dropdown depends on."""
    projects = store.projects_dir()
    key = [projects.stat().st_mtime_ns]
    for entry in sorted(os.scandir(projects), key=lambda e: e.name):
        if entry.is_dir():
            key.append(entry.stat().st_mtime_ns)
            try:
                key.append(os.stat(os.path.join(entry.path, "checkpoints")).st_mtime_ns)
            except FileNotFoundError:
                key.append(0)
    return tuple(key)


def _resolve_plan_json(
    project_id: str, spec_id: str, plan: str, seed_offset: int, checkpoint: str = FROM_SPEC
):
    if plan.strip():
        return node_plan(plan)
    # Derived seeds keep an artist's graph reproducible; the policy decides when it is random_recorded.
    return plan_generation(
        node_store(),
        project_id,
        spec_id,
        seed_offset=seed_offset,
        random_seed=0,
        checkpoint_id=None if checkpoint == FROM_SPEC else checkpoint,
    )


class AssetGenLoadSpec(io.ComfyNode):
    """Resolves a spec through the project's policies (checkpoint, LoRAs, prompt layers, seeds)."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenLoadSpec",
            display_name="Load AssetSpec (assetgen)",
            category="assetgen",
            description="Reads an AssetSpec from the project store, or takes a ready plan, and outputs the "
            "compiled prompts, size, sampler values and the seed of one variant.",
            inputs=[
                io.String.Input("project_id", default="demo", tooltip="Project folder under the data root."),
                io.String.Input("spec_id", default="potion_icon", tooltip="Spec id (specs/<id>.json)."),
                io.Int.Input(
                    "variant_index",
                    default=0,
                    min=0,
                    max=255,
                    tooltip="Which variant of the plan: selects its seed.",
                ),
                io.Int.Input(
                    "seed_offset",
                    default=0,
                    min=0,
                    max=2**31 - 1,
                    tooltip="Moves all seeds of the run (new seeds for a regeneration).",
                ),
                io.Combo.Input(
                    "checkpoint",
                    options=checkpoint_options(),
                    default=FROM_SPEC,
                    tooltip="A checkpoint record of the project instead of the spec's (its prompt dialect follows).",
                ),
                io.String.Input(
                    "plan_json",
                    default="",
                    multiline=True,
                    optional=True,
                    tooltip="A resolved generation plan (JSON). The orchestrator fills this; when "
                    "set, project_id/spec_id are not read from disk.",
                ),
            ],
            outputs=[
                PLAN.Output(
                    "plan",
                    display_name="plan",
                    tooltip="The resolved generation plan for the other assetgen nodes.",
                ),
                io.String.Output("positive", display_name="positive", tooltip="Compiled positive prompt."),
                io.String.Output("negative", display_name="negative", tooltip="Compiled negative prompt."),
                io.Int.Output("width", display_name="width", tooltip="Generation width in pixels."),
                io.Int.Output("height", display_name="height", tooltip="Generation height in pixels."),
                io.Int.Output("steps", display_name="steps", tooltip="Sampler steps."),
                io.Float.Output("cfg", display_name="cfg", tooltip="Classifier-free guidance scale."),
                io.Int.Output("seed", display_name="seed", tooltip="Seed of the selected variant."),
                io.String.Output(
                    "ckpt_name", display_name="ckpt_name", tooltip="Checkpoint file name ComfyUI loads."
                ),
                io.String.Output(
                    "sampler_name", display_name="sampler_name", tooltip="Sampler the spec asks for."
                ),
                io.String.Output(
                    "scheduler", display_name="scheduler", tooltip="Scheduler the spec asks for."
                ),
            ],
        )

    @classmethod
    def validate_inputs(
        cls,
        project_id: str = "",
        spec_id: str = "",
        variant_index: int = 0,
        seed_offset: int = 0,
        checkpoint: str = FROM_SPEC,
        plan_json: str = "",
    ) -> bool | str:
        try:
            resolved = _resolve_plan_json(project_id, spec_id, plan_json or "", seed_offset, checkpoint)
        except AssetgenError as exc:
            return str(exc)
        if variant_index >= len(resolved.seeds):
            return f"variant_index {variant_index} is out of range: the plan has {len(resolved.seeds)} variant(s)"
        return missing_model_files(resolved) or True

    @classmethod
    def fingerprint_inputs(
        cls,
        project_id: str = "",
        spec_id: str = "",
        variant_index: int = 0,
        seed_offset: int = 0,
        checkpoint: str = FROM_SPEC,
        plan_json: str = "",
    ) -> str:
        # Changes exactly when the resolved plan would: the spec, its catalogs, checkpoints or LoRAs. A ready
        # plan is its own text (hashing it directly skips a parse and a dump on every prompt).
        if (plan_json or "").strip():
            return hashlib.sha256(f"{plan_json}|{variant_index}".encode()).hexdigest()
        try:
            resolved = _resolve_plan_json(project_id, spec_id, plan_json or "", seed_offset, checkpoint)
        except AssetgenError as exc:
            return f"error:{exc}"
        return hashlib.sha256(f"{resolved.model_dump_json()}|{variant_index}".encode()).hexdigest()

    @classmethod
    def execute(
        cls,
        project_id: str,
        spec_id: str,
        variant_index: int = 0,
        seed_offset: int = 0,
        checkpoint: str = FROM_SPEC,
        plan_json: str = "",
    ) -> io.NodeOutput:
        resolved = _resolve_plan_json(project_id, spec_id, plan_json or "", seed_offset, checkpoint)
        return io.NodeOutput(
            resolved.model_dump_json(),
            resolved.prompt.positive,
            resolved.prompt.negative,
            resolved.width,
            resolved.height,
            resolved.steps,
            resolved.cfg,
            resolved.seeds[variant_index],
            resolved.checkpoint.file,
            resolved.sampler,
            resolved.scheduler,
        )
