"""``project check``: read every file of a project (AssetGenerator's layout or ours) and say what is wrong.

Per file: missing (a file assetgen needs), invalid (JSON or schema errors, broken references), unknown
keys (kept as they are: info, never an error), and the files and folders assetgen does not model
("kept, not modelled"). Cross-references: spec -> asset type, style, scenario, palettes, checkpoint,
checkpoint profile, LoRAs (and pinned releases), baseline profile (allowed for the checkpoint by
``checkpointBaselineMap``); LoRA -> checkpoint; baseline profile -> checkpoint; project policies ->
checkpoints and baseline profiles; per-checkpoint catalog overrides -> checkpoints; a checkpoint's file
-> its ``weights.sha256`` when the file is in a models folder.

Never writes: every read goes through ``store.read_json`` and ``parse_model``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from assetgen.errors import AssetgenError, InvalidInput
from assetgen.generation.model_files import verify_checkpoint_file
from assetgen.generation.onboarding import named_checkpoint_ids, onboard_command
from assetgen.ids import validate_id
from assetgen.models import (
    CATALOG_MODELS,
    RECORD_MODELS,
    AssetSpec,
    AssetTypeCatalog,
    BaselineProfile,
    Checkpoint,
    Lora,
    PaletteCatalog,
    Project,
    ScenarioCatalog,
    StyleCatalog,
    TagCatalog,
)
from assetgen.models.project import CheckpointProfile, CheckpointProfileFile
from assetgen.specs.defaults import is_baseline_compatible
from assetgen.specs.project_context import ProjectContext, build_project_context
from assetgen.specs.validation import check_spec
from assetgen.store import LEGACY_BASELINE_FILE, ProjectStore, read_json

Level = Literal["error", "warning", "info"]
FileStatus = Literal["ok", "invalid", "missing", "kept"]

# Files and folders of AssetGenerator projects that assetgen keeps but does not model (name -> what).
ORIGIN_EXTRAS: dict[str, str] = {
    "jobs-index.json": "the origin's job index (assetgen lists jobs/ itself)",
    "checkpoint-profiles": "the origin's checkpoint profile files (assetgen reads policies.checkpointProfiles)",
    "automation-rules": "the origin's automation rules",
    "automation-runs": "the origin's automation run log",
    "events": "the origin's event log (events.jsonl, seq.json, idempotency-index.json)",
    "metrics-snapshots": "the origin's metrics snapshots",
    "release-gate-reports": "the origin's release gate reports",
}
# What assetgen itself reads or writes under a project folder.
MODELLED = {"project.json", "catalogs", "files", LEGACY_BASELINE_FILE, *RECORD_MODELS}
REQUIRED_CATALOGS = tuple(CATALOG_MODELS)


@dataclass(frozen=True)
class Finding:
    """One observation about a file: error (unusable), warning (usable, but fix it) or info."""

    level: Level
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "field": self.field, "message": self.message}


@dataclass
class FileReport:
    """The verdict on one file (or a kept folder), path relative to the project folder."""

    path: str
    kind: str
    status: FileStatus = "ok"
    findings: list[Finding] = field(default_factory=list)

    def add(self, level: Level, field_name: str, message: str) -> None:
        self.findings.append(Finding(level, field_name, message))
        if level == "error" and self.status == "ok":
            self.status = "invalid"

    @property
    def has_errors(self) -> bool:
        return self.status in ("invalid", "missing")

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "status": self.status,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class ProjectCheck:
    """Every file's report; ``is_usable`` when no file is missing or invalid."""

    project_id: str
    files: tuple[FileReport, ...]

    @property
    def is_usable(self) -> bool:
        return not any(f.has_errors for f in self.files)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.files for x in f.findings if x.level == level)

    def as_dict(self) -> dict[str, Any]:
        return {
            "projectId": self.project_id,
            "usable": self.is_usable,
            "files": len(self.files),
            "invalid": sum(f.status == "invalid" for f in self.files),
            "missing": sum(f.status == "missing" for f in self.files),
            "kept": [f.path for f in self.files if f.status == "kept"],
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "infos": self.count("info"),
            "reports": [f.as_dict() for f in self.files],
        }


def unknown_keys(model: BaseModel, prefix: str = "") -> Iterator[str]:
    """Dotted camelCase paths of the fields a parsed model kept without modelling them."""
    for key in sorted(model.model_extra or {}):
        yield f"{prefix}{key}"
    for name, info in type(model).model_fields.items():
        value = getattr(model, name, None)
        alias = info.alias or name
        if isinstance(value, BaseModel):
            yield from unknown_keys(value, f"{prefix}{alias}.")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from unknown_keys(item, f"{prefix}{alias}[{index}].")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from unknown_keys(item, f"{prefix}{alias}.{key}.")


class _Reader:
    """Reads and validates files for one check, collecting a report per file."""

    def __init__(self, store: ProjectStore, project_id: str) -> None:
        self.store = store
        self.base = store.project_dir(project_id)
        self.reports: list[FileReport] = []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.base).as_posix()

    def load(self, path: Path, model: type[BaseModel], kind: str, *, required: bool) -> Any:
        """Parse ``path`` as ``model``; reports missing/invalid/unknown keys; None when unusable."""
        report = FileReport(self.rel(path), kind)
        self.reports.append(report)
        if not path.is_file():
            if required:
                report.status = "missing"
                report.add("error", "(file)", f"{report.path} is missing; AssetGenerator projects have it")
                report.status = "missing"
            return None
        try:
            data = read_json(path)
        except AssetgenError as exc:
            report.add("error", "(file)", " ".join(str(exc).split()))
            return None
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = ".".join(str(p) for p in err["loc"]) or "(root)"
                report.add("error", loc, str(err["msg"]))
            return None
        for key in unknown_keys(parsed):
            report.add("info", key, "unknown key, kept as it is")
        return parsed

    def report_for(self, path: Path) -> FileReport:
        rel = self.rel(path)
        return next(r for r in self.reports if r.path == rel)


def check_project(
    store: ProjectStore, project_id: str, *, model_roots: Sequence[Path] = (), hash_cache: Path | None = None
) -> ProjectCheck:
    """Read and validate every file of ``project_id``; writes nothing (``hash_cache`` aside, outside it)."""
    if not store.has_project(project_id):
        store.read_project(project_id)  # raises NotFound naming the projects that exist
    reader = _Reader(store, project_id)
    base = reader.base
    project: Project | None = reader.load(base / "project.json", Project, "project", required=True)
    project_report = reader.report_for(base / "project.json")
    if project is not None and project.id != project_id:
        project_report.add("error", "id", f"id {project.id!r} differs from the folder name {project_id!r}")

    catalogs: dict[str, Any] = {}
    for name in REQUIRED_CATALOGS:
        catalogs[name] = reader.load(
            base / "catalogs" / f"{name}.json", CATALOG_MODELS[name], "catalog", required=True
        )

    records: dict[str, dict[str, Any]] = {folder: {} for folder in RECORD_MODELS}
    for folder, model in RECORD_MODELS.items():
        folder_dir = base / folder
        if not folder_dir.is_dir():
            continue
        for path in sorted(folder_dir.iterdir()):
            if path.name.startswith("."):
                continue
            if path.suffix != ".json" or not path.is_file():
                reports = FileReport(reader.rel(path), "kept", status="kept")
                reports.add("info", "(file)", f"not a record file of {folder}/; kept, not modelled")
                reader.reports.append(reports)
                continue
            try:
                validate_id(path.stem)
            except InvalidInput as exc:
                report = FileReport(reader.rel(path), folder)
                report.add("warning", "(file name)", f"{exc}; assetgen ignores this file")
                reader.reports.append(report)
                continue
            parsed = reader.load(path, model, folder, required=False)
            if parsed is None:
                continue
            if parsed.id != path.stem:
                reader.report_for(path).add(
                    "error", "id", f"id {parsed.id!r} differs from the file name {path.stem!r}.json"
                )
            records[folder][parsed.id] = parsed

    checkpoints: dict[str, Checkpoint] = records["checkpoints"]
    loras: dict[str, Lora] = records["loras"]
    baselines: dict[str, BaselineProfile] = dict(records["baseline-profiles"])
    baseline_paths = {b: base / "baseline-profiles" / f"{b}.json" for b in baselines}
    legacy_path = base / LEGACY_BASELINE_FILE
    if legacy_path.is_file():
        legacy = reader.load(legacy_path, BaselineProfile, "baseline profile (legacy)", required=False)
        if legacy is not None:
            legacy_report = reader.report_for(legacy_path)
            if legacy.id in baselines:
                legacy_report.add(
                    "info",
                    "id",
                    f"baseline-profiles/{legacy.id}.json has the same id and wins; kept as it is",
                )
            else:
                baselines[legacy.id] = legacy
                baseline_paths[legacy.id] = legacy_path
                legacy_report.add(
                    "info", "(file)", f"the origin's legacy baseline profile: resolved as {legacy.id!r}, kept"
                )
    # Checkpoints the project names before they are onboarded (a freshly seeded origin project).
    pending = set(named_checkpoint_ids(project, baselines.values())) - set(checkpoints) if project else set()

    _check_overrides(reader, catalogs_dir=base / "catalogs", checkpoints=checkpoints)
    if project is not None:
        _check_policies(project_report, project, checkpoints, baselines, catalogs)
        _check_checkpoint_profiles(reader, base / "checkpoint-profiles", project)
    asset_types = {t.id for t in catalogs["asset-types"].asset_types} if catalogs["asset-types"] else None
    for checkpoint in checkpoints.values():
        report = reader.report_for(base / "checkpoints" / f"{checkpoint.id}.json")
        _check_checkpoint(report, checkpoint, asset_types, model_roots, hash_cache)
    for lora in loras.values():
        report = reader.report_for(base / "loras" / f"{lora.id}.json")
        _check_lora(report, lora, checkpoints, asset_types, pending)
    for baseline in baselines.values():
        report = reader.report_for(baseline_paths[baseline.id])
        if baseline.checkpoint_id in pending:
            report.add("warning", "checkpointId", _not_onboarded(project_id, baseline.checkpoint_id or ""))
        elif baseline.checkpoint_id and baseline.checkpoint_id not in checkpoints:
            report.add("error", "checkpointId", f"unknown checkpoint {baseline.checkpoint_id!r}")
        if baseline.project_id not in (None, project_id):
            report.add("warning", "projectId", f"{baseline.project_id!r} is not this project")
        profile = project.policies.checkpoint_profiles.get(baseline.checkpoint_id or "") if project else None
        if baseline.checkpoint_profile_id and profile is not None:
            if profile.profile_id != baseline.checkpoint_profile_id:
                report.add(
                    "warning",
                    "checkpointProfileId",
                    f"{baseline.checkpoint_profile_id!r} is not the profile of {baseline.checkpoint_id} in "
                    f"policies.checkpointProfiles ({profile.profile_id!r})",
                )

    context = _context(project, catalogs, checkpoints, loras, baselines)
    for spec in records["specs"].values():
        report = reader.report_for(base / "specs" / f"{spec.id}.json")
        if context is None:
            report.add("warning", "(references)", "not cross-checked: project.json or a catalog is unusable")
            continue
        _check_spec(report, spec, context)
    for spec_list in records["spec-lists"].values():
        report = reader.report_for(base / "spec-lists" / f"{spec_list.id}.json")
        for index, spec_id in enumerate(getattr(spec_list, "derived_spec_ids", []) or []):
            if spec_id not in records["specs"]:
                report.add("warning", f"derivedSpecIds[{index}]", f"spec {spec_id!r} is not in specs/")
    for asset in records["assets"].values():
        report = reader.report_for(base / "assets" / f"{asset.id}.json")
        for version, variant in asset.iter_variants():
            for key in ("original_path", "alpha_path", "preview_path", "pixel_path"):
                stored = getattr(variant, key)
                if stored and not _stored_file_exists(store, stored):
                    report.add(
                        "warning",
                        f"versions[{version.id}].variants[{variant.id}]",
                        f"{stored} is missing",
                    )

    _list_unmodelled(reader, base)
    return ProjectCheck(project_id=project_id, files=tuple(reader.reports))


def _not_onboarded(project_id: str, checkpoint_id: str) -> str:
    return (
        f"checkpoint {checkpoint_id!r} is not onboarded yet (no checkpoints/{checkpoint_id}.json); usable, "
        f"generation refuses until `{onboard_command(project_id, checkpoint_id)}`"
    )


def _check_checkpoint_profiles(reader: _Reader, folder: Path, project: Project) -> None:
    """checkpoint-profiles/<profileId>.json: validated and compared with policies.checkpointProfiles (which wins)."""
    if not folder.is_dir():
        return
    policies = project.policies.checkpoint_profiles
    for path in sorted(folder.glob("*.json")):
        profile = reader.load(path, CheckpointProfileFile, "checkpoint profile", required=False)
        if profile is None:
            continue
        report = reader.report_for(path)
        ckpt_id = profile.checkpoint_id
        in_policies = policies.get(ckpt_id) if ckpt_id else None
        if in_policies is None:
            in_policies = next((p for p in policies.values() if p.profile_id == profile.profile_id), None)
        if in_policies is None:
            report.add(
                "info",
                "(file)",
                f"not in policies.checkpointProfiles (checkpoint {ckpt_id!r}): kept, assetgen reads the policies",
            )
            continue
        if (in_policies.profile_id, in_policies.version) != (profile.profile_id, profile.version):
            report.add(
                "warning",
                "version",
                f"{profile.profile_id} v{profile.version} here, {in_policies.profile_id} v{in_policies.version} "
                "in policies.checkpointProfiles: the policies win",
            )
            continue
        # Only the fields the file sets are compared (the origin's files often carry a subset).
        fields = profile.model_fields_set & set(CheckpointProfile.model_fields)
        here = profile.model_dump(mode="json", include=fields)
        there = in_policies.model_dump(mode="json", include=fields)
        differing = sorted(k for k in here if here.get(k) != there.get(k))
        if differing:
            report.add(
                "warning",
                ", ".join(differing),
                f"{profile.profile_id} v{profile.version} disagrees with policies.checkpointProfiles on "
                f"{', '.join(differing)}: the policies win",
            )


def _stored_file_exists(store: ProjectStore, stored: str) -> bool:
    try:
        return store.resolve(stored).is_file()
    except InvalidInput:
        return False


def _context(
    project: Project | None,
    catalogs: dict[str, Any],
    checkpoints: dict[str, Checkpoint],
    loras: dict[str, Lora],
    baselines: dict[str, BaselineProfile],
) -> ProjectContext | None:
    if project is None or any(catalogs[name] is None for name in REQUIRED_CATALOGS):
        return None
    asset_types: AssetTypeCatalog = catalogs["asset-types"]
    styles: StyleCatalog = catalogs["styles"]
    scenarios: ScenarioCatalog = catalogs["scenarios"]
    palettes: PaletteCatalog = catalogs["palettes"]
    tags: TagCatalog = catalogs["tags"]
    return build_project_context(
        project,
        asset_types=asset_types,
        styles=styles,
        scenarios=scenarios,
        palettes=palettes,
        tags=tags,
        checkpoints=list(checkpoints.values()),
        loras=list(loras.values()),
        baseline_profiles=list(baselines.values()),
    )


def _check_spec(report: FileReport, spec: AssetSpec, context: ProjectContext) -> None:
    verdict = check_spec(spec, context, expected_id=spec.id)
    for problem in verdict.errors:
        report.add("error", problem.field, problem.message)
    for problem in verdict.warnings:
        report.add("warning", problem.field, problem.message)
    if (
        spec.status != "ready"  # a ready spec with a disallowed baseline is an error of check_spec
        and spec.checkpoint_id in context.checkpoints
        and spec.baseline_profile_id in context.baseline_profiles
        and not is_baseline_compatible(context, spec.checkpoint_id or "", spec.baseline_profile_id or "")
    ):
        report.add(
            "warning",
            "baselineProfileId",
            f"{spec.baseline_profile_id!r} is not allowed with checkpoint {spec.checkpoint_id!r} "
            "(project.policies.checkpointBaselineMap)",
        )
    if verdict.readiness is not None and not verdict.readiness.is_ready:
        missing = ", ".join(issue.field for issue in verdict.readiness.issues)
        report.add("info", "(readiness)", f"not autopilot-ready: {missing} (see `assetgen specs validate`)")


def _check_policies(
    report: FileReport,
    project: Project,
    checkpoints: dict[str, Checkpoint],
    baselines: dict[str, BaselineProfile],
    catalogs: dict[str, Any],
) -> None:
    policies = project.policies
    not_onboarded = "not onboarded yet (no checkpoints/<id>.json): `assetgen checkpoint add`"
    for ckpt_id in policies.checkpoint_profiles:
        if ckpt_id not in checkpoints:
            report.add("warning", f"policies.checkpointProfiles.{ckpt_id}", not_onboarded)
    for ckpt_id, link in policies.checkpoint_baseline_map.items():
        where = f"policies.checkpointBaselineMap.{ckpt_id}"
        if ckpt_id not in checkpoints:
            report.add("warning", where, not_onboarded)
        ids = [link.default_baseline_profile_id, *link.allowed_baseline_profile_ids]
        for baseline_id in filter(None, ids):
            if baseline_id not in baselines:
                report.add("error", where, f"unknown baseline profile {baseline_id!r} (baseline-profiles/)")
        default = link.default_baseline_profile_id
        if default and link.allowed_baseline_profile_ids and default not in link.allowed_baseline_profile_ids:
            report.add("warning", where, f"the default {default!r} is not in allowedBaselineProfileIds")
    for ckpt_id in policies.tag_prompt_map:
        if ckpt_id not in checkpoints:
            report.add("warning", f"policies.tagPromptMap.{ckpt_id}", not_onboarded)
    styles, scenarios = catalogs.get("styles"), catalogs.get("scenarios")
    if styles is not None and project.defaults.style not in {s.id for s in styles.styles}:
        report.add(
            "error", "defaults.style", f"unknown style {project.defaults.style!r} (catalogs/styles.json)"
        )
    if scenarios is not None and project.defaults.scenario not in {s.id for s in scenarios.scenarios}:
        report.add(
            "error",
            "defaults.scenario",
            f"unknown scenario {project.defaults.scenario!r} (catalogs/scenarios.json)",
        )


def _check_checkpoint(
    report: FileReport,
    checkpoint: Checkpoint,
    asset_types: set[str] | None,
    model_roots: Sequence[Path],
    hash_cache: Path | None,
) -> None:
    if not checkpoint.weights.path:
        report.add("error", "weights.path", "not set: it is the file name ComfyUI loads")
    for index, type_id in enumerate(checkpoint.supported_asset_types):
        if asset_types is not None and type_id not in asset_types:
            report.add(
                "warning", f"supportedAssetTypes[{index}]", f"{type_id!r} is not in catalogs/asset-types.json"
            )
    if checkpoint.weights.path and model_roots:
        check = verify_checkpoint_file(checkpoint, model_roots, cache_file=hash_cache)
        if check.is_mismatch:
            report.add("error", "weights.sha256", check.message)
        elif check.status in ("verified", "not_found"):
            report.add("info", "weights.sha256", check.message)


def _check_lora(
    report: FileReport,
    lora: Lora,
    checkpoints: dict[str, Checkpoint],
    asset_types: set[str] | None,
    pending: set[str],
) -> None:
    if lora.checkpoint_id in pending:
        report.add("warning", "checkpointId", f"checkpoint {lora.checkpoint_id!r} is not onboarded yet")
    elif lora.checkpoint_id not in checkpoints:
        report.add(
            "error",
            "checkpointId",
            f"unknown checkpoint {lora.checkpoint_id!r}; known: {', '.join(sorted(checkpoints)) or 'none'}",
        )
    release_ids = [r.id for r in lora.releases]
    if lora.active_release_id and lora.active_release_id not in release_ids:
        report.add(
            "error", "activeReleaseId", f"{lora.active_release_id!r} is not one of the releases {release_ids}"
        )
    active = next((r for r in lora.releases if r.id == lora.active_release_id), None)
    if active is not None and active.status == "deprecated":
        report.add(
            "warning", "activeReleaseId", f"the active release {active.id!r} is deprecated: it is never used"
        )
    if not any(r.status != "deprecated" for r in lora.releases):
        report.add(
            "warning", "releases", "no usable release (all deprecated or none): the LoRA is never chosen"
        )
    for index, type_id in enumerate(lora.asset_types):
        if asset_types is not None and type_id not in asset_types:
            report.add("warning", f"assetTypes[{index}]", f"{type_id!r} is not in catalogs/asset-types.json")


def _check_overrides(reader: _Reader, *, catalogs_dir: Path, checkpoints: dict[str, Checkpoint]) -> None:
    """catalogs/checkpoints/<ckptId>/<catalog>.json: validated like the project catalogs."""
    overrides = catalogs_dir / "checkpoints"
    if not overrides.is_dir():
        return
    for ckpt_dir in sorted(p for p in overrides.iterdir() if p.is_dir()):
        for path in sorted(ckpt_dir.glob("*.json")):
            model = CATALOG_MODELS.get(path.stem)
            if model is None:
                report = FileReport(reader.rel(path), "kept", status="kept")
                report.add("info", "(file)", "not a catalog name; kept, not modelled")
                reader.reports.append(report)
                continue
            if reader.load(path, model, "catalog override", required=False) is None:
                continue
            report = reader.report_for(path)
            if ckpt_dir.name not in checkpoints:
                report.add("warning", "(folder)", f"checkpoint {ckpt_dir.name!r} is not in checkpoints/")
            report.add(
                "info",
                "(override)",
                f"per-checkpoint {path.stem} for {ckpt_dir.name}: validated and kept; the prompt compiler "
                f"reads catalogs/{path.stem}.json",
            )


def _list_unmodelled(reader: _Reader, base: Path) -> None:
    """Top-level files and folders assetgen does not model: listed as kept."""
    for path in sorted(base.iterdir()):
        if path.name.startswith(".") or path.name in MODELLED:
            continue
        what = ORIGIN_EXTRAS.get(path.name, "unknown to assetgen")
        report = FileReport(reader.rel(path) + ("/" if path.is_dir() else ""), "kept", status="kept")
        report.add("info", "(file)", f"kept, not modelled: {what}")
        reader.reports.append(report)
    catalogs = base / "catalogs"
    if catalogs.is_dir():
        for path in sorted(catalogs.iterdir()):
            known = path.name == "checkpoints" or (path.suffix == ".json" and path.stem in CATALOG_MODELS)
            if not known and not path.name.startswith("."):
                report = FileReport(reader.rel(path), "kept", status="kept")
                report.add("info", "(file)", "kept, not modelled: not a catalog assetgen reads")
                reader.reports.append(report)
