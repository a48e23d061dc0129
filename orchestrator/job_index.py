"""The worker's index of active jobs: claims read only what changed, not every job file of a project.

A project accumulates thousands of finished jobs; parsing all of them on every claim made a claim cost
grow with the project's history. The index keeps, per job file, its signature (mtime, size, inode) and
the parsed job while it is queued or running (finished jobs are remembered as finished and never parsed again until
their file changes). Every store write is an atomic rename, which changes the file's inode and the folder's
mtime, so:

- a folder whose mtime has not changed since the last look is not listed again (nothing was added,
  replaced or removed), unless that mtime is too recent to trust (timestamps are coarse) or
  ``full_rescan_s`` has passed (the safety net for in-place hand edits);
- a listed file whose stat is unchanged is not read again.

Every claim changes the folder (the claimed job is rewritten), so in a busy queue the folder was listed
on every claim, a cost that grew with the project's history. A worker whose file watch runs tells the
index which job files changed (``note_changed``, from the watch's events) and switches it to
``events_live``: then only those files are looked at, and the folder is listed only on first sight and
every ``full_rescan_s`` (the safety net for a missed event). An event may come a moment after its write,
so the index can be briefly stale: claims re-read the job they take under the lock (``claim_next_job``).

Callers get the index's own parsed jobs and must not change them (copying every queued job on every claim
made claims quadratic in the queue's length). Used under the project's job lock by claims.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assetgen.clock import ms_from_iso, now_iso
from assetgen.errors import AssetgenError, InvalidInput, NotFound
from assetgen.ids import validate_id
from assetgen.models import Job
from assetgen.store import FileSignature, ProjectStore, stat_signature, write_bytes_atomic

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
# A folder mtime this close to now may still change within the same timestamp tick: do not trust it.
FRESH_MTIME_S = 0.05


# A job file's signature and its job while queued or running (None once it has finished).
_Entry = tuple[FileSignature, Job | None]


@dataclass
class _Folder:
    mtime_ns: int = -1
    listed_at: float = 0.0
    files: dict[str, _Entry] = field(default_factory=dict)


class JobIndex:
    """Active jobs per project, re-reading only job files that changed (see the module docstring)."""

    def __init__(self, *, full_rescan_s: float = 30.0) -> None:
        self.full_rescan_s = full_rescan_s
        self._folders: dict[tuple[str, str], _Folder] = {}
        self.parsed = 0  # job files parsed so far (for tests and benchmarks)
        self.listed = 0  # folder listings so far (for tests and benchmarks)
        self.events_live = False  # set by the owner once a file watch feeds ``note_changed``
        self._changed: dict[tuple[str, str], set[str]] = {}
        self._changed_lock = threading.Lock()  # note_changed runs on the watch's thread

    def note_changed(self, store_root: Path, project_id: str, job_id: str) -> None:
        """Job file ``job_id`` of the project was written, replaced or removed (thread-safe)."""
        with self._changed_lock:
            self._changed.setdefault((str(store_root), project_id), set()).add(job_id)

    def active_jobs(self, store: ProjectStore, project_id: str, *, listing: bool = False) -> list[Job]:
        """Queued and running jobs of the project, oldest first (shared: read, never change). Unreadable job files are
        replaced by a failed job carrying the parse error (the original bytes kept beside it). ``listing``
        lists the folder now rather than trust the events and the folder's mtime (never stale)."""
        store.record_path(project_id, "jobs", "probe")  # validates the project id
        folder_path = store.project_dir(project_id) / "jobs"
        key = (str(store.root), project_id)
        folder = self._folders.setdefault(key, _Folder())
        with self._changed_lock:
            changed = self._changed.pop(key, set())
        recent = folder.listed_at > 0 and time.monotonic() - folder.listed_at < self.full_rescan_s
        if self.events_live and recent and not listing:
            for job_id in changed:
                self._look_at(store, project_id, folder_path / f"{job_id}.json", folder)
        else:
            try:
                mtime_ns = folder_path.stat().st_mtime_ns
            except FileNotFoundError:
                folder.files.clear()
                return []
            trusted = (
                not listing
                and recent
                and mtime_ns == folder.mtime_ns
                and time.time() - mtime_ns / 1e9 > FRESH_MTIME_S
            )
            if not trusted:
                self._rescan(store, project_id, folder_path, folder)
                folder.mtime_ns = mtime_ns
                folder.listed_at = time.monotonic()
        jobs = [job for _, job in folder.files.values() if job is not None]
        return sorted(jobs, key=lambda j: (j.created_at or "", j.id))

    def next_retry_after(self, after_ms: int) -> int | None:
        """The earliest ``nextRetryAt`` (epoch ms) later than ``after_ms`` of the queued jobs last read, any
        project; None if none. In memory only (safe from any thread): the worker's loop sleeps until then."""
        due = [
            when
            for folder in list(self._folders.values())
            for _, job in list(folder.files.values())
            if job is not None
            and job.status == "queued"
            and job.next_retry_at
            and (when := ms_from_iso(job.next_retry_at)) > after_ms
        ]
        return min(due, default=None)

    def has_active(self, store: ProjectStore) -> bool:
        """True when any project under the store has a queued or running job, as the folders say now: a
        job written a moment ago (a finished job's follow-up) may not have reached the index by event."""
        return any(self.active_jobs(store, project_id, listing=True) for project_id in store.list_projects())

    def _look_at(self, store: ProjectStore, project_id: str, path: Path, folder: _Folder) -> None:
        """Bring one job file's entry up to date (a changed file is parsed, a removed one forgotten)."""
        job_id = path.name[: -len(".json")]
        entry = self._entry(store, project_id, job_id, path.stat, folder.files.get(job_id))
        if entry is None:
            folder.files.pop(job_id, None)
        else:
            folder.files[job_id] = entry

    def _rescan(self, store: ProjectStore, project_id: str, folder_path: Path, folder: _Folder) -> None:
        self.listed += 1
        seen: dict[str, _Entry] = {}
        with os.scandir(folder_path) as listing:
            for item in listing:
                if not item.name.endswith(".json") or item.name.startswith("."):
                    continue
                job_id = item.name[: -len(".json")]
                entry = self._entry(store, project_id, job_id, item.stat, folder.files.get(job_id))
                if entry is not None:
                    seen[job_id] = entry
        folder.files = seen

    def _entry(
        self,
        store: ProjectStore,
        project_id: str,
        job_id: str,
        stat_of: Callable[[], os.stat_result],
        cached: _Entry | None,
    ) -> _Entry | None:
        """One job file's entry: ``cached`` while its stat is unchanged, else the file parsed again; None
        when the name is not a job id or the file is gone."""
        try:
            validate_id(job_id)
            stat = stat_of()
        except (InvalidInput, FileNotFoundError):
            return None
        key = stat_signature(stat)
        if cached is not None and cached[0] == key:
            return cached
        job = self._read(store, project_id, job_id)
        if job is None:
            return None
        self.parsed += 1
        return (key, job if job.status in ACTIVE else None)

    @staticmethod
    def _read(store: ProjectStore, project_id: str, job_id: str) -> Job | None:
        try:
            return store.read(project_id, "jobs", job_id)
        except NotFound:
            return None
        except AssetgenError as exc:
            return mark_corrupt(store, project_id, job_id, exc)


def mark_corrupt(store: ProjectStore, project_id: str, job_id: str, exc: Exception) -> Job:
    """Replace an unreadable job file by a failed job naming the parse error; keep its bytes as ``.corrupt``,
    so it is neither retried forever nor blocking the others. Called under the project's job lock."""
    path = store.record_path(project_id, "jobs", job_id)
    keep = Path(f"{path}.corrupt")
    if not keep.exists():
        write_bytes_atomic(keep, path.read_bytes())  # atomic like every other write
    now = now_iso()
    failed = Job(
        id=job_id,
        project_id=project_id,
        type="unknown",
        status="failed",
        created_at=now,
        updated_at=now,
        finished_at=now,
        error=f"unreadable job file: {exc}",
        error_class="non_retryable",
    )
    store.write(project_id, "jobs", failed)
    log.warning("project=%s job=%s unreadable, marked failed: %s", project_id, job_id, exc)
    return failed
