"""Job events: stat-only scans, a snapshot first, then exactly the jobs whose files changed."""

from __future__ import annotations

import asyncio

from assetgen.jobs import create_job
from orchestrator.job_events import scan_job_files, watch_jobs


def test_scan_sees_every_atomic_write(demo_store) -> None:
    assert scan_job_files(demo_store, "demo") == {}
    job = create_job(demo_store, "demo", "generate", {"specId": "potion_icon"}, job_id="j1")
    (demo_store.project_dir("demo") / "jobs" / ".j1.json.tmp").write_text("{}")  # temp files are ignored
    first = scan_job_files(demo_store, "demo")
    assert set(first) == {("demo", "j1")}
    demo_store.write("demo", "jobs", job)  # same content, new inode
    assert scan_job_files(demo_store, "demo") != first
    assert set(scan_job_files(demo_store, None)) == {("demo", "j1")}


async def test_watch_yields_snapshot_then_changes_and_stops(demo_store) -> None:
    stop = asyncio.Event()
    create_job(demo_store, "demo", "generate", {"specId": "potion_icon"}, job_id="j1")
    watcher = watch_jobs(demo_store, "demo", stop=stop, interval_s=0.01)
    (snapshot,) = await anext(watcher)
    assert snapshot.name == "snapshot" and [j["id"] for j in snapshot.data["jobs"]] == ["j1"]
    assert await anext(watcher) == []
    job = demo_store.read("demo", "jobs", "j1")
    job.status = "running"
    demo_store.write("demo", "jobs", job)
    (event,) = await anext(watcher)
    assert event.name == "job" and event.data["status"] == "running"
    (demo_store.project_dir("demo") / "jobs" / "j1.json").write_text("{broken")  # mid-edit: skipped
    assert await anext(watcher) == []
    stop.set()
    assert [batch async for batch in watcher] == []
