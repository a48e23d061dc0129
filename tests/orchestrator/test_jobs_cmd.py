"""`assetgen jobs submit/list/show/cancel/retry` and `assetgen autopilot` (queueing) on their success paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.store import ProjectStore
from orchestrator.cli import main
from tests.orchestrator.worker_helpers import add_sprite_asset


def cli(capsys: pytest.CaptureFixture[str], store: ProjectStore, *args: str) -> tuple[int, object]:
    code = main(["--data-dir", str(store.root), "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_submit_list_show_cancel_retry_and_submit_wait(
    demo_store: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_sprite_asset(demo_store, "demo", "slime", variants=2)
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"type": "bg_remove", "input": {"assetId": "slime"}}))

    code, queued = cli(capsys, demo_store, "jobs", "submit", "demo", str(job_file))
    assert code == 0 and queued["status"] == "queued" and queued["type"] == "bg_remove"
    code, listed = cli(capsys, demo_store, "jobs", "list", "demo", "--status", "queued")
    assert code == 0 and [j["id"] for j in listed] == [queued["id"]]
    code, shown = cli(capsys, demo_store, "jobs", "show", "demo", queued["id"])
    assert code == 0 and shown["input"] == {"assetId": "slime"}
    code, canceled = cli(capsys, demo_store, "jobs", "cancel", "demo", queued["id"])
    assert code == 0 and canceled["status"] == "canceled"
    assert demo_store.read("demo", "jobs", queued["id"]).status == "canceled"
    code, retried = cli(capsys, demo_store, "jobs", "retry", "demo", queued["id"])
    assert code == 0 and retried["status"] == "queued" and retried["maxAttempts"] > retried["attempt"]

    # the retried job runs with the next --wait (the worker takes every queued job of the project)
    chained = tmp_path / "chain.json"
    frames = [{"assetId": "slime", "variantId": v} for v in ("slime-v1", "slime-v2")]
    chained.write_text(
        json.dumps({"type": "atlas_pack", "input": {"atlasId": "slime_sheet", "frames": frames}})
    )
    code, finished = cli(capsys, demo_store, "jobs", "submit", "demo", str(chained), "--wait")
    assert code == 0 and [(j["type"], j["status"]) for j in finished] == [("atlas_pack", "succeeded")]
    assert demo_store.exists("demo", "atlases", "slime_sheet")
    code, done = cli(capsys, demo_store, "jobs", "list", "demo", "--status", "succeeded")
    assert {j["type"] for j in done} == {"bg_remove", "atlas_pack"}
    assert demo_store.read("demo", "jobs", queued["id"]).status == "succeeded"

    # the text forms: one line per job
    assert main(["--data-dir", str(demo_store.root), "jobs", "list", "demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("succeeded" in line for line in lines)


def test_autopilot_queues_one_job_per_ready_spec(demo_store: ProjectStore, capsys) -> None:
    code, answer = cli(capsys, demo_store, "autopilot", "demo")
    ready = sorted(demo_store.list_ids("demo", "specs"))
    assert code == 0 and len(answer["jobIds"]) + len(answer["skipped"]) == len(ready)
    jobs = [demo_store.read("demo", "jobs", job_id) for job_id in answer["jobIds"]]
    assert jobs and all(j.type == "autopilot" and j.status == "queued" for j in jobs)
    assert sorted([j.input["specId"] for j in jobs] + answer["skipped"]) == ready
    code, one = cli(capsys, demo_store, "autopilot", "demo", jobs[0].input["specId"], "--variants", "2")
    assert code == 0 and len(one["jobIds"]) == 1 and one["skipped"] == []
    assert demo_store.read("demo", "jobs", one["jobIds"][0]).input["variants"] == 2
