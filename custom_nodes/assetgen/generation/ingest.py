"""Ingest generated variants into the project store: files under files/images/<assetId>/ and the asset record.

Ingesting the same job twice (a crashed worker's job run again) overwrites the same files and the
same version instead of adding duplicates: file names derive from variant ids, the version id from
the job id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput
from assetgen.generation.variant_metadata import VariantMetadata
from assetgen.image_files import decode_rgba
from assetgen.imaging.seams import measure_seams
from assetgen.models import Asset, AssetVersion, Variant
from assetgen.models.generation import GenerationPlan
from assetgen.store import (
    ProjectStore,
    SignedCache,
    dump_json,
    dump_json_appending,
    file_signature,
    read_json,
    write_bytes_atomic,
)


@dataclass(frozen=True)
class GeneratedVariant:
    """One image as it came back from ComfyUI."""

    metadata: VariantMetadata
    png: bytes
    preview: bytes | None = None


def version_generation_record(
    plan: GenerationPlan, *, job_id: str | None, prompt_ids: Sequence[str], backend: str | None
) -> dict[str, Any]:
    """The ``generation`` block of an asset version: every resolved choice, frozen."""
    return {
        "jobId": job_id,
        "promptIds": list(prompt_ids),
        "templateId": plan.template_id,
        "checkpoint": plan.checkpoint.model_dump(mode="json"),
        "loras": [lora.model_dump(mode="json") for lora in plan.loras],
        "resolverExplanation": [d.model_dump(mode="json") for d in plan.lora_decisions],
        "prompt": plan.prompt.model_dump(mode="json"),
        "promptCompileTrace": [f.model_dump(mode="json") for f in plan.prompt_trace],
        "promptPackageHash": plan.prompt_package_hash,
        "seedPolicy": {"mode": plan.seed_policy},
        "effectiveSeed": plan.seeds[0],
        "seeds": list(plan.seeds),
        **plan.sampling(),
        "tiling": plan.tiling.model_dump(mode="json") if plan.tiling is not None else None,
        "comfyui": {"backend": backend},
    }


def seam_record(image: np.ndarray, axes: str) -> dict[str, Any]:
    """What a tileable variant records about its seam: ratio per axis, full-bleed, the measures."""
    measures = measure_seams(image, axes)
    return {
        **{m.axis: round(m.ratio, 4) for m in measures},
        "fullBleed": all(m.is_full_bleed for m in measures),
        "axes": [m.as_dict() for m in measures],
    }


def ingest_variants(
    store: ProjectStore,
    plan: GenerationPlan,
    variants: Sequence[GeneratedVariant],
    *,
    version_id: str,
    job_id: str | None = None,
    prompt_ids: Sequence[str] = (),
    backend: str | None = None,
) -> dict[str, Any]:
    """Write originals and previews, add (or replace) the asset version; returns the generate job output."""
    if not variants:
        raise InvalidInput(f"nothing to ingest for spec {plan.spec_id!r}: ComfyUI returned no images")
    project, asset_id = plan.project_id, plan.asset_id
    records = []
    for item in variants:
        meta = item.metadata
        if (meta.project_id, meta.asset_id) != (project, asset_id):
            raise InvalidInput(
                f"variant {meta.variant_id} belongs to {meta.project_id}/{meta.asset_id}, not {project}/{asset_id}"
            )
        image = decode_rgba(item.png, name=f"variant {meta.variant_id}")  # refuse a damaged download
        seam = seam_record(image, plan.tiling.axes) if plan.tiling is not None else None
        original = store.write_file(
            store.image_path(project, asset_id, "original", meta.variant_id), item.png
        )
        preview = None
        if item.preview:
            preview = store.write_file(
                store.image_path(project, asset_id, "preview", meta.variant_id, suffix=".webp"), item.preview
            )
        records.append(
            Variant(
                id=meta.variant_id,
                original_path=original,
                preview_path=preview,
                seed=meta.seed,
                status="candidate",
                metadata=meta.model_dump(mode="json"),
                seam=seam,
            )
        )

    now = now_iso()
    version = AssetVersion(
        id=version_id,
        created_at=now,
        status="review",
        variants=records,
        generation=version_generation_record(plan, job_id=job_id, prompt_ids=prompt_ids, backend=backend),
    )
    add_version(store, project, asset_id, plan.spec_id, version, now=now)
    first = records[0]
    return {
        "assetId": asset_id,
        "assetVersionId": version_id,
        "variantIds": [r.id for r in records],
        "primaryVariantId": first.id,
        "originalPath": first.original_path,
        "originalPaths": [r.original_path for r in records],
        "previewPaths": [r.preview_path for r in records],
        "originalsDir": first.original_path.rsplit("/", 1)[0],
        "effectiveSeed": plan.seeds[0],
        "seeds": [r.seed for r in records],
        "promptIds": list(prompt_ids),
        "promptId": prompt_ids[0] if prompt_ids else None,
        "promptPackageHash": plan.prompt_package_hash,
        "checkpoint": plan.checkpoint.id,
        "loras": [lora.lora_id for lora in plan.loras],
    }


def add_version(
    store: ProjectStore, project_id: str, asset_id: str, spec_id: str, version: AssetVersion, *, now: str
) -> None:
    """Add ``version`` to the asset record (replacing one with its id), creating the record if needed.

    An asset record holds every version it ever had (the origin's format: about 4-6 KB a version), so
    parsing and re-serialising all of them made each ingest cost grow with the asset's history (at 80
    versions, 520 KB, 1.4 ms to parse and 0.9 ms to dump). This process keeps the text it last wrote,
    with the file's signature: the next ingest into the same asset, by far the common case, splices the
    new version into that text (the same bytes as a full dump) without parsing or dumping the others.
    A record changed since (the gallery, a person) is read and written whole, its other keys kept."""
    path = store.record_path(project_id, "assets", asset_id)
    with store.lock(project_id, "assets", asset_id):  # the gallery may be editing the same record
        if not path.is_file():
            asset = Asset(
                id=asset_id,
                project_id=project_id,
                spec_id=spec_id,
                created_at=now,
                updated_at=now,
                versions=[version],
            )
            store.write(project_id, "assets", asset)
            return
        item = version.model_dump(mode="json")
        written = _WRITTEN.get(path, file_signature(path))
        text = None
        if written is not None and version.id not in written.version_ids:
            head = {**written.head, "updatedAt": now}
            text = dump_json_appending(written.text, head, "versions", item)
            ids = written.version_ids | {version.id}
        if text is None:
            data = _read_asset(path)
            kept = [v for v in data["versions"] if not (isinstance(v, dict) and v.get("id") == version.id)]
            # ``versions`` goes last (as the origin writes it) so that the next version can be spliced in.
            head = {**{k: v for k, v in data.items() if k != "versions"}, "updatedAt": now}
            text = dump_json({**head, "versions": [*kept, item]})
            ids = frozenset(v.get("id") for v in kept if isinstance(v, dict)) | {version.id}
        write_bytes_atomic(path, text)
        _WRITTEN.put(path, file_signature(path), _WrittenRecord(text, head, ids))


@dataclass(frozen=True)
class _WrittenRecord:
    """An asset record as this process last wrote it: what splicing the next version in needs."""

    text: bytes
    head: dict[str, Any]  # the top-level keys but ``versions`` (the last), in order
    version_ids: frozenset[Any]


# asset record path -> the record as this process last wrote it, by file signature.
_WRITTEN: SignedCache[Path, _WrittenRecord] = SignedCache(32)


def _read_asset(path: Path) -> dict[str, Any]:
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("versions"), list):
        raise InvalidInput(f"{path}: not an asset record (it needs a versions list)")
    return data
