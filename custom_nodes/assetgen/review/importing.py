"""Import existing art (drawn by hand, bought, from another tool) into an asset, like a generate run.

Each file is decoded and validated (``image_files.read_rgba``: a real PNG/WebP/JPEG..., at most
``MAX_IMPORT_BYTES`` and ``MAX_PIXELS``), re-encoded as PNG into
``files/images/<assetId>/original/<variantId>.png`` with a WebP preview, and added to
``assets/<assetId>.json`` as a new version (status ``review``) whose variants are candidates. The asset's
``provenance`` (source, author, license, url) records where the art comes from. From there the variants
are reviewed, background-removed, packed and exported exactly like generated ones.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput
from assetgen.ids import new_ulid, validate_id
from assetgen.image_files import MAX_PIXELS, encode_png, encode_webp, read_rgba
from assetgen.models import Asset, AssetVersion, Provenance, Variant
from assetgen.store import ProjectStore

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 64 * 2**20
MAX_IMPORT_FILES = 1024


def import_images(
    store: ProjectStore,
    project_id: str,
    files: Sequence[Path],
    *,
    asset_id: str,
    spec_id: str | None = None,
    provenance: Provenance | None = None,
    version_id: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> dict[str, Any]:
    """Copy ``files`` (in order) into a new review version of ``asset_id``; returns ids and stored paths.

    Every file is validated before anything is written, so a bad file imports nothing.
    """
    store.read_project(project_id)
    validate_id(asset_id, what="asset id")
    if spec_id is not None:
        store.read(project_id, "specs", spec_id)  # NotFound names the spec
    if not files:
        raise InvalidInput("nothing to import: name at least one image file")
    if len(files) > MAX_IMPORT_FILES:
        raise InvalidInput(f"at most {MAX_IMPORT_FILES} files per import, got {len(files)}")
    version_id = validate_id(version_id, what="version id") if version_id else new_ulid()
    images = []
    for path in map(Path, files):
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InvalidInput(f"{path}: {size} bytes is over the import limit of {max_bytes} bytes")
        images.append((path, read_rgba(path, max_pixels=max_pixels)))

    variants = []
    for index, (path, rgba) in enumerate(images, start=1):
        variant_id = f"{version_id}-{index:03d}"
        original = store.write_file(
            store.image_path(project_id, asset_id, "original", variant_id), encode_png(rgba)
        )
        preview = store.write_file(
            store.image_path(project_id, asset_id, "preview", variant_id, suffix=".webp"), encode_webp(rgba)
        )
        variants.append(
            Variant(
                id=variant_id,
                original_path=original,
                preview_path=preview,
                status="candidate",
                metadata={
                    "importedFrom": path.name,
                    "width": int(rgba.shape[1]),
                    "height": int(rgba.shape[0]),
                },
            )
        )
    now = now_iso()
    version = AssetVersion(
        id=version_id,
        created_at=now,
        status="review",
        variants=variants,
        generation={"source": "import", "files": [path.name for path, _ in images]},
    )
    with store.lock(project_id, "assets", asset_id):
        if store.exists(project_id, "assets", asset_id):
            asset: Asset = store.read(project_id, "assets", asset_id)
            if spec_id is not None and asset.spec_id not in (None, spec_id):
                raise InvalidInput(
                    f"asset {asset_id!r} belongs to spec {asset.spec_id!r}, not {spec_id!r}; import into "
                    "another asset id"
                )
        else:
            asset = Asset(id=asset_id, project_id=project_id, created_at=now, versions=[])
        asset.spec_id = asset.spec_id or spec_id
        asset.versions = [*(v for v in asset.versions if v.id != version_id), version]
        if provenance is not None:
            current = asset.provenance.model_dump(exclude_none=True) if asset.provenance else {}
            asset.provenance = Provenance(**{**current, **provenance.model_dump(exclude_none=True)})
        asset.updated_at = now
        store.write(project_id, "assets", asset)
    log.info(
        "imported project=%s asset=%s version=%s files=%d", project_id, asset_id, version_id, len(variants)
    )
    return {
        "assetId": asset_id,
        "assetVersionId": version_id,
        "variantIds": [v.id for v in variants],
        "originalPaths": [v.original_path for v in variants],
        "previewPaths": [v.preview_path for v in variants],
        "provenance": asset.provenance.model_dump(mode="json") if asset.provenance else None,
    }
