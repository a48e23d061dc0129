"""The CLI's progress display: a bar for a known total, counts for a total that grows (chained jobs)."""

from __future__ import annotations

import asyncio
import io
import itertools
import re

import pytest

from assetgen.jobs import create_job
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.job_chains import run_chains
from orchestrator.progress_bar import ProgressBar
from tests.orchestrator.worker_helpers import add_sprite_asset


def test_counts_for_a_growing_total_never_fall() -> None:
    stream = io.StringIO()
    bar = ProgressBar("autopilot", stream=stream)
    # what a chain looks like: a parent at 60 %, then done with two children added
    for done, total, note in [
        (0, 1, "generate 30%"),
        (0, 1, "generate 60%"),
        (1, 3, ""),
        (2, 3, ""),
        (3, 3, ""),
    ]:
        bar.update_count(done, total, note)
    bar.close("3/3 succeeded")
    lines = stream.getvalue().splitlines()
    assert [re.search(r"(\d+)/(\d+) jobs", line).groups() for line in lines] == [
        ("0", "1"),
        ("1", "3"),
        ("2", "3"),
        ("3", "3"),
        ("3", "3"),
    ], lines
    assert lines[-1].endswith("3/3 succeeded") and not any("[" in line for line in lines)


def test_a_bar_for_a_known_total_still_shows_its_percentage() -> None:
    stream = io.StringIO()
    bar = ProgressBar("pack", stream=stream)
    bar.update(5, 10)
    bar.close("done")
    assert " 50.0%" in stream.getvalue() and "100.0%" in stream.getvalue()


def test_a_chain_of_jobs_is_shown_as_counts_that_only_grow(
    demo_store: ProjectStore, capsys: pytest.CaptureFixture[str]
) -> None:
    add_sprite_asset(demo_store, "demo", "slime", variants=2)
    frames = [{"assetId": "slime", "variantId": v} for v in ("slime-v1", "slime-v2")]
    export = {"type": "export", "input": {"profileId": "custom", "atlasIds": ["$output.atlasId"]}}
    pack = {"type": "atlas_pack", "input": {"atlasId": "slime_sheet", "frames": frames, "nextJobs": [export]}}
    root = create_job(demo_store, "demo", "bg_remove", {"assetId": "slime", "nextJobs": [pack]})
    jobs = asyncio.run(
        run_chains(Settings.from_env(data_dir=demo_store.root), "demo", [root.id], label="chain", poll_s=0.05)
    )
    assert [j.status for j in jobs] == ["succeeded"] * 3
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("chain ")]
    counts = [tuple(map(int, re.search(r"(\d+)/(\d+) jobs", line).groups())) for line in lines]
    assert counts[-1] == (3, 3) and lines[-1].endswith("3/3 succeeded"), lines
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(counts)), lines
    assert not any(re.search(r"\d%\s", line.split(" jobs ", 1)[0]) for line in lines), "no falling percentage"
