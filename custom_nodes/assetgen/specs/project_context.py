"""Everything refinement and validation look up about one project, read once into a frozen value.

``load_project_context`` is the only function here that touches the store; the rest of refinement,
readiness and validation takes a ``ProjectContext`` and stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from assetgen.models import (
    AssetType,
    AssetTypeCatalog,
    BaselineProfile,
    Checkpoint,
    Lora,
    Palette,
    PaletteCatalog,
    Project,
    ScenarioCatalog,
    StyleCatalog,
    TagCatalog,
)
from assetgen.models.catalogs import CatalogEntry, Tag, TagGroup
from assetgen.store import ProjectStore


@dataclass(frozen=True)
class ProjectContext:
    """A project's defaults, policies, catalogs and model records (checkpoints, LoRAs, baselines)."""

    project: Project
    asset_types: tuple[AssetType, ...]
    styles: tuple[CatalogEntry, ...]
    scenarios: tuple[CatalogEntry, ...]
    palettes: tuple[Palette, ...]
    tag_groups: tuple[TagGroup, ...]
    checkpoints: Mapping[str, Checkpoint]
    loras: Mapping[str, Lora]
    baseline_profiles: Mapping[str, BaselineProfile]

    @property
    def project_id(self) -> str:
        return self.project.id

    def asset_type(self, type_id: str) -> AssetType | None:
        """The catalog entry of ``type_id``, or None."""
        return next((t for t in self.asset_types if t.id == type_id), None)

    def style(self, style_id: str) -> CatalogEntry | None:
        return next((s for s in self.styles if s.id == style_id), None)

    def scenario(self, scenario_id: str) -> CatalogEntry | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def palette(self, palette_id: str) -> Palette | None:
        return next((p for p in self.palettes if p.id == palette_id), None)

    def tag(self, tag_id: str) -> Tag | None:
        """The tag ``group:value`` from the tag catalog, or None."""
        for group in self.tag_groups:
            for tag in group.tags:
                if tag.id == tag_id:
                    return tag
        return None

    def tag_group(self, group_id: str) -> TagGroup | None:
        return next((g for g in self.tag_groups if g.id == group_id), None)


def build_project_context(
    project: Project,
    *,
    asset_types: AssetTypeCatalog,
    styles: StyleCatalog,
    scenarios: ScenarioCatalog,
    palettes: PaletteCatalog,
    tags: TagCatalog,
    checkpoints: list[Checkpoint] | tuple[Checkpoint, ...] = (),
    loras: list[Lora] | tuple[Lora, ...] = (),
    baseline_profiles: list[BaselineProfile] | tuple[BaselineProfile, ...] = (),
) -> ProjectContext:
    """Assemble a context from already-read records (tests and callers that hold the models)."""
    return ProjectContext(
        project=project,
        asset_types=tuple(asset_types.asset_types),
        styles=tuple(styles.styles),
        scenarios=tuple(scenarios.scenarios),
        palettes=tuple(palettes.palettes),
        tag_groups=tuple(tags.groups),
        checkpoints=MappingProxyType({c.id: c for c in sorted(checkpoints, key=lambda c: c.id)}),
        loras=MappingProxyType({lora.id: lora for lora in sorted(loras, key=lambda lora: lora.id)}),
        baseline_profiles=MappingProxyType({b.id: b for b in sorted(baseline_profiles, key=lambda b: b.id)}),
    )


def load_project_context(store: ProjectStore, project_id: str) -> ProjectContext:
    """Read project.json, the five catalogs, checkpoints, LoRAs and baseline profiles of ``project_id``.

    Raises NotFound (no project, a missing catalog) or InvalidInput (a file that breaks its schema),
    each naming the file.
    """
    project = store.read_project(project_id)
    return build_project_context(
        project,
        asset_types=cast(AssetTypeCatalog, store.read_catalog(project_id, "asset-types")),
        styles=cast(StyleCatalog, store.read_catalog(project_id, "styles")),
        scenarios=cast(ScenarioCatalog, store.read_catalog(project_id, "scenarios")),
        palettes=cast(PaletteCatalog, store.read_catalog(project_id, "palettes")),
        tags=cast(TagCatalog, store.read_catalog(project_id, "tags")),
        checkpoints=list(store.iter_records(project_id, "checkpoints")),
        loras=list(store.iter_records(project_id, "loras")),
        baseline_profiles=store.baseline_profiles(project_id),
    )
