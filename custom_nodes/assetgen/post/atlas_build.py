"""Building atlases: the files of a packed sheet, frame naming, and the project-level ``atlas_pack`` step.

``build_atlas(store, project_id, atlas_id, sources, ...)`` packs the alpha images of (asset, variant) pairs,
writes ``files/atlases/<atlasId>/atlas.{png,json}`` (+ ``atlas-preview.png``, more pages as ``atlas-1.*``)
and the ``atlases/<atlasId>.json`` record, and returns the record and the AssetSpecs updated with the
animation metadata (the caller decides whether to store them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.ids import validate_id
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.spritesheet import (
    ProgressCallback,
    SheetFrame,
    SpriteFrame,
    Spritesheet,
    build_spritesheet,
    render_preview,
)
from assetgen.models.asset import Asset, Variant
from assetgen.models.atlas import Atlas, AtlasAnimation, AtlasFrame, AtlasPage, PackSettings
from assetgen.models.base import Point, Rect, Size
from assetgen.models.job import AtlasPackInput, AtlasPackOutput
from assetgen.models.spec import AssetSpec
from assetgen.post.animation import group_animations, numbered_frame_names, spec_with_animation
from assetgen.post.texturepacker import atlas_json, page_data_name, page_image_name, read_atlas_json
from assetgen.store import ProjectStore, parse_image_path, read_json, write_bytes_atomic

log = logging.getLogger(__name__)

ATLAS_BASE_NAME = "atlas"


def encode_json(data: object) -> bytes:
    """Pretty JSON bytes (2-space indent, trailing newline), as every assetgen file is written."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sheet_files(
    sheet: Spritesheet,
    *,
    base_name: str,
    animations: Sequence[AtlasAnimation] = (),
    with_preview: bool = True,
) -> dict[str, bytes]:
    """The files of a packed sheet, name -> bytes: ``<base>.png`` + ``<base>.json`` per page (``<base>-1.*``
    from the second page on) and ``<base>-preview.png`` (page 0 with frame outlines)."""
    files: dict[str, bytes] = {}
    for page in range(len(sheet.pages)):
        files[page_image_name(base_name, page)] = encode_png(sheet.pages[page])
        files[page_data_name(base_name, page)] = encode_json(
            atlas_json(sheet, page=page, base_name=base_name, animations=animations)
        )
    if with_preview:
        files[f"{base_name}-preview.png"] = encode_png(render_preview(sheet, page=0))
    return files


def name_frames(
    stems: Sequence[str], *, animation: str | None = None, fps: float = 12, loop: bool = True
) -> tuple[list[str], list[AtlasAnimation]]:
    """Frame names and animations for images named ``stems`` (in order).

    With ``animation``, all frames form that animation and are named ``<animation>_00``...; without it, the
    stems are the names and frames named ``<prefix>_<number>`` form an animation called ``<prefix>``."""
    if animation is not None:
        if not animation.strip():
            raise InvalidInput("animation name must not be empty")
        names = numbered_frame_names(animation, len(stems))
        return names, [AtlasAnimation(name=animation, frames=names, fps=fps, loop=loop)]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise InvalidInput(
            f"several frames are called {duplicates}: rename the files or pass --animation to number them"
        )
    return list(stems), group_animations(stems, fps=fps, loop=loop)


@dataclass(frozen=True)
class FrameSource:
    """One frame of a project atlas: an asset's variant (its alpha image), an optional frame name and pivot."""

    asset_id: str
    variant_id: str
    name: str | None = None
    pivot_x: float = 0.5
    pivot_y: float = 0.5


def frame_source_from_path(entry: object, project_id: str) -> FrameSource:
    """A frame given the origin's way: a stored image path, or ``{key, path}`` (``key`` names the frame)."""
    path = entry.get("path") if isinstance(entry, dict) else entry
    parsed = parse_image_path(str(path), project_id, what="frame path")
    name = entry.get("key") if isinstance(entry, dict) else None
    return FrameSource(asset_id=parsed.asset_id, variant_id=parsed.variant_id, name=name)


@dataclass(frozen=True)
class AtlasBuild:
    """The result of ``build_atlas``: the stored record, the sheet, and specs updated with animation data."""

    atlas: Atlas
    sheet: Spritesheet = field(repr=False)
    specs: tuple[AssetSpec, ...] = ()


def find_variant(asset: Asset, variant_id: str) -> Variant:
    """The variant ``variant_id`` of ``asset`` (any version); NotFound lists the asset's variants."""
    for _, variant in asset.iter_variants():
        if variant.id == variant_id:
            return variant
    known = [v.id for _, v in asset.iter_variants()]
    raise NotFound(f"asset {asset.id!r} has no variant {variant_id!r} (variants: {known or 'none'})")


def _read_spec(store: ProjectStore, project_id: str, asset: Asset) -> AssetSpec | None:
    if not asset.spec_id or not store.exists(project_id, "specs", asset.spec_id):
        return None
    spec: AssetSpec = store.read(project_id, "specs", asset.spec_id)
    return spec


@dataclass(frozen=True)
class _Sources:
    """The records behind an atlas's frames: each asset once, its spec (or None), its frame indexes."""

    assets: dict[str, Asset]
    specs: dict[str, AssetSpec | None]
    per_asset: dict[str, list[int]]


def build_atlas(
    store: ProjectStore,
    project_id: str,
    atlas_id: str,
    sources: Sequence[FrameSource],
    *,
    settings: PackSettings | None = None,
    fps: float | None = None,
    loop: bool | None = None,
    job_id: str | None = None,
    on_progress: ProgressCallback | None = None,
    animations: Sequence[AtlasAnimation] | None = None,
) -> AtlasBuild:
    """Pack the alpha images of ``sources`` (in order) into atlas ``atlas_id`` of ``project_id`` and store it.

    Frames of one asset are named ``<animation or assetId>_00``... and form one animation when there are two
    or more; fps/loop come from the asset's spec (``output.animation``), else ``fps``/``loop``, else 12/True.
    Writes files/atlases/<atlasId>/ and atlases/<atlasId>.json; returns the record and updated specs.
    ``animations`` (frames by name; every source named) replaces that grouping, e.g. one animation per
    direction of an anchor-frame strip; the specs are then left as they are.
    """
    settings = settings or PackSettings()
    validate_id(atlas_id, what="atlas id")
    store.read_project(project_id)
    if not sources:
        raise InvalidInput(f"atlas {atlas_id!r}: no frames given; pass at least one (assetId, variantId)")
    explicit = list(animations) if animations is not None else None
    if explicit is not None:
        known = {s.name for s in sources}
        missing = sorted({n for a in explicit for n in a.frames} - known)
        if None in known or missing:
            raise InvalidInput(f"atlas {atlas_id!r}: animations name frames that are not sources: {missing}")
    records = _read_sources(store, project_id, sources)
    names, animations = _name_frames(sources, records, fps=fps, loop=loop)
    if explicit is not None:
        animations = explicit
    frames, source_paths = _read_frames(store, project_id, atlas_id, sources, names, records)
    sheet = build_spritesheet(frames, settings=settings, on_progress=on_progress)
    pages = _write_sheet(store, project_id, atlas_id, sheet, animations)
    previous = (
        store.read(project_id, "atlases", atlas_id) if store.exists(project_id, "atlases", atlas_id) else None
    )
    now = now_iso()
    atlas = Atlas(
        id=atlas_id,
        project_id=project_id,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        image_path=pages[0].image_path,
        data_path=pages[0].data_path,
        pages=pages,
        pack_settings=settings.model_dump(mode="json"),
        frames=[
            atlas_frame(
                f,
                source_path=path,
                asset_id=s.asset_id,
                variant_id=s.variant_id,
                spec_id=records.assets[s.asset_id].spec_id,
            )
            for f, path, s in zip(sheet.frames, source_paths, sources, strict=True)
        ],
        animations=animations,
        asset_ids=list(records.per_asset),
        job_id=job_id,
    )
    store.write(project_id, "atlases", atlas)
    updated = tuple(
        spec_with_animation(spec, animation)
        for animation in (animations if explicit is None else [])
        for asset_id, spec in records.specs.items()
        if spec is not None and animation.frames[0] in {names[i] for i in records.per_asset[asset_id]}
    )
    log.info(
        "project=%s atlas=%s packed frames=%d pages=%d animations=%d",
        project_id,
        atlas_id,
        len(frames),
        len(sheet.pages),
        len(animations),
    )
    return AtlasBuild(atlas=atlas, sheet=sheet, specs=updated)


def _read_sources(store: ProjectStore, project_id: str, sources: Sequence[FrameSource]) -> _Sources:
    """Read each asset (and its spec) once, and group the frame indexes by asset, in first-seen order."""
    assets: dict[str, Asset] = {}
    specs: dict[str, AssetSpec | None] = {}
    per_asset: dict[str, list[int]] = {}
    for i, source in enumerate(sources):
        if source.asset_id not in assets:
            assets[source.asset_id] = store.read(project_id, "assets", source.asset_id)
            specs[source.asset_id] = _read_spec(store, project_id, assets[source.asset_id])
        per_asset.setdefault(source.asset_id, []).append(i)
    return _Sources(assets=assets, specs=specs, per_asset=per_asset)


def _name_frames(
    sources: Sequence[FrameSource], records: _Sources, *, fps: float | None, loop: bool | None
) -> tuple[list[str], list[AtlasAnimation]]:
    """Frame names (given, else ``<animation or assetId>_NN``) and one animation per asset of 2+ frames."""
    names: list[str] = [""] * len(sources)
    animations: list[AtlasAnimation] = []
    used_prefixes: set[str] = set()
    for asset_id, indexes in records.per_asset.items():
        spec = records.specs[asset_id]
        anim_spec = spec.output.animation if spec and spec.output and spec.output.animation else None
        prefix = (
            anim_spec.name
            if anim_spec and anim_spec.name and anim_spec.name not in used_prefixes
            else asset_id
        )
        used_prefixes.add(prefix)
        generated = numbered_frame_names(prefix, len(indexes))
        for slot, index in enumerate(indexes):
            names[index] = sources[index].name or generated[slot]
        if len(indexes) >= 2:
            animations.append(
                AtlasAnimation(
                    name=prefix,
                    frames=[names[i] for i in indexes],
                    fps=fps or (anim_spec.fps if anim_spec else 12),
                    loop=loop if loop is not None else (anim_spec.loop if anim_spec else True),
                )
            )
    return names, animations


def _read_frames(
    store: ProjectStore,
    project_id: str,
    atlas_id: str,
    sources: Sequence[FrameSource],
    names: list[str],
    records: _Sources,
) -> tuple[list[SpriteFrame], list[str]]:
    """Each frame's image (the pixel-art image, else the alpha image, else the original, with a warning) and
    its stored path."""
    frames: list[SpriteFrame] = []
    source_paths: list[str] = []
    for source, name in zip(sources, names, strict=True):
        variant = find_variant(records.assets[source.asset_id], source.variant_id)
        stored = variant.pixel_path or variant.alpha_path or variant.original_path
        if not (variant.pixel_path or variant.alpha_path):
            log.warning(
                "project=%s atlas=%s asset=%s variant=%s has no alpha image; packing its original",
                project_id,
                atlas_id,
                source.asset_id,
                source.variant_id,
            )
        source_paths.append(stored)
        frames.append(SpriteFrame(name, read_rgba(store.resolve(stored)), source.pivot_x, source.pivot_y))
    return frames, source_paths


def _write_sheet(
    store: ProjectStore, project_id: str, atlas_id: str, sheet: Spritesheet, animations: list[AtlasAnimation]
) -> list[AtlasPage]:
    """Write the pages (PNG + TexturePacker JSON, previews) under files/atlases/<atlasId>/; their records."""
    folder = store.files_dir(project_id, "atlases", atlas_id)
    files = sheet_files(sheet, base_name=ATLAS_BASE_NAME, animations=animations)
    for file_name, data in files.items():
        store.write_file(folder / file_name, data)
    return [
        AtlasPage(
            image_path=store.relative(folder / page_image_name(ATLAS_BASE_NAME, p)),
            data_path=store.relative(folder / page_data_name(ATLAS_BASE_NAME, p)),
            size=Size(w=sheet.pages[p].shape[1], h=sheet.pages[p].shape[0]),
        )
        for p in range(len(sheet.pages))
    ]


def atlas_frame(
    frame: SheetFrame,
    *,
    source_path: str | None = None,
    asset_id: str | None = None,
    variant_id: str | None = None,
    spec_id: str | None = None,
) -> AtlasFrame:
    """The atlas record's entry for a packed frame."""
    box = frame.trim
    return AtlasFrame(
        id=frame.name,
        name=frame.name,
        source_path=source_path,
        rect=Rect(x=frame.x_px, y=frame.y_px, w=frame.w_px, h=frame.h_px),
        source_size=Size(w=box.source_w_px, h=box.source_h_px),
        sprite_source_size=Rect(x=box.x_px, y=box.y_px, w=box.w_px, h=box.h_px),
        pivot=Point(x=frame.pivot_x, y=frame.pivot_y),
        rotated=frame.is_rotated,
        trimmed=box.is_trimmed,
        page=frame.page,
        asset_id=asset_id,
        variant_id=variant_id,
        spec_id=spec_id,
    )


def load_sheet(store: ProjectStore, atlas: Atlas) -> Spritesheet:
    """Read a stored atlas's pages back into a ``Spritesheet`` (frames from each page's JSON)."""
    pages = atlas.pages or (
        [AtlasPage(image_path=atlas.image_path, data_path=atlas.data_path, size=Size(w=0, h=0))]
        if atlas.image_path and atlas.data_path
        else []
    )
    if not pages:
        raise NotFound(f"atlas {atlas.id!r} has no image/data files recorded; pack it first")
    images: list[np.ndarray] = []
    frames = []
    for number, page in enumerate(pages):
        images.append(read_rgba(store.resolve(page.image_path)))
        page_frames, _, _ = read_atlas_json(read_json(store.resolve(page.data_path)), page=number)
        frames += page_frames
    order = {f.id: i for i, f in enumerate(atlas.frames)}
    frames.sort(key=lambda f: order.get(f.name, len(order)))
    settings = PackSettings.model_validate(atlas.pack_settings) if atlas.pack_settings else PackSettings()
    return Spritesheet(pages=tuple(images), frames=tuple(frames), settings=settings)


def write_sheet_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) atomically into ``out_dir`` (for the CLI's --out); returns the paths."""
    written = []
    for name, data in files.items():
        path = Path(out_dir) / name
        write_bytes_atomic(path, data)
        written.append(path)
    return written


def pack_atlas(
    store: ProjectStore, project_id: str, request: AtlasPackInput, *, job_id: str | None = None
) -> AtlasPackOutput:
    """What an ``atlas_pack`` job does: pack the frames (by asset/variant, then by stored path) into atlas
    ``atlasId``, store it and the specs whose animation it records."""
    settings = request.pack_settings(where=f"atlas {request.atlas_id} pack settings")
    sources = [FrameSource(asset_id=f.asset_id, variant_id=f.variant_id, name=f.name) for f in request.frames]
    sources += [frame_source_from_path(p, project_id) for p in request.frame_paths]
    built = build_atlas(
        store,
        project_id,
        request.atlas_id,
        sources,
        settings=settings,
        fps=request.fps,
        loop=request.loop,
        job_id=job_id,
    )
    for spec in built.specs:
        store.write(project_id, "specs", spec)
    atlas = built.atlas
    return AtlasPackOutput(
        atlas_id=atlas.id,
        atlas_image_path=atlas.image_path,
        atlas_data_path=atlas.data_path,
        frames=len(atlas.frames),
        animations=[a.name for a in atlas.animations],
    )
