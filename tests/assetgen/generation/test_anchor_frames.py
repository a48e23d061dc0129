"""Anchor-frame planning and the prompts it sends (no ComfyUI): poses x directions, seeds, init images,
the VAE and ControlNet wiring of the anchor templates."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.anchor_frames import blend_init, character_color, frame_prompt, plan_anchor_frames
from assetgen.generation.workflows import load_template, prompt_for_frame, titles_by_node
from assetgen.image_files import decode_rgba
from assetgen.imaging.poses import BACKGROUND_DEFAULT, mannequin_mask
from assetgen.models.registry import WeightsRef
from assetgen.store import ProjectStore


def walk_spec(store: ProjectStore, *, directions: int | None = 4, frames: int = 6, pose: str | None = "walk"):
    spec = store.read("demo", "specs", "hero_knight_walk")
    output = spec.output.model_copy(deep=True)
    output.directions = directions
    output.animation = output.animation.model_copy(
        update={"pose": pose, "frame_count": frames, "frame_prompts": ["contact", "", "passing"]}
    )
    store.write("demo", "specs", spec.model_copy(update={"output": output}))


def anchor_image() -> np.ndarray:
    image = np.zeros((128, 128, 4), np.uint8)
    image[30:100, 40:90] = (200, 60, 60, 255)
    return image


def test_frames_cover_every_pose_and_direction_with_the_anchor_seed(demo_store: ProjectStore) -> None:
    walk_spec(demo_store)
    plan = plan_anchor_frames(
        demo_store, "demo", "hero_knight_walk", anchor_image=anchor_image(), anchor_seed=42
    )
    assert len(plan.frames) == 24
    assert [f.name for f in plan.frames[:2]] == ["walk_s_00", "walk_s_01"]
    assert {f.animation for f in plan.frames} == {"walk_s", "walk_e", "walk_n", "walk_w"}
    # West is mirrored from east, not generated.
    assert {f.mirror_of for f in plan.mirrored} == {f"walk_e_{i:02d}" for i in range(6)}
    assert len(plan.generated) == 18 and all(f.init_png for f in plan.generated)
    assert plan.plan.seeds == [42] * 18 and plan.plan.denoise == 0.5
    # The demo checkpoint names the pose VAE (vaeWeights); no ControlNet.
    assert plan.plan.template_id == "anchor_img2img" and plan.vae_file == "vae_demo_pose.safetensors"
    assert (
        plan.frames[0].positive.endswith(", contact") and plan.frames[1].positive == plan.plan.prompt.positive
    )
    assert plan.frames[0].as_record()["groundY"] == pytest.approx(115.2)


def test_the_init_image_is_the_anchor_blended_with_the_mannequin(demo_store: ProjectStore) -> None:
    walk_spec(demo_store, directions=None, frames=4)
    plan = plan_anchor_frames(
        demo_store, "demo", "hero_knight_walk", anchor_image=anchor_image(), anchor_seed=1
    )
    assert {f.animation for f in plan.frames} == {"walk"} and len(plan.frames) == 4
    frame = plan.frames[0]
    init = decode_rgba(frame.init_png)
    mask = mannequin_mask(frame.guide.mannequin, BACKGROUND_DEFAULT)
    # The pose reads on the light ground, drawn in the anchor's red, not as a grey figure.
    distance = np.abs(init[:, :, :3].astype(int) - np.array(BACKGROUND_DEFAULT)).mean(axis=2)
    assert distance[mask].min() > 60 > distance[~mask].max()
    red = init[:, :, 0].astype(int) - init[:, :, 1:3].astype(int).max(axis=2)
    assert np.median(red[mask]) > 80
    blended = blend_init(anchor_image(), frame.guide.mannequin, pose_strength=0.0)
    assert tuple(blended[60, 60, :3]) == (200, 60, 60)  # strength 0 = the anchor alone


def test_the_character_colour_comes_from_the_anchor_and_keeps_contrast() -> None:
    assert character_color(anchor_image(), background=BACKGROUND_DEFAULT) == (200, 60, 60)
    opaque = np.full((64, 64, 4), 255, np.uint8)
    opaque[:, :, :3] = (250, 250, 250)  # a txt2img anchor: no transparency, a flat border
    opaque[20:40, 20:40, :3] = (60, 90, 200)
    assert character_color(opaque, background=BACKGROUND_DEFAULT) == (60, 90, 200)
    pale = opaque.copy()
    pale[20:40, 20:40, :3] = (200, 200, 120)  # too close to the guides' background: darkened
    color = character_color(pale, background=BACKGROUND_DEFAULT)
    assert np.abs(np.array(color) - np.array(BACKGROUND_DEFAULT)).mean() >= 96
    assert color[0] > color[2]  # still yellowish
    assert character_color(np.zeros((8, 8, 4), np.uint8), background=BACKGROUND_DEFAULT) == (52, 50, 60)


def test_checkpoint_vae_and_openpose_controlnet_are_wired_into_the_prompt(demo_store: ProjectStore) -> None:
    walk_spec(demo_store, directions=1, frames=2)
    checkpoint = demo_store.read("demo", "checkpoints", "ckpt_sd15_demo")
    checkpoint.vae_weights = WeightsRef(path="vae_demo_pose.safetensors")
    checkpoint.controlnets = {"openpose": WeightsRef(path="cn_openpose.safetensors")}
    demo_store.write("demo", "checkpoints", checkpoint)
    plan = plan_anchor_frames(
        demo_store, "demo", "hero_knight_walk", anchor_image=anchor_image(), anchor_seed=3
    )
    assert plan.plan.template_id == "anchor_img2img_controlnet"
    assert plan.frames[0].skeleton_png
    frame = plan.frames[1]
    prompt = prompt_for_frame(
        load_template(plan.plan.template_id),
        plan.plan,
        variant_index=1,
        variant_id="f1",
        positive=frame.positive,
        init_image="assetgen/init.png",
        vae_file=plan.vae_file,
        skeleton_image="assetgen/pose.png",
        controlnet_file=plan.controlnet_file,
        controlnet_strength=0.6,
    )
    t = titles_by_node(prompt)
    node = {title: prompt[node_id] for title, node_id in t.items()}
    assert node["ControlNet"]["inputs"]["control_net_name"] == "cn_openpose.safetensors"
    assert node["Apply ControlNet"]["inputs"]["image"] == [t["Pose Skeleton"], 0]
    assert node["Apply ControlNet"]["inputs"]["strength"] == 0.6
    assert node["Sampler"]["inputs"]["positive"] == [t["Apply ControlNet"], 0]
    assert node["Sampler"]["inputs"]["negative"] == [t["Apply ControlNet"], 1]
    assert node["Sampler"]["inputs"]["latent_image"] == [t["Latent"], 0]
    assert node["Sampler"]["inputs"]["seed"] == 3 and node["Sampler"]["inputs"]["denoise"] == 0.5
    assert node["Latent"]["inputs"] == {"pixels": [t["Init Image"], 0], "vae": [t["VAE"], 0]}
    assert node["VAE"]["inputs"]["vae_name"] == "vae_demo_pose.safetensors"
    assert node["Positive"]["inputs"]["text"] == frame.positive
    assert node["Save Variants"]["inputs"]["variant_ids"] == "f1"
    with pytest.raises(InvalidInput, match="ControlNet template"):
        prompt_for_frame(
            load_template("anchor_img2img_controlnet"),
            plan.plan,
            variant_index=0,
            variant_id="x",
            positive="p",
            init_image="i.png",
        )


def test_without_a_vae_record_the_checkpoints_vae_is_used(demo_store: ProjectStore) -> None:
    walk_spec(demo_store, directions=1, frames=2)
    checkpoint = demo_store.read("demo", "checkpoints", "ckpt_sd15_demo")
    demo_store.write("demo", "checkpoints", checkpoint.model_copy(update={"vae_weights": None}))
    plan = plan_anchor_frames(
        demo_store, "demo", "hero_knight_walk", anchor_image=anchor_image(), anchor_seed=3
    )
    prompt = prompt_for_frame(
        load_template("anchor_img2img"),
        plan.plan,
        variant_index=0,
        variant_id="f0",
        positive="p",
        init_image="assetgen/i.png",
    )
    t = titles_by_node(prompt)
    assert "VAE" not in t
    assert prompt[t["Latent"]]["inputs"]["vae"] == [t["Checkpoint"], 2]
    assert prompt[t["Decode"]]["inputs"]["vae"] == [t["Checkpoint"], 2]


def test_bad_specs_and_missing_anchors_say_what_to_do(demo_store: ProjectStore) -> None:
    walk_spec(demo_store, pose=None)
    spec = demo_store.read("demo", "specs", "hero_knight_walk")
    # No pose given: the animation's name "walk" is a pose clip, so it is used.
    plan = plan_anchor_frames(demo_store, "demo", spec.id, anchor_image=anchor_image(), anchor_seed=1)
    assert plan.animation.pose == "walk"
    with pytest.raises(NotFound, match="anchor"):
        plan_anchor_frames(demo_store, "demo", "hero_knight_walk")
    output = spec.output.model_copy(deep=True)
    output.animation = output.animation.model_copy(update={"name": "dance", "pose": None})
    demo_store.write("demo", "specs", spec.model_copy(update={"output": output}))
    with pytest.raises(InvalidInput, match="pose is not set"):
        plan_anchor_frames(demo_store, "demo", spec.id, anchor_image=anchor_image())
    with pytest.raises(InvalidInput, match=r"no output\.animation"):
        plan_anchor_frames(demo_store, "demo", "potion_icon", anchor_image=anchor_image())
    assert frame_prompt("base", plan.animation, 5) == "base"
