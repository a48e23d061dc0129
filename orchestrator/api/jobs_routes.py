"""Jobs: queue (with nextJobs chaining), list, read, cancel, retry, and live events as SSE."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.jobs import create_job, read_job_listing, request_cancel, requeue_for_retry
from assetgen.models import Job
from assetgen.models.api import JobList, JobListQuery, JobRequest, JobSnapshot
from orchestrator.api.bodies import json_body, parse_body, parse_query
from orchestrator.api.keys import SHUTDOWN, STORE
from orchestrator.api.openapi import api
from orchestrator.api.sse import stream_events
from orchestrator.job_events import watch_jobs

BASE = "/api/projects/{project_id}/jobs"
SSE = "text/event-stream"


def register(app: web.Application) -> None:
    app.router.add_get("/api/events", all_job_events)
    app.router.add_get(f"{BASE}/events", job_events)  # before {job_id}: a job called "events" is shadowed
    app.router.add_get(BASE, list_project_jobs)
    app.router.add_post(BASE, queue_job)
    app.router.add_get(f"{BASE}/{{job_id}}", get_job)
    app.router.add_post(f"{BASE}/{{job_id}}/cancel", cancel_job)
    app.router.add_post(f"{BASE}/{{job_id}}/retry", retry_job)


@api(request=JobRequest, response=Job, status=201)
async def queue_job(request: web.Request) -> web.Response:
    """Queue a job ``{type, input}``; ``input.nextJobs`` are queued when it succeeds."""
    body = await parse_body(request, JobRequest)
    job = await asyncio.to_thread(
        create_job,
        request.app[STORE],
        request.match_info["project_id"],
        body.type,
        body.input,
        job_id=body.id,
    )
    return json_body(job, status=201)


@api(query=JobListQuery, response=JobList)
async def list_project_jobs(request: web.Request) -> web.Response:
    """List the project's jobs, oldest first (``?status=`` filters); ``unreadable`` names broken files."""
    query = parse_query(request, JobListQuery)
    listing = await asyncio.to_thread(
        read_job_listing, request.app[STORE], request.match_info["project_id"], status=query.status
    )
    return json_body(JobList(jobs=listing.jobs, unreadable=listing.unreadable))


@api(response=Job)
async def get_job(request: web.Request) -> web.Response:
    """Read one job: status, progress, attempts, error, output."""
    job = await asyncio.to_thread(
        request.app[STORE].read, request.match_info["project_id"], "jobs", request.match_info["job_id"]
    )
    return json_body(job)


@api(response=Job)
async def cancel_job(request: web.Request) -> web.Response:
    """Cancel a queued job now, or ask the worker to stop a running one (409 when it has finished)."""
    # The cancel takes the project's job lock and reads files: off the event loop, like every route.
    job = await asyncio.to_thread(
        request_cancel, request.app[STORE], request.match_info["project_id"], request.match_info["job_id"]
    )
    return json_body(job)


@api(response=Job)
async def retry_job(request: web.Request) -> web.Response:
    """Queue a failed or canceled job again with a fresh set of attempts (409 otherwise)."""
    job = await asyncio.to_thread(
        requeue_for_retry, request.app[STORE], request.match_info["project_id"], request.match_info["job_id"]
    )
    return json_body(job)


@api(response=JobSnapshot, media_type=SSE)
async def job_events(request: web.Request) -> web.StreamResponse:
    """Live job changes of a project as Server-Sent Events (snapshot, then job / removed events)."""
    project_id = request.match_info["project_id"]
    await asyncio.to_thread(request.app[STORE].read_project, project_id)  # 404 before the stream starts
    return await stream_events(
        request, watch_jobs(request.app[STORE], project_id, stop=request.app[SHUTDOWN])
    )


@api(response=JobSnapshot, media_type=SSE)
async def all_job_events(request: web.Request) -> web.StreamResponse:
    """Live job changes of every project as Server-Sent Events."""
    return await stream_events(request, watch_jobs(request.app[STORE], None, stop=request.app[SHUTDOWN]))
