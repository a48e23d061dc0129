"""Run a worker in this process until some jobs and every job they chain (or spawn) have ended."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from assetgen.models import TERMINAL_STATUSES, Job
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from orchestrator.progress_bar import ProgressBar
from orchestrator.worker import Worker


async def run_chains(
    settings: Settings,
    project_id: str,
    root_ids: Sequence[str],
    *,
    label: str,
    show_progress: bool = True,
    poll_s: float = 0.3,
) -> list[Job]:
    """Work until ``root_ids`` and their descendants are all finished; returns every job of the chains."""
    store = ProjectStore(settings.data_dir)
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(settings).run(stop))
    bar = ProgressBar(label, enabled=show_progress)
    known = list(root_ids)
    try:
        while True:
            await asyncio.sleep(poll_s)
            if task.done():
                task.result()
            jobs = [store.read(project_id, "jobs", job_id) for job_id in known]
            known += [c for j in jobs for c in j.child_job_ids if c not in known]
            done = sum(j.status in TERMINAL_STATUSES for j in jobs)
            running = [j for j in jobs if j.status == "running"]
            # chained jobs join the total as their parents finish: counts, not a percentage that falls
            note = ", ".join(
                f"{j.type} {j.input.get('specId') or j.input.get('assetId') or ''}".strip()
                + (f" {j.progress.percent:.0f}%" if j.progress else "")
                for j in running[:2]
            )
            bar.update_count(done, len(known), note)
            if len(jobs) == len(known) and done == len(jobs):
                bar.close(f"{sum(j.status == 'succeeded' for j in jobs)}/{len(jobs)} succeeded")
                return jobs
    finally:
        stop.set()
        await task


def run_job_here(
    settings: Settings, project_id: str, job_id: str, *, label: str, show_progress: bool, keep_comfy: bool
) -> Job:
    """``--wait`` for one queued job: work on it (and what it chains) in this process and return it as it
    ended. A managed ComfyUI this started is stopped afterwards unless ``keep_comfy``."""
    comfy_was_running = bool(settings.comfyui_urls) or comfy_process.status(settings)["running"]
    try:
        jobs = asyncio.run(
            run_chains(settings, project_id, [job_id], label=label, show_progress=show_progress)
        )
    finally:
        if not comfy_was_running and not keep_comfy:
            comfy_process.stop(settings)
    return jobs[0]
