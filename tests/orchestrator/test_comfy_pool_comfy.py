"""The capability-aware pool against three real ComfyUI processes with different model folders:
a job goes only where its LoRAs are; a job no backend can run fails with the reason; drained backends get
nothing new; the pool file is re-read when it changes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest

from assetgen.errors import BackendUnavailable, ModelUnavailable
from assetgen.generation.plan import plan_generation
from assetgen.jobs import create_job
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from orchestrator.comfy_pool import ComfyPool, Requirements
from orchestrator.generation_runner import generate_variants
from orchestrator.job_leases import LeaseConfig
from orchestrator.worker import Worker, error_class_of
from tests.conftest import DEMO_PROJECT

pytestmark = pytest.mark.comfy

CKPT = "checkpoints/ckpt_sd15_demo.safetensors"
FOREST = "loras/lora_demo_forest.safetensors"
ICONS = "loras/lora_demo_icons.safetensors"
# Three GPU hosts with different model folders: only "full" has both LoRAs the demo spec uses.
LAYOUT = {"plain": [CKPT], "forest": [CKPT, FOREST], "full": [CKPT, FOREST, ICONS]}


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory):
    """name -> url of three managed ComfyUI processes, each seeing only its own model files."""
    base = Settings.from_env()
    runtime = comfy_process.resolve_runtime(base)
    demo_models = base.cache_dir / "models"
    settings = {}
    for name, files in LAYOUT.items():
        root = tmp_path_factory.mktemp(f"backend_{name}")
        for file in files:
            target = root / "cache" / "models" / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(demo_models / file)
        (root / "cache" / "models" / "loras").mkdir(exist_ok=True)
        settings[name] = Settings(
            data_dir=root / "data",
            cache_dir=root / "cache",
            comfyui_dir=runtime.comfyui_dir,
            comfyui_python=runtime.python,
        )
    with ThreadPoolExecutor(3) as pool:
        states = dict(
            zip(
                settings,
                pool.map(lambda s: comfy_process.start(s, timeout_s=300), settings.values()),
                strict=True,
            )
        )
    try:
        yield {name: state.url for name, state in states.items()}
    finally:
        for s in settings.values():
            comfy_process.stop(s)


@pytest.fixture
def project(tmp_path: Path) -> ProjectStore:
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    return ProjectStore(root)


def write_pool_file(path: Path, entries: list[dict]) -> None:
    path.write_text(json.dumps({"backends": entries}))
    # A rewrite within the same timestamp tick must still be seen as a change.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_a_job_goes_only_to_the_backend_with_its_loras(backends, project: ProjectStore) -> None:
    plan = plan_generation(project, "demo", "potion_icon", variants=1)
    assert {lora.file for lora in plan.loras} == {Path(FOREST).name, Path(ICONS).name}

    async def go() -> dict:
        async with aiohttp.ClientSession() as session:
            pool = ComfyPool(list(backends.values()), session)
            try:
                return await pool.run(
                    lambda client: generate_variants(client, project, plan, job_id="routed"),
                    needs=Requirements.of_plan(plan),
                )
            finally:
                await pool.close()

    asyncio.run(go())
    version = next(v for v in project.read("demo", "assets", "potion_icon").versions if v.id == "routed")
    assert version.generation["comfyui"]["backend"] == backends["full"]
    assert project.resolve(version.variants[0].original_path).is_file()


def test_a_job_no_backend_can_run_fails_with_the_reason(backends, project: ProjectStore) -> None:
    plan = plan_generation(project, "demo", "potion_icon", variants=1)
    plan.loras[0].file = "lora_nobody_has.safetensors"
    job = create_job(project, "demo", "generate", {"specId": "potion_icon", "variants": 1})
    stored = project.read("demo", "jobs", job.id)
    stored.plan = plan.model_dump(mode="json")  # a frozen plan, as after a first attempt
    project.write("demo", "jobs", stored)

    settings = Settings.from_env(data_dir=project.root).model_copy(
        update={"comfyui_urls": tuple(backends.values())}
    )
    asyncio.run(Worker(settings, lease=LeaseConfig(), rescan_s=0.2).run(asyncio.Event(), once=True))
    failed = project.read("demo", "jobs", job.id)
    assert failed.status == "failed" and failed.error_class == "non_retryable" and failed.attempt == 1
    assert "lora_nobody_has.safetensors" in failed.error
    for url in backends.values():
        assert f"{url} lacks" in failed.error


def test_drain_and_pool_file_reload(backends, tmp_path: Path, project: ProjectStore) -> None:
    plan = plan_generation(project, "demo", "potion_icon", variants=1)
    needs = Requirements.of_plan(plan)
    pool_file = tmp_path / "pool.json"
    write_pool_file(
        pool_file,
        [
            {"url": backends["plain"]},
            {"url": backends["forest"], "weight": 2},
            {"url": backends["full"], "maxQueue": 2},
        ],
    )

    async def go() -> None:
        async with aiohttp.ClientSession() as session:
            pool = ComfyPool([], session, pool_file=pool_file)
            try:
                assert [c.url for c in await pool.candidates(needs)] == [backends["full"]]
                assert len(await pool.candidates()) == 3  # nothing needed: every backend can

                # Draining the only capable backend: retried later (upstream_unavailable), not failed for good.
                write_pool_file(
                    pool_file, [{"url": backends["plain"]}, {"url": backends["full"], "drain": True}]
                )
                with pytest.raises(BackendUnavailable, match="draining") as error:
                    await pool.candidates(needs)
                assert error_class_of(error.value) == "upstream_unavailable"
                assert [b.url for b in pool.backends] == [backends["plain"], backends["full"]]

                # Undrained again, and "forest" is back: the next call sees both changes.
                write_pool_file(pool_file, [{"url": backends["forest"]}, {"url": backends["full"]}])
                assert [c.url for c in await pool.candidates(needs)] == [backends["full"]]
                assert {b.url for b in pool.backends} == {backends["forest"], backends["full"]}

                # A broken file keeps the last good backends.
                write_pool_file(pool_file, [{"weight": 1}])
                assert {b.url for b in pool.backends} == {backends["forest"], backends["full"]}
                with pytest.raises(ModelUnavailable):
                    plan.loras[0].file = "lora_nobody_has.safetensors"
                    await pool.candidates(Requirements.of_plan(plan))
            finally:
                await pool.close()

    asyncio.run(go())


def test_pool_status_lists_backends_health_and_models(backends, tmp_path: Path) -> None:
    pool_file = tmp_path / "pool.yaml"
    pool_file.write_text(
        "backends:\n"
        + "".join(f"  - url: {url}\n" for url in backends.values())
        + "  - url: http://127.0.0.1:9\n    drain: true\n"
    )
    env = {**os.environ, "COMFYUI_POOL_FILE": str(pool_file)}
    env.pop("COMFYUI_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(tmp_path), "--json", "pool", "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    listed = {b["url"]: b for b in json.loads(result.stdout)["backends"]}
    assert listed[backends["full"]]["healthy"] and listed[backends["full"]]["models"]["loras"] == sorted(
        Path(f).name for f in (FOREST, ICONS)
    )
    assert listed[backends["plain"]]["models"]["loras"] == []
    assert listed["http://127.0.0.1:9"]["draining"]
    text = subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(tmp_path), "pool", "status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    ).stdout
    assert "lora_demo_icons.safetensors" in text and "draining" in text
