"""Validating specs: the schema, the catalogs and records they name, and autopilot readiness.

An invalid spec breaks its schema or names something the project lacks (asset type, style,
scenario, palette, checkpoint, checkpoint profile, LoRA, baseline profile). Readiness
(``assetgen.specs.readiness``) is reported beside validity and is not an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assetgen.errors import AssetgenError
from assetgen.generation.onboarding import named_checkpoint_ids, not_onboarded_message
from assetgen.models import AssetSpec
from assetgen.specs.defaults import checkpoint_profile, is_baseline_compatible
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.specs.readiness import Readiness, assess_readiness
from assetgen.store import ProjectStore

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$")


@dataclass(frozen=True)
class SpecProblem:
    """One problem: the field (camelCase path) and what to do."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass(frozen=True)
class SpecCheck:
    """The verdict on one spec file."""

    spec_id: str
    path: str
    errors: tuple[SpecProblem, ...] = ()
    warnings: tuple[SpecProblem, ...] = ()
    readiness: Readiness | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def is_ready(self) -> bool:
        return self.is_valid and self.readiness is not None and self.readiness.is_ready

    def as_dict(self) -> dict[str, Any]:
        return {
            "specId": self.spec_id,
            "path": self.path,
            "valid": self.is_valid,
            "ready": self.is_ready,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "readinessIssues": [i.as_dict() for i in self.readiness.issues] if self.readiness else [],
        }


@dataclass(frozen=True)
class SpecValidationReport:
    """All spec checks of a project."""

    project_id: str
    checks: tuple[SpecCheck, ...] = field(default_factory=tuple)

    @property
    def is_valid(self) -> bool:
        return all(c.is_valid for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "projectId": self.project_id,
            "valid": self.is_valid,
            "specs": len(self.checks),
            "invalid": sum(not c.is_valid for c in self.checks),
            "ready": sum(c.is_ready for c in self.checks),
            "checks": [c.as_dict() for c in self.checks],
        }


def check_spec_references(
    spec: AssetSpec, context: ProjectContext, *, expected_id: str | None = None
) -> tuple[list[SpecProblem], list[SpecProblem]]:
    """Errors and warnings for the catalog entries and records ``spec`` names (pure)."""
    errors: list[SpecProblem] = []
    warnings: list[SpecProblem] = []

    def error(field: str, message: str) -> None:
        errors.append(SpecProblem(field, message))

    if expected_id is not None and spec.id != expected_id:
        error("id", f"id {spec.id!r} differs from the file name {expected_id!r}.json; make them equal")
    if spec.project_id != context.project_id:
        error("projectId", f"{spec.project_id!r} is not this project ({context.project_id!r})")
    if context.asset_type(spec.asset_type) is None:
        known = ", ".join(t.id for t in context.asset_types)
        error(
            "assetType", f"unknown asset type {spec.asset_type!r}; known: {known} (catalogs/asset-types.json)"
        )
    if context.style(spec.style) is None:
        error("style", f"unknown style {spec.style!r}; known: {', '.join(s.id for s in context.styles)}")
    if context.scenario(spec.scenario) is None:
        error(
            "scenario",
            f"unknown scenario {spec.scenario!r}; known: {', '.join(s.id for s in context.scenarios)}",
        )
    for index, palette_id in enumerate(spec.palette_ids):
        if context.palette(palette_id) is None:
            error(
                f"paletteIds[{index}]",
                f"unknown palette {palette_id!r}; known: {', '.join(p.id for p in context.palettes)}",
            )
    for index, color in enumerate(spec.colors):
        if not _HEX.match(color):
            error(f"colors[{index}]", f"{color!r} is not #RRGGBB or #RRGGBBAA")
    pending = set(named_checkpoint_ids(context.project, context.baseline_profiles.values()))
    if spec.checkpoint_id is not None:
        checkpoint = context.checkpoints.get(spec.checkpoint_id)
        if checkpoint is None and spec.checkpoint_id in pending:
            # The origin seeds projects before checkpoints are onboarded: usable, generation refuses.
            warnings.append(
                SpecProblem("checkpointId", not_onboarded_message(context.project_id, spec.checkpoint_id))
            )
            profile = checkpoint_profile(context, spec.checkpoint_id)
            if spec.checkpoint_profile_id is not None and (
                profile is None or profile.profile_id != spec.checkpoint_profile_id
            ):
                warnings.append(
                    SpecProblem(
                        "checkpointProfileId",
                        f"{spec.checkpoint_profile_id!r} is not the profile of {spec.checkpoint_id} in "
                        "project.policies.checkpointProfiles",
                    )
                )
        elif checkpoint is None:
            error(
                "checkpointId",
                f"unknown checkpoint {spec.checkpoint_id!r}; known: {', '.join(context.checkpoints) or 'none'}",
            )
        elif spec.asset_type not in checkpoint.supported_asset_types:
            warnings.append(
                SpecProblem("checkpointId", f"{checkpoint.id} does not list {spec.asset_type!r} as supported")
            )
        if spec.checkpoint_profile_id is not None and checkpoint is not None:
            profile = checkpoint_profile(context, spec.checkpoint_id)
            if profile is None or profile.profile_id != spec.checkpoint_profile_id:
                error(
                    "checkpointProfileId",
                    f"unknown checkpoint profile {spec.checkpoint_profile_id!r} for {spec.checkpoint_id} "
                    "(project.policies.checkpointProfiles)",
                )
    elif spec.checkpoint_profile_id is not None:
        error("checkpointProfileId", "a checkpoint profile without a checkpointId")
    if spec.baseline_profile_id is not None and spec.baseline_profile_id not in context.baseline_profiles:
        error(
            "baselineProfileId",
            f"unknown baseline profile {spec.baseline_profile_id!r}; known: "
            f"{', '.join(context.baseline_profiles) or 'none'}",
        )
    if (
        spec.status == "ready"
        and spec.checkpoint_id in context.checkpoints
        and spec.baseline_profile_id in context.baseline_profiles
        and not is_baseline_compatible(context, spec.checkpoint_id or "", spec.baseline_profile_id or "")
    ):
        error(
            "baselineProfileId",
            f"a ready spec needs a baseline profile allowed for its checkpoint: {spec.baseline_profile_id!r} "
            f"is not allowed with {spec.checkpoint_id!r} (project.policies.checkpointBaselineMap); pick an "
            "allowed one or set status draft",
        )
    lora_fields = [(f"loraIds[{i}]", lora_id) for i, lora_id in enumerate(spec.lora_ids)]
    if spec.lora_policy is not None:
        lora_fields += [(f"loraPolicy.include[{i}]", x) for i, x in enumerate(spec.lora_policy.include)]
        lora_fields += [(f"loraPolicy.exclude[{i}]", x) for i, x in enumerate(spec.lora_policy.exclude)]
    for field_name, ref in lora_fields:
        lora_id, _, release_id = ref.partition(
            "@"
        )  # ``id@release`` pins a release (assetgen.generation.policy)
        lora = context.loras.get(lora_id)
        if lora is None:
            error(field_name, f"unknown LoRA {lora_id!r}; known: {', '.join(context.loras) or 'none'}")
        elif release_id and release_id not in {r.id for r in lora.releases}:
            error(
                field_name,
                f"LoRA {lora_id!r} has no release {release_id!r}; releases: "
                f"{', '.join(r.id for r in lora.releases) or 'none'}",
            )
    for index, tag in enumerate(spec.tags):
        group_id, sep, _ = tag.partition(":")
        if not sep or not group_id:
            warnings.append(SpecProblem(f"tags[{index}]", f"tag {tag!r} is not group:value"))
        elif context.tag_group(group_id) is not None and context.tag(tag) is None:
            warnings.append(
                SpecProblem(f"tags[{index}]", f"tag {tag!r} is not in group {group_id} of catalogs/tags.json")
            )
    return errors, warnings


def check_spec(
    spec: AssetSpec, context: ProjectContext, *, expected_id: str | None = None, path: str = ""
) -> SpecCheck:
    """Validate one parsed spec against the project and assess its readiness (pure)."""
    errors, warnings = check_spec_references(spec, context, expected_id=expected_id)
    readiness = assess_readiness(spec, context)
    if spec.status == "ready" and not readiness.is_ready:
        warnings.append(SpecProblem("status", "status is ready but the spec is not autopilot-ready"))
    return SpecCheck(
        spec_id=expected_id or spec.id,
        path=path,
        errors=tuple(errors),
        warnings=tuple(warnings),
        readiness=readiness,
    )


def validate_project_specs(
    store: ProjectStore, project_id: str, spec_ids: Sequence[str] | None = None
) -> SpecValidationReport:
    """Check every spec of ``project_id`` (or ``spec_ids``): schema, catalog references, readiness."""
    context = load_project_context(store, project_id)
    ids = list(spec_ids) if spec_ids else store.list_ids(project_id, "specs")
    checks: list[SpecCheck] = []
    for spec_id in ids:
        path = store.relative(store.record_path(project_id, "specs", spec_id))
        try:
            spec: AssetSpec = store.read(project_id, "specs", spec_id)
        except AssetgenError as exc:
            message = " ".join(str(exc).split())
            checks.append(SpecCheck(spec_id=spec_id, path=path, errors=(SpecProblem("(file)", message),)))
            continue
        checks.append(check_spec(spec, context, expected_id=spec_id, path=path))
    return SpecValidationReport(project_id=project_id, checks=tuple(checks))
