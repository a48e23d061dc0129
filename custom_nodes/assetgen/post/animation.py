"""Animations in a spritesheet: frame naming, grouping ``<prefix>_<number>`` frames, and the AssetSpec record.

Frame names end in their frame number (``walk_00``, ``walk_01`` ...): Paper2D's "Create Flipbooks" groups
sprites by the name before the number, and people read them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assetgen.errors import InvalidInput
from assetgen.models.atlas import AtlasAnimation
from assetgen.models.spec import AnimationSpec, AssetSpec, SpecOutput

_NUMBERED = re.compile(r"^(?P<prefix>.*?[^0-9_.\- ])[_.\- ]?(?P<number>\d+)$")
_DIGITS = re.compile(r"(\d+)")


def natural_sort_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A key that sorts ``frame2`` before ``frame10`` (numbers compare as numbers, text case-insensitively)."""
    parts = _DIGITS.split(text)
    return tuple((1, int(p)) if p.isdigit() else (0, p.casefold()) for p in parts if p != "")


def split_frame_number(name: str) -> tuple[str, int] | None:
    """``("walk", 3)`` for ``walk_03`` / ``walk-3`` / ``walk3``; None for a name without a trailing number."""
    match = _NUMBERED.match(name)
    if match is None:
        return None
    return match.group("prefix"), int(match.group("number"))


def numbered_frame_names(animation: str, count: int) -> list[str]:
    """``count`` frame names ``<animation>_00`` ... zero-padded to at least two digits."""
    if count < 0:
        raise InvalidInput(f"frame count must be >= 0, got {count}")
    digits = max(2, len(str(max(count - 1, 0))))
    return [f"{animation}_{i:0{digits}d}" for i in range(count)]


def group_animations(names: Sequence[str], *, fps: float = 12, loop: bool = True) -> list[AtlasAnimation]:
    """Animations formed by frames named ``<prefix>_<number>``: one per prefix with two or more frames, frames
    in the order given, animations in order of their first frame. ``fps`` > 0 applies to every animation."""
    groups: dict[str, list[str]] = {}
    for name in names:
        split = split_frame_number(name)
        if split is not None:
            groups.setdefault(split[0], []).append(name)
    return [
        AtlasAnimation(name=prefix, frames=frames, fps=fps, loop=loop)
        for prefix, frames in groups.items()
        if len(frames) >= 2
    ]


def frame_duration_ms(fps: float) -> int:
    """How long one frame shows at ``fps`` frames per second, rounded to whole milliseconds (>= 1)."""
    if fps <= 0:
        raise InvalidInput(f"fps must be > 0, got {fps}")
    return max(1, round(1000.0 / fps))


def spec_with_animation(spec: AssetSpec, animation: AtlasAnimation) -> AssetSpec:
    """A copy of ``spec`` whose ``output.animation`` records the packed animation's name, fps, loop and frame
    order (seed section 6); other output fields are kept. The caller stores it."""
    output = spec.output.model_copy(deep=True) if spec.output is not None else SpecOutput(kind="animation")
    previous = output.animation
    keep = (
        previous.model_dump(exclude={"name", "fps", "loop", "frame_count", "frame_names"}) if previous else {}
    )
    output.animation = AnimationSpec(
        name=animation.name,
        fps=animation.fps,
        loop=animation.loop,
        frame_count=max(1, len(animation.frames)),
        frame_names=list(animation.frames),
        **keep,
    )
    if output.kind == "single_image":
        output.kind = "animation"
    return spec.model_copy(update={"output": output})
