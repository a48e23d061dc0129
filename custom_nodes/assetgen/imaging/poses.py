"""Pose guides: a procedural humanoid, keyframed joint angles, and two renderings of each frame.

A pose clip (idle, walk, run, jump, attack, hurt) is a list of keyframes of joint angles in the body's
sagittal plane (degrees; positive swings a limb forward). ``sample_pose`` interpolates them for any
frame count (looping clips wrap, one-shot clips end on their last keyframe). ``pose_keypoints`` builds
the body in 3-D (x forward, y up, z to the body's left; 1.0 = standing height), turns it to a facing
direction and projects it to pixels; ``render_skeleton`` draws the 18 OpenPose (COCO) keypoints the way
OpenPose ControlNets expect (black background, coloured limbs); ``render_mannequin`` draws a filled
silhouette on the spec's background, which image-to-image uses as the init image.

Directions: ``s`` faces the viewer, ``n`` away, ``e`` right; ``se``/``ne`` are three-quarter views.
West-facing directions (``w``, ``sw``, ``nw``) are the mirror images of their east twins and are recorded
as mirrored, so a game may also flip the east strip itself.

The feet are planted by construction: the pelvis height is whatever puts the lower foot on the ground
(plus a clip's ``lift`` for airborne frames), so the ground line and the root (pelvis) x are known for
every frame; frame alignment uses them.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from PIL import Image, ImageDraw

from assetgen.errors import InvalidInput
from assetgen.image_files import encode_png
from assetgen.imaging.contact_sheet import contact_sheet

# The default mannequin background: the demo decoder's light background.
BACKGROUND_DEFAULT = (245, 245, 240)

# ---- joint angles and clips ---------------------------------------------------------------------------

ANGLE_NAMES = (
    "hip_l",
    "hip_r",
    "knee_l",
    "knee_r",
    "shoulder_l",
    "shoulder_r",
    "elbow_l",
    "elbow_r",
    "lean",
    "lift",
)


@dataclass(frozen=True)
class JointAngles:
    """One pose: limb angles in degrees (0 = hanging straight down, + = forward), torso ``lean`` in degrees
    (+ = forward) and ``lift`` (how far the feet leave the ground, in standing heights)."""

    hip_l: float = 0.0
    hip_r: float = 0.0
    knee_l: float = 0.0
    knee_r: float = 0.0
    shoulder_l: float = 0.0
    shoulder_r: float = 0.0
    elbow_l: float = 10.0
    elbow_r: float = 10.0
    lean: float = 0.0
    lift: float = 0.0

    def swapped(self) -> JointAngles:
        """The same pose with left and right exchanged (the second half of a gait cycle)."""
        return JointAngles(
            hip_l=self.hip_r,
            hip_r=self.hip_l,
            knee_l=self.knee_r,
            knee_r=self.knee_l,
            shoulder_l=self.shoulder_r,
            shoulder_r=self.shoulder_l,
            elbow_l=self.elbow_r,
            elbow_r=self.elbow_l,
            lean=self.lean,
            lift=self.lift,
        )

    def lerp(self, other: JointAngles, t: float) -> JointAngles:
        """Linear interpolation towards ``other`` (t in 0..1)."""
        return JointAngles(
            **{n: getattr(self, n) + (getattr(other, n) - getattr(self, n)) * t for n in ANGLE_NAMES}
        )


@dataclass(frozen=True)
class PoseClip:
    """Keyframes ``(phase 0..1, angles)`` in phase order; ``loop`` clips wrap from the last to the first."""

    name: str
    keyframes: tuple[tuple[float, JointAngles], ...]
    loop: bool
    description: str = ""


def _gait(half: Sequence[tuple[float, JointAngles]]) -> tuple[tuple[float, JointAngles], ...]:
    """A full gait cycle from its first half: the second half is the first with left and right swapped."""
    return tuple(half) + tuple((phase + 0.5, angles.swapped()) for phase, angles in half)


CLIPS: Mapping[str, PoseClip] = MappingProxyType(
    {
        "idle": PoseClip(
            "idle",
            (
                (0.0, JointAngles(shoulder_l=4, shoulder_r=4, elbow_l=8, elbow_r=8)),
                (0.5, JointAngles(knee_l=6, knee_r=6, hip_l=3, hip_r=3, lean=3, elbow_l=16, elbow_r=16)),
            ),
            loop=True,
            description="standing, breathing",
        ),
        "walk": PoseClip(
            "walk",
            _gait(
                (
                    (
                        0.0,
                        JointAngles(hip_r=26, knee_r=4, hip_l=-22, knee_l=12, shoulder_r=-22, shoulder_l=22),
                    ),
                    (
                        0.25,
                        JointAngles(
                            hip_r=4, knee_r=6, hip_l=8, knee_l=48, shoulder_r=-2, shoulder_l=2, lean=2
                        ),
                    ),
                )
            ),
            loop=True,
            description="walk cycle, right foot forward first",
        ),
        "run": PoseClip(
            "run",
            _gait(
                (
                    (
                        0.0,
                        JointAngles(
                            hip_r=42,
                            knee_r=18,
                            hip_l=-30,
                            knee_l=30,
                            shoulder_r=-45,
                            shoulder_l=45,
                            elbow_l=80,
                            elbow_r=80,
                            lean=12,
                        ),
                    ),
                    (
                        0.25,
                        JointAngles(
                            hip_r=0,
                            knee_r=20,
                            hip_l=20,
                            knee_l=95,
                            shoulder_r=0,
                            shoulder_l=0,
                            elbow_l=85,
                            elbow_r=85,
                            lean=12,
                            lift=0.04,
                        ),
                    ),
                )
            ),
            loop=True,
            description="run cycle with a flight phase",
        ),
        "jump": PoseClip(
            "jump",
            (
                (
                    0.0,
                    JointAngles(
                        hip_l=45, hip_r=45, knee_l=80, knee_r=80, lean=20, shoulder_l=-35, shoulder_r=-35
                    ),
                ),
                (0.3, JointAngles(shoulder_l=150, shoulder_r=150, elbow_l=5, elbow_r=5, lift=0.05)),
                (
                    0.6,
                    JointAngles(
                        hip_l=40, hip_r=30, knee_l=60, knee_r=50, shoulder_l=120, shoulder_r=120, lift=0.2
                    ),
                ),
                (
                    1.0,
                    JointAngles(
                        hip_l=40, hip_r=40, knee_l=70, knee_r=70, lean=15, shoulder_l=30, shoulder_r=30
                    ),
                ),
            ),
            loop=False,
            description="crouch, take-off, airborne, landing",
        ),
        "attack": PoseClip(
            "attack",
            (
                (0.0, JointAngles(shoulder_r=5, elbow_r=20)),
                (0.35, JointAngles(shoulder_r=-60, elbow_r=100, lean=-6, hip_l=10, knee_l=10)),
                (0.6, JointAngles(shoulder_r=100, elbow_r=0, lean=16, hip_l=28, knee_l=20, hip_r=-14)),
                (1.0, JointAngles(shoulder_r=20, elbow_r=20, lean=4, hip_l=8, knee_l=6)),
            ),
            loop=False,
            description="wind-up, strike with the right arm, recover",
        ),
        "hurt": PoseClip(
            "hurt",
            (
                (0.0, JointAngles()),
                (
                    0.3,
                    JointAngles(
                        lean=-22,
                        shoulder_l=40,
                        shoulder_r=40,
                        elbow_l=40,
                        elbow_r=40,
                        knee_l=18,
                        knee_r=18,
                        hip_l=10,
                        hip_r=10,
                    ),
                ),
                (1.0, JointAngles(lean=-4, shoulder_l=8, shoulder_r=8, knee_l=4, knee_r=4)),
            ),
            loop=False,
            description="recoil from a hit and recover",
        ),
    }
)


def pose_names() -> list[str]:
    """The names of the pose clips in the library."""
    return sorted(CLIPS)


def get_clip(name: str) -> PoseClip:
    """The pose clip ``name``; InvalidInput lists the valid names."""
    if name not in CLIPS:
        raise InvalidInput(f"unknown pose {name!r}; use one of {pose_names()}")
    return CLIPS[name]


def frame_phase(index: int, count: int, *, loop: bool) -> float:
    """Phase 0..1 of frame ``index`` of ``count``: a loop never repeats its first frame at the end, a one-shot
    clip starts on its first keyframe and ends on its last."""
    if count < 1 or not 0 <= index < count:
        raise InvalidInput(f"frame {index} of {count}: need 0 <= index < count and count >= 1")
    if loop:
        return index / count
    return index / (count - 1) if count > 1 else 0.0


def sample_pose(name: str, index: int, count: int) -> JointAngles:
    """The joint angles of frame ``index`` of a ``count``-frame rendition of clip ``name``."""
    clip = get_clip(name)
    phase = frame_phase(index, count, loop=clip.loop)
    keys = list(clip.keyframes)
    if clip.loop:
        keys.append((1.0, keys[0][1]))
    for (p0, a0), (p1, a1) in itertools.pairwise(keys):
        if p0 <= phase <= p1:
            return a0.lerp(a1, 0.0 if p1 == p0 else (phase - p0) / (p1 - p0))
    return keys[-1][1]


# ---- directions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Direction:
    """A facing direction: ``yaw_deg`` 0 = facing right (east), 90 = facing the viewer (south).
    ``mirror_of`` names the direction whose rendering is flipped horizontally to make this one."""

    name: str
    yaw_deg: float
    mirror_of: str | None = None

    @property
    def is_mirrored(self) -> bool:
        """True for a direction made by flipping another one."""
        return self.mirror_of is not None


DIRECTIONS: Mapping[str, Direction] = MappingProxyType(
    {
        "s": Direction("s", 90),
        "se": Direction("se", 45),
        "e": Direction("e", 0),
        "ne": Direction("ne", -45),
        "n": Direction("n", -90),
        "nw": Direction("nw", -135, mirror_of="ne"),
        "w": Direction("w", 180, mirror_of="e"),
        "sw": Direction("sw", 135, mirror_of="se"),
    }
)
DIRECTION_SETS: Mapping[int, tuple[str, ...]] = MappingProxyType(
    {1: ("e",), 4: ("s", "e", "n", "w"), 8: ("s", "se", "e", "ne", "n", "nw", "w", "sw")}
)


def directions_for(count: int) -> list[Direction]:
    """The facing directions of a 1-, 4- or 8-direction animation, in a stable order."""
    if count not in DIRECTION_SETS:
        raise InvalidInput(f"directions must be one of {sorted(DIRECTION_SETS)}, got {count}")
    return [DIRECTIONS[name] for name in DIRECTION_SETS[count]]


def get_direction(name: str) -> Direction:
    """The direction called ``name`` (s, se, e, ne, n, nw, w, sw)."""
    if name not in DIRECTIONS:
        raise InvalidInput(f"unknown direction {name!r}; use one of {list(DIRECTIONS)}")
    return DIRECTIONS[name]


# ---- the body and its projection ----------------------------------------------------------------------

# Body proportions in standing heights (1.0 = feet to top of head).
THIGH, SHIN, FOOT = 0.245, 0.235, 0.03
TORSO, NECK_TO_HEAD, HEAD_RADIUS = 0.29, 0.1, 0.075
UPPER_ARM, FOREARM = 0.15, 0.15
SHOULDER_HALF, HIP_HALF = 0.085, 0.055

# OpenPose COCO-18 keypoint order.
KEYPOINT_NAMES = (
    "nose",
    "neck",
    "r_shoulder",
    "r_elbow",
    "r_wrist",
    "l_shoulder",
    "l_elbow",
    "l_wrist",
    "r_hip",
    "r_knee",
    "r_ankle",
    "l_hip",
    "l_knee",
    "l_ankle",
    "r_eye",
    "l_eye",
    "r_ear",
    "l_ear",
)
# OpenPose limbs (pairs of keypoint indices) and their colours, as controlnet_aux draws them.
LIMBS = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10),
    (1, 11), (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)  # fmt: skip
LIMB_COLORS = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 85), (255, 0, 0),
)  # fmt: skip


def _limb(origin: np.ndarray, angle_deg: float, length: float) -> np.ndarray:
    """The end of a limb of ``length`` from ``origin`` swung ``angle_deg`` forward from straight down."""
    a = math.radians(angle_deg)
    return origin + np.array([math.sin(a) * length, -math.cos(a) * length, 0.0])


def body_points(angles: JointAngles) -> dict[str, np.ndarray]:
    """3-D body points (x forward, y up, z to the body's left; ground at y = 0, pelvis above x = z = 0)."""
    legs = {}
    for side, sign in (("l", 1.0), ("r", -1.0)):
        hip = np.array([0.0, 0.0, sign * HIP_HALF])
        thigh = getattr(angles, f"hip_{side}")
        knee = _limb(hip, thigh, THIGH)
        ankle = _limb(knee, thigh - getattr(angles, f"knee_{side}"), SHIN)
        legs[side] = (hip, knee, ankle)
    # Plant the lower foot: the pelvis sits as high as the longer leg reaches, plus the clip's lift.
    pelvis_y = -min(legs["l"][2][1], legs["r"][2][1]) + FOOT + angles.lift
    lift = np.array([0.0, pelvis_y, 0.0])
    lean = math.radians(angles.lean)
    up = np.array([math.sin(lean), math.cos(lean), 0.0])
    neck = lift + up * TORSO
    points = {"pelvis": lift.copy(), "neck": neck}
    for side, sign in (("l", 1.0), ("r", -1.0)):
        hip, knee, ankle = (p + lift for p in legs[side])
        points[f"{side}_hip"], points[f"{side}_knee"], points[f"{side}_ankle"] = hip, knee, ankle
        shoulder = neck - up * 0.02 + np.array([0.0, 0.0, sign * SHOULDER_HALF])
        upper = getattr(angles, f"shoulder_{side}")
        elbow = _limb(shoulder, upper, UPPER_ARM)
        wrist = _limb(elbow, upper + getattr(angles, f"elbow_{side}"), FOREARM)
        points[f"{side}_shoulder"], points[f"{side}_elbow"], points[f"{side}_wrist"] = shoulder, elbow, wrist
    head = neck + up * NECK_TO_HEAD
    forward = np.array([math.cos(lean), -math.sin(lean), 0.0])
    points["head"] = head
    points["nose"] = head + forward * HEAD_RADIUS
    for side, sign in (("l", 1.0), ("r", -1.0)):
        points[f"{side}_eye"] = head + forward * 0.06 + up * 0.02 + np.array([0.0, 0.0, sign * 0.03])
        points[f"{side}_ear"] = head + np.array([0.0, 0.0, sign * HEAD_RADIUS])
    return points


def standing_height(angles: JointAngles) -> float:
    """Top of the head above the ground, in standing heights."""
    return float(body_points(angles)["head"][1] + HEAD_RADIUS)


@dataclass(frozen=True)
class PoseFrame:
    """One projected pose in pixels: ``keypoints`` in OpenPose order (None = hidden), ``depth`` per keypoint
    (larger = nearer the viewer), the root (pelvis) point, the ground line and the limb width."""

    keypoints: tuple[tuple[float, float] | None, ...]
    depth: tuple[float, ...]
    head_px: tuple[float, float]
    head_radius_px: float
    root_px: tuple[float, float]
    ground_y_px: float
    limb_px: float
    width: int
    height: int
    direction: str
    mirrored: bool = False
    extra: Mapping[str, float] = field(default_factory=dict)


def pose_keypoints(
    angles: JointAngles,
    direction: Direction,
    *,
    width: int,
    height: int,
    scale: float | None = None,
    fill: float = 0.78,
) -> PoseFrame:
    """Project ``angles`` facing ``direction`` into a ``width`` x ``height`` frame. ``scale`` is pixels per
    standing height (default: ``fill`` of the frame height); the root x is the frame centre and the ground
    line sits a tenth of the frame above the bottom. Mirrored directions are projected from their twin and
    flipped."""
    if width < 8 or height < 8:
        raise InvalidInput(f"pose frames must be at least 8x8 px, got {width}x{height}")
    source = get_direction(direction.mirror_of) if direction.mirror_of else direction
    px = scale if scale is not None else fill * height
    ground = height - 0.1 * height
    yaw = math.radians(source.yaw_deg)
    points = body_points(angles)

    def project(p: np.ndarray) -> tuple[float, float, float]:
        screen_x = p[0] * math.cos(yaw) + p[2] * math.sin(yaw)
        depth = p[0] * math.sin(yaw) - p[2] * math.cos(yaw)
        x = width / 2 + screen_x * px
        if direction.mirror_of:
            x = width - x
        return x, ground - p[1] * px, depth

    head_depth = project(points["head"])[2]
    keypoints: list[tuple[float, float] | None] = []
    depths: list[float] = []
    for name in KEYPOINT_NAMES:
        x, y, depth = project(points[name])
        is_face = name in ("nose", "r_eye", "l_eye", "r_ear", "l_ear")
        # A face point behind the head's centre is hidden (the far eye in a side view, the nose from behind).
        hidden = is_face and depth < head_depth - 0.01
        keypoints.append(None if hidden else (x, y))
        depths.append(depth)
    hx, hy, _ = project(points["head"])
    rx, ry, _ = project(points["pelvis"])
    return PoseFrame(
        keypoints=tuple(keypoints),
        depth=tuple(depths),
        head_px=(hx, hy),
        head_radius_px=HEAD_RADIUS * px,
        root_px=(rx, ry),
        ground_y_px=ground,
        limb_px=max(2.0, 0.11 * px),
        width=width,
        height=height,
        direction=direction.name,
        mirrored=direction.is_mirrored,
    )


# ---- rendering ----------------------------------------------------------------------------------------


def render_skeleton(frame: PoseFrame) -> np.ndarray:
    """An OpenPose-style skeleton image (opaque RGBA): coloured limbs and joints on black."""
    image = Image.new("RGB", (frame.width, frame.height), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    stick = max(1, round(4 * max(frame.width, frame.height) / 512))
    for (a, b), color in zip(LIMBS, LIMB_COLORS, strict=False):
        pa, pb = frame.keypoints[a], frame.keypoints[b]
        if pa is None or pb is None:
            continue
        dim = tuple(int(c * 0.6) for c in color)
        draw.line([pa, pb], fill=dim, width=2 * stick)
    for point, color in zip(frame.keypoints, LIMB_COLORS, strict=True):
        if point is not None:
            x, y = point
            draw.ellipse([x - stick, y - stick, x + stick, y + stick], fill=color)
    return _rgba(image)


MANNEQUIN_PARTS = (
    ("l_hip", "l_knee"),
    ("l_knee", "l_ankle"),
    ("r_hip", "r_knee"),
    ("r_knee", "r_ankle"),
    ("l_shoulder", "l_elbow"),
    ("l_elbow", "l_wrist"),
    ("r_shoulder", "r_elbow"),
    ("r_elbow", "r_wrist"),
)


MANNEQUIN_COLOR = (52, 50, 60)


def render_mannequin(
    frame: PoseFrame,
    *,
    background: tuple[int, int, int] = (245, 245, 240),
    color: tuple[int, int, int] = MANNEQUIN_COLOR,
    far_color: tuple[int, int, int] = (92, 90, 104),
) -> np.ndarray:
    """A filled mannequin silhouette (opaque RGBA) on ``background``: capsules for the limbs, a torso and
    a round head; limbs on the far side are drawn first in ``far_color`` so the pose reads in depth."""
    image = Image.new("RGB", (frame.width, frame.height), background)
    draw = ImageDraw.Draw(image)
    index = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
    width = frame.limb_px
    parts = []
    for a, b in MANNEQUIN_PARTS:
        pa, pb = frame.keypoints[index[a]], frame.keypoints[index[b]]
        if pa is not None and pb is not None:
            depth = (frame.depth[index[a]] + frame.depth[index[b]]) / 2
            parts.append((depth, pa, pb))
    torso_depth = (frame.depth[index["l_hip"]] + frame.depth[index["r_hip"]]) / 2
    far = [p for p in parts if p[0] < torso_depth - 1e-6]
    near = [p for p in parts if p[0] >= torso_depth - 1e-6]
    for _, pa, pb in sorted(far):
        _capsule(draw, pa, pb, width, far_color)
    torso = [frame.keypoints[index[n]] for n in ("l_shoulder", "r_shoulder", "r_hip", "l_hip")]
    neck = frame.keypoints[index["neck"]]
    hips = [p for p in torso[2:] if p is not None]
    shoulders = [p for p in torso[:2] if p is not None]
    if hips and shoulders and neck is not None:
        hip_mid = (sum(p[0] for p in hips) / len(hips), sum(p[1] for p in hips) / len(hips))
        shoulder_mid = (
            sum(p[0] for p in shoulders) / len(shoulders),
            sum(p[1] for p in shoulders) / len(shoulders),
        )
        _capsule(draw, hip_mid, shoulder_mid, width * 1.9, color)
        _capsule(draw, shoulder_mid, frame.head_px, width * 0.8, color)
        draw.polygon([p for p in torso if p is not None], fill=color)
    for _, pa, pb in sorted(near):
        _capsule(draw, pa, pb, width, color)
    hx, hy = frame.head_px
    r = frame.head_radius_px * 1.1
    draw.ellipse([hx - r, hy - r, hx + r, hy + r], fill=color)
    return _rgba(image)


def _capsule(
    draw: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float], width: float, color
) -> None:
    """A thick line with round ends."""
    r = width / 2
    draw.line([a, b], fill=color, width=max(1, round(width)))
    for x, y in (a, b):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=color)


def _rgba(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGBA"), dtype=np.uint8).copy()


def color_mannequin(
    mannequin: np.ndarray,
    *,
    fill: tuple[int, int, int],
    background: tuple[int, int, int],
    far_shade: float = 0.7,
) -> np.ndarray:
    """A mannequin rendering recoloured: its near parts in ``fill``, its far limbs in ``fill`` darkened by
    ``far_shade`` (0..1), the background kept. An init image in the character's own colours lets an
    image-to-image model keep them instead of drifting toward a grey figure."""
    out = mannequin.copy()
    rgb = mannequin[:, :, :3].astype(np.int16)
    figure = mannequin_mask(mannequin, background)
    # Far limbs are the ones lighter than the near body (render_mannequin's far_color).
    lum = rgb.mean(axis=2)
    near_lum = np.median(lum[figure]) if figure.any() else 0.0
    far = figure & (lum > near_lum + 10)
    near_rgb = np.array(fill, np.float32)
    out[figure & ~far, :3] = np.clip(near_rgb + 0.5, 0, 255).astype(np.uint8)
    out[far, :3] = np.clip(near_rgb * far_shade + 0.5, 0, 255).astype(np.uint8)
    return out


def mannequin_mask(mannequin: np.ndarray, background: tuple[int, int, int]) -> np.ndarray:
    """Boolean mask of the pixels of a mannequin rendering that are not the background."""
    return np.any(mannequin[:, :, :3] != np.array(background, np.uint8), axis=2)


# ---- a whole animation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoseGuide:
    """The guide of one frame of one direction: the projected pose and its two renderings."""

    pose: str
    direction: Direction
    index: int
    count: int
    frame: PoseFrame
    skeleton: np.ndarray = field(repr=False)
    mannequin: np.ndarray = field(repr=False)

    @property
    def name(self) -> str:
        """``<pose>_<direction>_<index>`` (two digits at least)."""
        digits = max(2, len(str(self.count - 1)))
        return f"{self.pose}_{self.direction.name}_{self.index:0{digits}d}"


def clip_scale(pose: str, count: int, *, height: int, fill: float = 0.78) -> float:
    """Pixels per standing height so that every frame of the clip fits the frame height (one scale for the
    whole strip, so the character does not grow or shrink between frames)."""
    tallest = max(standing_height(sample_pose(pose, i, count)) for i in range(count))
    return fill * height / max(1.0, tallest)


def pose_guides(
    pose: str,
    *,
    frames: int,
    directions: int | Sequence[str] = 1,
    width: int,
    height: int,
    background: tuple[int, int, int] = (245, 245, 240),
) -> list[PoseGuide]:
    """Guides for every frame of ``pose`` in every direction (direction-major): skeletons and mannequins."""
    if frames < 1 or frames > 256:
        raise InvalidInput(f"frames must be 1..256, got {frames}")
    chosen = (
        directions_for(directions)
        if isinstance(directions, int)
        else [get_direction(name) for name in directions]
    )
    scale = clip_scale(pose, frames, height=height)
    guides = []
    for direction in chosen:
        for index in range(frames):
            angles = sample_pose(pose, index, frames)
            frame = pose_keypoints(angles, direction, width=width, height=height, scale=scale)
            # A mirrored direction is its twin's pictures flipped, pixel for pixel.
            drawn = (
                pose_keypoints(
                    angles, get_direction(direction.mirror_of), width=width, height=height, scale=scale
                )
                if direction.mirror_of
                else frame
            )
            skeleton, mannequin = render_skeleton(drawn), render_mannequin(drawn, background=background)
            if direction.mirror_of:
                skeleton, mannequin = skeleton[:, ::-1].copy(), mannequin[:, ::-1].copy()
            guides.append(
                PoseGuide(
                    pose=pose,
                    direction=direction,
                    index=index,
                    count=frames,
                    frame=frame,
                    skeleton=skeleton,
                    mannequin=mannequin,
                )
            )
    return guides


def parse_color(text: str) -> tuple[int, int, int]:
    """``#RRGGBB`` -> (r, g, b); InvalidInput otherwise."""
    value = text.strip().lstrip("#")
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise InvalidInput(f"colour {text!r} is not #RRGGBB")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


STYLES = ("skeleton", "mannequin")


def pose_sheet(guides: Sequence[PoseGuide], *, style: str = "mannequin", cell_px: int = 96) -> np.ndarray:
    """One picture of a set of guides: a row per direction, frames left to right, labelled."""
    if style not in STYLES:
        raise InvalidInput(f"unknown pose style {style!r}; use one of {list(STYLES)}")
    columns = max(g.index for g in guides) + 1 if guides else 1
    items = [(g.name, g.skeleton if style == "skeleton" else g.mannequin) for g in guides]
    return contact_sheet(items, cell_px=cell_px, columns=columns)


def pose_guide_files(guides: Sequence[PoseGuide], *, styles: Sequence[str] = STYLES) -> dict[str, bytes]:
    """File name -> PNG bytes: ``<pose>_<dir>_<nn>_<style>.png`` per guide and style, a ``<pose>-<style>-
    sheet.png`` per style, and ``<pose>.json`` with every frame's keypoints, root, ground line and mirroring."""
    unknown = sorted(set(styles) - set(STYLES))
    if unknown or not styles:
        raise InvalidInput(f"unknown pose style(s) {unknown or styles}; use {list(STYLES)}")
    files: dict[str, bytes] = {}
    for guide in guides:
        for style in styles:
            image = guide.skeleton if style == "skeleton" else guide.mannequin
            files[f"{guide.name}_{style}.png"] = encode_png(image)
    if guides:
        pose = guides[0].pose
        for style in styles:
            files[f"{pose}-{style}-sheet.png"] = encode_png(pose_sheet(guides, style=style))
        record = {
            "pose": pose,
            "frames": guides[0].count,
            "keypointNames": list(KEYPOINT_NAMES),
            "guides": [
                {
                    "name": g.name,
                    "direction": g.direction.name,
                    "index": g.index,
                    "mirrored": g.direction.is_mirrored,
                    "mirrorOf": g.direction.mirror_of,
                    "rootPx": [round(v, 2) for v in g.frame.root_px],
                    "groundYPx": round(g.frame.ground_y_px, 2),
                    "keypoints": [
                        None if p is None else [round(p[0], 2), round(p[1], 2)] for p in g.frame.keypoints
                    ],
                }
                for g in guides
            ],
        }
        files[f"{pose}.json"] = (json.dumps(record, indent=2) + "\n").encode()
    return files
