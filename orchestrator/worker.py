"""The job worker: picks queued jobs from the job files and runs them, several processes side by side.

Job files are watched with watchdog (any change wakes the loop) and rescanned every few seconds as the
safety net (and when a retry falls due); claims go through a ``JobIndex``, which parses only the job files that changed. Per-project throughput is bounded across all worker processes by ``job_leases``; a job's
lease is renewed by a heartbeat while it runs, which also notices cancel requests. Succeeded jobs enqueue
their ``nextJobs``; failed attempts are retried with backoff per ``policies.retryPolicy``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp

from assetgen.clock import now_iso
from assetgen.errors import AssetgenError, BackendUnavailable, InvalidInput
from assetgen.ids import ID_PATTERN, new_ulid
from assetgen.jobs import enqueue_children, error_class_of, record_failure
from assetgen.models import Job
from assetgen.models.job import Progress
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from orchestrator.comfy_client import ComfyClient
from orchestrator.comfy_pool import ComfyPool, Requirements
from orchestrator.job_file_watch import watch_job_files
from orchestrator.job_handlers import JobContext, freeze_plan, get_handler
from orchestrator.job_index import JobIndex
from orchestrator.job_leases import LeaseConfig, claim_next_job, now_ms, update_owned_job

log = logging.getLogger(__name__)


def lease_config_of(settings: Settings) -> LeaseConfig:
    """The lease settings (``ASSETGEN_WORKER_PROJECT_CONCURRENCY`` >= 1, ``..._LOCK_TTL_MS`` >= 1000)."""
    concurrency, ttl = settings.worker_project_concurrency, settings.worker_project_lock_ttl_ms
    if concurrency < 1 or ttl < 1000:
        raise AssetgenError("ASSETGEN_WORKER_PROJECT_CONCURRENCY must be >= 1 and ..._LOCK_TTL_MS >= 1000")
    return LeaseConfig(concurrency=concurrency, lock_ttl_ms=ttl)


def lease_config_from_env(env: Mapping[str, str] | None = None) -> LeaseConfig:
    """The lease settings read from ``env`` (default: the process environment), through ``Settings``."""
    try:
        return lease_config_of(Settings.from_env(env))
    except InvalidInput as exc:
        raise AssetgenError(f"worker settings must be integers: {exc}") from exc


class Worker:
    """Runs jobs of every project under the data root until ``stop`` is set (or, with ``once``, the queue is empty)."""

    def __init__(
        self,
        settings: Settings,
        *,
        worker_id: str | None = None,
        lease: LeaseConfig | None = None,
        rescan_s: float | None = None,
        progress_interval_s: float = 1.0,
    ) -> None:
        self.settings = settings
        self.store = ProjectStore(settings.data_dir)
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{new_ulid()[-6:]}"
        self.lease = lease or lease_config_of(settings)
        # Every project is looked at this often (None: every 5 s while the file watch runs, every 1 s
        # without it); the loop also wakes when a queued job's retry falls due.
        self.rescan_s = rescan_s
        self._rescan_every = rescan_s or 1.0
        self.progress_interval_s = progress_interval_s
        self._wake = asyncio.Event()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._pool: ComfyPool | None = None
        self._session: aiohttp.ClientSession | None = None
        self._managed = False
        self.jobs = JobIndex()
        self._running_projects: dict[str, str] = {}  # job id -> project id, for the jobs in _running
        # Projects to look at next: those whose job files changed (from the watch) or where a job of ours
        # ended; None = every project (at start, on the rescan, after an event that named no job file).
        self._touched: set[str] | None = None
        self._touched_lock = threading.Lock()
        self._looked_everywhere_at = 0.0  # monotonic time of the last look at every project
        self._looked_everywhere_ms = 0  # the same, epoch ms (retries are due at epoch times)

    # -- the loop ---------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, *, once: bool = False) -> None:
        """Claim and run jobs until ``stop``; with ``once``, return when no job is queued or running."""
        observer = self._watch_job_files()
        if self.rescan_s is None:
            # With events, the full look only backs up the watch (and notices a dead worker's expired
            # lease): once a second it was two thirds of an idle worker's CPU.
            self._rescan_every = 5.0 if observer is not None else 1.0
        try:
            while not stop.is_set():
                claimed = await self._claim_all(self._take_touched())
                if (
                    once
                    and not claimed
                    and not self._running
                    and not await asyncio.to_thread(self._has_pending_work)
                ):
                    break
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    stop_wait = asyncio.create_task(stop.wait())
                    wake_wait = asyncio.create_task(self._wake.wait())
                    done_waits = (
                        [asyncio.create_task(asyncio.wait(list(self._running.values())))]
                        if self._running
                        else []
                    )
                    await asyncio.wait(
                        [stop_wait, wake_wait, *done_waits],
                        timeout=self._next_look_in(),
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    for task in (stop_wait, wake_wait, *done_waits):
                        task.cancel()
        finally:
            for task in self._running.values():
                task.cancel()
            await asyncio.gather(*self._running.values(), return_exceptions=True)
            if observer is not None:
                observer.stop()
            await self._close_backends()

    def _next_look_in(self) -> float:
        """Seconds until the next full look: the rescan, or sooner when a queued job's retry falls due
        (one that fell due before the last full look was seen by it: it is not waited for again)."""
        until_rescan = self._rescan_every - (time.monotonic() - self._looked_everywhere_at)
        due = self.jobs.next_retry_after(self._looked_everywhere_ms)
        if due is not None:
            until_rescan = min(until_rescan, (due - now_ms()) / 1000)
        return max(0.01, until_rescan)

    def _retry_due(self, now: int) -> bool:
        due = self.jobs.next_retry_after(self._looked_everywhere_ms)
        return due is not None and due <= now

    def _has_pending_work(self) -> bool:
        return self.jobs.has_active(self.store)

    def _touch(self, project_id: str | None) -> None:
        """Look at ``project_id`` (None: every project) at the next claim round (thread-safe)."""
        with self._touched_lock:
            if project_id is None:
                self._touched = None
            elif self._touched is not None:
                self._touched.add(project_id)

    def _take_touched(self) -> set[str] | None:
        """The projects to look at now. Every few seconds, and when a retry falls due, all of them: a due
        retry, a dead worker's expired lease or a missed event writes nothing this worker would hear of."""
        now = time.monotonic()
        with self._touched_lock:
            touched, self._touched = self._touched, set()
        if now - self._looked_everywhere_at >= self._rescan_every or self._retry_due(now_ms()):
            touched = None
        if touched is None:
            self._looked_everywhere_at, self._looked_everywhere_ms = now, now_ms()
        return touched

    async def _claim_all(self, projects: set[str] | None = None) -> int:
        """Claim what the projects (None: every project) allow. A round is woken by every job file write,
        the worker's own claims, progress and results included: it looks only at the projects named, and
        one whose slots are all held by this worker costs no thread hop and no read."""
        claimed = 0
        if projects is None:
            projects = set(await asyncio.to_thread(self.store.list_projects))
        else:  # named by file events: only folders list_projects would list (a valid id, a project.json)
            base = self.store.projects_dir()
            projects = {
                p for p in projects if ID_PATTERN.fullmatch(p) and (base / p / "project.json").is_file()
            }
        for project_id in sorted(projects):
            while True:
                # Every slot of the project is ours and busy: no claim can succeed (saves a locked rescan).
                if (
                    sum(1 for p in self._running_projects.values() if p == project_id)
                    >= self.lease.concurrency
                ):
                    break
                job = await asyncio.to_thread(
                    claim_next_job,
                    self.store,
                    project_id,
                    self.worker_id,
                    self.lease,
                    read_jobs=self.jobs.active_jobs,
                    prepare=lambda job: freeze_plan(self.store, job),
                )
                if job is None:
                    break
                claimed += 1
                log.info(
                    "worker=%s claimed job=%s project=%s type=%s attempt=%s",
                    self.worker_id,
                    job.id,
                    project_id,
                    job.type,
                    job.attempt,
                )
                self._running[job.id] = asyncio.create_task(self._run_job(job))
                self._running_projects[job.id] = project_id
                self._running[job.id].add_done_callback(lambda _t, jid=job.id: self._forget(jid))
        return claimed

    def _forget(self, job_id: str) -> None:
        self._running.pop(job_id, None)
        project_id = self._running_projects.pop(job_id, None)
        if project_id is not None:
            self._touch(project_id)  # its slot is free again

    def _watch_job_files(self) -> Any:
        """watchdog observer waking the loop when a job file changes (None if it cannot start)."""
        loop = asyncio.get_running_loop()
        root = self.store.projects_dir()
        root.mkdir(parents=True, exist_ok=True)
        pending = threading.Event()  # one wake-up in flight at a time: a burst of events is one wake

        def wake() -> None:
            pending.clear()
            self._wake.set()

        def on_change() -> None:
            if not pending.is_set():
                pending.set()
                loop.call_soon_threadsafe(wake)

        def on_folder() -> None:
            self._touch(None)  # a project or jobs folder appeared: look everywhere
            on_change()

        def on_job_file(project_id: str, job_id: str) -> None:
            self.jobs.note_changed(self.store.root, project_id, job_id)
            self._touch(project_id)

        observer = watch_job_files(root, on_change, on_job_file, on_folder)
        # With the watch running, the index looks only at the job files its events name.
        self.jobs.events_live = observer is not None
        return observer

    # -- one job ----------------------------------------------------------------------------
    async def _run_job(self, job: Job) -> None:
        """Run one claimed job to its end: handler under a heartbeat, then succeed, fail, cancel or let go."""
        run = _JobRun(self, job)
        started = time.monotonic()
        beat = asyncio.create_task(run.heartbeat())
        handler_task: asyncio.Task[dict[str, Any]] | None = None
        try:
            handler_task = asyncio.create_task(get_handler(job.type)(self._context_for(run)))
            if await self._handler_finished_first(handler_task, run):
                await self._succeed(job, handler_task.result(), run.update)
            else:
                await self._stop_handler(handler_task, run)
        except asyncio.CancelledError:
            if handler_task is not None and not handler_task.done():
                handler_task.cancel()
            raise
        except Exception as exc:
            if not isinstance(exc, AssetgenError):
                log.exception("job=%s project=%s failed with an unexpected error", job.id, job.project_id)
            await self._fail(job, exc, run.update, duration_ms=int((time.monotonic() - started) * 1000))
        finally:
            beat.cancel()

    def _context_for(self, run: _JobRun) -> JobContext:
        """What the handler may use; its progress and plan writes go through the run's lease check."""
        return JobContext(
            store=self.store,
            job=run.job,
            settings=self.settings,
            run_on_comfy=self._run_on_comfy,
            report_progress=run.report_progress,
            save_plan=run.save_plan,
        )

    @staticmethod
    async def _handler_finished_first(handler_task: asyncio.Task[dict[str, Any]], run: _JobRun) -> bool:
        """Wait until the handler ends, the lease is lost or a cancel is requested; True if the handler ended."""
        stop_waits = [asyncio.create_task(run.lost.wait()), asyncio.create_task(run.canceled.wait())]
        try:
            await asyncio.wait([handler_task, *stop_waits], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in stop_waits:
                waiter.cancel()
        return handler_task.done()

    async def _stop_handler(self, handler_task: asyncio.Task[dict[str, Any]], run: _JobRun) -> None:
        """Stop a handler that must not finish (canceled, or the lease went to another worker)."""
        handler_task.cancel()
        try:
            await handler_task
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # it failed while being stopped: the stop decides the job's fate
            log.warning(
                "job=%s project=%s failed while being stopped: %s", run.job.id, run.job.project_id, exc
            )
        await self._interrupt_comfy()
        if run.canceled.is_set():
            await self._finish(run.job, run.update, status="canceled", error="canceled while running")
        else:
            log.warning(
                "worker=%s lost the lease of job=%s; another worker runs it", self.worker_id, run.job.id
            )

    async def _succeed(
        self, job: Job, output: dict[str, Any], update: Callable[..., Awaitable[Job | None]]
    ) -> None:
        # Children first (their ids derive from this job's, so a re-run creates nothing twice), then the
        # parent's success and child ids in one write: whoever sees it succeeded sees its whole chain.
        try:
            children = await asyncio.to_thread(
                enqueue_children, self.store, job.model_copy(update={"output": output})
            )
        except AssetgenError as exc:
            reason = str(exc)
            await update(lambda j: self._chaining_failed(j, output, reason), release=True)
            log.warning("job=%s chaining failed: %s", job.id, reason)
            return
        # Handlers that decide their follow-up jobs themselves (autopilot) list them in spawnedJobIds.
        children = [*(c for c in output.get("spawnedJobIds", []) if c not in children), *children]

        def done(j: Job) -> None:
            j.status, j.output, j.error, j.error_class, j.finished_at = (
                "succeeded",
                output,
                None,
                None,
                now_iso(),
            )
            j.child_job_ids = children
            if j.progress is not None:
                j.progress = j.progress.model_copy(update={"value": j.progress.max, "percent": 100.0})

        if await update(done, release=True) is not None:
            log.info("job=%s project=%s succeeded children=%s", job.id, job.project_id, children)

    @staticmethod
    def _chaining_failed(job: Job, output: dict[str, Any], exc: Exception) -> None:
        job.status, job.output, job.error_class, job.finished_at = (
            "failed",
            output,
            "non_retryable",
            now_iso(),
        )
        job.error = f"chaining nextJobs failed: {exc}"

    async def _fail(
        self, job: Job, exc: Exception, update: Callable[..., Awaitable[Job | None]], *, duration_ms: int
    ) -> None:
        policy = (await asyncio.to_thread(self.store.read_project, job.project_id)).policies.retry_policy
        message = " ".join(str(exc).split()) or type(exc).__name__
        error_class = error_class_of(exc)
        await update(
            lambda j: record_failure(
                j,
                error=message,
                error_class=error_class,
                duration_ms=duration_ms,
                policy=policy,
                now_ms=now_ms(),
            ),
            release=True,
        )
        log.warning(
            "job=%s project=%s attempt=%s failed (%s): %s",
            job.id,
            job.project_id,
            job.attempt,
            error_class,
            message,
        )

    async def _finish(
        self, job: Job, update: Callable[..., Awaitable[Job | None]], *, status: str, error: str
    ) -> None:
        def change(j: Job) -> None:
            j.status, j.error, j.finished_at, j.cancel_requested = status, error, now_iso(), False

        await update(change, release=True)

    # -- ComfyUI ----------------------------------------------------------------------------
    async def _run_on_comfy(
        self, work: Callable[[ComfyClient], Awaitable[Any]], *, needs: Requirements | None = None
    ) -> Any:
        pool = await self._backends()
        try:
            return await pool.run(work, needs=needs)
        except BackendUnavailable:
            # The managed ComfyUI died (killed, crashed): start it again so the retry finds a server.
            if self._managed and not comfy_process.status(self.settings)["running"]:
                log.warning("worker=%s the managed ComfyUI is gone; starting it again", self.worker_id)
                await self._close_backends()
                await self._backends()
            raise

    async def _backends(self) -> ComfyPool:
        if self._pool is None:
            urls = list(self.settings.comfyui_urls)
            pool_file = self.settings.comfyui_pool_file
            self._managed = not urls and pool_file is None
            if self._managed:
                # The managed ComfyUI is shared by every worker of this data root and left running.
                state = await asyncio.to_thread(comfy_process.start, self.settings)
                urls = [state.url]
            # One session (connection pool) and, per backend, one WebSocket for the worker's lifetime.
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=10))
            self._pool = ComfyPool(urls, self._session, pool_file=pool_file)
        return self._pool

    async def _interrupt_comfy(self) -> None:
        if self._pool is None:
            return
        for client in self._pool.clients:
            try:
                await client.interrupt()
            except AssetgenError as exc:  # the server is gone or busy: nothing of ours runs there then
                log.warning(
                    "worker=%s could not interrupt ComfyUI at %s: %s", self.worker_id, client.base_url, exc
                )

    async def _close_backends(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._session is not None:
            await self._session.close()
        self._pool, self._session = None, None


class _JobRun:
    """One claimed job while it runs: its stop signals and the writes that hold only while the lease does."""

    def __init__(self, worker: Worker, job: Job) -> None:
        self.worker = worker
        self.job = job
        self.lost = asyncio.Event()
        self.canceled = asyncio.Event()
        # Progress is written once per interval of execution, the first one interval after the first report
        # (a prompt waiting in ComfyUI's queue reports nothing): a job that runs for less than that records
        # its progress with its success, in the same write.
        self._last_progress_at: float | None = None

    async def update(
        self, change: Callable[[Job], None] | None = None, *, release: bool = False
    ) -> Job | None:
        """Apply ``change`` to the stored job if this worker still owns it (None when the lease is gone)."""
        worker = self.worker
        return await asyncio.to_thread(
            update_owned_job,
            worker.store,
            self.job.project_id,
            self.job.id,
            worker.worker_id,
            worker.lease,
            change,
            release=release,
        )

    async def report_progress(self, value: float, maximum: float, message: str) -> None:
        """Store progress, at most once per ``progress_interval_s``; the last step (done = 100 %) is written
        with the job's success instead."""
        now = time.monotonic()
        if self._last_progress_at is None:
            self._last_progress_at = now
        if now - self._last_progress_at < self.worker.progress_interval_s or value >= maximum:
            return
        self._last_progress_at = now
        percent = 0.0 if maximum <= 0 else min(100.0, 100.0 * value / maximum)
        progress = Progress(value=value, max=maximum, percent=round(percent, 1), message=message)
        if await self.update(lambda j: setattr(j, "progress", progress)) is None:
            self.lost.set()

    async def save_plan(self, plan: dict[str, Any]) -> None:
        """Freeze the generation plan into the job before the first prompt."""
        if await self.update(lambda j: setattr(j, "plan", plan)) is None:
            self.lost.set()

    async def heartbeat(self) -> None:
        """Renew the lease every third of its TTL; notice a lost lease or a cancel request."""
        while True:
            await asyncio.sleep(self.worker.lease.lock_ttl_ms / 3000)
            current = await self.update()
            if current is None:
                self.lost.set()
                return
            if current.cancel_requested:
                self.canceled.set()
                return
