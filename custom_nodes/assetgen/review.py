"""Review decisions on variants (seed section 4): approve, reject, needs regeneration, primary, notes, tags.

Every decision is one function that changes one field of one variant (or the version's primary),
appends a ``ReviewEvent`` (who, when, what, before, after) to the variant's history and returns the
updated asset. ``undo_last`` reverts the newest event of a variant. Writes are per field, so two
reviewers editing different fields of the same variant both keep their edit (the asset file is
re-read under a lock right before each change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.models import Asset, AssetVersion, ReviewEvent, Variant
from assetgen.store import ProjectStore

Decision = Literal["approve", "reject", "needs_regeneration", "reset"]
DECISION_STATUS = {
    "approve": "selected",
    "reject": "rejected",
    "needs_regeneration": "needs_regeneration",
    "reset": "candidate",
}
MAX_NOTE_CHARS = 2000


def asset_lock(store: ProjectStore, project_id: str, asset_id: str):
    """The exclusive lock for read-modify-write of one asset record (across processes)."""
    return store.lock(project_id, "assets", asset_id)


def find_variant(asset: Asset, variant_id: str) -> tuple[AssetVersion, Variant]:
    """The version and variant of ``variant_id`` in ``asset``; NotFound names the asset."""
    for version in asset.versions:
        for variant in version.variants:
            if variant.id == variant_id:
                return version, variant
    raise NotFound(f"variant {variant_id!r} not found in asset {asset.id!r}")


def _update(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    change: Callable[[AssetVersion, Variant], Any],
) -> Asset:
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        version, variant = find_variant(asset, variant_id)
        change(version, variant)
        asset.updated_at = now_iso()
        store.write(project_id, "assets", asset)
        return asset


def _event(
    variant: Variant, *, by: str, action: str, field: str, before: Any, after: Any, note: str | None = None
) -> None:
    variant.review_history.append(
        ReviewEvent(at=now_iso(), by=by, action=action, field=field, before=before, after=after, note=note)
    )


def _version_status_after(version: AssetVersion) -> None:
    """A version with a selected variant is approved; one whose variants are all rejected is rejected."""
    statuses = {v.status for v in version.variants}
    if "selected" in statuses:
        version.status = "approved"
    elif statuses == {"rejected"}:
        version.status = "rejected"
    elif version.status in ("approved", "rejected"):
        version.status = "review"


def decide(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    decision: Decision,
    *,
    by: str = "reviewer",
    note: str | None = None,
) -> Asset:
    """Approve, reject or ask to regenerate a variant (or ``reset`` it to candidate)."""
    if decision not in DECISION_STATUS:
        raise InvalidInput(f"unknown decision {decision!r}; use one of {sorted(DECISION_STATUS)}")

    def change(version: AssetVersion, variant: Variant) -> None:
        before = variant.status
        variant.status = DECISION_STATUS[decision]
        _event(
            variant, by=by, action=decision, field="status", before=before, after=variant.status, note=note
        )
        if decision != "approve" and version.primary_variant_id == variant.id:
            _event(variant, by=by, action="unset_primary", field="primary", before=True, after=False)
            version.primary_variant_id = None
        _version_status_after(version)

    return _update(store, project_id, asset_id, variant_id, change)


def set_primary(
    store: ProjectStore, project_id: str, asset_id: str, variant_id: str, *, by: str = "reviewer"
) -> Asset:
    """Make ``variant_id`` the one primary of the asset (other versions lose theirs); approves it too."""
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        version, variant = find_variant(asset, variant_id)
        for other in asset.versions:
            if other.primary_variant_id and other.primary_variant_id != variant_id:
                _, old = find_variant(asset, other.primary_variant_id)
                _event(old, by=by, action="unset_primary", field="primary", before=True, after=False)
                other.primary_variant_id = None
        if version.primary_variant_id != variant_id:
            version.primary_variant_id = variant_id
            _event(variant, by=by, action="set_primary", field="primary", before=False, after=True)
        if variant.status != "selected":
            before = variant.status
            variant.status = "selected"
            _event(variant, by=by, action="approve", field="status", before=before, after="selected")
        _version_status_after(version)
        asset.updated_at = now_iso()
        store.write(project_id, "assets", asset)
        return asset


def set_note(
    store: ProjectStore, project_id: str, asset_id: str, variant_id: str, note: str, *, by: str = "reviewer"
) -> Asset:
    """Set the short review note (at most 2000 characters; empty clears it)."""
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a review note is text of at most {MAX_NOTE_CHARS} characters")

    def change(_: AssetVersion, variant: Variant) -> None:
        before = variant.review_note
        variant.review_note = note.strip() or None
        _event(variant, by=by, action="note", field="reviewNote", before=before, after=variant.review_note)

    return _update(store, project_id, asset_id, variant_id, change)


def set_tags(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    *,
    add: list[str] = (),
    remove: list[str] = (),
    exclusive_groups: dict[str, list[str]] | None = None,
    by: str = "reviewer",
) -> Asset:
    """Add and remove tags; adding a tag of an exclusive group removes the group's other tags."""
    for tag in [*add, *remove]:
        if not isinstance(tag, str) or not tag.strip() or len(tag) > 100:
            raise InvalidInput(f"invalid tag {tag!r}: use 1-100 characters")

    def change(_: AssetVersion, variant: Variant) -> None:
        before = list(variant.tags)
        tags = [t for t in variant.tags if t not in remove]
        for tag in add:
            for members in (exclusive_groups or {}).values():
                if tag in members:
                    tags = [t for t in tags if t not in members]
            if tag not in tags:
                tags.append(tag)
        variant.tags = tags
        _event(variant, by=by, action="tags", field="tags", before=before, after=list(tags))

    return _update(store, project_id, asset_id, variant_id, change)


def set_rating(
    store: ProjectStore, project_id: str, asset_id: str, variant_id: str, rating: int, *, by: str = "reviewer"
) -> Asset:
    """Rate a variant 0-5."""
    if not isinstance(rating, int) or not 0 <= rating <= 5:
        raise InvalidInput(f"rating must be an integer 0-5, got {rating!r}")

    def change(_: AssetVersion, variant: Variant) -> None:
        before = variant.rating
        variant.rating = rating
        _event(variant, by=by, action="rating", field="rating", before=before, after=rating)

    return _update(store, project_id, asset_id, variant_id, change)


def undo_last(
    store: ProjectStore, project_id: str, asset_id: str, variant_id: str, *, by: str = "reviewer"
) -> Asset:
    """Revert the newest not-yet-undone decision on a variant (recorded as an ``undo`` event)."""
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        version, variant = find_variant(asset, variant_id)
        open_events: list[ReviewEvent] = []  # decisions not undone yet, oldest first
        for past in variant.review_history:
            if past.action == "undo":
                if open_events:
                    open_events.pop()
            else:
                open_events.append(past)
        if not open_events:
            raise InvalidInput(f"variant {variant_id!r} has no decision left to undo")
        event = open_events[-1]
        if event.field == "status":
            variant.status = event.before
        elif event.field == "reviewNote":
            variant.review_note = event.before
        elif event.field == "tags":
            variant.tags = list(event.before or [])
        elif event.field == "rating":
            variant.rating = event.before
        elif event.field == "primary":
            version.primary_variant_id = variant_id if event.before else None
        _event(
            variant,
            by=by,
            action="undo",
            field=event.field,
            before=event.after,
            after=event.before,
            note=f"undo {event.action}",
        )
        _version_status_after(version)
        asset.updated_at = now_iso()
        store.write(project_id, "assets", asset)
        return asset
