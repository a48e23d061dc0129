"""Refining a structured markdown wishlist (``assetgen.specs.wishlist_markdown`` reads it) into specs.

Each item's planned wishes go through the same wish grammar and spec composition as a plain line
(``assetgen.specs.refine`` passes its ``plan_wish`` in), with what the markdown adds: the section's
asset type and output kind where the item names none, named animations, UI states, parallax layers,
and ids derived from the item's stable key (``<specListId>-<section>-<item words>[-<member>]``)
instead of its line number. ``match_previous_ids`` gives a planned spec the id of a spec the list
derived before (by key, by item text and title, by item text), so hand edits stay matched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assetgen.errors import AssetgenError, InvalidInput
from assetgen.ids import ID_PATTERN
from assetgen.models import AssetSpec, SpecList
from assetgen.models.spec import AnimationSpec
from assetgen.models.spec_list import ContextProposal, RefinementItem
from assetgen.specs.defaults import DEFAULT_FPS, DEFAULT_FRAME_COUNT
from assetgen.specs.project_context import ProjectContext
from assetgen.specs.readiness import assess_readiness
from assetgen.specs.wishlist import MAX_LINE_CHARS, ParsedWish, Vocabulary, WishLine, parse_wish
from assetgen.specs.wishlist_markdown import (
    MarkdownItem,
    PlannedWish,
    expand_item,
    item_key,
    propose_project_context,
    read_markdown_wishlist,
    resolve_type_hint,
)
from assetgen.store import ProjectStore


class WishNotes(Protocol):
    """What ``plan_wish`` noted about one wish."""

    assumptions: list[str]
    warnings: list[str]


class PlanWish(Protocol):
    """``assetgen.specs.refine``'s composition of one parsed wish into specs."""

    def __call__(
        self, wish_line: WishLine, wish: ParsedWish, spec_list: SpecList, context: ProjectContext, *, now: str
    ) -> tuple[list[AssetSpec], WishNotes]: ...


@dataclass(frozen=True)
class MarkdownPlan:
    """Report items (skipped lines included, by line), specs with their item index, list warnings, context."""

    items: tuple[RefinementItem, ...]
    specs: tuple[tuple[int, AssetSpec], ...]
    warnings: tuple[str, ...]
    project_context: ContextProposal | None


def derive_keyed_spec_id(spec_list_id: str, key: str) -> str:
    """``<listId>-<key>`` for a markdown item's stable key, shortened with a hash to stay a valid id."""
    spec_id = f"{spec_list_id}-{key}"
    if len(spec_id) > 128:
        digest = hashlib.sha256(spec_id.encode()).hexdigest()[:10]
        spec_id = f"{spec_id[:117]}_{digest}"
    if not ID_PATTERN.fullmatch(spec_id):
        raise InvalidInput(f"cannot derive a valid spec id from spec list id {spec_list_id!r}")
    return spec_id


def _asks_animation(wish: ParsedWish) -> bool:
    return bool(
        wish.frame_count or wish.fps or wish.animation_name or wish.animation_word or wish.mentions_frames
    )


def _markdown_wish(
    planned: PlannedWish, item: MarkdownItem, context: ProjectContext, vocabulary: Vocabulary
) -> ParsedWish:
    """The grammar's reading of one planned wish, with the section's type and kind where the item has none."""
    wish = parse_wish(planned.text, vocabulary)
    wish.assumptions[:0] = list(planned.assumptions)
    section = item.section
    section_type = resolve_type_hint(section.type_hint, {t.id for t in context.asset_types})
    if wish.asset_type_id is None and section_type is not None:
        wish.asset_type_id = section_type
        wish.warnings = [w for w in wish.warnings if not w.startswith("no asset type recognised")]
        wish.assumptions.append(f"asset type {section_type} from the section {section.title!r}")
    elif wish.asset_type_id is None and section.type_hint is not None:
        wish.warnings.append(
            f"the section {section.title!r} suggests {section.type_hint} but catalogs/asset-types.json has none "
            "of its types; name the type in the item"
        )
    if planned.is_member:  # the members are the count: "ammo icons: laser / plasma" is not a vague plural
        wish.warnings = [w for w in wish.warnings if "is plural but no number is given" not in w]
    if planned.ui_states:
        wish.ui_states = list(planned.ui_states)
    if planned.variants:
        wish.variants = planned.variants
    if planned.animations:
        wish.mentions_frames = True
    elif section.kind_hint == "animation" and not _asks_animation(wish):
        wish.mentions_frames = True
        wish.assumptions.append(f"an animation: the section {section.title!r} is multi-frame")
    elif section.kind_hint == "single_image" or planned.layer:
        if _asks_animation(wish):
            wish.warnings.append(f"frames ignored: the section {section.title!r} holds single images")
        wish.frame_count = wish.fps = wish.animation_name = wish.animation_word = None
        wish.mentions_frames = False
    return wish


def _members_as_variants(
    planned: list[PlannedWish], item: MarkdownItem, context: ProjectContext, vocabulary: Vocabulary
) -> list[PlannedWish]:
    """Names of a type whose catalog entry says ``countMeans: variants`` make one spec with that many variants."""
    if len(planned) < 2 or not all(p.is_member and p.layer is None for p in planned):
        return planned
    asset_type = context.asset_type(_markdown_wish(planned[0], item, context, vocabulary).asset_type_id or "")
    if asset_type is None or asset_type.count_means != "variants":
        return planned
    names = ", ".join(p.member or "" for p in planned)
    note = f"{names}: one spec with {len(planned)} variants ({asset_type.id} countMeans)"
    first = planned[0]
    return [
        PlannedWish(
            key=item_key(item),
            text=item.text,
            animations=first.animations,
            ui_states=first.ui_states,
            assumptions=(*(a for a in first.assumptions if "one spec per name" not in a), note),
            variants=len(planned),
        )
    ]


def _keyed_spec(
    spec: AssetSpec,
    key: str,
    planned: PlannedWish,
    item: MarkdownItem,
    context: ProjectContext,
    content_hash: Callable[[AssetSpec], str],
) -> AssetSpec:
    """A planned spec renamed to its stable key, with the markdown's named animations and layer."""
    spec = spec.model_copy(deep=True)
    spec.id = derive_keyed_spec_id(spec.spec_list_id or "", key)
    if planned.animations and spec.output is not None:
        base = spec.output.animation or AnimationSpec(frame_count=DEFAULT_FRAME_COUNT, fps=DEFAULT_FPS)
        animations = [
            AnimationSpec(
                name=a.name,
                fps=base.fps,
                loop=base.loop if a.loop is None else a.loop,
                frame_count=a.frame_count or base.frame_count,
            )
            for a in planned.animations
        ]
        spec.output.kind = "animation"
        spec.output.animation = animations[0]
        spec.output.animations = animations
        spec.title = f"{spec.title.split(',')[0]} ({' + '.join(a.name for a in animations)})"[:200]
    if planned.layer:
        spec.title = (
            f"{spec.title} ({planned.layer} layer)"[:200] if planned.layer not in spec.title else spec.title
        )
    if spec.source is not None:
        spec.source.key = key
        spec.source.text = item.text[:500]
        spec.source.index = None
    spec.status = "ready" if assess_readiness(spec, context).is_ready else "draft"
    if spec.source is not None:
        spec.source.content_hash = content_hash(spec)
    return AssetSpec.model_validate(spec.model_dump(mode="json"))


def plan_markdown(
    spec_list: SpecList,
    context: ProjectContext,
    vocabulary: Vocabulary,
    *,
    now: str,
    plan_wish: PlanWish,
    content_hash: Callable[[AssetSpec], str],
    max_specs_per_item: int,
    max_specs_per_list: int,
) -> MarkdownPlan:
    """Refine a structured markdown wishlist: sections give context, ids come from section + item text."""
    doc = read_markdown_wishlist(spec_list.text)
    proposal = propose_project_context(doc.context, context)
    items: list[RefinementItem] = []
    specs: list[tuple[RefinementItem, AssetSpec]] = []
    seen_ids: set[str] = set()
    for entry in doc.context:
        items.append(
            RefinementItem(
                line=entry.line,
                text=f"{entry.key}: {entry.value}"[:500],
                skipped="project context: proposed as a project default (refine --apply-context)",
            )
        )
    for skipped_item, why in doc.skipped:
        items.append(
            RefinementItem(
                line=skipped_item.line,
                text=skipped_item.text[:500],
                section=skipped_item.section.title or None,
                skipped=why,
            )
        )
    for md in doc.items:
        item = RefinementItem(line=md.line, text=md.text[:500], section=md.section.title or None)
        items.append(item)
        length = len(md.text) + sum(len(m) for m in md.members)
        if length > MAX_LINE_CHARS:
            item.warnings.append(
                f"item is {length} characters long (limit {MAX_LINE_CHARS}): split it into shorter items"
            )
            continue
        planned_wishes = _members_as_variants(expand_item(md), md, context, vocabulary)
        if len(planned_wishes) > max_specs_per_item:
            item.warnings.append(f"{len(planned_wishes)} names capped at {max_specs_per_item} specs per item")
            planned_wishes = planned_wishes[:max_specs_per_item]
        for planned in planned_wishes:
            if len(specs) >= max_specs_per_list:
                item.warnings.append(f"not refined: the list already derives {max_specs_per_list} specs")
                break
            wish = _markdown_wish(planned, md, context, vocabulary)
            wish_specs, notes = plan_wish(
                WishLine(md.line, None, planned.text), wish, spec_list, context, now=now
            )
            item.assumptions.extend(a for a in dict.fromkeys(notes.assumptions) if a not in item.assumptions)
            if md.section.kind_hint == "animation" or planned.animations:  # the wishlist says so: no warning
                notes.warnings = [
                    w for w in notes.warnings if "the catalog marks this type single-frame" not in w
                ]
            item.warnings.extend(w for w in dict.fromkeys(notes.warnings) if w not in item.warnings)
            for index, spec in enumerate(wish_specs, start=1):
                key = planned.key + (f"-{index}" if len(wish_specs) > 1 else "")
                keyed = _keyed_spec(spec, key, planned, md, context, content_hash)
                while keyed.id in seen_ids:  # two items with the same words in one section
                    key += "_"
                    keyed = _keyed_spec(spec, key, planned, md, context, content_hash)
                seen_ids.add(keyed.id)
                item.spec_ids.append(keyed.id)
                specs.append((item, keyed))
    items.sort(key=lambda i: i.line)  # the report reads top to bottom, skipped lines included
    index_of = {id(i): n for n, i in enumerate(items)}
    ordered = tuple((index_of[id(item)], spec) for item, spec in specs)
    warnings = [] if doc.items else ["the markdown wishlist has no list items under an image section"]
    return MarkdownPlan(items=tuple(items), specs=ordered, warnings=tuple(warnings), project_context=proposal)


def match_previous_ids(
    store: ProjectStore,
    project_id: str,
    spec_list: SpecList,
    specs: Sequence[tuple[int, AssetSpec]],
    items: list[RefinementItem],
    *,
    content_hash: Callable[[AssetSpec], str],
) -> list[tuple[int, AssetSpec]]:
    """Keyed specs that are new by id but match a spec this list derived before (by key, else by item text
    and index: a list refined with line-numbered ids) take that spec's id, so hand edits stay matched."""
    planned_ids = {spec.id for _, spec in specs}
    previous: dict[tuple[str, str | None, int | str | None], str] = {}
    for old_id in spec_list.derived_spec_ids:
        if old_id in planned_ids or not store.exists(project_id, "specs", old_id):
            continue
        try:
            old = store.read(project_id, "specs", old_id)
        except AssetgenError:
            continue
        source = old.source
        if source is None or source.spec_list_id != spec_list.id:
            continue
        if source.key:
            previous.setdefault(("key", source.key, None), old_id)
        if source.text:  # several members share an item's text: their titles tell them apart
            previous.setdefault(("title", source.text, old.title), old_id)
            previous.setdefault(("text", source.text, source.index), old_id)
    matched: list[tuple[int, AssetSpec]] = []
    used: set[str] = set()
    for item_index, spec in specs:
        source = spec.source
        old_id = None
        if source is not None and not store.exists(project_id, "specs", spec.id):
            candidates = [
                ("key", source.key, None),
                ("title", source.text, spec.title),
                ("text", source.text, None),
            ]
            old_id = next(
                (previous[c] for c in candidates if c in previous and previous[c] not in used), None
            )
        if old_id is None:
            matched.append((item_index, spec))
            continue
        used.add(old_id)
        renamed = spec.model_copy(update={"id": old_id}, deep=True)
        if renamed.source is not None:
            renamed.source.content_hash = content_hash(renamed)
        item = items[item_index]
        item.spec_ids = [old_id if s == spec.id else s for s in item.spec_ids]
        item.assumptions.append(
            f"kept the id {old_id} of the spec refined before ({spec.id} by the new rule)"
        )
        matched.append((item_index, renamed))
    return matched
