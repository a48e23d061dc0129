"""AssetSpecs as people browse and edit them: every spec with its verdict, and saving an edited spec.

Validity and readiness come from ``assetgen.specs.validation``; this module only pairs them with the
records and guards writes (ids match the path, references resolve, timestamps are kept honest).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from assetgen.clock import now_iso
from assetgen.errors import AssetgenError, InvalidInput
from assetgen.ids import validate_id
from assetgen.models import AssetSpec
from assetgen.models.base import parse_model
from assetgen.specs.project_context import load_project_context
from assetgen.specs.validation import SpecCheck, SpecProblem, check_spec, check_spec_references
from assetgen.store import ProjectStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpecEntry:
    """One spec file: the parsed spec (None when unreadable) and its verdict."""

    spec: AssetSpec | None
    check: SpecCheck

    def as_dict(self) -> dict[str, Any]:
        return {**self.check.as_dict(), "spec": self.spec.model_dump(mode="json") if self.spec else None}


def list_spec_entries(store: ProjectStore, project_id: str) -> list[SpecEntry]:
    """Every spec of ``project_id`` (sorted by id) with validity and readiness; unreadable files included."""
    context = load_project_context(store, project_id)
    entries = []
    for spec_id in store.list_ids(project_id, "specs"):
        path = store.relative(store.record_path(project_id, "specs", spec_id))
        try:
            spec: AssetSpec = store.read(project_id, "specs", spec_id)
        except AssetgenError as exc:
            problem = SpecProblem("(file)", " ".join(str(exc).split()))
            entries.append(SpecEntry(None, SpecCheck(spec_id=spec_id, path=path, errors=(problem,))))
            continue
        entries.append(SpecEntry(spec, check_spec(spec, context, expected_id=spec_id, path=path)))
    return entries


def save_spec(store: ProjectStore, project_id: str, spec_id: str, data: Any) -> AssetSpec:
    """Create or replace specs/<spec_id>.json with ``data`` (an AssetSpec as JSON); atomic.

    ``id`` and ``projectId`` must equal the path's; everything the spec names (asset type, style,
    scenario, palettes, checkpoint, profiles, LoRAs) must exist in the project. Unknown fields are
    kept; ``createdAt`` of an existing spec is kept and ``updatedAt`` set to now. Readiness is not
    required (a draft may be incomplete). Raises NotFound (project) or InvalidInput.
    """
    context = load_project_context(store, project_id)
    validate_id(spec_id, what="spec id")
    if not isinstance(data, dict):
        raise InvalidInput(f"spec {spec_id!r} must be a JSON object, got {type(data).__name__}")
    spec = parse_model(AssetSpec, data, where=f"spec {spec_id!r}")
    if spec.id != spec_id:
        raise InvalidInput(f"body id {spec.id!r} differs from the spec id in the path {spec_id!r}")
    if spec.project_id != project_id:
        raise InvalidInput(f"body projectId {spec.project_id!r} differs from the project in the path")
    errors, _ = check_spec_references(spec, context, expected_id=spec_id)
    if errors:
        raise InvalidInput(f"spec {spec_id!r}: " + "; ".join(f"{e.field}: {e.message}" for e in errors))
    now = now_iso()
    spec.created_at = _stored_created_at(store, project_id, spec_id) or spec.created_at or now
    spec.updated_at = now
    store.write(project_id, "specs", spec)
    log.info("saved spec project=%s spec=%s status=%s", project_id, spec_id, spec.status)
    return spec


def _stored_created_at(store: ProjectStore, project_id: str, spec_id: str) -> str | None:
    """``createdAt`` of the spec on disk; None when there is none or it is unreadable (being replaced)."""
    try:
        stored: AssetSpec = store.read(project_id, "specs", spec_id)
    except AssetgenError:
        return None
    return stored.created_at
