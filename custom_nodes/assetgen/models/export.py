"""export-profiles/<id>.json, exports/<id>.json and a bundle's manifest.json."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from assetgen.models.base import Contract, Record

ExportType = Literal["unity", "godot", "godot3", "unreal", "pixi_kit", "custom"]


class ExportOptions(Contract):
    """Options shared by every exporter."""

    scale: float = Field(default=1, gt=0)
    trim: bool = True
    padding: int = Field(default=2, ge=0)
    name_prefix: str = ""
    name_suffix: str = ""
    pixels_per_unit: float = Field(default=100, gt=0)


class ExportProfile(Record):
    """An export profile: engine type plus options."""

    project_id: str | None = None
    name: str
    type: ExportType
    options: ExportOptions = Field(default_factory=ExportOptions)


class ExportRecord(Record):
    """One export run."""

    project_id: str | None = None
    type: str
    status: Literal["queued", "running", "succeeded", "failed"] = "queued"
    input: dict[str, Any] = Field(default_factory=dict)
    output: dict[str, Any] = Field(default_factory=dict)


class ManifestFile(Contract):
    """A file in a bundle and what it came from."""

    path: str = Field(description="Relative to the bundle folder, forward slashes.")
    sha256: str
    bytes: int = Field(ge=0)
    role: str = Field(description="image | atlas_image | atlas_data | engine_metadata | manifest_extra ...")
    asset_id: str | None = None
    spec_id: str | None = None
    variant_id: str | None = None
    job_id: str | None = None
    atlas_id: str | None = None
    asset_ids: list[str] = Field(
        default_factory=list, description="assetgen: every asset whose frames the file carries."
    )
    frames: list[str] = Field(
        default_factory=list, description="assetgen: names of the frames the file carries."
    )


class Manifest(Contract):
    """manifest.json of an export bundle: every file linked back to asset/spec ids."""

    id: str
    project_id: str
    profile: str
    created_at: str
    generator: str = "assetgen"
    profile_id: str | None = None
    atlas_ids: list[str] = Field(default_factory=list)
    files: list[ManifestFile] = Field(default_factory=list)
    assets: list[dict[str, Any]] = Field(default_factory=list)
