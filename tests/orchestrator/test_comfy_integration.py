"""Against the real managed ComfyUI: the node pack loads, templates generate, metadata matches the plan."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import numpy as np
import pytest

from assetgen.errors import ComfyExecutionError
from assetgen.generation.file_hashes import sha256_file
from assetgen.generation.plan import plan_generation
from assetgen.generation.variant_metadata import read_variant_metadata
from assetgen.generation.workflows import load_template, prompt_for_batch, titles_by_node
from assetgen.image_files import read_png_text, read_rgba
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient
from orchestrator.generation_runner import generate_variants
from tests.conftest import DEMO_PROJECT
from tests.orchestrator.test_tileable_comfy import tile_spec

pytestmark = pytest.mark.comfy

ASSETGEN_NODES = {
    "AssetGenLoadSpec",
    "AssetGenApplyLoraStack",
    "AssetGenSaveVariants",
    "AssetGenRemoveBackground",
    "AssetGenPackSpritesheet",
    "AssetGenPixelate",
    "AssetGenPoseGuide",
}


def run(coro):
    return asyncio.run(coro)


async def with_client(url: str, fn):
    async with aiohttp.ClientSession() as session:
        return await fn(ComfyClient(url, session))


def test_object_info_lists_every_assetgen_node_with_inputs(comfy_env) -> None:
    _, state = comfy_env
    info = run(with_client(state.url, lambda c: c.object_info()))
    assert ASSETGEN_NODES <= set(info)
    spec_inputs = info["AssetGenLoadSpec"]["input"]
    assert {"project_id", "spec_id", "variant_index"} <= set(spec_inputs["required"])
    assert info["AssetGenLoadSpec"]["category"] == "assetgen"
    assert "ASSETGEN_PLAN" in info["AssetGenApplyLoraStack"]["input"]["required"]["plan"]
    for node in ASSETGEN_NODES:
        for name, spec in {
            **info[node]["input"]["required"],
            **info[node]["input"].get("optional", {}),
        }.items():
            assert spec[1].get("tooltip"), f"{node}.{name} has no tooltip"


@pytest.mark.parametrize("template", ["txt2img", "txt2img_fixed_seed"])
def test_template_generates_variants_whose_metadata_matches_the_plan(comfy_env, template: str) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    plan = plan_generation(store, "demo", "potion_icon", variants=2, template_id=template)
    assert [lora.file for lora in plan.loras] == [
        "lora_demo_icons.safetensors",
        "lora_demo_forest.safetensors",
    ]
    output = run(with_client(state.url, lambda c: generate_variants(c, store, plan, job_id=f"job{template}")))

    assert output["seeds"] == plan.seeds and len(set(plan.seeds)) == 2
    asset = store.read("demo", "assets", "potion_icon")
    version = next(v for v in asset.versions if v.id == f"job{template}")
    assert version.status == "review" and version.generation["promptPackageHash"] == plan.prompt_package_hash
    models = settings.cache_dir / "models"
    for index, variant in enumerate(version.variants):
        png = store.resolve(variant.original_path)
        assert read_rgba(png).shape == (plan.height, plan.width, 4)
        assert store.resolve(variant.preview_path).suffix == ".webp"
        meta = read_variant_metadata(read_png_text(png.read_bytes()))
        assert meta.positive == plan.prompt.positive and meta.negative == plan.prompt.negative
        assert (
            meta.seed == plan.seeds[index] and meta.variant_index == index and meta.job_id == f"job{template}"
        )
        assert (meta.steps, meta.cfg, meta.sampler, meta.scheduler) == (
            plan.steps,
            plan.cfg,
            plan.sampler,
            plan.scheduler,
        )
        assert meta.checkpoint["sha256"] == sha256_file(models / "checkpoints" / "ckpt_sd15_demo.safetensors")
        assert [(lo["loraId"], lo["strengthModel"]) for lo in meta.loras] == [
            (lo.lora_id, lo.strength_model) for lo in plan.loras
        ]
        assert meta.loras[0]["sha256"] == sha256_file(models / "loras" / plan.loras[0].file)
        assert variant.metadata == json.loads(meta.model_dump_json())


def test_same_seed_gives_identical_pixels_and_other_seeds_differ(comfy_env) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    plan = plan_generation(store, "demo", "hero_knight_walk", variants=2, overrides={"seed": 99})
    first = run(with_client(state.url, lambda c: generate_variants(c, store, plan, job_id="repro1")))
    second = run(with_client(state.url, lambda c: generate_variants(c, store, plan, job_id="repro2")))
    images = [[read_rgba(store.resolve(p)) for p in out["originalPaths"]] for out in (first, second)]
    assert np.array_equal(images[0][0], images[1][0]) and np.array_equal(images[0][1], images[1][1])
    assert not np.array_equal(images[0][0], images[0][1])
    assert images[0][0][..., :3].std() > 5, "the demo model's output is not flat"


def test_a_lora_changes_the_pixels_of_the_same_seed(comfy_env) -> None:
    """The same plan and seed with and without the spec's LoRAs: the LoRAs must show in the picture."""
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    plan = plan_generation(store, "demo", "potion_icon", variants=1, overrides={"seed": 4242})
    assert plan.loras, "the demo spec's policy applies LoRAs"
    bare = plan.model_copy(update={"loras": []})
    with_loras = run(with_client(state.url, lambda c: generate_variants(c, store, plan, job_id="lora_on")))
    without = run(with_client(state.url, lambda c: generate_variants(c, store, bare, job_id="lora_off")))
    assert with_loras["seeds"] == without["seeds"] == [4242]
    on, off = (read_rgba(store.resolve(out["originalPaths"][0])) for out in (with_loras, without))
    differing = np.abs(on.astype(int) - off.astype(int)).max(axis=2) > 8
    assert differing.mean() > 0.05, f"only {differing.mean():.1%} of the pixels changed"
    meta = read_variant_metadata(read_png_text(store.resolve(without["originalPaths"][0]).read_bytes()))
    assert meta.loras == []


def test_variants_beyond_the_batch_size_are_split_into_batches(comfy_env) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    plan = plan_generation(store, "demo", "potion_icon", variants=3, overrides={"batch_size": 2})
    output = run(with_client(state.url, lambda c: generate_variants(c, store, plan, job_id="split")))
    assert len(output["promptIds"]) == 2 and len(output["variantIds"]) == 3
    metas = [
        read_variant_metadata(read_png_text(store.resolve(p).read_bytes())) for p in output["originalPaths"]
    ]
    assert [(m.batch_index, m.batch_size) for m in metas] == [(0, 2), (1, 2), (0, 1)]


def test_missing_lora_is_refused_with_readable_node_errors(comfy_env) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    plan = plan_generation(store, "demo", "potion_icon", variants=1)
    plan.loras[0].file = "no_such_lora.safetensors"
    with pytest.raises(ComfyExecutionError) as error:
        run(with_client(state.url, lambda c: generate_variants(c, store, plan, job_id="missing")))
    message = str(error.value)
    assert "no_such_lora.safetensors" in message and "AssetGen Spec" in message and "refused" in message
    assert any(entry.get("class_type") == "AssetGenLoadSpec" for entry in error.value.node_errors.values())


def test_a_changed_spec_invalidates_the_node_cache(comfy_env) -> None:
    """Load AssetSpec reads the store on the server: editing the spec changes the next run's prompt."""
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    template = json.loads((Path(__file__).parents[2] / "workflows" / "api" / "txt2img.json").read_text())
    template["1"]["inputs"].update({"spec_id": "hero_knight_walk", "plan_json": ""})

    async def positive_of_run(client: ComfyClient) -> str:
        entry = await client.wait(await client.submit(template))
        return entry["outputs"]["9"]["assetgen"][0]["positive"]

    before = run(with_client(state.url, positive_of_run))
    spec = store.read("demo", "specs", "hero_knight_walk")
    spec.prompt.positive = "hero knight in golden armour"
    store.write("demo", "specs", spec)
    after = run(with_client(state.url, positive_of_run))
    assert "golden armour" in after and "golden armour" not in before


def test_cli_comfy_start_status_stop_and_a_lora_prompt(tmp_path: Path) -> None:
    """`assetgen comfy start|status|stop` for real, and a plain LoraLoader prompt that writes images."""
    data = tmp_path / "data"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(data), "--json", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    started = cli("comfy", "start")
    assert started.returncode == 0, started.stderr
    state = json.loads(started.stdout)
    try:
        status = json.loads(cli("comfy", "status").stdout)
        assert status["running"] and status["answering"] and Path(status["logPath"]).is_file()
        prompt = {
            "1": {
                "class_type": "CheckpointLoaderSimple",
                "inputs": {"ckpt_name": "ckpt_sd15_demo.safetensors"},
            },
            "2": {
                "class_type": "LoraLoader",
                "inputs": {
                    "model": ["1", 0],
                    "clip": ["1", 1],
                    "strength_model": 1.0,
                    "strength_clip": 1.0,
                    "lora_name": "lora_demo_forest.safetensors",
                },
            },
            "3": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 1], "text": "a knight"}},
            "4": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 1], "text": ""}},
            "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 128, "height": 128, "batch_size": 1}},
            "6": {
                "class_type": "KSampler",
                "inputs": {
                    "model": ["2", 0],
                    "positive": ["3", 0],
                    "negative": ["4", 0],
                    "latent_image": ["5", 0],
                    "seed": 7,
                    "steps": 4,
                    "cfg": 7.0,
                    "sampler_name": "euler",
                    "scheduler": "normal",
                    "denoise": 1.0,
                },
            },
            "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["1", 2]}},
            "8": {"class_type": "SaveImage", "inputs": {"images": ["7", 0], "filename_prefix": "lora_check"}},
        }

        async def go(client: ComfyClient):
            return await client.wait(await client.submit(prompt))

        entry = run(with_client(state["url"], go))
        images = entry["outputs"]["8"]["images"]
        assert images and (data / "runtime" / "comfyui" / "output" / images[0]["filename"]).is_file()
        log_text = Path(status["logPath"]).read_text()
        assert "lora key not loaded" not in log_text
        assert "model_type EPS" in log_text, "the demo checkpoint is detected as SD1.5 (EPS)"
    finally:
        stopped = cli("comfy", "stop")
    assert json.loads(stopped.stdout) == {"stopped": True}
    assert (
        not Path(f"/proc/{state['pid']}").exists()
        or "Z" in Path(f"/proc/{state['pid']}/stat").read_text().split()[2]
    )
    assert json.loads(cli("comfy", "status").stdout)["running"] is False


def test_cli_generate_wait_runs_a_generate_job(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    env = {**os.environ, "COMFYUI_URL": state.url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator.cli",
            "--data-dir",
            str(root),
            "--json",
            "generate",
            "demo",
            "potion_icon",
            "--variants",
            "1",
            "--seed",
            "77",
            "--wait",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["status"] == "succeeded" and job["type"] == "generate" and job["output"]["seeds"] == [77]
    assert (root / job["output"]["originalPaths"][0]).is_file()


@pytest.mark.parametrize(
    ("spec_id", "template_id", "also_cached"),
    [("potion_icon", "txt2img", ()), ("cache_tile", "txt2img_tileable", ("Make Tileable",))],
)
def test_a_new_seed_reuses_the_cached_lora_patch_and_conditioning(
    comfy_env, spec_id: str, template_id: str, also_cached: tuple[str, ...]
) -> None:
    """The seed reaches only the sampler and Save Variants: ComfyUI's execution messages list the checkpoint,
    the LoRA stack and both text encodes (and the tiling model patch) as cached on the second prompt of a
    spec with a new seed."""
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    if template_id == "txt2img_tileable":
        tile_spec(store, spec_id, tileable=True)
    plan = plan_generation(store, "demo", spec_id, variants=2, overrides={"steps": 2})
    assert plan.template_id == template_id and plan.seeds[0] != plan.seeds[1]
    template = load_template(template_id)
    titles = titles_by_node(template)

    async def cached_nodes(client: ComfyClient) -> list[tuple[set[str], list[int]]]:
        out = []
        for index in (0, 1):
            prompt = prompt_for_batch(template, plan, variant_indices=[index], variant_ids=[f"cache{index}"])
            entry = await client.wait(await client.submit(prompt))
            cached = {
                node
                for kind, data in entry["status"]["messages"]
                if kind == "execution_cached"
                for node in data["nodes"]
            }
            out.append((cached, [m["seed"] for m in entry["outputs"][titles["Save Variants"]]["assetgen"]]))
        return out

    (_, first_seeds), (second_cached, second_seeds) = run(with_client(state.url, cached_nodes))
    assert first_seeds == [plan.seeds[0]] and second_seeds == [plan.seeds[1]]
    reused = {
        titles[t]
        for t in ("AssetGen Spec", "Checkpoint", "LoRA Policy", "Positive", "Negative", *also_cached)
    }
    assert reused <= second_cached, f"re-ran {sorted(reused - second_cached)}"
    assert not {titles["Sampler"], titles["Save Variants"]} & second_cached


def test_a_run_the_socket_saw_whole_is_answered_without_asking_history(comfy_env) -> None:
    """wait() builds the entry from the socket's messages (one request less per prompt); it has the same
    outputs and status messages as ComfyUI's own /history entry."""
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    template = load_template("txt2img")
    plan = plan_generation(store, "demo", "potion_icon", variants=1, overrides={"steps": 1})
    prompt = prompt_for_batch(template, plan, variant_indices=[0], variant_ids=["socket0"])

    async def both(client: ComfyClient) -> tuple[dict, dict, int]:
        asked = []
        history = client.history

        async def counting_history(prompt_id: str):
            asked.append(prompt_id)
            return await history(prompt_id)

        client.history = counting_history  # type: ignore[method-assign]
        await client.open_socket()
        prompt_id = await client.submit(prompt)
        entry = await client.wait(prompt_id)
        calls = len(asked)
        for _ in range(200):  # ComfyUI writes the history just after it says the run succeeded
            if (written := await history(prompt_id)) is not None:
                return entry, written, calls
            await asyncio.sleep(0.025)
        raise AssertionError(f"prompt {prompt_id} never reached /history")

    entry, from_history, history_calls = run(with_client(state.url, both))
    assert history_calls == 0
    assert entry["outputs"] == from_history["outputs"]
    kinds = [kind for kind, _ in entry["status"]["messages"]]
    assert kinds == [kind for kind, _ in from_history["status"]["messages"]]
    assert entry["status"]["status_str"] == from_history["status"]["status_str"] == "success"
