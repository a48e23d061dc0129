"""Refinement: a SpecList's text -> complete AssetSpecs plus a report (deterministic rules, no model).

``plan_refinement`` is pure: spec list + project context -> the specs and the report it would write.
``refine_spec_list`` reads the list and the project from the store, applies the plan without
overwriting hand edits (unless ``force``), deprecates specs the list no longer derives, and stores
the report. Spec ids derive from the list id, the line, the part and the index, so re-running an
unchanged list changes nothing; a spec's ``source.contentHash`` records what refinement wrote, so a
spec edited since is detected and kept. A structured markdown wishlist (``##`` headings) is refined by
``assetgen.specs.refine_markdown``: its ids derive from the section and the item's text instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from assetgen.clock import now_iso
from assetgen.errors import AssetgenError, InvalidInput
from assetgen.ids import ID_PATTERN, validate_id
from assetgen.models import AssetSpec, SpecList
from assetgen.models.catalogs import AssetType, Palette, Tag
from assetgen.models.generation import GenerationParams
from assetgen.models.spec import (
    AnimationSpec,
    EntityLink,
    LoraPolicy,
    OutputSize,
    SpecOutput,
    SpecPrompt,
    SpecSource,
    UiStates,
)
from assetgen.models.spec_list import ContextProposal, Reference, RefinementItem, RefinementReport
from assetgen.specs.defaults import (
    DEFAULT_FPS,
    DEFAULT_FRAME_COUNT,
    DEFAULT_UI_STATES,
    FALLBACK_NEGATIVE,
    CheckpointDefaults,
    OutputKind,
    checkpoint_defaults,
    checkpoint_defaults_for,
    default_background_policy,
    default_generation_params,
    default_lora_policy,
    default_prompt_policy,
    default_quality_contract,
    default_seed_policy,
    default_style_consistency,
)
from assetgen.specs.pixel_art import pixel_art_from_wish
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.specs.readiness import assess_readiness
from assetgen.specs.refine_markdown import match_previous_ids, plan_markdown
from assetgen.specs.wishlist import (
    DEFAULT_VIEW_PHRASES,
    ParsedWish,
    WishLine,
    build_vocabulary,
    parse_wish,
    slugify,
    split_wishes,
)
from assetgen.specs.wishlist_markdown import apply_project_context, is_markdown_wishlist
from assetgen.store import ProjectStore

log = logging.getLogger(__name__)

RULES_VERSION = 1
MAX_WISHLIST_CHARS = 1_000_000
MAX_SPECS_PER_WISH = 100
MAX_SPECS_PER_LIST = 1000


@dataclass(frozen=True)
class RefinementPlan:
    """What refinement would write: the report items, the specs (with their item index) and list warnings."""

    items: tuple[RefinementItem, ...]
    specs: tuple[tuple[int, AssetSpec], ...]
    warnings: tuple[str, ...] = ()
    project_context: ContextProposal | None = None
    is_keyed: bool = False  # spec ids derive from section + item text (markdown), not line numbers


@dataclass(frozen=True)
class RefinementOutcome:
    """What ``refine_spec_list`` did: the stored list and the spec ids by fate."""

    spec_list: SpecList
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()
    ready: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        report = self.spec_list.refinement
        return {
            "specListId": self.spec_list.id,
            "status": self.spec_list.status,
            "derivedSpecIds": list(self.spec_list.derived_spec_ids),
            "written": list(self.written),
            "unchanged": list(self.unchanged),
            "keptHandEdits": list(self.kept),
            "deprecated": list(self.deprecated),
            "ready": list(self.ready),
            "refinement": report.model_dump(mode="json") if report else None,
        }


# -- ids and hashes -------------------------------------------------------------------------------
def derive_spec_id(spec_list_id: str, line: int, part: int | None = None, index: int | None = None) -> str:
    """``<listId>-l<line>[p<part>][-<index>]``, shortened with a hash of the list id to stay a valid id."""
    suffix = f"-l{line}" + (f"p{part}" if part else "") + (f"-{index}" if index else "")
    prefix = spec_list_id
    if len(prefix) + len(suffix) > 128:
        digest = hashlib.sha256(spec_list_id.encode()).hexdigest()[:8]
        prefix = f"{spec_list_id[: 128 - len(suffix) - 9]}_{digest}"
    spec_id = prefix + suffix
    if not ID_PATTERN.fullmatch(spec_id):
        raise InvalidInput(f"cannot derive a valid spec id from spec list id {spec_list_id!r}")
    return spec_id


def spec_content_hash(spec: AssetSpec) -> str:
    """sha256 of the spec's content, ignoring timestamps and the recorded hash itself."""
    data = spec.model_dump(mode="json")
    data.pop("createdAt", None)
    data.pop("updatedAt", None)
    if isinstance(data.get("source"), dict):
        data["source"].pop("contentHash", None)
        if data["source"].get("key"):  # a keyed spec does not change when lines move above it
            data["source"].pop("line", None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    """sha256 of a wishlist's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# -- composing one wish ---------------------------------------------------------------------------
@dataclass
class _Notes:
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _dedupe(parts: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for part in parts:
        for piece in part.split(","):
            cleaned = " ".join(piece.split())
            key = cleaned.lower()
            if cleaned and key not in seen:
                seen.add(key)
                out.append(cleaned)
    return out


def _fill_template(template: str, values: dict[str, str]) -> str:
    filled = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), ""), template)
    return ", ".join(p.strip() for p in filled.split(",") if p.strip())


def _checkpoint_defaults(
    wish: ParsedWish, context: ProjectContext, type_id: str, notes: _Notes
) -> CheckpointDefaults:
    if wish.checkpoint_id:
        checkpoint = context.checkpoints.get(wish.checkpoint_id)
        if checkpoint is not None and type_id in checkpoint.supported_asset_types:
            notes.assumptions.append(f"checkpoint {checkpoint.id} as the wish asks")
            return checkpoint_defaults_for(context, checkpoint.id)
        why = "is not in checkpoints/" if checkpoint is None else f"does not support {type_id}"
        notes.warnings.append(f"checkpoint {wish.checkpoint_id!r} {why}; chose one by the project's rules")
    choice = checkpoint_defaults(context, type_id)
    if choice.checkpoint_id is None:
        notes.warnings.append(choice.reason)
    else:
        notes.assumptions.append(choice.reason)
        if choice.profile_id is None:
            notes.warnings.append(
                f"checkpoint {choice.checkpoint_id} has no profile in project.policies.checkpointProfiles"
            )
        if choice.baseline_profile_id is None:
            notes.warnings.append(
                f"checkpoint {choice.checkpoint_id} has no baseline profile (project.policies."
                "checkpointBaselineMap or baseline-profiles/)"
            )
    return choice


def _references(wish: ParsedWish, spec_list: SpecList, notes: _Notes) -> list[Reference]:
    refs = [Reference(kind="url", url=url) for url in wish.urls]
    for number in wish.reference_numbers:
        if 1 <= number <= len(spec_list.references):
            refs.append(spec_list.references[number - 1])
        else:
            notes.warnings.append(
                f"reference #{number} does not exist (the list has {len(spec_list.references)}); ignored"
            )
    for name in wish.reference_files:
        found = next(
            (
                r
                for r in spec_list.references
                if r.kind == "file"
                and name.lower() in ((r.label or "").lower(), (r.path or "").rsplit("/", 1)[-1].lower())
            ),
            None,
        )
        if found is None:
            notes.warnings.append(
                f"reference file {name!r} is not attached to the wishlist (intake --ref FILE)"
            )
        else:
            refs.append(found)
    unique: list[Reference] = []
    for ref in refs:
        if ref not in unique:
            unique.append(ref)
    return unique


def _output_kind(
    wish: ParsedWish, type_kind: OutputKind | None, multi_frame: bool, notes: _Notes
) -> OutputKind:
    asks_animation = bool(
        wish.frame_count or wish.fps or wish.animation_name or wish.animation_word or wish.mentions_frames
    )
    if type_kind is not None:
        if asks_animation and type_kind != "animation":
            notes.warnings.append(f"frames/fps/animation ignored: this type's output is {type_kind}")
        if wish.ui_states is not None and type_kind != "ui_states":
            notes.warnings.append(f"UI states ignored: this type's output is {type_kind}")
        return type_kind
    if asks_animation:
        if not multi_frame:
            notes.warnings.append(
                "an animation is asked for but the catalog marks this type single-frame; made an animation"
            )
        return "animation"
    if wish.ui_states is not None:
        return "ui_states"
    return "single_image"


@dataclass
class _WishPlan:
    """One wish on its way to specs: what each step of ``_plan_wish`` decided, in order."""

    wish_line: WishLine
    wish: ParsedWish
    spec_list: SpecList
    context: ProjectContext
    asset_type: AssetType
    notes: _Notes
    choice: CheckpointDefaults
    style: str = ""
    scenario: str = ""
    palette_ids: list[str] = field(default_factory=list)
    palettes: list[Palette] = field(default_factory=list)
    kind: OutputKind = "single_image"
    subject: str = ""
    animation: AnimationSpec | None = None
    states: list[str] = field(default_factory=list)
    background: str = ""
    label: str = ""
    sizes: list[OutputSize] = field(default_factory=list)
    target: tuple[int, int] | None = None
    spec_count: int = 1
    params: GenerationParams | None = None
    view_tag: Tag | None = None
    positive: str = ""
    negative: str = ""

    @property
    def type_id(self) -> str:
        return self.asset_type.id

    @property
    def checkpoint_id(self) -> str | None:
        return self.choice.checkpoint_id


def _plan_wish(
    wish_line: WishLine, wish: ParsedWish, spec_list: SpecList, context: ProjectContext, *, now: str
) -> tuple[list[AssetSpec], _Notes]:
    notes = _Notes(list(wish.assumptions), list(wish.warnings))
    asset_type = context.asset_type(wish.asset_type_id) if wish.asset_type_id else None
    if asset_type is None:
        return [], notes
    choice = _checkpoint_defaults(wish, context, asset_type.id, notes)
    plan = _WishPlan(wish_line, wish, spec_list, context, asset_type, notes, choice)
    _plan_look(plan)
    _plan_output(plan)
    _plan_count_and_size(plan)
    _plan_prompts(plan)
    return _build_specs(plan, now=now), notes


def _plan_look(plan: _WishPlan) -> None:
    """Style, scenario and palettes: the wish's, else the project's defaults."""
    wish, notes, defaults = plan.wish, plan.notes, plan.context.project.defaults
    plan.style = wish.style_id or defaults.style
    if wish.style_id is None:
        notes.assumptions.append(f"style {plan.style} (project default)")
    plan.scenario = wish.scenario_id or defaults.scenario
    if wish.scenario_id is None:
        notes.assumptions.append(f"scenario {plan.scenario} (project default)")
    plan.palette_ids = list(wish.palette_ids)
    if not plan.palette_ids and not wish.colors and defaults.palette_ids:
        plan.palette_ids = list(defaults.palette_ids)
        notes.assumptions.append(f"palette {', '.join(plan.palette_ids)} (project default)")
    plan.palettes = [p for p in (plan.context.palette(pid) for pid in plan.palette_ids) if p is not None]


def _plan_output(plan: _WishPlan) -> None:
    """The output contract: kind, subject, animation or UI states, background, target sizes."""
    wish, notes, asset_type, type_id = plan.wish, plan.notes, plan.asset_type, plan.type_id
    plan.kind = kind = _output_kind(wish, asset_type.output_kind, asset_type.multi_frame, notes)
    plan.subject = wish.subject or asset_type.label.lower()
    if not wish.subject:
        notes.warnings.append(f"no subject words; the prompt says only {plan.subject!r}")
    if kind == "animation":
        frame_count = wish.frame_count or DEFAULT_FRAME_COUNT
        if wish.frame_count is None:
            notes.assumptions.append(f"{frame_count} frames (none given)")
        fps = wish.fps or DEFAULT_FPS
        if wish.fps is None:
            notes.assumptions.append(f"{fps:g} fps (none given)")
        name = wish.animation_name or slugify(plan.subject, max_len=32) or "default"
        loop = True if wish.loop is None else wish.loop
        plan.animation = AnimationSpec(name=name, fps=fps, loop=loop, frame_count=frame_count)
    if kind == "ui_states":
        plan.states = states = list(wish.ui_states or DEFAULT_UI_STATES)
        if "default" not in states:
            states.insert(0, "default")
        if not wish.ui_states:
            notes.assumptions.append(f"UI states {', '.join(states)} (none listed)")
    plan.background = background = wish.background or (
        "transparent" if asset_type.requires_alpha else "opaque"
    )
    if wish.background is None:
        notes.assumptions.append(
            "transparent background (type requires alpha)"
            if asset_type.requires_alpha
            else "opaque background (type has no alpha)"
        )
    elif wish.background == "white" and asset_type.requires_alpha:
        notes.warnings.append(f"{type_id} requires alpha but a white background is asked for; kept white")
    baseline = plan.context.baseline_profiles.get(plan.choice.baseline_profile_id or "")
    if (
        baseline is not None
        and baseline.global_.background == "transparent_only"
        and background != "transparent"
    ):
        notes.warnings.append(
            f"baseline {baseline.id} wants transparent_only backgrounds but the wish asks for {background}"
        )
    plan.label = "frame" if kind == "animation" else type_id
    plan.sizes = [OutputSize(label=plan.label, w=w, h=h) for w, h in wish.sizes]
    plan.target = max(wish.sizes, key=lambda s: (s[0] * s[1], s[0])) if wish.sizes else None


def _plan_count_and_size(plan: _WishPlan) -> None:
    """A count means specs or variants (the catalog's ``countMeans``); then the generation size."""
    wish, notes, type_id = plan.wish, plan.notes, plan.type_id
    count = wish.count or 1
    variants = wish.variants
    if count > 1 and plan.asset_type.count_means == "variants":
        if variants is not None and variants != count:
            notes.warnings.append(
                f"count {count} and {variants} variants disagree; generating {count} variants"
            )
        variants = min(count, 256)
        notes.assumptions.append(
            f"{count} {type_id} = one spec with {variants} variants (catalog countMeans)"
        )
    elif count > 1:
        plan.spec_count = min(count, MAX_SPECS_PER_WISH)
        notes.assumptions.append(
            f"{count} x {wish.type_phrase or type_id} = {plan.spec_count} specs ({type_id} countMeans)"
        )
        if count > MAX_SPECS_PER_WISH:
            notes.warnings.append(f"count {count} capped at {MAX_SPECS_PER_WISH} specs per wish")
        notes.assumptions.append("the specs share one prompt; edit each to tell them apart")
    plan.params = params = default_generation_params(
        plan.context,
        asset_type_id=type_id,
        checkpoint_id=plan.checkpoint_id,
        target=plan.target,
        variants=variants,
        seed=wish.seed,
    )
    if not plan.sizes:
        plan.sizes = [OutputSize(label=plan.label, w=params.width or 0, h=params.height or 0)]
        notes.assumptions.append(
            f"no size given; target size = generation size {params.width}x{params.height}"
        )
    elif plan.target and (params.width, params.height) != plan.target:
        notes.assumptions.append(
            f"generated at {params.width}x{params.height} for checkpoint {plan.checkpoint_id}, "
            f"target {plan.target[0]}x{plan.target[1]} recorded in output.sizes"
        )


def _plan_prompts(plan: _WishPlan) -> None:
    """The positive and negative prompts: the type's template, camera, details, palettes, background."""
    wish, notes, asset_type, context = plan.wish, plan.notes, plan.asset_type, plan.context
    plan.view_tag = view_tag = context.tag(f"view:{wish.view}") if wish.view else None
    camera = (view_tag.prompt_token if view_tag and view_tag.prompt_token else None) or (
        DEFAULT_VIEW_PHRASES[wish.view] if wish.view else ""
    )
    if wish.view and view_tag is None:
        notes.assumptions.append(
            f"no tag view:{wish.view} in catalogs/tags.json; the camera angle is prompt-only"
        )
    template = asset_type.prompt_template or "{subject}, {cameraAngle}"
    positive_parts = [
        _fill_template(
            template, {"subject": plan.subject, "cameraAngle": camera, "typeLabel": asset_type.label}
        )
    ]
    if camera and "{cameraAngle}" not in template:
        positive_parts.append(camera)
    if plan.animation is not None and wish.animation_name:
        positive_parts.append(f"{wish.animation_name} {wish.animation_word or 'animation'} frame")
    elif plan.animation is not None:
        positive_parts.append("animation frame")
    positive_parts += wish.details + wish.silhouettes
    for palette in plan.palettes:
        positive_parts.append(f"{palette.label.lower()} color palette")
        positive_parts += palette.prompt_tokens
    if wish.colors:
        positive_parts.append("colors " + " ".join(wish.colors))
    joined = ", ".join(positive_parts).lower()
    if plan.background == "transparent" and "background" not in joined:
        positive_parts.append("plain flat background")
    elif plan.background == "white":
        positive_parts.append("white background")
    is_tileable = wish.is_tileable or asset_type.tileable
    if wish.is_tileable and not asset_type.tileable:
        notes.assumptions.append(f"tileable although the catalog marks {plan.type_id} not tileable")
    if is_tileable and "seamless" not in joined:
        positive_parts.append("seamless tileable")
    negative_parts = [asset_type.negative_prompt or FALLBACK_NEGATIVE, *wish.negatives]
    if is_tileable:
        negative_parts.append("visible seams")
    if plan.background == "transparent":
        negative_parts.append("busy background")
    plan.positive = ", ".join(_dedupe(positive_parts))
    plan.negative = ", ".join(_dedupe(negative_parts))


def _lora_policy(plan: _WishPlan) -> LoraPolicy:
    """The project's LoRA mode plus the LoRAs the wish names (unknown ones are warned about)."""
    lora_policy = default_lora_policy(plan.context)
    for lora_id in plan.wish.lora_ids:
        if lora_id in plan.context.loras:
            lora_policy.include.append(lora_id)
        else:
            plan.notes.warnings.append(f"LoRA {lora_id!r} is not in loras/; ignored")
    return lora_policy


def _spec_output(plan: _WishPlan) -> SpecOutput:
    output = SpecOutput(
        kind=plan.kind,
        background="transparent_required" if plan.background == "transparent" else "any",
        sizes=plan.sizes,
    )
    if plan.animation is not None:
        output.animation = plan.animation
    if plan.kind == "ui_states":
        output.ui_states = UiStates(states=plan.states)
    return output


def _base_title(plan: _WishPlan) -> str:
    title = plan.subject[:1].upper() + plan.subject[1:]
    if plan.animation is not None and plan.wish.animation_name:
        title += f", {plan.wish.animation_name} {plan.wish.animation_word or 'animation'}"
    elif plan.animation is not None:
        title += f", {plan.animation.frame_count}-frame animation"
    return title


def _build_specs(plan: _WishPlan, *, now: str) -> list[AssetSpec]:
    """The specs of the wish (one, or ``spec_count`` sharing a prompt), with policies, tags and source."""
    wish, context, type_id, kind = plan.wish, plan.context, plan.type_id, plan.kind
    project, ckpt_id, spec_list, spec_count = (
        context.project,
        plan.checkpoint_id,
        plan.spec_list,
        plan.spec_count,
    )
    assert plan.params is not None  # set by _plan_count_and_size
    lora_policy = _lora_policy(plan)
    references = _references(wish, spec_list, plan.notes)
    entity_base = wish.entity_id or slugify(plan.subject) or type_id
    base_tags = [*project.defaults.tag_ids, *plan.asset_type.default_tags, f"assetType:{type_id}"]
    if plan.view_tag is not None:
        base_tags.append(plan.view_tag.id)
    ref_anchors = [r.url or r.path or "" for r in references if r.url or r.path]
    style_consistency = default_style_consistency(
        kind, has_style_override=wish.style_id is not None, anchor_refs=ref_anchors
    )
    quality = default_quality_contract(
        context,
        asset_type_id=type_id,
        output_kind=kind,
        background_policy=default_background_policy(
            wants_transparent=plan.background == "transparent", wants_white=plan.background == "white"
        ),
        ui_states=plan.states or None,
        checkpoint_id=ckpt_id,
        has_camera_angle=wish.view is not None,
    )
    output = _spec_output(plan)
    seed_policy = default_seed_policy(kind, fixed_seed=wish.seed, is_entity_batch=False)
    base_title = _base_title(plan)

    specs: list[AssetSpec] = []
    for index in range(1, spec_count + 1):
        spec_id = derive_spec_id(
            spec_list.id, plan.wish_line.line, plan.wish_line.part, index if spec_count > 1 else None
        )
        entity_id = f"{entity_base}_{index}" if spec_count > 1 else entity_base
        spec = AssetSpec(
            id=spec_id,
            project_id=project.id,
            created_at=now,
            updated_at=now,
            asset_type=type_id,
            title=(f"{base_title} {index} of {spec_count}" if spec_count > 1 else base_title)[:200],
            style=plan.style,
            scenario=plan.scenario,
            prompt=SpecPrompt(positive=plan.positive, negative=plan.negative),
            spec_list_id=spec_list.id,
            tags=list(dict.fromkeys([*base_tags, f"entity:{entity_id}"])),
            lora_policy=lora_policy.model_copy(deep=True),
            style_consistency=style_consistency.model_copy(deep=True),
            quality_contract=quality.model_copy(deep=True),
            entity_link=EntityLink(entity_id=entity_id, role=type_id),
            prompt_policy=default_prompt_policy(context, ckpt_id),
            seed_policy=seed_policy.model_copy(deep=True),
            output=output.model_copy(deep=True),
            generation_params=plan.params.model_copy(deep=True),
            palette_ids=plan.palette_ids,
            colors=list(wish.colors),
            references=[r.model_copy(deep=True) for r in references],
            pixel_art=pixel_art_from_wish(
                is_pixel_art=wish.is_pixel_art or "pixel" in plan.style.lower(),
                max_colors=wish.max_colors,
                sizes=wish.sizes,
                palette_ids=list(wish.palette_ids),
            ),
        )
        _apply_checkpoint_defaults(spec, plan.choice)
        spec.source = _spec_source(plan, index)
        if assess_readiness(spec, context).is_ready:
            spec.status = "ready"
        spec.source.content_hash = spec_content_hash(spec)
        specs.append(AssetSpec.model_validate(spec.model_dump(mode="json")))
    return specs


def _apply_checkpoint_defaults(spec: AssetSpec, choice: CheckpointDefaults) -> None:
    if choice.checkpoint_id:
        spec.checkpoint_id = choice.checkpoint_id
    if choice.profile_id:
        spec.checkpoint_profile_id = choice.profile_id
        spec.checkpoint_profile_version = choice.profile_version
    if choice.baseline_profile_id:
        spec.baseline_profile_id = choice.baseline_profile_id


def _spec_source(plan: _WishPlan, index: int) -> SpecSource:
    """Where the spec came from: list, line, part, index, the rules version (the hash is added last)."""
    source = SpecSource(
        spec_list_id=plan.spec_list.id,
        line=plan.wish_line.line,
        text=plan.wish_line.text[:500],
        rules_version=RULES_VERSION,
    )
    if plan.wish_line.part:
        source.part = plan.wish_line.part
    if plan.spec_count > 1:
        source.index = index
    return source


def plan_refinement(spec_list: SpecList, context: ProjectContext, *, now: str) -> RefinementPlan:
    """Refine ``spec_list.text`` against ``context``: report items and specs, nothing written (pure)."""
    validate_id(spec_list.id, what="spec list id")
    if len(spec_list.text) > MAX_WISHLIST_CHARS:
        raise InvalidInput(
            f"spec list {spec_list.id!r} has {len(spec_list.text)} characters (limit {MAX_WISHLIST_CHARS}): "
            "split it into several spec lists"
        )
    vocabulary = build_vocabulary(context)
    if is_markdown_wishlist(spec_list.text):
        markdown = plan_markdown(
            spec_list,
            context,
            vocabulary,
            now=now,
            plan_wish=_plan_wish,
            content_hash=spec_content_hash,
            max_specs_per_item=MAX_SPECS_PER_WISH,
            max_specs_per_list=MAX_SPECS_PER_LIST,
        )
        return RefinementPlan(
            items=markdown.items,
            specs=markdown.specs,
            warnings=markdown.warnings,
            project_context=markdown.project_context,
            is_keyed=True,
        )
    wishes, list_warnings = split_wishes(spec_list.text)
    items: list[RefinementItem] = []
    specs: list[tuple[int, AssetSpec]] = []
    warnings = list(list_warnings)
    seen_ids: set[str] = set()
    for wish_line in wishes:
        item = RefinementItem(line=wish_line.line, text=wish_line.text[:500])
        if wish_line.part:
            item.part = wish_line.part
        items.append(item)
        if wish_line.problem:
            item.warnings.append(wish_line.problem)
            continue
        if wish_line.is_heading:
            item.assumptions.append("heading, not a wish")
            continue
        if len(specs) >= MAX_SPECS_PER_LIST:
            item.warnings.append(f"not refined: the list already derives {MAX_SPECS_PER_LIST} specs")
            continue
        wish = parse_wish(wish_line.text, vocabulary)
        wish_specs, notes = _plan_wish(wish_line, wish, spec_list, context, now=now)
        room = MAX_SPECS_PER_LIST - len(specs)
        if len(wish_specs) > room:
            notes.warnings.append(
                f"only {room} of {len(wish_specs)} specs made: the list limit is {MAX_SPECS_PER_LIST}"
            )
            wish_specs = wish_specs[:room]
        item.assumptions.extend(dict.fromkeys(notes.assumptions))
        item.warnings.extend(dict.fromkeys(notes.warnings))
        for spec in wish_specs:
            if spec.id in seen_ids:  # cannot happen with line-derived ids; guarded all the same
                item.warnings.append(f"duplicate spec id {spec.id}; skipped")
                continue
            seen_ids.add(spec.id)
            item.spec_ids.append(spec.id)
            specs.append((len(items) - 1, spec))
    if not wishes:
        warnings.append("the wishlist has no wishes (only blank or comment lines)")
    return RefinementPlan(items=tuple(items), specs=tuple(specs), warnings=tuple(warnings))


# -- applying a plan to the store -----------------------------------------------------------------
def _existing_state(
    store: ProjectStore, project_id: str, spec_id: str, spec_list_id: str
) -> tuple[str, AssetSpec | None]:
    """("absent"|"ours"|"edited"|"foreign"|"broken", spec) for the file a planned spec would replace."""
    if not store.exists(project_id, "specs", spec_id):
        return "absent", None
    try:
        current = store.read(project_id, "specs", spec_id)
    except AssetgenError:
        return "broken", None
    source = current.source
    if source is None or source.spec_list_id != spec_list_id or not source.content_hash:
        return "foreign", current
    if spec_content_hash(current) != source.content_hash:
        return "edited", current
    return "ours", current


def refine_spec_list(
    store: ProjectStore,
    project_id: str,
    spec_list_id: str,
    *,
    force: bool = False,
    apply_context: bool = False,
    now: str | None = None,
) -> RefinementOutcome:
    """Refine spec-lists/<specListId>.json into specs/<specId>.json and store the report in the list.

    Idempotent: an unchanged list rewrites nothing. A spec edited by hand since refinement (or one
    refinement did not write) is kept unless ``force``; specs the list no longer derives are set
    ``deprecated`` when untouched. ``apply_context`` writes the project defaults a markdown wishlist's
    "Project context" proposes into project.json. Raises NotFound / InvalidInput naming the file and field.
    """
    now = now or now_iso()
    spec_list: SpecList = store.read(project_id, "spec-lists", spec_list_id)
    if spec_list.status == "archived":
        raise InvalidInput(
            f"spec list {spec_list_id!r} is archived; set its status to draft to refine it again"
        )
    context = load_project_context(store, project_id)
    plan = plan_refinement(spec_list, context, now=now)
    items = [item.model_copy(deep=True) for item in plan.items]
    planned_specs = list(plan.specs)
    if plan.is_keyed:
        planned_specs = match_previous_ids(
            store, project_id, spec_list, plan.specs, items, content_hash=spec_content_hash
        )
    warnings = list(plan.warnings)
    proposal = plan.project_context.model_copy(deep=True) if plan.project_context else None
    if proposal is not None and apply_context:
        project = store.read_project(project_id)
        updated = apply_project_context(project, proposal)
        if updated != project:
            store.write_project(updated)
            log.info("refine project=%s specList=%s applied the project context", project_id, spec_list.id)
        proposal.applied = True
    written: list[str] = []
    unchanged: list[str] = []
    kept: list[str] = []
    ready: list[str] = []
    derived: list[str] = []
    for item_index, spec in planned_specs:
        derived.append(spec.id)
        state, current = _existing_state(store, project_id, spec.id, spec_list.id)
        if state in ("edited", "foreign", "broken") and not force:
            kept.append(spec.id)
            why = {
                "edited": "was edited by hand since refinement",
                "foreign": "was not written by refining this list",
                "broken": "cannot be read",
            }[state]
            items[item_index].warnings.append(f"spec {spec.id} {why}; kept (refine --force overwrites)")
            if current is not None and current.status == "ready":
                ready.append(spec.id)
            continue
        planned_hash = spec.source.content_hash if spec.source else None
        if (
            state == "ours"
            and current is not None
            and current.source
            and current.source.content_hash == planned_hash
        ):
            unchanged.append(spec.id)
        else:
            if current is not None and current.created_at:
                spec = spec.model_copy(update={"created_at": current.created_at})
            store.write(project_id, "specs", spec)
            written.append(spec.id)
            log.info("refine project=%s specList=%s wrote spec=%s", project_id, spec_list.id, spec.id)
        if spec.status == "ready":
            ready.append(spec.id)
    deprecated: list[str] = []
    for old_id in spec_list.derived_spec_ids:
        if old_id in derived:
            continue
        try:
            state, current = _existing_state(store, project_id, old_id, spec_list.id)
        except AssetgenError as exc:  # unreadable: left as it is, and said so
            log.warning(
                "refine project=%s specList=%s cannot read spec=%s to deprecate it: %s",
                project_id,
                spec_list.id,
                old_id,
                exc,
            )
            continue
        if state == "ours" and current is not None and current.status != "deprecated":
            updated = current.model_copy(update={"status": "deprecated", "updated_at": now}, deep=True)
            if updated.source is not None:  # the hash ignores contentHash itself
                updated.source.content_hash = spec_content_hash(updated)
            store.write(project_id, "specs", updated)
            deprecated.append(old_id)
            warnings.append(f"spec {old_id} is no longer derived from the list; set to deprecated")
        elif state in ("edited", "foreign"):
            warnings.append(
                f"spec {old_id} is no longer derived from the list; it was edited by hand, so kept"
            )
    report = RefinementReport(
        rules_version=RULES_VERSION,
        refined_at=now,
        text_hash=text_hash(spec_list.text),
        items=items,
        warnings=warnings,
    )
    if proposal is not None:
        report.project_context = proposal
    previous = spec_list.refinement
    is_same = (
        previous is not None
        and spec_list.status == "refined"
        and spec_list.derived_spec_ids == derived
        and previous.model_copy(update={"refined_at": None}).model_dump(mode="json")
        == report.model_copy(update={"refined_at": None}).model_dump(mode="json")
    )
    if is_same:
        stored = spec_list
    else:
        stored = spec_list.model_copy(
            update={"status": "refined", "derived_spec_ids": derived, "refinement": report, "updated_at": now}
        )
        store.write(project_id, "spec-lists", stored)
        log.info(
            "refine project=%s specList=%s specs=%d written=%d kept=%d",
            project_id,
            spec_list.id,
            len(derived),
            len(written),
            len(kept),
        )
    return RefinementOutcome(
        spec_list=stored,
        written=tuple(written),
        unchanged=tuple(unchanged),
        kept=tuple(kept),
        deprecated=tuple(deprecated),
        ready=tuple(ready),
    )
