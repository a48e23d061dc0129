"""Compile a spec's final prompts from ordered layers, keeping a trace of where every fragment came from.

Layer order (first to last in the prompt):
  1. ``tag_prefix``             tag prompt map entries with position ``prefix``
  2. ``checkpoint_base``        the checkpoint's dialect (policies.checkpointProfiles, else the record's promptTemplates)
  3. ``checkpoint_asset_type``  the dialect's per-asset-type fragment
  4. ``spec_prompt``            the spec's own prompt, or an override that replaces it (job input, or a ``replace`` tag)
  5. ``catalog_style`` / ``catalog_scenario`` / ``catalog_palette``  prompt tokens of the catalogs
  6. ``tag``                    tag prompt map entries (suffix) and the tag catalog's promptToken
  7. ``baseline_hints``         the baseline profile's hints for the asset type
  8. ``runtime_safety``         always-on fragments (negative mostly)
Repeated fragments (case-insensitive) are kept once, at their first place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from pydantic import Field

from assetgen.models import AssetSpec, BaselineProfile, Checkpoint, Palette, Project
from assetgen.models.base import Contract
from assetgen.models.catalogs import CatalogEntry, TagGroup
from assetgen.models.generation import PromptFragment
from assetgen.models.project import CheckpointProfile, RuntimeSafety, TagPrompt


class CompiledPrompt(Contract):
    """The prompts sent to ComfyUI, their trace and a hash of the whole package."""

    positive: str
    negative: str
    trace: list[PromptFragment] = Field(default_factory=list)
    package_hash: str


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _join(parts: Sequence[str]) -> str:
    seen: set[str] = set()
    kept = []
    for part in parts:
        key = part.lower()
        if key not in seen:
            seen.add(key)
            kept.append(part)
    return ", ".join(kept)


class _Trace:
    """The fragments compiled so far, each numbered in prompt order; empty contributions are skipped."""

    def __init__(self) -> None:
        self.fragments: list[PromptFragment] = []

    def add(self, layer: str, source_id: str, positive: str = "", negative: str = "") -> None:
        if positive.strip() or negative.strip():
            self.fragments.append(
                PromptFragment(
                    layer=layer,
                    source_id=source_id,
                    order=len(self.fragments) + 1,
                    positive=positive.strip(),
                    negative=negative.strip(),
                )
            )


def compile_prompt(
    spec: AssetSpec,
    project: Project,
    *,
    checkpoint: Checkpoint,
    styles: Sequence[CatalogEntry] = (),
    scenarios: Sequence[CatalogEntry] = (),
    palettes: Sequence[Palette] = (),
    tag_groups: Sequence[TagGroup] = (),
    baseline: BaselineProfile | None = None,
    override_positive: str | None = None,
    override_negative: str | None = None,
) -> CompiledPrompt:
    """Compile ``spec``'s prompts for ``checkpoint`` (the one the job really sends to ComfyUI)."""
    if spec.prompt_policy is not None and spec.prompt_policy.compile_mode == "verbatim":
        return _verbatim(spec, checkpoint)
    trace = _Trace()
    tag_map = project.policies.tag_prompt_map.get(checkpoint.id, {})
    spec_tags = [tag for tag in spec.tags if tag in tag_map]
    _add_tag_map_entries(trace, tag_map, spec_tags, position="prefix", layer="tag_prefix")
    profile = project.policies.checkpoint_profiles.get(checkpoint.id)
    _add_checkpoint_dialect(trace, spec, checkpoint, profile)
    _add_spec_prompt(trace, spec, tag_map, spec_tags, override_positive, override_negative)
    _add_catalog_tokens(trace, spec, project, styles=styles, scenarios=scenarios, palettes=palettes)
    _add_tag_map_entries(trace, tag_map, spec_tags, position="suffix", layer="tag")
    _add_tag_catalog_tokens(trace, spec, tag_map, tag_groups)
    _add_baseline_hints(trace, spec, baseline)
    _add_runtime_safety(trace, project, profile)
    positive = _join([part for f in trace.fragments for part in _split(f.positive)])
    negative = _join([part for f in trace.fragments for part in _split(f.negative)])
    return _package(checkpoint.id, trace.fragments, positive, negative)


def _verbatim(spec: AssetSpec, checkpoint: Checkpoint) -> CompiledPrompt:
    """A recreated spec carries the exact prompts an image was made with: no layer may add to them."""
    fragment = PromptFragment(
        layer="verbatim",
        source_id=spec.id,
        order=1,
        positive=spec.prompt.positive,
        negative=spec.prompt.negative,
    )
    return _package(checkpoint.id, [fragment], spec.prompt.positive, spec.prompt.negative)


def _add_tag_map_entries(
    trace: _Trace, tag_map: Mapping[str, TagPrompt], spec_tags: list[str], *, position: str, layer: str
) -> None:
    """The spec's tags that the checkpoint's tag prompt map places at ``position`` (prefix or suffix)."""
    for tag in spec_tags:
        if tag_map[tag].position == position:
            trace.add(layer, tag, tag_map[tag].positive, tag_map[tag].negative)


def _add_checkpoint_dialect(
    trace: _Trace, spec: AssetSpec, checkpoint: Checkpoint, profile: CheckpointProfile | None
) -> None:
    """The checkpoint's base fragments and its per-asset-type fragment: from the project's checkpoint
    profile, else from the checkpoint record's ``promptTemplates``."""
    if profile is not None:
        trace.add("checkpoint_base", profile.profile_id, profile.base_positive, profile.base_negative)
        per_type = profile.per_asset_type.get(spec.asset_type)
        if per_type is not None:
            trace.add(
                "checkpoint_asset_type",
                f"{profile.profile_id}:{spec.asset_type}",
                per_type.positive,
                per_type.negative,
            )
        return
    templates = checkpoint.prompt_templates or {}
    base_positive = str(templates.get("basePositive", "")).replace("{specPrompt}", "").strip(", ")
    trace.add("checkpoint_base", checkpoint.id, base_positive, str(templates.get("baseNegative", "")))
    per_type_template = (templates.get("perAssetType") or {}).get(spec.asset_type) or {}
    if isinstance(per_type_template, dict):
        trace.add(
            "checkpoint_asset_type",
            f"{checkpoint.id}:{spec.asset_type}",
            str(per_type_template.get("positive", "")),
            str(per_type_template.get("negative", "")),
        )


def _add_spec_prompt(
    trace: _Trace,
    spec: AssetSpec,
    tag_map: Mapping[str, TagPrompt],
    spec_tags: list[str],
    override_positive: str | None,
    override_negative: str | None,
) -> None:
    """The spec's own prompt, or the job's override, or the first ``replace`` tag's prompt."""
    replacing = [tag for tag in spec_tags if tag_map[tag].position == "replace"]
    if override_positive is not None or override_negative is not None:
        trace.add(
            "spec_prompt",
            f"{spec.id}:override",
            override_positive if override_positive is not None else spec.prompt.positive,
            override_negative if override_negative is not None else spec.prompt.negative,
        )
    elif replacing:
        entry = tag_map[replacing[0]]
        trace.add(
            "spec_prompt", f"{replacing[0]}:replace", entry.positive, entry.negative or spec.prompt.negative
        )
    else:
        trace.add("spec_prompt", spec.id, spec.prompt.positive, spec.prompt.negative)


def _add_catalog_tokens(
    trace: _Trace,
    spec: AssetSpec,
    project: Project,
    *,
    styles: Sequence[CatalogEntry],
    scenarios: Sequence[CatalogEntry],
    palettes: Sequence[Palette],
) -> None:
    """Prompt tokens of the spec's style and scenario and of the project's default palettes."""
    for layer, entries, wanted in (
        ("catalog_style", styles, [spec.style]),
        ("catalog_scenario", scenarios, [spec.scenario]),
        ("catalog_palette", palettes, project.defaults.palette_ids),
    ):
        for entry in entries:
            if entry.id in wanted:
                trace.add(layer, entry.id, ", ".join(entry.prompt_tokens))


def _add_tag_catalog_tokens(
    trace: _Trace, spec: AssetSpec, tag_map: Mapping[str, TagPrompt], tag_groups: Sequence[TagGroup]
) -> None:
    """The tag catalog's ``promptToken`` of the spec's tags that the tag prompt map does not cover."""
    for group in tag_groups:
        for tag in group.tags:
            if tag.id in spec.tags and tag.prompt_token and tag.id not in tag_map:
                trace.add("tag", tag.id, tag.prompt_token)


def _add_baseline_hints(trace: _Trace, spec: AssetSpec, baseline: BaselineProfile | None) -> None:
    """The baseline profile's prompt hints for the spec's asset type."""
    hints = baseline.asset_type_profiles.get(spec.asset_type) if baseline is not None else None
    if baseline is not None and hints is not None:
        trace.add(
            "baseline_hints",
            f"{baseline.id}:{spec.asset_type}",
            ", ".join(hints.prompt_hints),
            ", ".join(hints.negative_prompt_hints),
        )


def _add_runtime_safety(trace: _Trace, project: Project, profile: CheckpointProfile | None) -> None:
    """Always-on fragments: the checkpoint profile's runtime safety, else the project's."""
    safety: RuntimeSafety | None = (
        profile.runtime_safety if profile else None
    ) or project.policies.runtime_safety
    if safety is not None and safety.enabled:
        trace.add(
            "runtime_safety",
            profile.profile_id if profile else project.id,
            ", ".join(safety.positive),
            ", ".join(safety.negative),
        )


def _package(
    checkpoint_id: str, fragments: list[PromptFragment], positive: str, negative: str
) -> CompiledPrompt:
    package = {
        "checkpointId": checkpoint_id,
        "positive": positive,
        "negative": negative,
        "trace": [f.model_dump(mode="json") for f in fragments],
    }
    digest = hashlib.sha256(json.dumps(package, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return CompiledPrompt(
        positive=positive, negative=negative, trace=fragments, package_hash=f"sha256:{digest}"
    )
