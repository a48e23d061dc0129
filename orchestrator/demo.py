"""``make demo``: the whole loop on the demo project, stage by stage, with timings and pictures.

project -> intake (the sample wishlist) -> refine -> autopilot for every ready spec (generate on the real
ComfyUI, score against the quality contract, approve, remove backgrounds, pack multi-frame specs, export
Unity/Godot/Unreal/custom bundles, all as ordinary jobs) -> a contact sheet of every variant. The demo
project is recreated on every run; a project of that id that the demo did not create is never touched.
The managed ComfyUI is stopped at the end when the demo started it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assetgen.clock import ms_from_iso
from assetgen.errors import Conflict
from assetgen.generation.anchor_frames import with_anchor_frames
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.contact_sheet import contact_sheet
from assetgen.jobs import create_job
from assetgen.models import Asset, Job
from assetgen.post.frame_alignment import strip_with_guides
from assetgen.projects import init_project
from assetgen.settings import Settings
from assetgen.specs.intake import intake_wishlist
from assetgen.specs.refine import refine_spec_list
from assetgen.store import ProjectStore, write_json_atomic
from orchestrator import comfy_process
from orchestrator.job_chains import run_chains

DEMO_PROJECT_ID = "forest_demo"
DEMO_MARKER = "assetgenDemo"


@dataclass
class DemoSummary:
    """What the demo made and how long each stage took."""

    project_id: str
    stage_seconds: dict[str, float] = field(default_factory=dict)
    job_seconds: dict[str, float] = field(default_factory=dict)
    specs: int = 0
    variants: int = 0
    approved: int = 0
    needs_review: int = 0
    alpha: int = 0
    atlases: list[str] = field(default_factory=list)
    bundles: list[str] = field(default_factory=list)
    contact_sheet: str | None = None
    atlas_previews: list[str] = field(default_factory=list)
    strips: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "projectId": self.project_id,
            "stageSeconds": self.stage_seconds,
            "jobSeconds": self.job_seconds,
            "specs": self.specs,
            "variants": self.variants,
            "approved": self.approved,
            "needsReview": self.needs_review,
            "alphaImages": self.alpha,
            "atlases": self.atlases,
            "bundles": self.bundles,
            "contactSheet": self.contact_sheet,
            "atlasPreviews": self.atlas_previews,
            "strips": self.strips,
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


def job_seconds_by_type(jobs: list[Job]) -> dict[str, float]:
    """Time spent running each job type (sum of finishedAt - startedAt)."""
    totals: dict[str, float] = {}
    for job in jobs:
        if job.started_at and job.finished_at:
            seconds = (ms_from_iso(job.finished_at) - ms_from_iso(job.started_at)) / 1000
            totals[job.type] = round(totals.get(job.type, 0.0) + seconds, 2)
    return totals


async def run_demo(
    settings: Settings,
    *,
    variants: int = 2,
    wishlist_text: str | None = None,
    say: Callable[[str], None] = print,
) -> DemoSummary:
    """Run every stage on the demo project; returns the summary (also written as demo-summary.json).

    ``wishlist_text`` replaces the sample wishlist (e.g. one line, for a quick smoke run)."""
    store = ProjectStore(settings.data_dir)
    project_id = DEMO_PROJECT_ID
    summary = DemoSummary(project_id=project_id)
    comfy_was_running = bool(settings.comfyui_urls) or comfy_process.status(settings)["running"]

    def stage(name: str, started: float) -> None:
        summary.stage_seconds[name] = round(time.monotonic() - started, 2)
        say(f"[demo] {name}: {summary.stage_seconds[name]:.1f} s")

    started = time.monotonic()
    recreate_demo_project(store, project_id)
    stage("project", started)

    started = time.monotonic()
    text = (
        wishlist_text
        if wishlist_text is not None
        else store.read(project_id, "spec-lists", "forest_wishlist").text
    )
    spec_list = intake_wishlist(
        store,
        project_id,
        text,
        title="Forest level wishlist (demo)",
        author="assetgen demo",
        spec_list_id="forest_run",
    )
    stage("intake", started)

    started = time.monotonic()
    outcome = refine_spec_list(store, project_id, spec_list.id)
    summary.specs = len(outcome.spec_list.derived_spec_ids)
    # Walk/run/... cycles take the anchor path: frames from one approved anchor, guided by poses, 4 facings.
    for spec_id in outcome.ready:
        spec = store.read(project_id, "specs", spec_id)
        anchored = with_anchor_frames(spec, directions=4)
        if anchored is not spec:
            store.write(project_id, "specs", anchored)
    stage("refine", started)

    started = time.monotonic()
    roots = [
        create_job(store, project_id, "autopilot", {"specId": s, "variants": variants}).id
        for s in outcome.ready
    ]
    try:
        jobs = await run_chains(settings, project_id, roots, label="[demo] autopilot")
    finally:
        if not comfy_was_running:
            comfy_process.stop(settings)
    summary.job_seconds = job_seconds_by_type(jobs)
    stage("autopilot", started)

    started = time.monotonic()
    sheet_items = []
    for spec_id in outcome.ready:
        asset: Asset = store.read(project_id, "assets", spec_id)
        verdict = (asset.model_extra or {}).get("autopilot", {}).get("status")
        summary.approved += verdict == "approved"
        summary.needs_review += verdict == "needs_review"
        for version in asset.versions:
            for variant in version.variants:
                summary.variants += 1
                summary.alpha += bool(variant.alpha_path)
                mark = "*" if variant.id == version.primary_variant_id else ""
                label = f"{spec_id.removeprefix('forest_run-')} {variant.seed} {mark}"
                sheet_items.append((label, read_rgba(store.resolve(variant.original_path))))
    summary.atlases = store.list_ids(project_id, "atlases")
    summary.bundles = store.list_ids(project_id, "exports")
    for atlas_id in summary.atlases:
        preview = store.files_dir(project_id, "atlases", atlas_id) / "atlas-preview.png"
        if preview.is_file():
            summary.atlas_previews.append(str(preview))
    sheet_path = store.project_dir(project_id) / "files" / "demo" / "contact-sheet.png"
    store.write_file(
        sheet_path, encode_png(contact_sheet(sheet_items, cell_px=112, columns=max(2, variants * 2)))
    )
    summary.contact_sheet = str(sheet_path)
    for spec_id in outcome.ready:
        asset = store.read(project_id, "assets", spec_id)
        for version in asset.versions:
            if version.generation.get("anchor"):
                strip = strip_with_guides(store, project_id, spec_id, version.id)
                strip_path = sheet_path.with_name(f"strip-{spec_id.removeprefix('forest_run-')}.png")
                store.write_file(strip_path, encode_png(strip))
                summary.strips.append(str(strip_path))
    write_json_atomic(sheet_path.with_name("demo-summary.json"), summary.as_dict())
    stage("pictures", started)
    return summary


def describe(summary: DemoSummary) -> str:
    lines = [
        f"demo project {summary.project_id}: {summary.specs} specs, {summary.variants} variants, "
        f"{summary.approved} approved ({summary.needs_review} need review), {summary.alpha} alpha images, "
        f"{len(summary.atlases)} atlases, {len(summary.bundles)} bundles",
        "time per stage: " + ", ".join(f"{k} {v:.1f}s" for k, v in summary.stage_seconds.items()),
        "job time by type: " + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(summary.job_seconds.items())),
        f"contact sheet: {summary.contact_sheet}",
    ]
    lines += [f"atlas preview: {p}" for p in summary.atlas_previews]
    lines += [f"animation strip with pose guides: {p}" for p in summary.strips]
    return "\n".join(lines)
