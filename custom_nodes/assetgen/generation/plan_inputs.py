"""What planning reads of a project besides the spec, read once and kept while the files are unchanged.

Every generate job is planned (the worker freezes the plan when it claims the job), and planning reads
the project file, every checkpoint and LoRA record, the baseline profiles and five catalogs: about a
millisecond of parsing and validation per job, the largest single share of the worker's time per job
once ComfyUI is fast. Between two jobs these files rarely change, so the parsed records are kept with
the stat signature (mtime, size, inode) of every file they came from and of the folders listed; a
store write replaces the file (a new inode), so any change is seen on the next plan.

The records handed out are shared between plans: planning only reads them (callers must not change them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assetgen.errors import NotFound
from assetgen.models import AssetSpec
from assetgen.models.project import Project
from assetgen.store import LEGACY_BASELINE_FILE, ProjectStore, SignedCache, file_signature

# Catalog file -> the field holding its entries.
CATALOG_FIELDS = {
    "asset-types": "asset_types",
    "styles": "styles",
    "scenarios": "scenarios",
    "palettes": "palettes",
    "tags": "groups",
}
_RECORD_FOLDERS = ("checkpoints", "loras", "baseline-profiles")
_MAX_ENTRIES = 64  # (data root, project) pairs kept; a server with more projects re-reads the oldest

Signature = tuple[Any, ...]


@dataclass(frozen=True)
class PlanInputs:
    """A project's planning inputs (besides the spec): records by folder and catalog entries by name.

    A catalog the project lacks is None (planning without asset types is an error, the others are empty)."""

    project: Project
    checkpoints: list[Any]
    loras: list[Any]
    baseline_profiles: list[Any]
    catalogs: dict[str, list[Any] | None]

    def catalog(self, name: str) -> list[Any]:
        """A catalog's entries, [] when the project has no such catalog file."""
        return self.catalogs.get(name) or []

    def baseline_profile(self, baseline_id: str) -> Any:
        """One baseline profile by id (a ``baseline-profiles/`` file wins over the legacy root file)."""
        for profile in self.baseline_profiles:
            if profile.id == baseline_id:
                return profile
        raise NotFound(f"baseline profile {baseline_id!r} not found in project {self.project.id!r}")


_inputs: SignedCache[tuple[Path, str], PlanInputs] = SignedCache(_MAX_ENTRIES)
_specs: SignedCache[Path, AssetSpec] = SignedCache(16 * _MAX_ENTRIES)


def read_plan_inputs(store: ProjectStore, project_id: str) -> PlanInputs:
    """The project's planning inputs, parsed again only when one of their files or folders changed."""
    key = (store.root, project_id)
    signature = _signature(store, project_id)
    hit = _inputs.get(key, signature)
    if hit is not None:
        return hit
    project = store.read_project(project_id)
    catalogs: dict[str, list[Any] | None] = {}
    for name, field in CATALOG_FIELDS.items():
        try:
            catalogs[name] = list(getattr(store.read_catalog(project_id, name), field))
        except NotFound:
            catalogs[name] = None
    inputs = PlanInputs(
        project=project,
        checkpoints=list(store.iter_records(project_id, "checkpoints")),
        loras=list(store.iter_records(project_id, "loras")),
        baseline_profiles=store.baseline_profiles(project_id),
        catalogs=catalogs,
    )
    # Read after the signature: a file changed in between makes the next call read again, never keeps
    # an old record under a new signature.
    _inputs.put(key, signature, inputs)
    return inputs


def read_spec(store: ProjectStore, project_id: str, spec_id: str) -> AssetSpec:
    """A spec as planning reads it: parsed again only when its file changed (shared: do not change it)."""
    path = store.record_path(project_id, "specs", spec_id)
    try:
        signature = file_signature(path)
    except FileNotFoundError:
        return store.read(project_id, "specs", spec_id)  # raises the store's "not found"
    hit = _specs.get(path, signature)
    if hit is not None:
        return hit
    spec: AssetSpec = store.read(project_id, "specs", spec_id)
    _specs.put(path, signature, spec)
    return spec


def _signature(store: ProjectStore, project_id: str) -> Signature:
    """Stat signatures of every file planning reads and of each record folder's entries (plain ``os``
    calls on strings: this runs for every plan, and pathlib's joins cost more than the stats)."""
    base = str(store.project_dir(project_id))
    files = [f"{base}/project.json", f"{base}/{LEGACY_BASELINE_FILE}"]
    files += [f"{base}/catalogs/{name}.json" for name in CATALOG_FIELDS]
    parts: list[Any] = []
    for path in files:
        try:
            parts.append(file_signature(path))
        except (FileNotFoundError, NotADirectoryError):
            parts.append(None)
    for folder in _RECORD_FOLDERS:
        try:
            entries = sorted(
                (entry.name, file_signature(entry.path))
                for entry in os.scandir(f"{base}/{folder}")
                if entry.name.endswith(".json")
            )
        except (FileNotFoundError, NotADirectoryError):
            entries = []
        parts.append(tuple(entries))
    return tuple(parts)
