"""catalogs/{asset-types,styles,scenarios,palettes,tags}.json."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assetgen.models.base import Contract, Record
from assetgen.models.generation import GenerationParams

HEX_COLOR = r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$"


class AssetType(Contract):
    """One kind of asset (character, prop, ui_icon, tile, vfx_frame ...)."""

    id: str
    label: str
    description: str | None = None
    multi_frame: bool = False
    requires_alpha: bool = False
    tileable: bool = False
    default_tags: list[str] = Field(default_factory=list)
    default_generation_params: GenerationParams = Field(default_factory=GenerationParams)
    workflow_template_id: str | None = None
    aliases: list[str] = Field(default_factory=list, description="assetgen: synonyms used by refinement.")
    prompt_template: str | None = Field(
        default=None,
        description="assetgen: refinement's positive prompt template; placeholders {subject}, {cameraAngle},"
        " {typeLabel}.",
    )
    negative_prompt: str | None = Field(
        default=None, description="assetgen: refinement's spec-level negative prompt for this type."
    )
    count_means: Literal["specs", "variants"] = Field(
        default="specs",
        description="assetgen: what a count in a wish means: '12 potion icons' -> 12 specs, or one spec"
        " generating 12 variants.",
    )
    output_kind: Literal["single_image", "animation", "ui_states", "logo_set"] | None = Field(
        default=None,
        description="assetgen: the output kind refinement gives this type; unset = animation when the wish"
        " names frames/fps/a cycle, else single_image.",
    )
    identity_bearing: bool = Field(
        default=False,
        description="assetgen: assets of this type depict a named entity, so autopilot-ready specs need an"
        " entityLink.",
    )


class AssetTypeCatalog(Record):
    """catalogs/asset-types.json."""

    asset_types: list[AssetType] = Field(min_length=1)


class CatalogEntry(Contract):
    """A style or scenario: a label plus the prompt tokens it contributes."""

    id: str
    label: str
    description: str | None = None
    prompt_tokens: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class StyleCatalog(Record):
    """catalogs/styles.json."""

    styles: list[CatalogEntry] = Field(min_length=1)


class ScenarioCatalog(Record):
    """catalogs/scenarios.json."""

    scenarios: list[CatalogEntry] = Field(min_length=1)


class Palette(Contract):
    """A named colour palette."""

    id: str
    label: str
    colors: list[str] = Field(min_length=1, json_schema_extra={"items": {"pattern": HEX_COLOR}})
    description: str | None = None
    prompt_tokens: list[str] = Field(default_factory=list)


class PaletteCatalog(Record):
    """catalogs/palettes.json."""

    palettes: list[Palette] = Field(min_length=1)


class ReviewTool(Contract):
    """A review overlay a tag switches on in the gallery."""

    type: Literal[
        "overlay_grid",
        "bg_cycler",
        "reference_ghost",
        "safe_area",
        "onion_skin",
        "color_picker",
        "horizon_line",
    ]
    config: dict | None = None


class Tag(Contract):
    """One chip; ids are ``group:value``."""

    id: str
    label: str
    prompt_token: str | None = None
    aliases: list[str] = Field(default_factory=list)
    review_tools: list[ReviewTool] = Field(default_factory=list)


class TagGroup(Contract):
    """A group of chips; ``exclusive`` groups are single-choice."""

    id: str
    label: str
    exclusive: bool = False
    tags: list[Tag] = Field(default_factory=list)


class TagCatalog(Record):
    """catalogs/tags.json."""

    groups: list[TagGroup] = Field(min_length=1)


CATALOG_MODELS: dict[str, type[Record]] = {
    "asset-types": AssetTypeCatalog,
    "styles": StyleCatalog,
    "scenarios": ScenarioCatalog,
    "palettes": PaletteCatalog,
    "tags": TagCatalog,
}
