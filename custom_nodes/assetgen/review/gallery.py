"""Read views for the review gallery: asset summaries with status counts and pages of variants.

The flat variant list of an asset is every variant of every version, newest version first, variants
in generation order; ``index`` is the position in that list (what the gallery's grid scrolls over).
"""

from __future__ import annotations

from collections.abc import Iterator

from assetgen.errors import InvalidInput, NotFound
from assetgen.models import Asset, AssetVersion, Variant
from assetgen.models.gallery import (
    AssetList,
    AssetSummary,
    ReviewConfig,
    ReviewResult,
    StatusCounts,
    VariantEntry,
    VariantFilter,
    VariantPage,
)
from assetgen.store import ProjectStore

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 500
VARIANT_FILTERS = ("all", "candidate", "selected", "rejected", "needs_regeneration")


def iter_variants(asset: Asset) -> Iterator[tuple[AssetVersion, Variant]]:
    """(version, variant) pairs in gallery order: newest version first, variants in generation order."""
    for version in reversed(asset.versions):
        for variant in version.variants:
            yield version, variant


def primary_variant_id(asset: Asset) -> str | None:
    """The asset's primary variant (the newest version that has one), or None."""
    for version in reversed(asset.versions):
        if version.primary_variant_id:
            return version.primary_variant_id
    return None


def status_counts(asset: Asset) -> StatusCounts:
    """How many variants of ``asset`` are candidates, approved (selected), rejected, to regenerate."""
    counts = StatusCounts()
    for _, variant in iter_variants(asset):
        counts.total += 1
        setattr(counts, variant.status, getattr(counts, variant.status) + 1)
    return counts


def summarize_asset(asset: Asset, *, title: str | None = None) -> AssetSummary:
    """One asset-list row: counts, primary and its thumbnail (the first variant's when none is primary)."""
    primary = primary_variant_id(asset)
    thumb = None
    for _, variant in iter_variants(asset):
        if primary is None or variant.id == primary:
            thumb = variant.preview_path or variant.original_path
            break
    return AssetSummary(
        id=asset.id,
        spec_id=asset.spec_id,
        title=title,
        updated_at=asset.updated_at,
        versions=len(asset.versions),
        counts=status_counts(asset),
        primary_variant_id=primary,
        thumbnail_path=thumb,
    )


def list_asset_summaries(store: ProjectStore, project_id: str) -> AssetList:
    """Every asset of the project as a summary row, most recently changed first."""
    store.read_project(project_id)
    rows = []
    for asset in store.iter_records(project_id, "assets"):
        title = None
        if asset.spec_id and store.exists(project_id, "specs", asset.spec_id):
            spec = store.read(project_id, "specs", asset.spec_id)
            title = getattr(spec, "title", None)
        rows.append(summarize_asset(asset, title=title))
    rows.sort(key=lambda row: (row.updated_at or "", row.id), reverse=True)
    return AssetList(project_id=project_id, assets=rows)


def variant_numbers(asset: Asset) -> dict[str, int]:
    """Variant id -> its number in the asset, 1 for the first ever made (oldest version first, then generation
    order): stable as versions are added, short enough to say ("#3")."""
    numbers: dict[str, int] = {}
    for version in asset.versions:
        for variant in version.variants:
            numbers.setdefault(variant.id, len(numbers) + 1)
    return numbers


def variant_entry(
    asset: Asset, version: AssetVersion, variant: Variant, index: int, *, number: int
) -> VariantEntry:
    """``variant`` with its place in the asset (version, index, number, primary, eligibility)."""
    return VariantEntry(
        **variant.model_dump(by_alias=False, exclude_unset=False),
        asset_id=asset.id,
        version_id=version.id,
        index=index,
        number=number,
        is_primary=version.primary_variant_id == variant.id,
        is_eligible=version.is_approved(variant),
    )


def variant_page(
    asset: Asset, *, offset: int = 0, limit: int = DEFAULT_PAGE_LIMIT, status: VariantFilter = "all"
) -> VariantPage:
    """Variants ``offset``..``offset+limit`` (limit 1-500) of the flat list, optionally only one status."""
    if status not in VARIANT_FILTERS:
        raise InvalidInput(f"unknown variant filter {status!r}; use one of {list(VARIANT_FILTERS)}")
    if not isinstance(offset, int) or offset < 0:
        raise InvalidInput(f"offset must be an integer >= 0, got {offset!r}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise InvalidInput(f"limit must be an integer 1-{MAX_PAGE_LIMIT}, got {limit!r}")
    matching = [
        (index, version, variant)
        for index, (version, variant) in enumerate(iter_variants(asset))
        if status == "all" or variant.status == status
    ]
    numbers = variant_numbers(asset)
    return VariantPage(
        asset_id=asset.id,
        offset=offset,
        limit=limit,
        total=len(matching),
        status=status,
        counts=status_counts(asset),
        primary_variant_id=primary_variant_id(asset),
        variants=[
            variant_entry(asset, ver, var, i, number=numbers[var.id])
            for i, ver, var in matching[offset : offset + limit]
        ],
    )


def review_result(asset: Asset, variant_id: str, *, change_id: str | None = None) -> ReviewResult:
    """What a review POST answers: the variant as the grid shows it, the asset-level state, and the other
    variants the change ``change_id`` touched (None when the call changed nothing)."""
    touched = [
        v.id
        for _, v in iter_variants(asset)
        if change_id and any(e.change_id == change_id for e in v.review_history)
    ]
    for index, (version, variant) in enumerate(iter_variants(asset)):
        if variant.id == variant_id:
            return ReviewResult(
                variant=variant_entry(
                    asset, version, variant, index, number=variant_numbers(asset)[variant.id]
                ),
                change_id=change_id if touched else None,
                counts=status_counts(asset),
                primary_variant_id=primary_variant_id(asset),
                changed_variant_ids=[t for t in touched if t != variant_id],
            )
    raise InvalidInput(f"variant {variant_id!r} is not in asset {asset.id!r}")


def review_config(store: ProjectStore, project_id: str) -> ReviewConfig:
    """The project's tag chips (groups with ``exclusive`` and ``reviewTools``); none without a tag catalog."""
    store.read_project(project_id)
    try:
        catalog = store.read_catalog(project_id, "tags")
    except NotFound:
        return ReviewConfig(project_id=project_id)
    return ReviewConfig(project_id=project_id, tag_groups=[g.model_dump(mode="json") for g in catalog.groups])


def read_variant_page(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    *,
    offset: int = 0,
    limit: int = DEFAULT_PAGE_LIMIT,
    status: str = "all",
) -> VariantPage:
    """Read the asset and return one page of its variants (see ``variant_page``)."""
    if status not in VARIANT_FILTERS:
        raise InvalidInput(f"unknown variant filter {status!r}; use one of {list(VARIANT_FILTERS)}")
    asset: Asset = store.read(project_id, "assets", asset_id)
    return variant_page(asset, offset=offset, limit=limit, status=status)  # type: ignore[arg-type]
