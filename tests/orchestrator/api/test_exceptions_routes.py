"""GET /api/projects/{p}/exceptions: escalated failed jobs, newest first; a retried job leaves the inbox."""

from __future__ import annotations

from assetgen.jobs import create_job, requeue_for_retry
from assetgen.models.api import ExceptionList
from tests.orchestrator.api.conftest import body_of, error_of


def escalate(store, job_id: str, at: str, *, escalated: bool = True) -> None:
    job = create_job(store, "demo", "generate", {"specId": "potion_icon"}, job_id=job_id)
    job.status, job.attempt, job.error, job.error_class = "failed", 3, "ComfyUI timed out", "timeout"
    if escalated:
        job.escalated_at, job.escalation_target = at, "exception_inbox"
    store.write("demo", "jobs", job)


async def test_lists_escalated_jobs_newest_first(client, demo_store) -> None:
    escalate(demo_store, "job_old", "2026-01-01T00:00:00.000Z")
    escalate(demo_store, "job_new", "2026-01-02T00:00:00.000Z")
    escalate(demo_store, "job_plain_failure", "", escalated=False)
    create_job(demo_store, "demo", "generate", {"specId": "potion_icon"}, job_id="job_queued")
    body = await body_of(await client.get("/api/projects/demo/exceptions"), ExceptionList)
    assert body["count"] == 2 and [j["id"] for j in body["jobs"]] == ["job_new", "job_old"]
    assert (
        body["jobs"][0]["escalationTarget"] == "exception_inbox"
        and body["jobs"][0]["errorClass"] == "timeout"
    )
    requeue_for_retry(demo_store, "demo", "job_new")
    body = await body_of(await client.get("/api/projects/demo/exceptions"), ExceptionList)
    assert [j["id"] for j in body["jobs"]] == ["job_old"]


async def test_empty_and_unknown_project(client) -> None:
    body = await body_of(await client.get("/api/projects/demo/exceptions"), ExceptionList)
    assert body == {"count": 0, "jobs": []}
    error = await error_of(await client.get("/api/projects/nope/exceptions"), 404)
    assert "nope" in error["message"]


async def test_the_route_is_in_the_openapi_document(client) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    assert "get" in doc["paths"]["/api/projects/{project_id}/exceptions"]
