"""The anchor-frame job chain without ComfyUI: frames_review repairs only outliers while attempts are left,
else bg_remove -> frames_align (one pivot, an atlas per direction) -> exports."""

from __future__ import annotations

import asyncio
import json

import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.jobs import create_job, list_jobs
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.cli import main
from orchestrator.job_handlers import JobContext, run_frames_review, run_generate_frames
from tests.anim_factory import ASSET, store_frames
from tests.orchestrator.test_worker import run_worker_once


async def _noop(*_args, **_kwargs) -> None:
    return None


def test_outliers_are_sent_back_alone_while_attempts_are_left(demo_store: ProjectStore) -> None:
    store_frames(demo_store, frames=6, odd="walk_e_03")
    job = create_job(
        demo_store, "demo", "frames_review", {"specId": ASSET, "versionId": "frames-job", "minScore": 0.3}
    )
    ctx = JobContext(
        store=demo_store,
        job=job,
        settings=Settings.from_env(data_dir=demo_store.root),
        run_on_comfy=_noop,
        report_progress=_noop,
        save_plan=_noop,
    )
    output = asyncio.run(run_frames_review(ctx))
    assert output["outliers"] == ["walk_e_03"]
    child = demo_store.read("demo", "jobs", output["spawnedJobIds"][0])
    assert child.type == "generate_frames"
    assert child.input["onlyFrames"] == ["walk_e_03"] and child.input["replaceVersionId"] == "frames-job"
    assert child.input["seedOffset"] > 0
    assert child.input["nextJobs"][0]["type"] == "frames_review"
    assert child.input["nextJobs"][0]["input"]["attempt"] == 2


def test_last_attempt_cuts_out_aligns_packs_and_exports(demo_store: ProjectStore) -> None:
    store_frames(demo_store, frames=4, shift_px={"walk_e_01": 4})
    create_job(
        demo_store,
        "demo",
        "frames_review",
        {"specId": ASSET, "versionId": "frames-job", "attempt": 2, "exportProfiles": ["godot", "pixi_kit"]},
    )
    run_worker_once(demo_store)
    jobs = list_jobs(demo_store, "demo")
    assert {j.status for j in jobs} == {"succeeded"}, {j.type: j.error for j in jobs}
    assert sorted(j.type for j in jobs) == ["bg_remove", "export", "export", "frames_align", "frames_review"]
    align = next(j for j in jobs if j.type == "frames_align")
    assert align.output["animations"] == ["walk_e", "walk_w"]
    assert align.output["alignment"]["jitterAfter"] == {"baselinePx": 0, "rootPx": 0}
    atlas = demo_store.read("demo", "atlases", align.output["atlasId"])
    assert {(f.pivot.x, f.pivot.y) for f in atlas.frames} == {
        (align.output["alignment"]["pivotX"], align.output["alignment"]["pivotY"])
    }


def test_a_reference_anchor_must_be_a_file_of_the_project(demo_store: ProjectStore) -> None:
    store_frames(demo_store)
    for path, error in (
        ("projects/other/files/x.png", InvalidInput),
        ("../../etc/passwd", InvalidInput),
        ("projects/demo/files/images/missing.png", NotFound),
    ):
        job = create_job(demo_store, "demo", "generate_frames", {"specId": ASSET, "anchorPath": path})
        ctx = JobContext(
            store=demo_store,
            job=job,
            settings=Settings.from_env(data_dir=demo_store.root),
            run_on_comfy=_noop,
            report_progress=_noop,
            save_plan=_noop,
        )
        with pytest.raises(error):
            asyncio.run(run_generate_frames(ctx))


def test_the_frames_command_queues_the_chain(demo_store: ProjectStore, capsys) -> None:
    args = ["--data-dir", str(demo_store.root), "--json", "frames", "demo", ASSET, "--anchor-variant", "v1"]
    assert main([*args, "--export", "godot"]) == 0
    job = demo_store.read("demo", "jobs", json.loads(capsys.readouterr().out)["jobId"])
    assert job.type == "generate_frames" and job.input["anchorVariantId"] == "v1"
    assert job.input["nextJobs"][0]["type"] == "frames_review"
    assert job.input["nextJobs"][0]["input"]["exportProfiles"] == ["godot"]
    assert main(["--data-dir", str(demo_store.root), "frames", "demo", "no_such_spec"]) == 2
    assert "no_such_spec" in capsys.readouterr().err
