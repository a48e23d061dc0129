"""atlases/<atlasId>.json: a packed spritesheet record."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from assetgen.models.base import Contract, Point, Record, Rect, Size


class PackSettings(Contract):
    """How frames are packed: the ``atlas_pack`` job's settings, stored as the atlas record's ``packSettings``.

    The origin's keys (``padding``, ``maxSize``, ``powerOfTwo``, ``trim``, ``extrude``) are accepted as they are.
    """

    max_size_px: int = Field(default=2048, ge=16, le=16384, alias="maxSize", description="Largest page side.")
    padding_px: int = Field(
        default=2, ge=0, le=64, alias="padding", description="Free pixels between sprites."
    )
    extrude_px: int = Field(
        default=0, ge=0, le=32, alias="extrude", description="Edge pixels repeated around each sprite."
    )
    trim: bool = Field(default=True, description="Cut transparent borders (the offset is kept).")
    allow_rotation: bool = Field(default=False, description="Let sprites turn 90 degrees clockwise.")
    power_of_two: bool = Field(default=False, description="Round page sides up to 2^n.")
    alpha_threshold: int = Field(default=0, ge=0, le=254, description="Alpha at or below this is trimmed.")


class AtlasPage(Contract):
    """One page (PNG + JSON) of an atlas; multi-page atlases link the JSONs as TexturePacker multipacks."""

    image_path: str
    data_path: str
    size: Size


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
    name: str | None = Field(default=None, description="assetgen: the frame's key in the atlas JSON.")
    asset_id: str | None = None
    variant_id: str | None = None
    spec_id: str | None = None


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
    pages: list[AtlasPage] = Field(
        default_factory=list, description="assetgen: every page (the first is also imagePath/dataPath)."
    )
    job_id: str | None = None
