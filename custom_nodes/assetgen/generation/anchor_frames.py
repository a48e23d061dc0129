"""Anchor-frame generation: every frame of an animation is image-to-image from one anchor, guided by a pose.

Independent variants make a "walk cycle" of N unrelated images. Here the anchor (the approved primary of
the spec's asset, a variant named explicitly, or any stored image) fixes the character; each frame is the
anchor blended with the frame's pose mannequin (``pose_strength`` of the mannequin; the init image), encoded
and sampled again with the frame's prompt (``framePrompts``), the anchor's seed and ``anchorDenoise``.
When the checkpoint record names an ``openpose`` ControlNet, the frame's skeleton also conditions the
sampler (ControlNetLoader + ControlNetApplyAdvanced). When it names ``vaeWeights``, that VAE encodes and
decodes the frames (the demo's pose VAE carries the init's silhouette; the checkpoint's blob decoder
would not).

Directions: ``output.directions`` 4 or 8 makes one animation per facing (``walk_s``, ``walk_e`` ...), all
from the same anchor; west-facing ones are not generated but mirrored from their east twin.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.plan import plan_generation
from assetgen.generation.variant_metadata import PNG_KEY
from assetgen.ids import new_ulid
from assetgen.image_files import decode_rgba, encode_png, read_rgba
from assetgen.imaging.poses import (
    BACKGROUND_DEFAULT,
    MANNEQUIN_COLOR,
    PoseGuide,
    color_mannequin,
    get_clip,
    pose_guides,
    pose_names,
)
from assetgen.models import Asset, AssetSpec
from assetgen.models.generation import GenerationPlan
from assetgen.models.spec import AnimationSpec
from assetgen.store import ProjectStore, asset_lock

TEMPLATE = "anchor_img2img"
TEMPLATE_CONTROLNET = "anchor_img2img_controlnet"
BACKGROUND = BACKGROUND_DEFAULT


@dataclass(frozen=True)
class FrameRequest:
    """One frame to generate (or to mirror from ``mirror_of``): its pose guide, prompt and init image."""

    name: str
    animation: str
    direction: str
    index: int
    positive: str
    guide: PoseGuide = field(repr=False)
    init_png: bytes = field(repr=False, default=b"")
    skeleton_png: bytes = field(repr=False, default=b"")
    mirror_of: str | None = None

    def as_record(self) -> dict[str, object]:
        """What the variant records about its frame (``metadata.frame``)."""
        frame = self.guide.frame
        return {
            "name": self.name,
            "animation": self.animation,
            "direction": self.direction,
            "index": self.index,
            "count": self.guide.count,
            "pose": self.guide.pose,
            "mirrored": self.mirror_of is not None,
            "mirrorOf": self.mirror_of,
            "rootX": round(frame.root_px[0], 2),
            "groundY": round(frame.ground_y_px, 2),
        }


@dataclass(frozen=True)
class AnchorFramesPlan:
    """The plan of an anchor-frame run: the frozen generation plan (seed = the anchor's), the anchor and
    every frame, generated ones first."""

    plan: GenerationPlan
    anchor_variant_id: str | None
    anchor_seed: int
    animation: AnimationSpec
    frames: tuple[FrameRequest, ...]
    vae_file: str | None
    controlnet_file: str | None

    @property
    def generated(self) -> list[FrameRequest]:
        """Frames sampled by ComfyUI."""
        return [f for f in self.frames if f.mirror_of is None]

    @property
    def mirrored(self) -> list[FrameRequest]:
        """Frames made by flipping a generated twin."""
        return [f for f in self.frames if f.mirror_of is not None]


def animation_name(animation: AnimationSpec) -> str:
    """The animation's name, ``anim`` when it has none (the origin's specs may leave it out)."""
    return animation.name or "anim"


def uses_anchor_frames(spec: AssetSpec) -> bool:
    """True for an animation spec whose frames come from an anchor: a pose is named, or directions."""
    output = spec.output
    if output is None or output.kind != "animation" or output.animation is None:
        return False
    return output.animation.pose is not None or output.directions is not None


def with_anchor_frames(spec: AssetSpec, *, directions: int = 4) -> AssetSpec:
    """A copy of an animation spec whose animation is named like a pose clip (walk, run ...) set up for the
    anchor path: that pose, ``directions`` facings. Other specs are returned as they are."""
    output = spec.output
    if output is None or output.animation is None or animation_name(output.animation) not in pose_names():
        return spec
    name = animation_name(output.animation)
    animation = output.animation.model_copy(update={"pose": output.animation.pose or name})
    output = output.model_copy(update={"animation": animation, "directions": output.directions or directions})
    return spec.model_copy(update={"output": output})


def animation_of(spec: AssetSpec) -> AnimationSpec:
    """The spec's animation contract with a pose; InvalidInput says what to add when it has none."""
    animation = spec.output.animation if spec.output else None
    if animation is None:
        raise InvalidInput(f"spec {spec.id!r} has no output.animation; anchor frames need one")
    name = animation_name(animation)
    pose = animation.pose or (name if name in pose_names() else None)
    if pose is None:
        raise InvalidInput(f"spec {spec.id!r}: output.animation.pose is not set; use one of {pose_names()}")
    get_clip(pose)
    return animation.model_copy(update={"pose": pose})


def find_anchor(asset: Asset, variant_id: str | None = None) -> tuple[str, str, int | None]:
    """(variant id, stored original path, seed) of the anchor: ``variant_id``, else the newest approved
    primary. NotFound says to approve one first."""
    for version in reversed(asset.versions):
        for variant in version.variants:
            wanted = variant.id == variant_id if variant_id else variant.id == version.primary_variant_id
            if wanted and not (variant.metadata or {}).get("frame"):
                return variant.id, variant.original_path, variant.seed
    what = f"variant {variant_id!r}" if variant_id else "an approved primary variant"
    raise NotFound(f"asset {asset.id!r} has no {what} to anchor the frames; generate and approve one first")


def read_reference_anchor(store: ProjectStore, project_id: str, anchor_path: str) -> np.ndarray:
    """A stored reference image of ``project_id`` (``projects/<p>/files/...``) to use as the anchor; a path
    to another project or outside ``files/`` is InvalidInput."""
    if not anchor_path.startswith(f"projects/{project_id}/files/"):
        raise InvalidInput(f"anchorPath must be a file of this project (projects/{project_id}/files/...)")
    return read_rgba(store.resolve(anchor_path))


def character_color(
    anchor: np.ndarray, *, background: tuple[int, int, int], min_contrast: float = 96.0
) -> tuple[int, int, int]:
    """The anchor character's main colour (per-channel median of its pixels, 0..255): its opaque pixels
    when it has transparency, else the pixels that differ from its border colour. It is moved toward black
    until its mean distance from ``background`` is at least ``min_contrast``, so the pose still reads."""
    rgb = anchor[:, :, :3].astype(np.float32)
    if (anchor[:, :, 3] < 255).any():
        figure = anchor[:, :, 3] >= 128
    else:
        border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
        figure = np.abs(rgb - np.median(border, axis=0)).max(axis=2) > 40
    if not figure.any():
        return MANNEQUIN_COLOR  # nothing to take the colour from
    color = np.median(rgb[figure], axis=0)
    contrast = float(np.abs(color - np.array(background, np.float32)).mean())
    if contrast < min_contrast:
        # Scale toward black: the mean distance from a light background grows with the darkening.
        bg = np.array(background, np.float32)
        for factor in np.linspace(1.0, 0.0, 41):
            if float(np.abs(color * factor - bg).mean()) >= min_contrast:
                color = color * factor
                break
    r, g, b = (round(float(v)) for v in color)
    return (r, g, b)


def blend_init(anchor: np.ndarray, mannequin: np.ndarray, *, pose_strength: float) -> np.ndarray:
    """The init image of a frame: the anchor (fitted to the frame size) mixed with the mannequin drawn in
    the anchor's own colour (``character_color``), opaque."""
    h, w = mannequin.shape[:2]
    if anchor.shape[:2] != (h, w):
        anchor = np.asarray(Image.fromarray(anchor, "RGBA").resize((w, h), Image.Resampling.LANCZOS))
    # The anchor's transparent pixels read as the mannequin's background.
    alpha = anchor[:, :, 3:4].astype(np.float32) / 255.0
    anchor_rgb = anchor[:, :, :3] * alpha + np.array(BACKGROUND, np.float32) * (1 - alpha)
    # A grey mannequin at pose_strength 0.8 would pull every frame toward a grey figure; in the
    # character's colour it carries the pose without losing the look.
    posed = color_mannequin(
        mannequin, fill=character_color(anchor, background=BACKGROUND), background=BACKGROUND
    )
    rgb = pose_strength * posed[:, :, :3].astype(np.float32) + (1 - pose_strength) * anchor_rgb
    out = np.dstack([np.clip(rgb + 0.5, 0, 255).astype(np.uint8), np.full((h, w), 255, np.uint8)])
    return out


def frame_prompt(base: str, animation: AnimationSpec, index: int) -> str:
    """The frame's positive prompt: the compiled prompt plus ``framePrompts[index]`` when there is one."""
    extra = animation.frame_prompts[index] if index < len(animation.frame_prompts) else ""
    return f"{base}, {extra.strip()}" if extra.strip() else base


def plan_anchor_frames(
    store: ProjectStore,
    project_id: str,
    spec_id: str,
    *,
    anchor_variant_id: str | None = None,
    anchor_image: np.ndarray | None = None,
    anchor_seed: int | None = None,
    checkpoint_id: str | None = None,
    only_frames: Collection[str] | None = None,
    seed_offset: int = 0,
) -> AnchorFramesPlan:
    """Resolve the anchor, the frames (poses x directions) and the generation plan of an animation spec.
    ``only_frames`` (names) plans just those (and their mirrors), sampled with ``seed_offset`` added to the
    anchor's seed: how outliers are regenerated alone."""
    spec: AssetSpec = store.read(project_id, "specs", spec_id)
    animation = animation_of(spec)
    if anchor_image is None:
        if not store.exists(project_id, "assets", spec.id):
            raise NotFound(f"spec {spec.id!r} has no asset yet; generate and approve an anchor first")
        anchor_variant_id, path, seed = find_anchor(
            store.read(project_id, "assets", spec.id), anchor_variant_id
        )
        anchor_image = read_rgba(store.resolve(path))
        anchor_seed = seed if anchor_seed is None else anchor_seed
    base = plan_generation(store, project_id, spec.id, checkpoint_id=checkpoint_id, variants=1)
    checkpoint = store.read(project_id, "checkpoints", base.checkpoint.id)
    vae = checkpoint.vae_weights.path if checkpoint.vae_weights else None
    openpose = checkpoint.controlnets.get("openpose")
    controlnet = openpose.path if openpose else None
    seed = anchor_seed if anchor_seed is not None else base.seeds[0]
    directions = (spec.output.directions if spec.output else None) or 1
    guides = pose_guides(
        animation.pose or "walk",
        frames=animation.frame_count,
        directions=directions,
        width=base.width,
        height=base.height,
        background=BACKGROUND,
    )
    frames: list[FrameRequest] = []
    base_name = animation_name(animation)
    for guide in guides:
        name = base_name if directions == 1 else f"{base_name}_{guide.direction.name}"
        frame_name = f"{name}_{guide.index:02d}"
        mirror_of = None
        if guide.direction.mirror_of:
            mirror_of = f"{base_name}_{guide.direction.mirror_of}_{guide.index:02d}"
        init = (
            b""
            if mirror_of
            else encode_png(blend_init(anchor_image, guide.mannequin, pose_strength=animation.pose_strength))
        )
        frames.append(
            FrameRequest(
                name=frame_name,
                animation=name,
                direction=guide.direction.name,
                index=guide.index,
                positive=frame_prompt(base.prompt.positive, animation, guide.index),
                guide=guide,
                init_png=init,
                skeleton_png=b"" if mirror_of or not controlnet else encode_png(guide.skeleton),
                mirror_of=mirror_of,
            )
        )
    all_frames = list(frames)
    if only_frames is not None:
        wanted = set(only_frames)
        unknown = sorted(wanted - {f.name for f in frames})
        if unknown:
            raise InvalidInput(f"spec {spec.id!r} has no frames {unknown}")
        frames = [
            f for f in frames if f.name in wanted or (f.mirror_of is not None and f.mirror_of in wanted)
        ]
        missing_twins = sorted({f.mirror_of for f in frames if f.mirror_of} - {f.name for f in frames})
        keep = {f.name for f in frames} | set(missing_twins)  # a mirror needs its twin sampled again
        frames = [f for f in all_frames if f.name in keep]
    sample_seed = (seed + seed_offset) % 2**32  # a repair samples again with another seed
    generated = [f for f in frames if f.mirror_of is None]
    plan = base.model_copy(
        update={
            "template_id": TEMPLATE_CONTROLNET if controlnet else TEMPLATE,
            "denoise": animation.anchor_denoise,
            "seeds": [sample_seed] * len(generated),
            "seed_policy": "anchor",
            "extra": {
                **base.extra,
                "anchorVariantId": anchor_variant_id,
                "anchorSeed": seed,
                "pose": animation.pose,
                "directions": directions,
                "frames": [f.name for f in generated],
                "vae": vae,
                "controlnet": controlnet,
            },
        }
    )
    return AnchorFramesPlan(
        plan=plan,
        anchor_variant_id=anchor_variant_id,
        anchor_seed=seed,
        animation=animation,
        frames=tuple(frames),
        vae_file=vae,
        controlnet_file=controlnet,
    )


def frame_variant_ids(
    frames_plan: AnchorFramesPlan, job_id: str | None, *, existing: dict[str, str] | None = None
) -> dict[str, str]:
    """Frame name -> variant id: ``existing`` ones (frames being replaced), else from the job id (a re-run
    overwrites), else new ULIDs."""
    if existing is not None:
        missing = sorted(f.name for f in frames_plan.frames if f.name not in existing)
        if missing:
            raise InvalidInput(f"the version being repaired has no frames {missing}")
        return {f.name: existing[f.name] for f in frames_plan.frames}
    return {
        f.name: (f"{job_id[:100]}-f{i:03d}" if job_id else new_ulid())
        for i, f in enumerate(frames_plan.frames)
    }


def mirrored_png(png: bytes, metadata_json: str) -> bytes:
    """A generated frame's PNG flipped left-right, carrying ``metadata_json`` (the mirrored variant's)."""
    return encode_png(decode_rgba(png, name="frame")[:, ::-1].copy(), text={PNG_KEY: metadata_json})


def record_frames(
    store: ProjectStore, frames_plan: AnchorFramesPlan, *, version_id: str, variant_ids: dict[str, str]
) -> None:
    """Write each frame's pose record into its variant (``metadata.frame``) and the anchor into the version."""
    project_id, asset_id = frames_plan.plan.project_id, frames_plan.plan.asset_id
    by_variant = {variant_ids[f.name]: f for f in frames_plan.frames}
    # The pose guide of each frame, beside its images, so the gallery can show it next to the frame.
    guides = {}
    for variant_id, frame in by_variant.items():
        path = store.project_dir(project_id) / "files" / "images" / asset_id / "pose" / f"{variant_id}.png"
        guides[variant_id] = store.write_file(path, encode_png(frame.guide.mannequin))
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        for version in asset.versions:
            if version.id != version_id:
                continue
            version.generation["anchor"] = {
                "variantId": frames_plan.anchor_variant_id,
                "seed": frames_plan.anchor_seed,
                "pose": frames_plan.animation.pose,
                "denoise": frames_plan.animation.anchor_denoise,
                "poseStrength": frames_plan.animation.pose_strength,
                "vae": frames_plan.vae_file,
                "controlnet": frames_plan.controlnet_file,
            }
            for variant in version.variants:
                if variant.id in by_variant:
                    record = {**by_variant[variant.id].as_record(), "guidePath": guides[variant.id]}
                    variant.metadata = {**(variant.metadata or {}), "frame": record}
        store.write(project_id, "assets", asset)


def existing_frame_ids(
    store: ProjectStore, project_id: str, asset_id: str, version_id: str
) -> dict[str, str]:
    """Frame name -> variant id of an anchor-frame version (to replace outliers in place)."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    version = next((v for v in asset.versions if v.id == version_id), None)
    if version is None:
        raise NotFound(f"asset {asset_id!r} has no version {version_id!r}")
    return {v.metadata["frame"]["name"]: v.id for v in version.variants if (v.metadata or {}).get("frame")}


def replace_frames(
    store: ProjectStore,
    frames_plan: AnchorFramesPlan,
    images: dict[str, tuple[bytes, bytes | None, int]],
    *,
    version_id: str,
    variant_ids: dict[str, str],
    job_id: str | None = None,
) -> dict[str, object]:
    """Overwrite the frames ``images`` names (name -> (png, preview, seed)) in ``version_id``: same variant
    ids and files, new pixels and seed; their alignment and consistency records are dropped."""
    project_id, asset_id = frames_plan.plan.project_id, frames_plan.plan.asset_id
    paths = {}
    for name, (png, preview, _) in images.items():
        decode_rgba(png, name=f"frame {name}")
        variant_id = variant_ids[name]
        paths[variant_id] = store.write_file(
            store.image_path(project_id, asset_id, "original", variant_id), png
        )
        if preview:
            store.write_file(
                store.image_path(project_id, asset_id, "preview", variant_id, suffix=".webp"), preview
            )
    seeds = {variant_ids[name]: seed for name, (_, _, seed) in images.items()}
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        for version in asset.versions:
            if version.id != version_id:
                continue
            for variant in version.variants:
                if variant.id in paths:
                    frame = {
                        k: v
                        for k, v in ((variant.metadata or {}).get("frame") or {}).items()
                        if k not in ("alignment", "consistency")
                    }
                    frame["regeneratedBy"] = job_id
                    variant.seed = seeds[variant.id]
                    variant.alpha_path = None
                    variant.metadata = {**(variant.metadata or {}), "frame": frame, "seed": seeds[variant.id]}
            version.generation.setdefault("repairs", []).append({"jobId": job_id, "frames": sorted(images)})
        store.write(project_id, "assets", asset)
    return {
        "assetId": asset_id,
        "assetVersionId": version_id,
        "replacedFrames": sorted(images),
        "variantIds": sorted(paths),
    }
