"""The worker's JobIndex (only changed job files are parsed) and the claims that read through it."""

from __future__ import annotations

from pathlib import Path

from assetgen.jobs import create_job
from assetgen.models import Job
from assetgen.store import ProjectStore
from orchestrator.job_handlers import freeze_plan
from orchestrator.job_index import JobIndex
from orchestrator.job_leases import LeaseConfig, claim_next_job


def test_only_changed_job_files_are_parsed_again(demo_store: ProjectStore) -> None:
    index = JobIndex(full_rescan_s=0)  # list the folder every time: the stat check alone must do the work
    created = [create_job(demo_store, "demo", "bg_remove", {"assetId": f"a{i}"}) for i in range(5)]
    # Oldest first; jobs made in the same millisecond are ordered by id (ULIDs are random within one).
    jobs = sorted(created, key=lambda j: (j.created_at or "", j.id))
    assert [j.id for j in index.active_jobs(demo_store, "demo")] == [j.id for j in jobs]
    assert index.parsed == 5
    assert len(index.active_jobs(demo_store, "demo")) == 5 and index.parsed == 5

    done: Job = demo_store.read("demo", "jobs", jobs[0].id)
    done.status = "succeeded"
    demo_store.write("demo", "jobs", done)
    active = index.active_jobs(demo_store, "demo")
    assert [j.id for j in active] == [j.id for j in jobs[1:]] and index.parsed == 6
    assert len(index.active_jobs(demo_store, "demo")) == 4 and index.parsed == 6

    # The index hands out its own jobs; a claim copies the one it takes instead of changing them.
    shared = index.active_jobs(demo_store, "demo")
    claimed = claim_next_job(demo_store, "demo", "w1", LeaseConfig(), read_jobs=lambda _s, _p: shared)
    assert claimed is not None and claimed.id == shared[0].id and claimed.status == "running"
    assert shared[0].status == "queued" and shared[0].lease is None
    assert index.active_jobs(demo_store, "demo")[0].status == "running"  # re-read: its file changed


def test_a_corrupt_job_file_becomes_a_failed_job(demo_store: ProjectStore) -> None:
    index = JobIndex()
    good = create_job(demo_store, "demo", "bg_remove", {"assetId": "x"})
    bad = demo_store.record_path("demo", "jobs", "broken1")
    bad.write_text('{"id": "broken1", "status": ')
    assert [j.id for j in index.active_jobs(demo_store, "demo")] == [good.id]
    broken: Job = demo_store.read("demo", "jobs", "broken1")
    assert broken.status == "failed" and "unreadable job file" in broken.error
    assert Path(f"{bad}.corrupt").is_file()
    assert index.has_active(demo_store)


def test_with_file_events_only_the_named_job_files_are_looked_at(demo_store: ProjectStore) -> None:
    index = JobIndex(full_rescan_s=3600)
    index.events_live = True
    jobs = [create_job(demo_store, "demo", "bg_remove", {"assetId": f"a{i}"}) for i in range(4)]
    assert len(index.active_jobs(demo_store, "demo")) == 4 and index.listed == 1  # first sight: listed

    done: Job = demo_store.read("demo", "jobs", jobs[0].id)
    done.status = "succeeded"
    demo_store.write("demo", "jobs", done)
    new = create_job(demo_store, "demo", "bg_remove", {"assetId": "b"})
    for job_id in (done.id, new.id):
        index.note_changed(demo_store.root, "demo", job_id)
    active = index.active_jobs(demo_store, "demo")
    assert {j.id for j in active} == {j.id for j in jobs[1:]} | {new.id}
    assert index.listed == 1 and index.parsed == 6  # no listing; the two named files read

    demo_store.record_path("demo", "jobs", jobs[1].id).unlink()
    index.note_changed(demo_store.root, "demo", jobs[1].id)
    assert jobs[1].id not in {j.id for j in index.active_jobs(demo_store, "demo")}
    assert index.listed == 1


def test_a_claim_reads_the_job_again_and_never_writes_a_stale_copy(demo_store: ProjectStore) -> None:
    """An index a moment behind the files (its event not seen yet) must not undo a cancel."""
    first, second = (create_job(demo_store, "demo", "bg_remove", {"assetId": a}) for a in ("x", "y"))
    stale = [first, second]  # as an index saw them: both queued
    canceled: Job = demo_store.read("demo", "jobs", first.id)
    canceled.status = "canceled"
    demo_store.write("demo", "jobs", canceled)
    claimed = claim_next_job(demo_store, "demo", "w1", LeaseConfig(), read_jobs=lambda _s, _p: stale)
    assert claimed is not None and claimed.id == second.id
    assert demo_store.read("demo", "jobs", first.id).status == "canceled"


def test_the_claim_freezes_a_generate_jobs_plan_in_the_same_write(demo_store: ProjectStore) -> None:
    job = create_job(demo_store, "demo", "generate", {"specId": "potion_icon", "variants": 2})
    broken = create_job(demo_store, "demo", "generate", {"specId": "hero_knight_walk", "variants": 1})
    prepare = lambda j: freeze_plan(demo_store, j)  # noqa: E731
    config = LeaseConfig(concurrency=2)
    claimed = claim_next_job(
        demo_store, "demo", "w1", config, read_jobs=JobIndex().active_jobs, prepare=prepare
    )
    assert claimed is not None and claimed.id == job.id
    stored: Job = demo_store.read("demo", "jobs", job.id)
    assert stored.status == "running" and len(stored.plan["seeds"]) == 2
    # A plan that cannot be made does not stop the claim; the handler meets the error and fails the job.
    demo_store.record_path("demo", "specs", "hero_knight_walk").unlink()
    second = claim_next_job(
        demo_store, "demo", "w1", config, read_jobs=JobIndex().active_jobs, prepare=prepare
    )
    assert second is not None and second.id == broken.id and second.plan is None


def test_has_active_sees_a_job_whose_event_has_not_arrived(demo_store: ProjectStore) -> None:
    index = JobIndex(full_rescan_s=3600)
    index.events_live = True
    first = create_job(demo_store, "demo", "bg_remove", {"assetId": "a"})
    assert [j.id for j in index.active_jobs(demo_store, "demo")] == [first.id]
    done: Job = demo_store.read("demo", "jobs", first.id)
    done.status = "succeeded"
    demo_store.write("demo", "jobs", done)
    index.note_changed(demo_store.root, "demo", first.id)
    assert index.active_jobs(demo_store, "demo") == []
    follow_up = create_job(demo_store, "demo", "atlas_pack", {"atlasId": "s"})  # its event still on the way
    assert index.has_active(demo_store)  # what a worker run with --once decides to stop on
    assert [j.id for j in index.active_jobs(demo_store, "demo")] == [follow_up.id]
