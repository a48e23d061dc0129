"""Live job events: watch the job files of one project (or all) by polling their stats, yield changes.

The worker writes status and progress into ``jobs/<jobId>.json`` atomically, so a changed file shows
as a new (mtime, size, inode) signature. Every ``interval_s`` the watcher stats the jobs folders
(no reads) and re-reads only the files whose signature changed. The first batch is a snapshot of
every job; then each tick yields the jobs that changed and the ids that disappeared (often nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from assetgen.errors import AssetgenError
from assetgen.models.api import JobRemoved
from assetgen.store import ProjectStore

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.3
Signatures = dict[tuple[str, str], tuple[int, int, int]]


@dataclass(frozen=True)
class JobEvent:
    """One event: ``snapshot`` (all jobs), ``job`` (a job as stored now) or ``removed`` (its ids)."""

    name: str
    data: dict[str, Any]


def scan_job_files(store: ProjectStore, project_id: str | None) -> Signatures:
    """(project id, job id) -> file signature for one project, or every project when ``project_id`` is None."""
    project_ids = [project_id] if project_id else store.list_projects()
    return {
        (pid, job_id): signature
        for pid in project_ids
        for job_id, signature in store.record_signatures(pid, "jobs").items()
    }


def read_jobs(store: ProjectStore, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The jobs at ``keys`` as JSON; files that vanished or do not parse (yet) are skipped."""
    jobs = []
    for pid, job_id in keys:
        try:
            jobs.append(store.read(pid, "jobs", job_id).model_dump(mode="json"))
        except AssetgenError as exc:
            log.debug("job events: skipped project=%s job=%s: %s", pid, job_id, exc)
    return jobs


async def watch_jobs(
    store: ProjectStore,
    project_id: str | None,
    *,
    stop: asyncio.Event,
    interval_s: float = POLL_INTERVAL_S,
) -> AsyncIterator[list[JobEvent]]:
    """Yield a snapshot, then one (possibly empty) list of events per tick until ``stop`` is set."""
    seen = await asyncio.to_thread(scan_job_files, store, project_id)
    jobs = await asyncio.to_thread(read_jobs, store, sorted(seen))
    snapshot = {"jobs": sorted(jobs, key=lambda j: (j.get("createdAt") or "", j["id"]))}
    yield [JobEvent("snapshot", {"projectId": project_id, **snapshot} if project_id else snapshot)]
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), interval_s)
            return
        except TimeoutError:
            pass
        current = await asyncio.to_thread(scan_job_files, store, project_id)
        changed = sorted(key for key, signature in current.items() if seen.get(key) != signature)
        removed = sorted(key for key in seen if key not in current)
        seen = current
        events = [JobEvent("job", job) for job in await asyncio.to_thread(read_jobs, store, changed)]
        events += [
            JobEvent("removed", JobRemoved(project_id=pid, id=job_id).model_dump(mode="json"))
            for pid, job_id in removed
        ]
        yield events
