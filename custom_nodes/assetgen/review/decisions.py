"""Review decisions on variants (seed section 4): approve, reject, needs regeneration, primary, notes, tags.

Every decision is one function that changes one field of one variant (plus what the field implies:
the version's primary, the version status), appends ``ReviewEvent``s (who, when, what, before, after)
to the variants it touched and returns the updated asset. Events written by one call share a
``changeId``; ``undo`` reverts one change as a whole.

Concurrency rule (per-field last-write-wins): each call takes the asset's file lock, re-reads the
record, changes only its own field and writes it back. Two reviewers editing different fields of
the same variant (or different variants) both keep their edit; two edits of the same field keep the
later one, and the earlier one stays in the history. Tag edits are deltas (add/remove/toggle one
chip), so concurrent toggles of different chips both survive. An undo reverts a field only while
it still holds the value the change wrote; if someone changed it since, the undo is a Conflict and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal

from assetgen.clock import now_iso
from assetgen.errors import Conflict, InvalidInput, NotFound
from assetgen.ids import new_ulid
from assetgen.models import Asset, AssetVersion, ReviewEvent, Variant
from assetgen.store import ProjectStore, asset_lock

Decision = Literal["approve", "reject", "needs_regeneration", "reset"]
DECISION_STATUS = {
    "approve": "selected",
    "reject": "rejected",
    "needs_regeneration": "needs_regeneration",
    "reset": "candidate",
}
MAX_NOTE_CHARS = 2000
MAX_TAG_CHARS = 100


def find_variant(asset: Asset, variant_id: str) -> tuple[AssetVersion, Variant]:
    """The version and variant of ``variant_id`` in ``asset``; NotFound names the asset."""
    return asset.find_variant(variant_id)


def _update(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    change: Callable[[Asset, AssetVersion, Variant], Any],
) -> Asset:
    """Lock, re-read, apply ``change`` (which may raise: nothing is written then), write."""
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        version, variant = find_variant(asset, variant_id)
        change(asset, version, variant)
        asset.updated_at = now_iso()
        store.write(project_id, "assets", asset)
        return asset


def _event(
    variant: Variant,
    *,
    by: str,
    change_id: str,
    action: str,
    field: str,
    before: Any,
    after: Any,
    note: str | None = None,
    undoes: str | None = None,
) -> None:
    variant.review_history.append(
        ReviewEvent(
            at=now_iso(),
            by=by,
            action=action,
            field=field,
            before=before,
            after=after,
            note=note,
            change_id=change_id,
            undoes=undoes,
        )
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


def _clear_primary(asset: Asset, *, keep: str | None, by: str, change_id: str) -> None:
    """Unset every primary except ``keep`` (one primary per asset), logging it on the old primary."""
    for version in asset.versions:
        old_id = version.primary_variant_id
        if old_id and old_id != keep:
            version.primary_variant_id = None
            try:
                _, old = find_variant(asset, old_id)
            except NotFound:
                continue  # a hand-edited record pointing at a deleted variant
            _event(
                old,
                by=by,
                change_id=change_id,
                action="unset_primary",
                field="primary",
                before=True,
                after=False,
            )


def decide(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    decision: Decision,
    *,
    by: str = "reviewer",
    note: str | None = None,
    change_id: str | None = None,
) -> Asset:
    """Approve, reject or ask to regenerate a variant (or ``reset`` it to candidate).

    Anything but approve also takes the primary mark away from the variant."""
    if decision not in DECISION_STATUS:
        raise InvalidInput(f"unknown decision {decision!r}; use one of {sorted(DECISION_STATUS)}")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
        raise InvalidInput(f"a decision note is text of at most {MAX_NOTE_CHARS} characters")
    cid = change_id or new_ulid()

    def change(_: Asset, version: AssetVersion, variant: Variant) -> None:
        before = variant.status
        variant.status = DECISION_STATUS[decision]
        _event(
            variant,
            by=by,
            change_id=cid,
            action=decision,
            field="status",
            before=before,
            after=variant.status,
            note=note,
        )
        if decision != "approve" and version.primary_variant_id == variant.id:
            version.primary_variant_id = None
            _event(
                variant,
                by=by,
                change_id=cid,
                action="unset_primary",
                field="primary",
                before=True,
                after=False,
            )
        _version_status_after(version)

    return _update(store, project_id, asset_id, variant_id, change)


def set_primary(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    *,
    by: str = "reviewer",
    change_id: str | None = None,
) -> Asset:
    """Make ``variant_id`` the one primary of the asset (every other primary is unset); approves it too."""
    cid = change_id or new_ulid()

    def change(asset: Asset, version: AssetVersion, variant: Variant) -> None:
        _clear_primary(asset, keep=variant_id, by=by, change_id=cid)
        if version.primary_variant_id != variant_id:
            version.primary_variant_id = variant_id
            _event(
                variant, by=by, change_id=cid, action="set_primary", field="primary", before=False, after=True
            )
        if variant.status != "selected":
            before = variant.status
            variant.status = "selected"
            _event(
                variant,
                by=by,
                change_id=cid,
                action="approve",
                field="status",
                before=before,
                after="selected",
            )
        for each in asset.versions:
            _version_status_after(each)

    return _update(store, project_id, asset_id, variant_id, change)


def set_note(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    note: str,
    *,
    by: str = "reviewer",
    change_id: str | None = None,
) -> Asset:
    """Set the short review note (at most 2000 characters; empty clears it)."""
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a review note is text of at most {MAX_NOTE_CHARS} characters")
    cid = change_id or new_ulid()

    def change(_: Asset, __: AssetVersion, variant: Variant) -> None:
        before = variant.review_note
        after = note.strip() or None
        if after == before:
            return
        variant.review_note = after
        _event(variant, by=by, change_id=cid, action="note", field="reviewNote", before=before, after=after)

    return _update(store, project_id, asset_id, variant_id, change)


def exclusive_tag_groups(store: ProjectStore, project_id: str) -> dict[str, list[str]]:
    """Group id -> tag ids of the project's single-choice tag groups (empty without a tag catalog)."""
    try:
        catalog = store.read_catalog(project_id, "tags")
    except NotFound:
        return {}
    return {g.id: [t.id for t in g.tags] for g in catalog.groups if g.exclusive}


def _check_tags(tags: list[str]) -> None:
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip() or len(tag) > MAX_TAG_CHARS or tag != tag.strip():
            raise InvalidInput(f"invalid tag {tag!r}: use 1-{MAX_TAG_CHARS} characters, no outer spaces")


def set_tags(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    *,
    add: list[str] = (),
    remove: list[str] = (),
    toggle: str | None = None,
    exclusive_groups: dict[str, list[str]] | None = None,
    by: str = "reviewer",
    change_id: str | None = None,
) -> Asset:
    """Add, remove or toggle tags; adding a tag of an exclusive group removes the group's other tags.

    ``exclusive_groups`` defaults to the project's tag catalog. The change is a delta applied to the
    record as it is on disk, so concurrent edits of other tags survive."""
    _check_tags([*add, *remove, *([toggle] if toggle is not None else [])])
    groups = exclusive_tag_groups(store, project_id) if exclusive_groups is None else exclusive_groups
    cid = change_id or new_ulid()

    def change(_: Asset, __: AssetVersion, variant: Variant) -> None:
        before = list(variant.tags)
        to_add, to_remove = list(add), list(remove)
        if toggle is not None:
            (to_remove if toggle in before else to_add).append(toggle)
        tags = [t for t in before if t not in to_remove]
        for tag in to_add:
            for members in groups.values():
                if tag in members:
                    tags = [t for t in tags if t not in members or t == tag]
            if tag not in tags:
                tags.append(tag)
        if tags == before:
            return
        variant.tags = tags
        action = "toggle_tag" if toggle is not None and not add and not remove else "tags"
        _event(variant, by=by, change_id=cid, action=action, field="tags", before=before, after=list(tags))

    return _update(store, project_id, asset_id, variant_id, change)


def set_rating(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    rating: int,
    *,
    by: str = "reviewer",
    change_id: str | None = None,
) -> Asset:
    """Rate a variant 0-5."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 0 <= rating <= 5:
        raise InvalidInput(f"rating must be an integer 0-5, got {rating!r}")
    cid = change_id or new_ulid()

    def change(_: Asset, __: AssetVersion, variant: Variant) -> None:
        before = variant.rating
        if before == rating:
            return
        variant.rating = rating
        _event(variant, by=by, change_id=cid, action="rating", field="rating", before=before, after=rating)

    return _update(store, project_id, asset_id, variant_id, change)


def _change_key(event: ReviewEvent) -> str:
    """The id of the change an event belongs to (events older than change ids are their own change)."""
    return event.change_id or f"{event.at}/{event.action}/{event.field}"


def _undone_keys(asset: Asset) -> set[str]:
    return {e.undoes for _, v in _all_variants(asset) for e in v.review_history if e.undoes}


def _all_variants(asset: Asset) -> Iterator[tuple[AssetVersion, Variant]]:
    return asset.iter_variants()


def _revert(asset: Asset, version: AssetVersion, variant: Variant, event: ReviewEvent) -> None:
    """Put back the field ``event`` changed, if it still holds what the event wrote; else Conflict."""
    field = event.field
    changed_since = Conflict(
        f"variant {variant.id!r}: {field} changed after {event.action} by {event.by}; nothing was undone"
    )
    if field == "status":
        if variant.status != event.after:
            raise changed_since
        variant.status = event.before
    elif field == "reviewNote":
        if variant.review_note != event.after:
            raise changed_since
        variant.review_note = event.before
    elif field == "rating":
        if variant.rating != event.after:
            raise changed_since
        variant.rating = event.before
    elif field == "tags":
        before, after = list(event.before or []), list(event.after or [])
        added = [t for t in after if t not in before]
        removed = [t for t in before if t not in after]
        if any(t not in variant.tags for t in added) or any(t in variant.tags for t in removed):
            raise changed_since
        variant.tags = [t for t in variant.tags if t not in added] + removed
    elif field == "primary":
        if event.after:  # the change made it primary: unset it
            if version.primary_variant_id != variant.id:
                raise changed_since
            version.primary_variant_id = None
        else:  # the change took the mark away: give it back unless another variant holds it now
            if any(v.primary_variant_id for v in asset.versions):
                raise changed_since
            version.primary_variant_id = variant.id
    else:
        raise InvalidInput(f"variant {variant.id!r}: cannot undo a change of field {field!r}")


def undo(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    variant_id: str,
    *,
    change_id: str | None = None,
    by: str = "reviewer",
) -> Asset:
    """Revert one change (``change_id``, else the newest not-yet-undone change of the variant) as a whole.

    Every event of the change, on any variant of the asset, is reverted newest first and logged as an
    ``undo`` event. Conflict (nothing written) when a field was changed again since."""
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        _, target = find_variant(asset, variant_id)
        undone = _undone_keys(asset)
        candidates = [e for e in target.review_history if e.action != "undo" and _change_key(e) not in undone]
        if change_id is not None:
            candidates = [e for e in candidates if _change_key(e) == change_id]
            if not candidates:
                raise InvalidInput(f"variant {variant_id!r} has no change {change_id!r} left to undo")
        if not candidates:
            raise InvalidInput(f"variant {variant_id!r} has no decision left to undo")
        key = _change_key(candidates[-1])
        events = [
            (version, variant, event)
            for version, variant in _all_variants(asset)
            for event in variant.review_history
            if event.action != "undo" and _change_key(event) == key
        ]
        # take primary marks away before giving one back (one primary per asset at every step)
        events.sort(key=lambda item: 0 if item[2].field == "primary" and item[2].after else 1)
        undo_id = new_ulid()
        for version, variant, event in events:
            _revert(asset, version, variant, event)
        for version, variant, event in events:
            _event(
                variant,
                by=by,
                change_id=undo_id,
                action="undo",
                field=event.field or "",
                before=event.after,
                after=event.before,
                note=f"undo {event.action}",
                undoes=key,
            )
            _version_status_after(version)
        asset.updated_at = now_iso()
        store.write(project_id, "assets", asset)
        return asset


def undo_last(
    store: ProjectStore, project_id: str, asset_id: str, variant_id: str, *, by: str = "reviewer"
) -> Asset:
    """Revert the newest not-yet-undone change of a variant (see ``undo``)."""
    return undo(store, project_id, asset_id, variant_id, by=by)
