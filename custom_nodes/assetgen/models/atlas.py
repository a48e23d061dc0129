"""atlases/<atlasId>.json: a packed spritesheet record."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from assetgen.models.base import Contract, Point, Record, Rect, Size


class AtlasFrame(Contract):
    """One frame of an atlas: where it came from and where it sits."""

    id: str
    source_path: str | None = None
    rect: Rect
    source_size: Size
    sprite_source_size: Rect | None = None
    pivot: Point = Field(default_factory=Point)
    rotated: bool = False
    trimmed: bool = False
    page: int = 0


class AtlasAnimation(Contract):
    """Frame order and timing of one animation in the atlas."""

    name: str
    frames: list[str]
    fps: float = Field(default=12, gt=0)
    loop: bool = True


class Atlas(Record):
    """An atlas record (the sheet's PNG and JSON live under files/atlases/<atlasId>/)."""

    project_id: str
    image_path: str | None = None
    data_path: str | None = None
    pack_settings: dict[str, Any] = Field(default_factory=dict)
    frames: list[AtlasFrame] = Field(default_factory=list)
    animations: list[AtlasAnimation] = Field(default_factory=list)
    asset_ids: list[str] = Field(default_factory=list)
