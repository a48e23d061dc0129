"""Spec recreation: a variant -> a spec that regenerates identical pixels on the same backend."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import numpy as np
import pytest

from assetgen.generation.plan import plan_generation
from assetgen.image_files import read_rgba
from assetgen.specs.project_context import load_project_context
from assetgen.specs.readiness import assess_readiness
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient
from orchestrator.generation_runner import generate_variants
from tests.conftest import DEMO_PROJECT

pytestmark = pytest.mark.comfy


def generate(url: str, store: ProjectStore, spec_id: str, *, job_id: str, **kwargs) -> dict:
    plan = plan_generation(store, "demo", spec_id, **kwargs)

    async def go() -> dict:
        async with aiohttp.ClientSession() as session:
            return await generate_variants(ComfyClient(url, session), store, plan, job_id=job_id)

    return asyncio.run(go())


@pytest.mark.parametrize("source", ["variant", "png"])
def test_recreated_spec_regenerates_identical_pixels(comfy_env, tmp_path: Path, source: str) -> None:
    _, state = comfy_env
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    store = ProjectStore(root)
    first = generate(state.url, store, "hero_knight_walk", job_id="orig", variants=2, random_seed=4242)
    variant_id, original = first["variantIds"][1], store.resolve(first["originalPaths"][1])
    target = variant_id if source == "variant" else str(original)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator.cli",
            "--data-dir",
            str(root),
            "--json",
            "recreate",
            "demo",
            target,
            "--spec-id",
            "knight_again",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["seedPolicy"] == {"mode": "fixed", "baseSeed": first["seeds"][1], "deriveFrom": []}
    recreated = store.read("demo", "specs", "knight_again")
    readiness = assess_readiness(recreated, load_project_context(store, "demo"))
    assert readiness.is_ready, readiness.as_dict()

    again = generate(state.url, store, "knight_again", job_id="again")
    assert again["seeds"] == [first["seeds"][1]]
    assert np.array_equal(read_rgba(original), read_rgba(store.resolve(again["originalPaths"][0])))
