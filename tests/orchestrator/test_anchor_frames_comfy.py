"""Against the real managed ComfyUI: an 8-frame, 4-direction walk through the anchor path on the demo
checkpoint (pose VAE), cut out, aligned on one pivot, packed and exported."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import numpy as np
import pytest

from assetgen.export.build import build_export, write_bundle_to
from assetgen.generation.anchor_frames import plan_anchor_frames
from assetgen.generation.plan import plan_generation
from assetgen.image_files import decode_rgba, encode_png, read_rgba
from assetgen.imaging.alpha import session_source
from assetgen.imaging.consistency import silhouette_iou
from assetgen.imaging.frame_alignment import opaque_box
from assetgen.imaging.poses import BACKGROUND_DEFAULT, mannequin_mask, pose_guides
from assetgen.models import BgRemoveInput
from assetgen.models.registry import WeightsRef
from assetgen.post.atlas_build import build_atlas
from assetgen.post.bg_remove import run_bg_remove
from assetgen.post.frame_alignment import align_version_frames, frame_sources, strip_with_guides
from assetgen.review.consistency import review_frames
from assetgen.review.decisions import set_primary
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient, output_files
from orchestrator.generation_runner import generate_anchor_frames, generate_variants
from tests.assetgen.export.test_pixi_kit import PAGE as PIXI_PAGE
from tests.browser_clients import browser_page, copy_clients, require_clients, serve
from tests.godot3_project import Godot3Project

pytestmark = pytest.mark.comfy

SPEC = "hero_walk_anchor"


def anchor_spec(store: ProjectStore, *, directions: int = 4, frames: int = 8) -> None:
    """A copy of the demo's walk spec with a pose and directions; the demo checkpoint gets the pose VAE."""
    spec = store.read("demo", "specs", "hero_knight_walk")
    output = spec.output.model_copy(deep=True)
    output.directions = directions
    output.animation = output.animation.model_copy(
        update={"pose": "walk", "frame_count": frames, "frame_prompts": ["right foot forward"]}
    )
    store.write("demo", "specs", spec.model_copy(update={"id": SPEC, "output": output}))
    checkpoint = store.read("demo", "checkpoints", "ckpt_sd15_demo")
    checkpoint.vae_weights = WeightsRef(path="vae_demo_pose.safetensors")
    store.write("demo", "checkpoints", checkpoint)


async def run_anchor_walk(url: str, store: ProjectStore) -> dict:
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        plan = plan_generation(store, "demo", SPEC, variants=1, random_seed=77)
        anchor = await generate_variants(client, store, plan, job_id="anchor-job")
        set_primary(store, "demo", SPEC, anchor["primaryVariantId"], by="test")
        frames_plan = plan_anchor_frames(store, "demo", SPEC)
        return await generate_anchor_frames(client, store, frames_plan, job_id="frames-job")


@pytest.fixture(scope="module")
def anchor_walk(comfy_env) -> tuple[ProjectStore, dict]:
    """The walk generated once for the module: anchor, then 24 sampled + 8 mirrored frames."""
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    anchor_spec(store)
    return store, asyncio.run(run_anchor_walk(state.url, store))


def test_anchor_walk_in_four_directions_follows_the_poses(anchor_walk) -> None:
    store, output = anchor_walk
    assert output["animations"] == ["walk_e", "walk_n", "walk_s", "walk_w"]
    assert len(output["frames"]) == 32
    asset = store.read("demo", "assets", SPEC)
    version = next(v for v in asset.versions if v.id == "frames-job")
    assert version.generation["anchor"]["seed"] == asset.versions[0].variants[0].seed
    assert version.generation["denoise"] == 0.5 and set(version.generation["seeds"]) == {
        version.generation["anchor"]["seed"]
    }
    frames_plan = plan_anchor_frames(store, "demo", SPEC)
    guides = {f.name: f.guide for f in frames_plan.frames}
    images = {}
    ious = []
    for variant in version.variants:
        frame = variant.metadata["frame"]
        image = read_rgba(store.resolve(variant.original_path))
        images[frame["name"]] = image
        inked = np.abs(image[:, :, :3].astype(int) - np.array(BACKGROUND_DEFAULT)).max(axis=2) > 40
        ious.append(
            silhouette_iou(inked, mannequin_mask(guides[frame["name"]].mannequin, BACKGROUND_DEFAULT))
        )
    # The stand-in follows the mannequin: each frame's silhouette is its pose's.
    assert min(ious) >= 0.7, ious
    assert np.mean(ious) >= 0.8, ious
    # West is the mirrored east; consecutive walk frames differ (the character moves).
    for i in range(8):
        assert np.array_equal(images[f"walk_w_{i:02d}"], images[f"walk_e_{i:02d}"][:, ::-1])
    assert not np.array_equal(images["walk_e_00"], images["walk_e_02"])


async def repair(url: str, store: ProjectStore, names: list[str]) -> dict:
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        frames_plan = plan_anchor_frames(store, "demo", SPEC, only_frames=names, seed_offset=7919)
        return await generate_anchor_frames(
            client, store, frames_plan, job_id="repair-job", replace_version="frames-job"
        )


def test_frames_are_scored_against_the_anchor_and_only_outliers_are_regenerated(
    anchor_walk, comfy_env
) -> None:
    store, _ = anchor_walk
    _, state = comfy_env
    review = review_frames(store, "demo", SPEC, "frames-job")
    assert len(review.scores) == 32 and 0.0 < review.mean_score <= 1.0
    asset = store.read("demo", "assets", SPEC)
    version = next(v for v in asset.versions if v.id == "frames-job")
    assert all("consistency" in v.metadata["frame"] for v in version.variants)
    before = {
        v.metadata["frame"]["name"]: store.resolve(v.original_path).read_bytes() for v in version.variants
    }
    output = asyncio.run(repair(state.url, store, ["walk_e_03"]))
    assert output["replacedFrames"] == ["walk_e_03", "walk_w_03"]
    asset = store.read("demo", "assets", SPEC)
    version = next(v for v in asset.versions if v.id == "frames-job")
    assert len(version.variants) == 32
    changed = {
        v.metadata["frame"]["name"]
        for v in version.variants
        if store.resolve(v.original_path).read_bytes() != before[v.metadata["frame"]["name"]]
    }
    assert changed == {"walk_e_03", "walk_w_03"}
    repaired = next(v for v in version.variants if v.metadata["frame"]["name"] == "walk_e_03")
    assert repaired.seed == version.generation["anchor"]["seed"] + 7919
    assert "consistency" not in repaired.metadata["frame"]


GODOT_CHECK = """extends SceneTree
func _init():
    var res = load("res://%s.tres")
    if res == null:
        print("LOADFAIL")
    else:
        for anim in res.get_animation_names():
            print("ANIM|", anim, "|", res.get_frame_count(anim))
            for i in range(res.get_frame_count(anim)):
                var t = res.get_frame(anim, i)
                print("FRAME|", anim, "|", i, "|", t.get_width(), ",", t.get_height(), "|", t.margin.position.x, ",", t.margin.position.y)
    var packed = load("res://%s.tscn")
    if packed == null:
        print("NOSCENE")
    else:
        var node = packed.instance()
        print("SCENE|", node.offset.x, "|", node.offset.y, "|", node.frames.get_animation_names().size())
    quit()
"""

PIXI_CHECK = """async ([jsonUrl]) => {
  const sheet = await window.PIXI.Assets.load(jsonUrl);
  const out = { animations: {}, anchors: {}, sizes: {} };
  for (const [name, list] of Object.entries(sheet.animations)) out.animations[name] = list.map(t => t.label);
  for (const [name, tex] of Object.entries(sheet.textures)) {
    out.anchors[name] = [tex.defaultAnchor.x, tex.defaultAnchor.y];
    out.sizes[name] = [tex.orig.width, tex.orig.height];
  }
  return out;
}"""


@pytest.mark.browser
def test_walk_is_cut_out_aligned_packed_and_loaded_by_godot3_and_pixi(
    anchor_walk, tmp_path, artifacts_dir
) -> None:
    store, _ = anchor_walk
    settings = Settings.from_env(data_dir=store.root)
    session = session_source(
        "colorkey", model=None, rembg_home=settings.rembg_dir(), default_model=settings.rembg_model
    )
    frames = next(v for v in store.read("demo", "assets", SPEC).versions if v.id == "frames-job")
    request = BgRemoveInput(
        asset_id=SPEC, version_id="frames-job", variant_ids=[v.id for v in frames.variants], method="colorkey"
    )
    run_bg_remove(store, "demo", request, session=session)
    alignment = align_version_frames(store, "demo", SPEC, "frames-job")
    assert alignment["frames"] == 32
    assert alignment["jitterAfter"]["rootPx"] == 0
    sources, animations = frame_sources(store, "demo", SPEC, "frames-job")
    assert sorted(a.name for a in animations) == ["walk_e", "walk_n", "walk_s", "walk_w"]
    assert all(len(a.frames) == 8 for a in animations)
    asset = store.read("demo", "assets", SPEC)
    version = next(v for v in asset.versions if v.id == "frames-job")
    cells = {read_rgba(store.resolve(v.alpha_path)).shape for v in version.variants}
    assert len(cells) == 1  # one cell for every frame of every direction: one scale
    feet = set()
    for variant in version.variants:
        cut = read_rgba(store.resolve(variant.alpha_path))
        box = opaque_box(cut)
        assert box is not None and box[0] >= 1 and box[1] >= 1  # nothing overflows the cell
        feet.add(box[3])
    # The pose's ground line is the baseline: the stand-in's feet sit on it within its outline's width.
    assert max(feet) - min(feet) <= 3, feet
    (artifacts_dir / "walk-strip-with-guides.png").write_bytes(
        encode_png(strip_with_guides(store, "demo", SPEC, "frames-job"))
    )
    built = build_atlas(store, "demo", "hero-walk-anchor", sources, animations=animations)
    pivots = {(f.pivot.x, f.pivot.y) for f in built.atlas.frames}
    assert pivots == {(alignment["pivotX"], alignment["pivotY"])}

    godot = build_export(store, "demo", "hero-walk-anchor", profile="godot3")
    tres = next(name for name in godot.files if name.endswith(".tres"))[: -len(".tres")]
    project = Godot3Project(tmp_path, GODOT_CHECK % (tres, tres))
    write_bundle_to(project.dir, godot)
    result = project.run_script(timeout_s=120)
    out = result.stdout
    assert "LOADFAIL" not in out, out + result.stderr
    anims = dict(re.findall(r"^ANIM\|(\w+)\|(\d+)$", out, re.M))
    assert anims == {"walk_e": "8", "walk_n": "8", "walk_s": "8", "walk_w": "8"}, out
    # Every frame restores the same untrimmed cell in Godot, so the shared pivot holds there too.
    sizes = set(re.findall(r"^FRAME\|\w+\|\d+\|([\d,]+)\|", out, re.M))
    assert len(sizes) == 1, out
    # The bundle's scene offsets the sprite so the shared pivot (feet, root x) sits at the node's origin.
    scene = re.search(r"^SCENE\|([-\d.e]+)\|([-\d.e]+)\|(\d+)$", out, re.M)
    assert scene is not None, out
    assert float(scene.group(1)) == pytest.approx((0.5 - alignment["pivotX"]) * alignment["cellW"], abs=0.01)
    assert float(scene.group(2)) == pytest.approx((0.5 - alignment["pivotY"]) * alignment["cellH"], abs=0.01)
    assert scene.group(3) == "4"

    require_clients()
    pixi = build_export(store, "demo", "hero-walk-anchor", profile="pixi_kit")
    site = tmp_path / "pixi"
    write_bundle_to(site, pixi)
    copy_clients(site)
    (site / "index.html").write_text(PIXI_PAGE)
    data_name = next(
        n for n in pixi.files if n.endswith(".json") and n != "kit.json" and n != "manifest.json"
    )
    with serve(site) as base, browser_page(base) as page:
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.ready === true")
        seen = page.evaluate(PIXI_CHECK, [f"{base}/{data_name}"])
        assert not page.errors, page.errors
    assert sorted(seen["animations"]) == ["walk_e", "walk_n", "walk_s", "walk_w"]
    for anchor in seen["anchors"].values():
        assert abs(anchor[0] - alignment["pivotX"]) < 1e-4 and abs(anchor[1] - alignment["pivotY"]) < 1e-4
    assert len({tuple(s) for s in seen["sizes"].values()}) == 1


async def run_pose_guide_node(url: str) -> bytes:
    prompt = {
        "1": {
            "class_type": "AssetGenPoseGuide",
            "_meta": {"title": "Pose Guide"},
            "inputs": {
                "pose": "run",
                "frame_index": 2,
                "frames": 6,
                "direction": "w",
                "width": 96,
                "height": 96,
                "background": "#F5F5F0",
            },
        },
        "2": {
            "class_type": "SaveImage",
            "_meta": {"title": "Save"},
            "inputs": {"images": ["1", 1], "filename_prefix": "pose_guide_test"},
        },
    }
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        prompt_id = await client.submit(prompt)
        entry = await client.wait(prompt_id)
        return await client.view(output_files(entry, "2", "images")[0])


def test_the_pose_guide_node_renders_the_librarys_mannequin(comfy_env) -> None:
    _, state = comfy_env
    png = asyncio.run(run_pose_guide_node(state.url))
    expected = pose_guides("run", frames=6, directions=["w"], width=96, height=96)[2].mannequin
    assert np.array_equal(decode_rgba(png)[:, :, :3], expected[:, :, :3])


async def run_controlnet_walk(url: str, store: ProjectStore) -> tuple[dict, object]:
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        plan = plan_generation(store, "demo", SPEC_CN, variants=1, random_seed=78)
        anchor = await generate_variants(client, store, plan, job_id="cn-anchor-job")
        set_primary(store, "demo", SPEC_CN, anchor["primaryVariantId"], by="test")
        frames_plan = plan_anchor_frames(store, "demo", SPEC_CN)
        output = await generate_anchor_frames(client, store, frames_plan, job_id="cn-frames-job")
        return output, frames_plan


SPEC_CN = "hero_walk_controlnet"


def test_the_openpose_controlnet_path_runs_on_the_generated_controlnet(comfy_env) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    spec = store.read("demo", "specs", "hero_knight_walk")
    output = spec.output.model_copy(deep=True)
    output.animation = output.animation.model_copy(update={"pose": "walk", "frame_count": 4})
    store.write("demo", "specs", spec.model_copy(update={"id": SPEC_CN, "output": output}))
    original = store.read("demo", "checkpoints", "ckpt_sd15_demo")
    checkpoint = original.model_copy(deep=True)
    checkpoint.vae_weights = WeightsRef(path="vae_demo_pose.safetensors")
    checkpoint.controlnets = {"openpose": WeightsRef(path="controlnet_demo_openpose.safetensors")}
    store.write("demo", "checkpoints", checkpoint)
    try:
        result, frames_plan = asyncio.run(run_controlnet_walk(state.url, store))
    finally:
        store.write("demo", "checkpoints", original)
    assert frames_plan.plan.template_id == "anchor_img2img_controlnet"
    asset = store.read("demo", "assets", SPEC_CN)
    version = next(v for v in asset.versions if v.id == "cn-frames-job")
    assert version.generation["anchor"]["controlnet"] == "controlnet_demo_openpose.safetensors"
    assert version.generation["templateId"] == "anchor_img2img_controlnet"
    guides = {f.name: f.guide for f in frames_plan.frames}
    assert len(result["frames"]) == 4
    for variant in version.variants:
        image = read_rgba(store.resolve(variant.original_path))
        inked = np.abs(image[:, :, :3].astype(int) - np.array(BACKGROUND_DEFAULT)).max(axis=2) > 40
        mask = mannequin_mask(guides[variant.metadata["frame"]["name"]].mannequin, BACKGROUND_DEFAULT)
        assert silhouette_iou(inked, mask) >= 0.6


async def round_trip(url: str, direction: str, index: int, size: int) -> bytes:
    prompt = {
        "1": {
            "class_type": "AssetGenPoseGuide",
            "_meta": {"title": "Pose Guide"},
            "inputs": {
                "pose": "walk",
                "frame_index": index,
                "frames": 8,
                "direction": direction,
                "width": size,
                "height": size,
                "background": "#F5F5F0",
            },
        },
        "2": {
            "class_type": "VAELoader",
            "_meta": {"title": "VAE"},
            "inputs": {"vae_name": "vae_demo_pose.safetensors"},
        },
        "3": {
            "class_type": "VAEEncode",
            "_meta": {"title": "Encode"},
            "inputs": {"pixels": ["1", 1], "vae": ["2", 0]},
        },
        "4": {
            "class_type": "VAEDecode",
            "_meta": {"title": "Decode"},
            "inputs": {"samples": ["3", 0], "vae": ["2", 0]},
        },
        "5": {
            "class_type": "SaveImage",
            "_meta": {"title": "Save"},
            "inputs": {"images": ["4", 0], "filename_prefix": f"round_trip_{direction}_{index}_{size}"},
        },
    }
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        entry = await client.wait(await client.submit(prompt))
        return await client.view(output_files(entry, "5", "images")[0])


def test_a_mannequin_survives_the_pose_vae_round_trip(comfy_env) -> None:
    """Encode -> decode in ComfyUI keeps the silhouette of every walk frame in every direction: IoU >= 0.9
    at 128 px (the demo's frame size, where limbs are 4-6 px wide) and >= 0.95 at 256 px."""
    _, state = comfy_env
    for size, floor, frames in ((128, 0.9, range(8)), (256, 0.95, (0, 3))):
        for direction in ("e", "n", "s", "w"):
            guides = pose_guides("walk", frames=8, directions=[direction], width=size, height=size)
            for index in frames:
                decoded = decode_rgba(asyncio.run(round_trip(state.url, direction, index, size)))
                inked = np.abs(decoded[:, :, :3].astype(int) - np.array(BACKGROUND_DEFAULT)).max(axis=2) > 40
                iou = silhouette_iou(inked, mannequin_mask(guides[index].mannequin, BACKGROUND_DEFAULT))
                assert iou >= floor, (size, direction, index, iou)
