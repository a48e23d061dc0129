"""``make demo``: the whole loop on the demo project, stage by stage, with timings and pictures.

project -> intake (the sample wishlist) -> refine -> generate (real ComfyUI) -> review (automatic pick of
the most detailed variant) -> background removal -> pack (multi-frame specs) -> export (Unity, Godot, Unreal, custom) ->
contact sheet. The demo project is recreated on every run; a project of that id that the demo did not
create is never touched.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assetgen.atlas_build import FrameSource, build_atlas
from assetgen.bg_remove import run_bg_remove
from assetgen.errors import Conflict
from assetgen.exporting import build_export, write_export
from assetgen.generation import plan_generation
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.contact_sheet import contact_sheet
from assetgen.intake import intake_wishlist
from assetgen.models import Asset, BgRemoveInput
from assetgen.projects import init_project
from assetgen.refine import refine_spec_list
from assetgen.review import set_primary
from assetgen.settings import Settings
from assetgen.store import ProjectStore, write_json_atomic
from orchestrator.backends import comfy_for_cli
from orchestrator.generation_runner import generate_variants
from orchestrator.progress_bar import ProgressBar

DEMO_PROJECT_ID = "forest_demo"
DEMO_MARKER = "assetgenDemo"
EXPORT_PROFILES = ("unity", "godot", "unreal", "custom")


@dataclass
class DemoSummary:
    """What the demo made and how long each stage took."""

    project_id: str
    stage_seconds: dict[str, float] = field(default_factory=dict)
    specs: int = 0
    variants: int = 0
    approved: int = 0
    alpha: int = 0
    atlases: list[str] = field(default_factory=list)
    bundles: list[str] = field(default_factory=list)
    contact_sheet: str | None = None
    atlas_previews: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "projectId": self.project_id,
            "stageSeconds": self.stage_seconds,
            "specs": self.specs,
            "variants": self.variants,
            "approved": self.approved,
            "alphaImages": self.alpha,
            "atlases": self.atlases,
            "bundles": self.bundles,
            "contactSheet": self.contact_sheet,
            "atlasPreviews": self.atlas_previews,
        }


def recreate_demo_project(store: ProjectStore, project_id: str = DEMO_PROJECT_ID) -> None:
    """Delete the previous demo run (only if the demo made it) and create the project afresh."""
    if store.has_project(project_id):
        previous = store.read_project(project_id)
        if not (previous.model_extra or {}).get(DEMO_MARKER):
            raise Conflict(f"project {project_id!r} exists and was not made by the demo; it is left alone")
        shutil.rmtree(store.project_dir(project_id))
    project = init_project(store, project_id, name="Forest Quest (demo run)")
    data = project.model_dump(mode="json")
    data[DEMO_MARKER] = True
    write_json_atomic(store.project_dir(project_id) / "project.json", data)


def is_multi_frame(store: ProjectStore, project_id: str, spec_id: str) -> bool:
    """Animation and UI-state specs become atlases; single images are exported as they are."""
    spec = store.read(project_id, "specs", spec_id)
    return spec.output is not None and spec.output.kind in ("animation", "ui_states")


def detail_score(rgba: np.ndarray) -> float:
    """Stand-in for the quality contract (autopilot's job): prefer the variant with the most detail."""
    return float(rgba[..., :3].astype(np.float32).std())


async def run_demo(
    settings: Settings, *, variants: int = 2, say: Callable[[str], None] = print
) -> DemoSummary:
    """Run every stage on the demo project; returns the summary (also written as demo-summary.json)."""
    store = ProjectStore(settings.data_dir)
    project_id = DEMO_PROJECT_ID
    summary = DemoSummary(project_id=project_id)

    def stage(name: str, started: float) -> None:
        summary.stage_seconds[name] = round(time.monotonic() - started, 2)
        say(f"[demo] {name}: {summary.stage_seconds[name]:.1f} s")

    started = time.monotonic()
    recreate_demo_project(store, project_id)
    stage("project", started)

    started = time.monotonic()
    sample = store.read(project_id, "spec-lists", "forest_wishlist")
    spec_list = intake_wishlist(
        store,
        project_id,
        sample.text,
        title="Forest level wishlist (demo)",
        author="assetgen demo",
        spec_list_id="forest_run",
    )
    stage("intake", started)

    started = time.monotonic()
    outcome = refine_spec_list(store, project_id, spec_list.id)
    ready = list(outcome.ready)
    summary.specs = len(outcome.spec_list.derived_spec_ids)
    stage("refine", started)

    started = time.monotonic()
    plans = [
        plan_generation(store, project_id, spec_id, variants=variants, random_seed=index * 1000)
        for index, spec_id in enumerate(ready)
    ]
    bar = ProgressBar("[demo] generate")
    total_steps = sum(len(p.seeds) * p.steps for p in plans)
    done = {"steps": 0}
    async with comfy_for_cli(settings) as client:
        for plan in plans:
            base = done["steps"]

            def on_progress(event: dict, base: int = base, plan: Any = plan) -> None:
                if event.get("type") == "progress":
                    bar.update(base + event.get("value", 0), total_steps, plan.spec_id)

            async def on_batch(count: int, _total: int, base: int = base, steps: int = plan.steps) -> None:
                done["steps"] = base + count * steps

            await generate_variants(client, store, plan, progress=on_progress, on_batch_done=on_batch)
            summary.variants += len(plan.seeds)
    bar.close(f"{summary.variants} variants")
    stage("generate", started)

    started = time.monotonic()
    sheet_items = []
    for spec_id in ready:
        asset: Asset = store.read(project_id, "assets", spec_id)
        version = asset.versions[-1]
        scored = [(detail_score(read_rgba(store.resolve(v.original_path))), v) for v in version.variants]
        best = max(scored, key=lambda item: item[0])[1]
        set_primary(store, project_id, spec_id, best.id, by="demo")
        summary.approved += 1
        sheet_items += [
            (f"{spec_id[-14:]} {'*' if v is best else ''}", read_rgba(store.resolve(v.original_path)))
            for _, v in scored
        ]
    stage("review", started)

    started = time.monotonic()
    for spec_id in ready:
        asset = store.read(project_id, "assets", spec_id)
        version = asset.versions[-1]
        # Multi-frame specs keep every frame of the approved version; single images only the primary.
        multi = is_multi_frame(store, project_id, spec_id)
        frames = [v.id for v in version.variants] if multi else [version.primary_variant_id]
        request = BgRemoveInput(asset_id=spec_id, variant_ids=frames, method="colorkey", trim=False)
        await asyncio.to_thread(run_bg_remove, store, project_id, request, session=None)
        summary.alpha += len(frames)
    stage("bg_remove", started)

    started = time.monotonic()
    targets = []
    for spec_id in ready:
        asset = store.read(project_id, "assets", spec_id)
        if is_multi_frame(store, project_id, spec_id):
            atlas_id = f"{spec_id}-atlas"
            frames = [FrameSource(asset_id=spec_id, variant_id=v.id) for v in asset.versions[-1].variants]
            built = await asyncio.to_thread(build_atlas, store, project_id, atlas_id, frames)
            for updated in built.specs:
                store.write(project_id, "specs", updated)
            summary.atlases.append(atlas_id)
            preview = store.files_dir(project_id, "atlases", atlas_id) / "atlas-preview.png"
            if preview.is_file():
                summary.atlas_previews.append(str(preview))
            targets.append(atlas_id)
        else:
            targets.append(spec_id)
    stage("pack", started)

    started = time.monotonic()
    for target in targets:
        for profile in EXPORT_PROFILES:
            bundle = await asyncio.to_thread(build_export, store, project_id, target, profile=profile)
            record = await asyncio.to_thread(write_export, store, project_id, bundle, target_id=target)
            summary.bundles.append(record.id)
    stage("export", started)

    sheet_path = store.project_dir(project_id) / "files" / "demo" / "contact-sheet.png"
    store.write_file(
        sheet_path, encode_png(contact_sheet(sheet_items, cell_px=112, columns=max(2, variants * 2)))
    )
    summary.contact_sheet = str(sheet_path)
    write_json_atomic(sheet_path.with_name("demo-summary.json"), summary.as_dict())
    return summary


def describe(summary: DemoSummary) -> str:
    lines = [
        f"demo project {summary.project_id}: {summary.specs} specs, {summary.variants} variants, "
        f"{summary.approved} approved, {summary.alpha} alpha images, {len(summary.atlases)} atlases, {len(summary.bundles)} bundles",
        "time per stage: " + ", ".join(f"{k} {v:.1f}s" for k, v in summary.stage_seconds.items()),
        f"contact sheet: {summary.contact_sheet}",
    ]
    lines += [f"atlas preview: {p}" for p in summary.atlas_previews]
    return "\n".join(lines)
