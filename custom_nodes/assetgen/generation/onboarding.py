"""Checkpoint onboarding: the checkpoints a project names, which are onboarded, and writing the record.

A freshly seeded AssetGenerator project has no ``checkpoints/`` folder, yet its specs, baseline
profiles and policies (``checkpointProfiles``, ``checkpointBaselineMap``, ``tagPromptMap``) already
name checkpoints. Such a name is *pending*: the project stays usable, prompts can be explained in the
checkpoint's dialect, and only generation refuses until ``assetgen checkpoint add`` writes
``checkpoints/<id>.json`` (the ComfyUI file name in ``weights.path``, its sha256, the supported asset
types and the prompt profile).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assetgen.clock import now_iso
from assetgen.errors import AssetgenError, Conflict, InvalidInput
from assetgen.generation.file_hashes import sha256_file
from assetgen.generation.model_files import find_model_file, verify_checkpoint_file
from assetgen.ids import validate_id
from assetgen.models import BaselineProfile, Checkpoint, Project
from assetgen.models.base import mark_from_file
from assetgen.models.registry import WeightsRef
from assetgen.store import ProjectStore

_SHA256 = re.compile(r"\b([0-9a-fA-F]{64})\b")


def named_checkpoint_ids(project: Project, baselines: Iterable[BaselineProfile] = ()) -> dict[str, list[str]]:
    """Checkpoint id -> where the project names it, sorted by id.

    The project's policies decide which ids are named (a checkpoint the policies know is expected to be
    onboarded); baseline profiles only add where else an id already named appears, so a typo in a
    baseline's ``checkpointId`` stays an error of ``project check``.
    """
    named: dict[str, list[str]] = {}
    policies = project.policies
    for where, mapping in (
        ("policies.checkpointProfiles", policies.checkpoint_profiles),
        ("policies.checkpointBaselineMap", policies.checkpoint_baseline_map),
        ("policies.tagPromptMap", policies.tag_prompt_map),
    ):
        for ckpt_id in mapping:
            named.setdefault(ckpt_id, []).append(where)
    for baseline in baselines:
        if baseline.checkpoint_id in named:
            named[baseline.checkpoint_id].append(f"baseline profile {baseline.id}")
    return dict(sorted(named.items()))


def onboard_command(project_id: str, checkpoint_id: str) -> str:
    """The command line that onboards ``checkpoint_id`` (quoted in messages)."""
    return f"assetgen checkpoint add {project_id} <model file> --id {checkpoint_id}"


def not_onboarded_message(project_id: str, checkpoint_id: str) -> str:
    """One line: the checkpoint is named but not onboarded, and how to onboard it."""
    return (
        f"checkpoint {checkpoint_id!r} is named by project {project_id!r} but not onboarded yet "
        f"(no checkpoints/{checkpoint_id}.json): run `{onboard_command(project_id, checkpoint_id)}`"
    )


def pending_checkpoint(checkpoint_id: str) -> Checkpoint:
    """A stand-in record for a named, not onboarded checkpoint: enough to explain a prompt, never to run."""
    return Checkpoint(id=checkpoint_id, name=checkpoint_id, weights=WeightsRef())


def read_sidecar_sha256(model_file: Path) -> str | None:
    """The sha256 in ``<file>.sha256`` or ``<stem>.sha256`` beside the model file (sha256sum format), or None."""
    for sidecar in (model_file.with_name(model_file.name + ".sha256"), model_file.with_suffix(".sha256")):
        if sidecar.is_file():
            match = _SHA256.search(sidecar.read_text(encoding="utf-8", errors="replace")[:4096])
            if match is None:
                raise InvalidInput(f"{sidecar} holds no sha256 (64 hex digits); fix or delete it")
            return match.group(1).lower()
    return None


@dataclass(frozen=True)
class ModelFileRef:
    """Where an onboarded checkpoint's file is: the name ComfyUI sees and, when here, the file itself."""

    file: str
    path: Path | None


def resolve_model_file(source: str, roots: Sequence[Path], *, allow_paths: bool = True) -> ModelFileRef:
    """A file path inside a models folder, or a file name relative to ``<root>/checkpoints``.

    Without ``allow_paths`` (a request from the network) only names are accepted, never local paths.
    """
    if not source.strip() or len(source) > 1024 or any(ord(ch) < 32 or ord(ch) == 127 for ch in source):
        raise InvalidInput(f"model file {source[:80]!r} is not a usable file name")
    if any(len(part) > 255 for part in source.replace("\\", "/").split("/")):
        raise InvalidInput(f"model file {source[:80]!r}...: a name part is longer than 255 characters")
    candidate = Path(source)
    if allow_paths and (candidate.is_absolute() or candidate.is_file()):
        resolved = candidate.resolve()
        if not resolved.is_file():
            raise InvalidInput(f"model file {source!r} does not exist")
        for root in roots:
            folder = (Path(root) / "checkpoints").resolve()
            if resolved.is_relative_to(folder):
                return ModelFileRef(resolved.relative_to(folder).as_posix(), resolved)
        folders = ", ".join(str(Path(r) / "checkpoints") for r in roots) or "none configured"
        raise InvalidInput(
            f"{source} is not in a models folder ({folders}): ComfyUI could not load it; copy it into one "
            "or point ASSETGEN_MODELS_DIR at its models folder"
        )
    return ModelFileRef(source.replace("\\", "/"), find_model_file(source, roots))


def onboard_checkpoint(
    store: ProjectStore,
    project_id: str,
    source: str,
    *,
    checkpoint_id: str,
    roots: Sequence[Path],
    asset_types: Sequence[str] | None = None,
    profile_id: str | None = None,
    name: str | None = None,
    hash_cache: Path | None = None,
    replace: bool = False,
    allow_paths: bool = True,
    now: str | None = None,
) -> Checkpoint:
    """Write ``checkpoints/<checkpoint_id>.json`` for the model file ``source``; returns the record.

    ``asset_types`` default to every type of the catalog; ``profile_id`` to the profile that
    ``policies.checkpointProfiles[checkpoint_id]`` holds. The sha256 comes from a ``.sha256`` file
    beside the model, else it is computed; a file not found here (a remote ComfyUI's) is recorded
    without one. An existing record is a Conflict unless ``replace``.
    """
    validate_id(checkpoint_id, what="checkpoint id")
    project = store.read_project(project_id)
    if store.exists(project_id, "checkpoints", checkpoint_id) and not replace:
        raise Conflict(f"checkpoint {checkpoint_id!r} is onboarded already in {project_id!r}; use --replace")
    catalog_types = [t.id for t in store.read_catalog(project_id, "asset-types").asset_types]
    types = list(dict.fromkeys(asset_types)) if asset_types else catalog_types
    unknown = [t for t in types if t not in catalog_types]
    if unknown:
        raise InvalidInput(f"unknown asset type(s) {', '.join(unknown)}; known: {', '.join(catalog_types)}")
    policy_profile = project.policies.checkpoint_profiles.get(checkpoint_id)
    if profile_id is None and policy_profile is not None:
        profile_id = policy_profile.profile_id
    if profile_id is not None:
        known = {p.profile_id for p in project.policies.checkpoint_profiles.values()}
        known |= set(store.checkpoint_profile_ids(project_id))
        if profile_id not in known:
            raise InvalidInput(
                f"unknown checkpoint profile {profile_id!r}; known: {', '.join(sorted(known)) or 'none'} "
                "(policies.checkpointProfiles, checkpoint-profiles/)"
            )
    ref = resolve_model_file(source, roots, allow_paths=allow_paths)
    sha256 = None
    if ref.path is not None:
        sha256 = read_sidecar_sha256(ref.path) or sha256_file(ref.path, cache_file=hash_cache)
    checkpoint = Checkpoint(
        id=checkpoint_id,
        name=name or checkpoint_id,
        supported_asset_types=types,
        weights=WeightsRef(kind="config_relative", base="checkpointsRoot", path=ref.file, sha256=sha256),
        checkpoint_profile_id=profile_id,
        created_at=now or now_iso(),
        updated_at=now or now_iso(),
    )
    # Only the fields set here are written (no assetgen defaults), so the origin's closed schema reads it too.
    mark_from_file(checkpoint)
    store.write(project_id, "checkpoints", checkpoint)
    return checkpoint


@dataclass
class CheckpointStatus:
    """One checkpoint id a project names or holds: onboarded, found in the models folders, hash-verified."""

    checkpoint_id: str
    is_onboarded: bool
    named_by: list[str] = field(default_factory=list)
    file: str | None = None
    is_found: bool = False
    hash_status: str = "not_onboarded"
    profile_id: str | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "checkpointId": self.checkpoint_id,
            "onboarded": self.is_onboarded,
            "namedBy": self.named_by,
            "file": self.file,
            "found": self.is_found,
            "hash": self.hash_status,
            "profileId": self.profile_id,
            "message": self.message,
        }


def list_checkpoints(
    store: ProjectStore, project_id: str, *, roots: Sequence[Path], hash_cache: Path | None = None
) -> list[CheckpointStatus]:
    """Every checkpoint id the project names (policies, baselines, specs, LoRAs) or holds, with its state."""
    project = store.read_project(project_id)
    named = named_checkpoint_ids(project, store.baseline_profiles(project_id))
    for folder, what in (("specs", "spec"), ("loras", "LoRA")):
        for record_id in store.list_ids(project_id, folder):
            try:
                record = store.read(project_id, folder, record_id)
            except AssetgenError:
                continue  # `assetgen project check` reports a broken file
            if record.checkpoint_id:
                named.setdefault(record.checkpoint_id, []).append(f"{what} {record.id}")
    onboarded: dict[str, Checkpoint] = {c.id: c for c in store.iter_records(project_id, "checkpoints")}
    statuses = []
    for ckpt_id in sorted(set(named) | set(onboarded)):
        profile = project.policies.checkpoint_profiles.get(ckpt_id)
        checkpoint = onboarded.get(ckpt_id)
        status = CheckpointStatus(
            ckpt_id,
            checkpoint is not None,
            named_by=named.get(ckpt_id, []),
            profile_id=(checkpoint.checkpoint_profile_id if checkpoint else None)
            or (profile.profile_id if profile else None),
        )
        if checkpoint is None:
            status.message = f"not onboarded: run `{onboard_command(project_id, ckpt_id)}`"
        else:
            status.file = checkpoint.weights.path
            status.is_found = bool(status.file) and find_model_file(status.file or "", roots) is not None
            check = verify_checkpoint_file(checkpoint, roots, cache_file=hash_cache)
            status.hash_status = check.status
            status.message = check.message
        statuses.append(status)
    return statuses
