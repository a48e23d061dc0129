"""Jobs: queue (the seed's nextJobs example as written), list, read, cancel, retry, and the SSE stream."""

from __future__ import annotations

import asyncio
import logging

import pytest

from assetgen.models import Job
from assetgen.models.api import JobList, JobSnapshot
from assetgen.models.job import Progress
from orchestrator.api import sse
from tests.orchestrator.api.conftest import SseReader, body_of, error_of, tree_state

JOBS = "/api/projects/demo/jobs"
SEED_EXAMPLE = {
    "type": "generate",
    "input": {
        "specId": "potion_icon",
        "checkpointName": "ckpt_sd15_demo",
        "nextJobs": [{"type": "bg_remove", "input": {"originalPath": "$output.originalsDir/..."}}],
    },
}


async def queue(client, payload=SEED_EXAMPLE) -> dict:
    return await body_of(await client.post(JOBS, json=payload), Job, status=201)


def set_state(store, job_id: str, status: str, **progress: float) -> None:
    """What the worker does: rewrite the job file with a new status (and progress)."""
    job = store.read("demo", "jobs", job_id)
    job.status = status
    if progress:
        job.progress = Progress(**progress)
    store.write("demo", "jobs", job)


async def test_queue_the_seed_example_as_written(client, demo_store) -> None:
    job = await queue(client)
    assert job["status"] == "queued" and job["type"] == "generate"
    stored = demo_store.read("demo", "jobs", job["id"])
    assert stored.input["nextJobs"] == SEED_EXAMPLE["input"]["nextJobs"]


async def test_queue_with_id_and_conflict(client) -> None:
    job = await queue(client, {**SEED_EXAMPLE, "id": "job_one"})
    assert job["id"] == "job_one"
    await error_of(await client.post(JOBS, json={**SEED_EXAMPLE, "id": "job_one"}), 409)


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "mine_bitcoin", "input": {}},
        {"input": {"specId": "potion_icon"}},
        {"type": "generate", "input": "potion_icon"},
        {"type": "generate", "input": {}},
        {"type": "generate", "input": {"specId": "potion_icon", "variants": 0}},
        {"type": "generate", "input": {"specId": "potion_icon", "nextJobs": "bg_remove"}},
        {"type": "generate", "input": {"specId": "potion_icon", "nextJobs": [{"type": "nope"}]}},
        {"type": 5, "input": {}},
        {**SEED_EXAMPLE, "id": "../../escape"},
        [SEED_EXAMPLE],
    ],
)
async def test_queue_refuses_bad_jobs_and_writes_nothing(client, demo_store, payload) -> None:
    before = tree_state(demo_store.root)
    await error_of(await client.post(JOBS, json=payload), 400)
    assert tree_state(demo_store.root) == before


async def test_queue_in_unknown_project(client) -> None:
    await error_of(await client.post("/api/projects/nope/jobs", json=SEED_EXAMPLE), 404)


async def test_list_filter_and_get(client, demo_store) -> None:
    first, second = await queue(client), await queue(client)
    set_state(demo_store, second["id"], "running")
    body = await body_of(await client.get(JOBS), JobList)
    assert [j["id"] for j in body["jobs"]] == [first["id"], second["id"]]
    body = await body_of(await client.get(f"{JOBS}?status=running"), JobList)
    assert [j["id"] for j in body["jobs"]] == [second["id"]]
    await error_of(await client.get(f"{JOBS}?status=exploded"), 400)
    await error_of(await client.get(f"{JOBS}?colour=red"), 400)
    body = await body_of(await client.get(f"{JOBS}/{first['id']}"), Job)
    assert body["input"]["specId"] == "potion_icon"
    await error_of(await client.get(f"{JOBS}/nope"), 404)


async def test_cancel_and_retry(client, demo_store) -> None:
    job = await queue(client)
    body = await body_of(await client.post(f"{JOBS}/{job['id']}/cancel"), Job)
    assert body["status"] == "canceled"
    await error_of(await client.post(f"{JOBS}/{job['id']}/cancel"), 409)
    body = await body_of(await client.post(f"{JOBS}/{job['id']}/retry"), Job)
    assert body["status"] == "queued"
    await error_of(await client.post(f"{JOBS}/{job['id']}/retry"), 409)
    set_state(demo_store, job["id"], "running")
    body = await body_of(await client.post(f"{JOBS}/{job['id']}/cancel"), Job)
    assert body["status"] == "running" and body["cancelRequested"] is True
    await error_of(await client.post(f"{JOBS}/nope/cancel"), 404)


async def test_events_snapshot_then_status_and_progress(client, demo_store) -> None:
    existing = await queue(client)
    response = await client.get(f"{JOBS}/events")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    events = SseReader(response)
    snapshot = await events.next_of("snapshot")
    JobSnapshot.model_validate(snapshot)
    assert snapshot["projectId"] == "demo" and [j["id"] for j in snapshot["jobs"]] == [existing["id"]]

    job = await queue(client)
    assert (await events.next_of("job"))["id"] == job["id"]
    set_state(demo_store, job["id"], "running", value=3, max=10, percent=30, message="sampling")
    changed = await events.next_of("job")
    assert changed["status"] == "running" and changed["progress"]["percent"] == 30
    set_state(demo_store, job["id"], "succeeded")
    assert (await events.next_of("job"))["status"] == "succeeded"
    demo_store.delete("demo", "jobs", job["id"])
    assert await events.next_of("removed") == {"projectId": "demo", "id": job["id"]}
    response.close()


async def test_events_across_projects(client, demo_store) -> None:
    response = await client.get("/api/events")
    events = SseReader(response)
    assert (await events.next_of("snapshot")) == {"jobs": []}
    job = await queue(client)
    changed = await events.next_of("job")
    assert changed["id"] == job["id"] and changed["projectId"] == "demo"
    response.close()


async def test_events_keep_alive_comment(client, monkeypatch) -> None:
    monkeypatch.setattr(sse, "KEEPALIVE_S", 0.2)
    response = await client.get(f"{JOBS}/events")
    lines = []
    while ": keep-alive" not in lines:
        lines.append((await asyncio.wait_for(response.content.readline(), 5)).decode().rstrip("\n"))
    response.close()


async def test_events_end_when_the_app_shuts_down(client) -> None:
    response = await client.get(f"{JOBS}/events")
    events = SseReader(response)
    await events.next_of("snapshot")
    await client.server.app.shutdown()
    with pytest.raises(EOFError):
        await events.next(timeout_s=3)


async def test_events_stop_when_the_client_disconnects(client, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="orchestrator.api.sse")
    response = await client.get(f"{JOBS}/events")
    await SseReader(response).next_of("snapshot")
    response.close()
    for _ in range(50):
        if any("event stream closed" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the event stream kept running after the client went away")


async def test_events_unknown_project_is_404_json(client) -> None:
    await error_of(await client.get("/api/projects/nope/jobs/events"), 404)


async def test_the_list_names_unreadable_job_files(client, demo_store) -> None:
    job = await queue(client)
    demo_store.record_path("demo", "jobs", "broken1").write_text("{not json")
    listed = await body_of(await client.get(JOBS), JobList)
    assert [j["id"] for j in listed["jobs"]] == [job["id"]] and listed["unreadable"] == ["broken1"]


async def test_a_generate_job_for_a_missing_spec_is_refused_and_nothing_is_written(
    client, demo_store
) -> None:
    before = tree_state(demo_store.root)
    error = await error_of(
        await client.post(JOBS, json={"type": "generate", "input": {"specId": "no_such_spec"}}), 400
    )
    assert "no_such_spec" in error["message"] and "potion_icon" in error["message"]
    assert tree_state(demo_store.root) == before
    # In nextJobs the spec id may be a placeholder: it is checked when the child is created.
    chained = {
        "type": "bg_remove",
        "input": {"assetId": "a", "nextJobs": [{"type": "generate", "input": {"specId": "$output.assetId"}}]},
    }
    assert (await client.post(JOBS, json=chained)).status == 201
