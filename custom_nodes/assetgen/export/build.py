"""The ``export`` step over a project: read an atlas (or an asset's chosen images), run a profile, write the bundle.

``build_export(store, project_id, target_id, profile=...)`` returns a ``Bundle`` (path -> bytes + Manifest)
and writes nothing; ``write_export`` stores it under files/exports/<exportId>/ with an exports/<exportId>.json
record; ``write_bundle_to`` writes it into any folder (the CLI's --out).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from pathlib import Path

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.export import EXPORTERS, get_exporter
from assetgen.export.bundle import Bundle, ExportRequest, FrameLink, PixelArtExport
from assetgen.image_files import read_rgba
from assetgen.imaging.spritesheet import SpriteFrame, Spritesheet, build_spritesheet
from assetgen.models.asset import Asset, Variant
from assetgen.models.atlas import Atlas, AtlasAnimation, PackSettings
from assetgen.models.export import ExportProfile, ExportRecord
from assetgen.models.job import ExportInput, ExportOutput
from assetgen.models.spec import AssetSpec
from assetgen.post.animation import numbered_frame_names
from assetgen.post.atlas_build import load_sheet
from assetgen.store import ProjectStore, write_bytes_atomic

log = logging.getLogger(__name__)


def resolve_profile(store: ProjectStore, project_id: str, profile: str) -> ExportProfile:
    """An export-profiles/<id>.json record of the project, or a bare profile of type ``profile``."""
    if store.exists(project_id, "export-profiles", profile):
        record: ExportProfile = store.read(project_id, "export-profiles", profile)
        return record
    if profile in EXPORTERS:
        return ExportProfile(id=profile, project_id=project_id, name=profile, type=profile)  # type: ignore[arg-type]
    known = store.list_ids(project_id, "export-profiles")
    raise InvalidInput(
        f"unknown export profile {profile!r} in project {project_id!r}; use a profile type "
        f"{sorted(EXPORTERS)} or a profile id {known}"
    )


def chosen_variants(asset: Asset, *, is_multi_frame: bool = False) -> list[Variant]:
    """The images an asset export carries, in version and variant order. Multi-frame assets (animations, UI
    states): the non-rejected variants of the latest approved version. Otherwise approved versions' primary
    variants, else selected variants, else every variant with an alpha image."""
    approved = [v for v in asset.versions if v.status == "approved"]
    if is_multi_frame and approved:
        frames = [v for v in approved[-1].variants if v.status != "rejected"]
        if frames:
            return frames
    by_id = {v.id: v for _, v in asset.iter_variants()}
    primary = [
        by_id[version.primary_variant_id]
        for version in asset.versions
        if version.status == "approved" and version.primary_variant_id in by_id
    ]
    if primary:
        return primary
    approved_variants = [v for _, v in asset.approved_variants()]
    if approved_variants:
        return approved_variants
    with_alpha = [v for _, v in asset.iter_variants() if v.alpha_path]
    if with_alpha:
        return with_alpha
    raise InvalidInput(
        f"asset {asset.id!r} has no approved primary, selected or background-removed variant to export; "
        "approve a variant or run bg_remove first"
    )


def _spec(store: ProjectStore, project_id: str, spec_id: str | None) -> AssetSpec | None:
    if spec_id and store.exists(project_id, "specs", spec_id):
        spec: AssetSpec = store.read(project_id, "specs", spec_id)
        return spec
    return None


def _ui_entries(spec: AssetSpec | None, frames: list[str], name: str) -> list[dict[str, object]]:
    if (
        spec is None
        or spec.output is None
        or spec.output.kind != "ui_states"
        or spec.output.ui_states is None
    ):
        return []
    states = spec.output.ui_states.states
    kind = "icon" if "icon" in spec.asset_type else "button"
    return [{"name": name, "type": kind, "states": dict(zip(states, frames, strict=False))}]


def _asset_sheet(
    store: ProjectStore, project_id: str, asset: Asset, profile: ExportProfile
) -> tuple[Spritesheet, list[AtlasAnimation], dict[str, FrameLink], list[dict[str, object]]]:
    spec = _spec(store, project_id, asset.spec_id)
    is_multi_frame = bool(spec and spec.output and spec.output.kind in ("animation", "ui_states"))
    variants = chosen_variants(asset, is_multi_frame=is_multi_frame)
    anim = spec.output.animation if spec and spec.output and spec.output.animation else None
    prefix = anim.name if anim and anim.name else asset.id
    names = numbered_frame_names(prefix, len(variants)) if len(variants) > 1 else [prefix]
    frames = [
        SpriteFrame(name, read_rgba(store.resolve(v.pixel_path or v.alpha_path or v.original_path)))
        for name, v in zip(names, variants, strict=True)
    ]
    settings = PackSettings(padding_px=profile.options.padding, trim=profile.options.trim)
    sheet = build_spritesheet(frames, settings=settings)
    animations = []
    if len(frames) > 1 and (spec is None or spec.output is None or spec.output.kind != "ui_states"):
        animations.append(
            AtlasAnimation(
                name=prefix, frames=names, fps=anim.fps if anim else 12, loop=anim.loop if anim else True
            )
        )
    links = {
        name: FrameLink(
            asset_id=asset.id,
            variant_id=v.id,
            spec_id=asset.spec_id,
            job_id=v.processing.bg_remove.job_id if v.processing and v.processing.bg_remove else None,
            tags=tuple(v.tags),
        )
        for name, v in zip(names, variants, strict=True)
    }
    return sheet, animations, links, _ui_entries(spec, names, asset.id)


def _atlas_links(store: ProjectStore, project_id: str, atlas: Atlas) -> dict[str, FrameLink]:
    links: dict[str, FrameLink] = {}
    assets: dict[str, Asset | None] = {}
    for frame in atlas.frames:
        variant_tags: tuple[str, ...] = ()
        job_id = None
        if frame.asset_id:
            if frame.asset_id not in assets:
                exists = store.exists(project_id, "assets", frame.asset_id)
                assets[frame.asset_id] = store.read(project_id, "assets", frame.asset_id) if exists else None
            asset = assets[frame.asset_id]
            if asset is not None and frame.variant_id:
                for _, variant in asset.iter_variants():
                    if variant.id == frame.variant_id:
                        variant_tags = tuple(variant.tags)
                        bg = variant.processing.bg_remove if variant.processing else None
                        job_id = bg.job_id if bg else None
        links[frame.name or frame.id] = FrameLink(
            asset_id=frame.asset_id,
            variant_id=frame.variant_id,
            spec_id=frame.spec_id,
            job_id=job_id,
            tags=variant_tags,
        )
    return links


def pixel_art_export(
    store: ProjectStore,
    project_id: str,
    links: Mapping[str, FrameLink],
    *,
    packed_paths: Mapping[str, str | None] | None = None,
) -> PixelArtExport | None:
    """Pixel-art export settings when every linked frame is a pixelated variant, else None.

    ``packed_paths`` (frame name -> the image an atlas packed) must then name each variant's pixel
    image: an atlas packed before its variants were pixelated is not exported as pixel art."""
    records = []
    assets: dict[str, Asset] = {}
    for name, link in links.items():
        if not link.asset_id or not link.variant_id or not store.exists(project_id, "assets", link.asset_id):
            return None
        if link.asset_id not in assets:
            assets[link.asset_id] = store.read(project_id, "assets", link.asset_id)
        variant = next(
            (
                v
                for version in assets[link.asset_id].versions
                for v in version.variants
                if v.id == link.variant_id
            ),
            None,
        )
        record = variant.processing.pixelate if variant and variant.processing else None
        if record is None or not variant or not variant.pixel_path:
            return None
        if packed_paths is not None and packed_paths.get(name) != variant.pixel_path:
            return None
        records.append(record)
    if not records:
        return None
    return PixelArtExport(pixels_per_unit=max(max(r.size.w, r.size.h) for r in records))


def _with_names(request: ExportRequest, prefix: str, suffix: str) -> ExportRequest:
    """The request with every frame name wrapped in the profile's name prefix and suffix."""
    if not prefix and not suffix:
        return request

    def rename(name: str) -> str:
        return f"{prefix}{name}{suffix}"

    sheet = dataclasses.replace(
        request.sheet, frames=tuple(dataclasses.replace(f, name=rename(f.name)) for f in request.sheet.frames)
    )
    animations = tuple(
        a.model_copy(update={"frames": [rename(n) for n in a.frames]}) for a in request.animations
    )
    links = {rename(k): v for k, v in request.links.items()}
    ui = tuple(
        {**item, "states": {s: rename(str(n)) for s, n in dict(item.get("states", {})).items()}}  # type: ignore[call-overload]
        for item in request.ui
    )
    return dataclasses.replace(request, sheet=sheet, animations=animations, links=links, ui=ui)


def export_request(
    store: ProjectStore,
    project_id: str,
    target_id: str,
    *,
    profile: str,
    export_id: str | None = None,
    created_at: str | None = None,
) -> ExportRequest:
    """Read what an export of ``target_id`` (an atlas id, else an asset id) needs from the store."""
    store.read_project(project_id)
    export_profile = resolve_profile(store, project_id, profile)
    if export_profile.options.scale != 1:
        log.warning(
            "project=%s profile=%s scale=%s is not applied: exports keep the packed pixel size",
            project_id,
            export_profile.id,
            export_profile.options.scale,
        )
    ui: list[dict[str, object]] = []
    if store.exists(project_id, "atlases", target_id):
        atlas: Atlas = store.read(project_id, "atlases", target_id)
        sheet = load_sheet(store, atlas)
        animations = list(atlas.animations)
        links = _atlas_links(store, project_id, atlas)
        packed_paths: dict[str, str | None] | None = {f.name or f.id: f.source_path for f in atlas.frames}
        atlas_job_id = atlas.job_id
        for asset_id in atlas.asset_ids:
            if store.exists(project_id, "assets", asset_id):
                asset: Asset = store.read(project_id, "assets", asset_id)
                frames = [f.name or f.id for f in atlas.frames if f.asset_id == asset_id]
                ui += _ui_entries(_spec(store, project_id, asset.spec_id), frames, asset_id)
    elif store.exists(project_id, "assets", target_id):
        asset = store.read(project_id, "assets", target_id)
        sheet, animations, links, ui = _asset_sheet(store, project_id, asset, export_profile)
        packed_paths = None  # packed just now, from each variant's pixel image when it has one
        atlas_job_id = None
    else:
        raise NotFound(
            f"project {project_id!r} has no atlas or asset {target_id!r} "
            f"(atlases: {store.list_ids(project_id, 'atlases')[:10]}, assets: {store.list_ids(project_id, 'assets')[:10]})"
        )
    request = ExportRequest(
        export_id=export_id or f"{target_id}-{export_profile.type}",
        project_id=project_id,
        profile=export_profile,
        atlas_id=target_id,
        base_name=target_id,
        sheet=sheet,
        animations=tuple(animations),
        links=links,
        atlas_job_id=atlas_job_id,
        ui=tuple(ui),
        created_at=created_at or now_iso(),
        pixel_art=pixel_art_export(store, project_id, links, packed_paths=packed_paths),
    )
    return _with_names(request, export_profile.options.name_prefix, export_profile.options.name_suffix)


def build_export(
    store: ProjectStore,
    project_id: str,
    target_id: str,
    *,
    profile: str,
    export_id: str | None = None,
    created_at: str | None = None,
) -> Bundle:
    """The bundle of ``target_id`` (atlas or asset id) for ``profile`` (a type like ``unity`` or an
    export-profile id); writes nothing. The export id defaults to ``<target>-<type>`` so re-runs overwrite."""
    request = export_request(
        store, project_id, target_id, profile=profile, export_id=export_id, created_at=created_at
    )
    bundle = get_exporter(request.profile.type)(request)
    log.info(
        "project=%s export=%s target=%s profile=%s files=%d",
        project_id,
        request.export_id,
        target_id,
        request.profile.type,
        len(bundle.files) + 1,
    )
    return bundle


def write_bundle_to(folder: Path, bundle: Bundle) -> list[Path]:
    """Write the bundle's files and manifest.json into ``folder`` (atomically each); returns the paths."""
    written = []
    for relative, data in bundle.all_files().items():
        if relative.startswith("/") or ".." in relative.split("/"):
            raise InvalidInput(f"bundle path {relative!r} leaves the bundle folder")
        path = Path(folder) / relative
        write_bytes_atomic(path, data)
        written.append(path)
    return written


def write_export(
    store: ProjectStore, project_id: str, bundle: Bundle, *, target_id: str, job_id: str | None = None
) -> ExportRecord:
    """Store ``bundle`` under files/exports/<exportId>/ and write exports/<exportId>.json (status succeeded)."""
    manifest = bundle.manifest
    folder = store.files_dir(project_id, "exports", manifest.id)
    for relative, data in bundle.all_files().items():
        store.write_file(folder / relative, data)
    previous = (
        store.read(project_id, "exports", manifest.id)
        if store.exists(project_id, "exports", manifest.id)
        else None
    )
    now = now_iso()
    is_atlas = store.exists(project_id, "atlases", target_id)
    record = ExportRecord(
        id=manifest.id,
        project_id=project_id,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        type=manifest.profile,
        status="succeeded",
        input={
            "assetIds": [] if is_atlas else [target_id],
            "atlasIds": [target_id] if is_atlas else [],
            "profileId": manifest.profile_id,
            "jobId": job_id,
        },
        output={
            "exportPath": store.relative(folder),
            "manifestPath": store.relative(folder / "manifest.json"),
            "files": [f.path for f in manifest.files],
        },
    )
    store.write(project_id, "exports", record)
    return record


def export_targets(
    store: ProjectStore, project_id: str, request: ExportInput, *, job_id: str | None = None
) -> ExportOutput:
    """What an ``export`` job does: one stored bundle per target (atlases first, then assets) for the profile;
    ``exportId`` applies only when there is a single target."""
    targets = [*request.atlas_ids, *request.asset_ids]
    if not targets:
        raise InvalidInput("an export job needs atlasIds or assetIds")
    exports = []
    for target in targets:
        export_id = request.export_id if len(targets) == 1 else None
        bundle = build_export(store, project_id, target, profile=request.profile_id, export_id=export_id)
        record = write_export(store, project_id, bundle, target_id=target, job_id=job_id)
        exports.append({"exportId": record.id, **record.output})
    return ExportOutput(
        exports=exports,
        export_path=exports[0].get("exportPath"),
        manifest_path=exports[0].get("manifestPath"),
    )
