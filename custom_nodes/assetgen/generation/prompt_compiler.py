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
from collections.abc import Sequence

from pydantic import Field

from assetgen.models import AssetSpec, BaselineProfile, Checkpoint, Palette, Project
from assetgen.models.base import Contract
from assetgen.models.catalogs import CatalogEntry, TagGroup
from assetgen.models.generation import PromptFragment
from assetgen.models.project import RuntimeSafety


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
    fragments: list[PromptFragment] = []
    if spec.prompt_policy is not None and spec.prompt_policy.compile_mode == "verbatim":
        # A recreated spec carries the exact prompts an image was made with: no layer may add to them.
        return _package(
            checkpoint.id,
            [
                PromptFragment(
                    layer="verbatim",
                    source_id=spec.id,
                    order=1,
                    positive=spec.prompt.positive,
                    negative=spec.prompt.negative,
                )
            ],
            spec.prompt.positive,
            spec.prompt.negative,
        )

    def add(layer: str, source_id: str, positive: str = "", negative: str = "") -> None:
        if positive.strip() or negative.strip():
            fragments.append(
                PromptFragment(
                    layer=layer,
                    source_id=source_id,
                    order=len(fragments) + 1,
                    positive=positive.strip(),
                    negative=negative.strip(),
                )
            )

    tag_map = project.policies.tag_prompt_map.get(checkpoint.id, {})
    spec_tags = [tag for tag in spec.tags if tag in tag_map]
    for tag in spec_tags:
        if tag_map[tag].position == "prefix":
            add("tag_prefix", tag, tag_map[tag].positive, tag_map[tag].negative)

    profile = project.policies.checkpoint_profiles.get(checkpoint.id)
    templates = checkpoint.prompt_templates or {}
    if profile is not None:
        add("checkpoint_base", profile.profile_id, profile.base_positive, profile.base_negative)
        per_type = profile.per_asset_type.get(spec.asset_type)
        if per_type is not None:
            add(
                "checkpoint_asset_type",
                f"{profile.profile_id}:{spec.asset_type}",
                per_type.positive,
                per_type.negative,
            )
    else:
        base_positive = str(templates.get("basePositive", "")).replace("{specPrompt}", "").strip(", ")
        add("checkpoint_base", checkpoint.id, base_positive, str(templates.get("baseNegative", "")))
        per_type = (templates.get("perAssetType") or {}).get(spec.asset_type) or {}
        if isinstance(per_type, dict):
            add(
                "checkpoint_asset_type",
                f"{checkpoint.id}:{spec.asset_type}",
                str(per_type.get("positive", "")),
                str(per_type.get("negative", "")),
            )

    replacing = [tag for tag in spec_tags if tag_map[tag].position == "replace"]
    if override_positive is not None or override_negative is not None:
        add(
            "spec_prompt",
            f"{spec.id}:override",
            override_positive if override_positive is not None else spec.prompt.positive,
            override_negative if override_negative is not None else spec.prompt.negative,
        )
    elif replacing:
        entry = tag_map[replacing[0]]
        add("spec_prompt", f"{replacing[0]}:replace", entry.positive, entry.negative or spec.prompt.negative)
    else:
        add("spec_prompt", spec.id, spec.prompt.positive, spec.prompt.negative)

    for layer, entries, wanted in (
        ("catalog_style", styles, [spec.style]),
        ("catalog_scenario", scenarios, [spec.scenario]),
        ("catalog_palette", palettes, project.defaults.palette_ids),
    ):
        for entry in entries:
            if entry.id in wanted:
                add(layer, entry.id, ", ".join(entry.prompt_tokens))

    for tag in spec_tags:
        if tag_map[tag].position == "suffix":
            add("tag", tag, tag_map[tag].positive, tag_map[tag].negative)
    for group in tag_groups:
        for tag in group.tags:
            if tag.id in spec.tags and tag.prompt_token and tag.id not in tag_map:
                add("tag", tag.id, tag.prompt_token)

    if baseline is not None:
        hints = baseline.asset_type_profiles.get(spec.asset_type)
        if hints is not None:
            add(
                "baseline_hints",
                f"{baseline.id}:{spec.asset_type}",
                ", ".join(hints.prompt_hints),
                ", ".join(hints.negative_prompt_hints),
            )

    safety: RuntimeSafety | None = (
        profile.runtime_safety if profile else None
    ) or project.policies.runtime_safety
    if safety is not None and safety.enabled:
        add(
            "runtime_safety",
            profile.profile_id if profile else project.id,
            ", ".join(safety.positive),
            ", ".join(safety.negative),
        )

    positive = _join([part for f in fragments for part in _split(f.positive)])
    negative = _join([part for f in fragments for part in _split(f.negative)])
    return _package(checkpoint.id, fragments, positive, negative)


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
