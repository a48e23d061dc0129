"""What every exporter takes and returns: an ``ExportRequest`` in, a ``Bundle`` (path -> bytes + Manifest) out.

Exporters never write: the store (``assetgen.export.build.write_export``) or the CLI writes ``Bundle.all_files()``.
``finish_bundle`` turns an exporter's files into a bundle whose ``manifest.json`` lists every file with its
sha256, size, role and the asset/spec/variant/job ids it came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assetgen.imaging.spritesheet import Spritesheet
from assetgen.models.atlas import AtlasAnimation
from assetgen.models.export import ExportProfile, Manifest, ManifestFile

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class FrameLink:
    """Where a frame came from: asset, variant, spec and the job that made its image."""

    asset_id: str | None = None
    variant_id: str | None = None
    spec_id: str | None = None
    job_id: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PixelArtExport:
    """Every frame is exact pixel art: engines must sample it nearest, without mipmaps or compression.

    ``pixels_per_unit`` is the largest logical frame side, so one sprite cell is one world unit."""

    pixels_per_unit: int


@dataclass(frozen=True)
class ExportRequest:
    """Everything an exporter needs, already read from the store: the sheet, its animations and links.

    ``base_name`` names the bundle's files (the atlas or asset id); ``ui`` lists UI elements as
    ``{"name", "type", "states": {state: frameName}}`` for the PixiJS kit."""

    export_id: str
    project_id: str
    profile: ExportProfile
    atlas_id: str
    base_name: str
    sheet: Spritesheet = field(repr=False)
    animations: tuple[AtlasAnimation, ...] = ()
    links: Mapping[str, FrameLink] = field(default_factory=dict)
    atlas_job_id: str | None = None
    ui: tuple[dict[str, object], ...] = ()
    created_at: str = ""
    pixel_art: PixelArtExport | None = None


@dataclass(frozen=True)
class BundleFile:
    """One file an exporter made: bytes, role, and the frames whose pixels or data it carries."""

    data: bytes = field(repr=False)
    role: str
    frames: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bundle:
    """An export bundle: relative path (forward slashes) -> bytes, and its manifest."""

    files: Mapping[str, bytes] = field(repr=False)
    manifest: Manifest

    def all_files(self) -> dict[str, bytes]:
        """The files plus ``manifest.json``: what a writer puts in the bundle folder."""
        files = dict(self.files)
        files[MANIFEST_NAME] = encode_manifest(self.manifest)
        return files


def encode_manifest(manifest: Manifest) -> bytes:
    """``manifest.json`` bytes (pretty JSON, trailing newline)."""
    return (json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def _single(values: Sequence[str | None]) -> str | None:
    distinct = {v for v in values if v}
    return distinct.pop() if len(distinct) == 1 else None


def finish_bundle(request: ExportRequest, files: Mapping[str, BundleFile]) -> Bundle:
    """Build the Bundle and its manifest: each file's sha256, size, role, atlas id, and the asset/spec/variant/job
    ids of the frames it carries (a single id when all its frames share one, the full lists otherwise)."""
    entries = []
    for path, item in files.items():
        links = [request.links.get(name, FrameLink()) for name in item.frames]
        asset_ids = sorted({lk.asset_id for lk in links if lk.asset_id})
        entry = ManifestFile(
            path=path,
            sha256=sha256_hex(item.data),
            bytes=len(item.data),
            role=item.role,
            asset_id=_single([lk.asset_id for lk in links]),
            spec_id=_single([lk.spec_id for lk in links]),
            variant_id=_single([lk.variant_id for lk in links]),
            job_id=_single([lk.job_id for lk in links]) or request.atlas_job_id,
            atlas_id=request.atlas_id,
            asset_ids=asset_ids,
            frames=list(item.frames),
        )
        entries.append(entry)
    assets: dict[str, dict[str, object]] = {}
    for name, link in request.links.items():
        if not link.asset_id:
            continue
        record = assets.setdefault(
            link.asset_id,
            {"assetId": link.asset_id, "specId": link.spec_id, "variantIds": [], "jobIds": [], "frames": []},
        )
        for key, value in (("variantIds", link.variant_id), ("jobIds", link.job_id), ("frames", name)):
            values = record[key]
            assert isinstance(values, list)
            if value and value not in values:
                values.append(value)
    manifest = Manifest(
        id=request.export_id,
        project_id=request.project_id,
        profile=request.profile.type,
        profile_id=request.profile.id,
        created_at=request.created_at,
        atlas_ids=[request.atlas_id],
        files=entries,
        assets=list(assets.values()),
    )
    return Bundle(files={path: item.data for path, item in files.items()}, manifest=manifest)
