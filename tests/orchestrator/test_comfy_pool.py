"""Pool files and model requirements (no ComfyUI: the routing itself is tested against real servers in
test_comfy_pool_comfy.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assetgen.errors import InvalidInput
from assetgen.generation.plan import plan_generation
from assetgen.store import ProjectStore
from orchestrator.comfy_pool import Backend, BackendSpec, ComfyPool, Requirements, read_pool_file


def test_pool_files_in_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "pool.yaml"
    yaml_file.write_text(
        "backends:\n  - url: http://a:8188/\n    weight: 2\n    maxQueue: 4\n  - url: http://b:8188\n    drain: true\n"
    )
    assert read_pool_file(yaml_file) == [
        BackendSpec(url="http://a:8188", weight=2.0, max_queue=4),
        BackendSpec(url="http://b:8188", drain=True),
    ]
    json_file = tmp_path / "pool.json"
    json_file.write_text('["http://c:8188"]')
    assert read_pool_file(json_file) == [BackendSpec(url="http://c:8188")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("backends: 3", "expected a list"),
        ("backends:\n  - weight: 1", "needs a url"),
        ("backends:\n  - url: http://a\n    weight: 0", "weight > 0"),
        ("backends:\n  - url: http://a\n    maxQueue: lots", "backend http://a"),
        ("backends: [", "cannot read"),
    ],
)
def test_a_bad_pool_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pool.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=message):
        read_pool_file(path)


def test_requirements_of_a_plan_and_what_a_backend_lacks(demo_store: ProjectStore) -> None:
    plan = plan_generation(demo_store, "demo", "potion_icon", variants=1)
    needs = Requirements.of_plan(plan)
    assert needs.files == {
        ("checkpoints", "ckpt_sd15_demo.safetensors"),
        ("loras", "lora_demo_forest.safetensors"),
        ("loras", "lora_demo_icons.safetensors"),
    }
    backend = Backend(spec=BackendSpec(url="http://a"), client=None)  # type: ignore[arg-type]
    assert backend.missing(needs) == set(needs.files)  # models not read yet: nothing is assumed
    backend.models = {
        "checkpoints": {"ckpt_sd15_demo.safetensors"},
        "loras": {"lora_demo_forest.safetensors"},
    }
    assert backend.missing(needs) == {("loras", "lora_demo_icons.safetensors")}
    assert needs.describe(backend.missing(needs)) == "loras/lora_demo_icons.safetensors"


class _FakeClient:
    """Answers the pool's questions like a ComfyUI with the demo models and an empty queue."""

    def __init__(self, url: str) -> None:
        self.base_url = url
        self.queue_asks = 0

    async def queue_remaining(self) -> int:
        self.queue_asks += 1
        return 0

    async def models(self, folder: str) -> list[str]:
        return ["ckpt_sd15_demo.safetensors"] if folder == "checkpoints" else []


def test_queue_lengths_are_asked_once_a_ttl_and_in_flight_calls_spread_the_load() -> None:
    """A unit test of the pool's bookkeeping (fake clients); routing is tested on real servers elsewhere."""
    pool = ComfyPool(["http://a", "http://b"], session=None, queue_ttl_s=60)  # type: ignore[arg-type]
    fakes = {b.url: _FakeClient(b.url) for b in pool.backends}
    for backend in pool.backends:
        backend.client = fakes[backend.url]  # type: ignore[assignment]

    async def scenario() -> list[str]:
        started = asyncio.Event()
        release = asyncio.Event()

        async def hold(client) -> str:
            started.set()
            await release.wait()
            return client.base_url

        first = asyncio.create_task(pool.run(hold))
        await started.wait()
        second = await pool.run(lambda client: asyncio.sleep(0, result=client.base_url))
        release.set()
        others = [await pool.run(lambda client: asyncio.sleep(0, result=client.base_url)) for _ in range(5)]
        return [await first, second, *others]

    used = asyncio.run(scenario())
    assert used[0] != used[1], "a call in flight on one backend sends the next one to the other"
    assert [f.queue_asks for f in fakes.values()] == [1, 1], "one GET /prompt per backend within the TTL"
