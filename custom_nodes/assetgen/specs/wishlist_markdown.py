"""Structured markdown wishlists (AssetGenerator's own shape): sections, numbered items, sub-bullets.

A wishlist is *markdown* when it has ``##``/``###`` headings. Headings give context to the items
below them: a section's words suggest an asset type ("Enemy sprites", "Backgrounds & textures",
"UI / menu") and an output kind ("(multi-frame)", "(single images)"); a "Project context" section's
``- Key: value`` bullets are project defaults (proposed, not specs); sections that are not images
(audio, music, SFX) and guidance ("Global do / don't", "Notes") are listed as skipped.

Each item is expanded here into one or more ``PlannedWish`` values (pure text work, no catalog):
slash lists (``laser / plasma / spread``, ``small/medium/large``) and sub-bullets make one wish per
member; ``left/right`` after a verb makes two animations (``bank_left``, ``bank_right``);
``(idle + attack frames)`` and ``(idle loop, hit flash loop)`` make one wish with named animations;
``8–12 frames`` picks the middle of the range; ``(default + hover + pressed)`` are UI states;
``(parallax layers)`` with ``separate PNGs: far / mid / near`` makes one wish per layer. Every wish
has a stable ``key`` made of the section and the item's words (never the line number), so inserting
a line above changes no spec id. ``assetgen.specs.refine`` turns the wishes into specs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assetgen.models import Palette, Project
from assetgen.models.catalogs import CatalogEntry
from assetgen.models.spec_list import ContextProposal
from assetgen.specs.project_context import ProjectContext
from assetgen.specs.wishlist import UI_STATE_WORDS, slugify

SectionRole = Literal["assets", "context", "skipped", "guidance"]
KindHint = Literal["animation", "single_image"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)(?:\d{1,3}[.)]|[-*+•])\s+(.*\S)\s*$")
_KEY_VALUE = re.compile(r"^\s*\**([A-Za-z][\w /&-]{0,40}?)\**\s*:\s*(.+)$")

# Heading words -> what the section is (first match wins; checked on the lowercased heading).
NON_IMAGE_WORDS = r"\b(?:audio|music|sfx|sounds?|voice(?:s|[\s-]?over)?|dialogue|soundtrack|jingles?)\b"
GUIDANCE_WORDS = (
    r"\b(?:do\b.*don'?t|don'?t|global|notes?|guidelines?|rules|constraints|references?|credits)\b"
)
CONTEXT_WORDS = r"\b(?:project\s+context|context|project\s+info|about\s+the\s+(?:game|project)|overview)\b"
# Heading words -> a type hint refinement resolves against the project's catalog.
TYPE_HINT_WORDS: tuple[tuple[str, str], ...] = (
    ("logo", r"\blogos?\b|\bbranding\b"),
    ("ui", r"\bui\b|\bmenus?\b|\bhud\b|\bbuttons?\b|\binterface\b|\bicons?\b"),
    ("tile", r"\btiles?\b|\btilesets?\b"),
    ("texture", r"\bbackgrounds?\b|\btextures?\b|\bbackdrops?\b|\benvironments?\b|\bskies\b"),
    ("vfx", r"\bvfx\b|\beffects?\b|\bparticles?\b"),
    ("illustration", r"\bnarrative\b|\bstory\b|\bcutscenes?\b|\billustrations?\b|\bsplash\b|\bportraits?\b"),
    ("sprite", r"\bsprites?\b|\bcharacters?\b|\benem(?:y|ies)\b|\bgameplay\b|\bunits?\b|\bprops?\b"),
    ("illustration", r"\bimages?\b|\bart\b|\bscenes?\b"),
)
KIND_HINT_WORDS: tuple[tuple[KindHint, str], ...] = (
    ("single_image", r"\bsingle[\s-]+(?:images?|frames?)\b|\bstatic\b|\bstills?\b"),
    ("animation", r"\bmulti[\s-]*frames?\b|\banimat(?:ed|ions?)\b|\bframes\b|\bsprite\s*sheets?\b"),
)
# Catalog ids tried, in order, for each type hint (the origin's demo catalog has the first ones).
TYPE_HINT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "logo": ("logo",),
    "ui": ("ui_icon", "ui", "icon", "ui_element"),
    "tile": ("tile", "texture"),
    "texture": ("texture", "background", "tile"),
    "vfx": ("vfx", "overlay", "vfx_frame", "sprite"),
    "illustration": ("illustration", "background", "scene", "texture"),
    "sprite": ("sprite", "character", "spritesheet"),
}
DIRECTIONS = frozenset({"left", "right", "up", "down", "north", "south", "east", "west"})
DEFAULT_PARALLAX_LAYERS = ("far", "mid", "near")
_ANIMATION_SUFFIX = r"\s*(?:frames?|loops?|animations?|anims?|cycles?|sequences?)$"
_SLASH_RUN = re.compile(r"(?<![\w/])([A-Za-z][\w-]*(?:[ \t]*/[ \t]*[A-Za-z][\w-]*)+)(?![\w/])")
_RANGE = re.compile(r"(?<![\w.])(\d{1,4})\s*(?:[–—-]|to)\s*(\d{1,4})(\s*(?:frames?|variants?|fps)\b)", re.I)


@dataclass(frozen=True)
class Section:
    """A heading and what it says about the items below it."""

    title: str
    role: SectionRole
    type_hint: str | None = None
    kind_hint: KindHint | None = None
    why: str = ""

    @property
    def key(self) -> str:
        return slugify(re.sub(r"\([^)]*\)", " ", self.title), max_len=24) or "section"


@dataclass(frozen=True)
class MarkdownItem:
    """One top-level list item: its 1-based line, text, section and indented sub-bullets."""

    line: int
    text: str
    section: Section
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContextEntry:
    """A ``- Key: value`` bullet of the "Project context" section."""

    line: int
    key: str
    value: str


@dataclass(frozen=True)
class NamedAnimation:
    """One animation of a spec that has several (``idle + attack``)."""

    name: str
    frame_count: int | None = None
    loop: bool | None = None


@dataclass(frozen=True)
class PlannedWish:
    """One spec to make from an item: the text the wish grammar reads, plus what the markdown adds."""

    key: str
    text: str
    member: str | None = None
    layer: str | None = None
    animations: tuple[NamedAnimation, ...] = ()
    ui_states: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    is_member: bool = False
    variants: int | None = None


@dataclass(frozen=True)
class MarkdownWishlist:
    """A parsed markdown wishlist: items per section, the project context, what was skipped and why."""

    title: str | None
    items: tuple[MarkdownItem, ...]
    context: tuple[ContextEntry, ...] = ()
    skipped: tuple[tuple[MarkdownItem, str], ...] = ()
    sections: tuple[Section, ...] = field(default_factory=tuple)


def is_markdown_wishlist(text: str) -> bool:
    """True when the wishlist has ``##``-or-deeper headings (a plain wishlist's ``#`` lines are comments)."""
    return any(re.match(r"^\s{0,3}#{2,6}\s+\S", line) for line in text.splitlines())


def classify_section(title: str, *, level: int) -> Section:
    """What a heading says: context, skipped (not an image), guidance, or assets with type/kind hints."""
    lowered = title.lower()
    if re.search(CONTEXT_WORDS, lowered):
        return Section(title, "context")
    if re.search(NON_IMAGE_WORDS, lowered):
        return Section(title, "skipped", why="not an image section (audio)")
    if re.search(GUIDANCE_WORDS, lowered) and not re.search(r"\bassets?\b", lowered):
        return Section(title, "guidance", why="guidance, not assets")
    type_hint = next((hint for hint, pattern in TYPE_HINT_WORDS if re.search(pattern, lowered)), None)
    kind_hint = next((hint for hint, pattern in KIND_HINT_WORDS if re.search(pattern, lowered)), None)
    return Section(title, "assets", type_hint=type_hint, kind_hint=kind_hint)


def read_markdown_wishlist(text: str) -> MarkdownWishlist:
    """Sections, items (with their sub-bullets), context bullets and skipped items of a markdown wishlist."""
    lines = re.split(r"\r\n|\r|\n", text)
    title: str | None = None
    section = Section("", "assets")
    sections: list[Section] = []
    items: list[MarkdownItem] = []
    context: list[ContextEntry] = []
    skipped: list[tuple[MarkdownItem, str]] = []
    current: tuple[int, str, Section, list[str], int] | None = None  # line, text, section, members, indent

    def flush() -> None:
        nonlocal current
        if current is None:
            return
        line, body, where, members, _ = current
        item = MarkdownItem(line, body, where, tuple(members))
        if where.role == "assets":
            items.append(item)
        elif where.role == "context":
            match = _KEY_VALUE.match(body)
            if match:
                context.append(ContextEntry(line, match.group(1).strip().lower(), match.group(2).strip()))
            else:
                skipped.append((item, "project context without 'Key: value'"))
        else:
            skipped.append((item, where.why))
        current = None

    for number, raw in enumerate(lines, start=1):
        heading = _HEADING.match(raw)
        if heading:
            flush()
            level, heading_text = len(heading.group(1)), heading.group(2).strip()
            if level == 1 and title is None:
                title = heading_text
                continue
            section = classify_section(heading_text, level=level)
            sections.append(section)
            continue
        entry = _LIST_ITEM.match(raw)
        if entry is None:
            if raw.strip() and current is not None and raw.startswith((" ", "\t")):
                current[3].append(raw.strip())  # a wrapped sub-line belongs to the item above
            continue
        indent = len(entry.group(1).expandtabs(4))
        body = entry.group(2).strip()
        if current is not None and indent > current[4]:
            current[3].append(body)
            continue
        flush()
        current = (number, body, section, [], indent)
    flush()
    return MarkdownWishlist(
        title=title,
        items=tuple(items),
        context=tuple(context),
        skipped=tuple(skipped),
        sections=tuple(sections),
    )


def _clean_name(text: str) -> str:
    return " ".join(re.sub(r"[\"'`*_]+", " ", text).split())


def item_key(item: MarkdownItem) -> str:
    """section + the item's words without numbers and parentheses: stable when lines move."""
    words = re.sub(
        r"\([^)]*\)|\d+\s*(?:[–—-]\s*\d+\s*)?(?:frames?|variants?|px|fps)\b", " ", item.text, flags=re.I
    )
    return f"{item.section.key}-{slugify(words, max_len=48) or 'item'}"


def _animation_names(parts: list[str]) -> list[NamedAnimation]:
    names = []
    for part in parts:
        loop = True if re.search(r"\bloops?\b", part, re.I) else None
        name = slugify(re.sub(_ANIMATION_SUFFIX, "", part.strip(), flags=re.I), max_len=32)
        if name:
            names.append(NamedAnimation(name=name, loop=loop))
    return names


def _read_groups(text: str, notes: list[str]) -> tuple[str, list[NamedAnimation], list[str], bool]:
    """Parenthesised groups: named animations, UI states, parallax layers; returns the text left."""
    animations: list[NamedAnimation] = []
    states: list[str] = []
    is_parallax = False

    def group(match: re.Match[str]) -> str:
        nonlocal is_parallax
        inner = match.group(1)
        if re.search(r"\bparallax\b", inner, re.I):
            is_parallax = True
            return " "
        plus_parts = [p.strip() for p in inner.split("+") if p.strip()]
        if len(plus_parts) >= 2:
            words = [w for p in plus_parts for w in re.split(r"[\s/]+", p.lower()) if w]
            if all(w in UI_STATE_WORDS or w in ("state", "states") for w in words):
                states.extend(dict.fromkeys(UI_STATE_WORDS[w] for w in words if w in UI_STATE_WORDS))
                return " "
            animations.extend(_animation_names(plus_parts))
            notes.append(f"animations {' + '.join(a.name for a in animations)} in one spec")
            frames = re.search(r"(\d{1,4})\s*frames?", inner, re.I)
            return f" ({frames.group(0)}) " if frames else " "
        comma_parts = [p.strip() for p in inner.split(",") if p.strip()]
        named = [p for p in comma_parts if re.search(r"\b(?:loops?|animations?|cycles?)$", p, re.I)]
        if len(named) >= 2:
            animations.extend(_animation_names(named))
            notes.append(f"animations {' + '.join(a.name for a in animations)} in one spec")
            rest = [p for p in comma_parts if p not in named]
            return f" ({', '.join(rest)}) " if rest else " "
        return match.group(0)

    left = re.sub(r"\(([^()]*)\)", group, text)
    return left, animations, states, is_parallax


def expand_item(item: MarkdownItem) -> list[PlannedWish]:
    """The wishes one markdown item makes (module docstring); the keys are stable and unique per item."""
    notes: list[str] = []
    text = item.text

    def pick(match: re.Match[str]) -> str:
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        chosen = (low + high) // 2
        notes.append(f"{match.group(0).strip()}: {chosen} chosen (the middle of the range)")
        return f"{chosen}{match.group(3)}"

    text = _RANGE.sub(pick, text)
    text, animations, states, is_parallax = _read_groups(text, notes)
    key = item_key(item)
    members: list[tuple[str, str]] = []  # (name, text)
    layers: list[str] = []
    run = _SLASH_RUN.search(text)
    if run is not None:
        names = [_clean_name(n) for n in run.group(1).split("/") if _clean_name(n)]
        if names and all(n.lower() in DIRECTIONS for n in names):
            verb = re.search(r"([A-Za-z]+)\s*$", text[: run.start()])
            prefix = verb.group(1).lower() if verb else ""
            frames = re.search(r"(\d{1,4})\s*frames?", text, re.I)
            count = int(frames.group(1)) if frames else None
            animations.extend(
                NamedAnimation(name=f"{prefix}_{n.lower()}" if prefix else n.lower(), frame_count=count)
                for n in names
            )
            notes.append(f"{run.group(0).strip()}: {len(names)} animations in one spec")
            text = text[: run.start()] + text[run.end() :]
        else:
            members = [(n, text[: run.start()] + n + text[run.end() :]) for n in names]
            notes.append(f"{run.group(0).strip()}: one spec per name ({len(names)})")
    for sub in item.members:
        sub_run = _SLASH_RUN.search(sub)
        if sub_run is not None and (is_parallax or re.search(r"\b(?:layers?|pngs?|separate)\b", sub, re.I)):
            layers = [_clean_name(n) for n in sub_run.group(1).split("/") if _clean_name(n)]
        elif sub_run is not None:
            base = re.sub(r"\s*:\s*$", "", text.strip())
            members += [(_clean_name(n), f"{_clean_name(n)}, {base}") for n in sub_run.group(1).split("/")]
        else:
            members.append((_clean_name(sub), f"{_clean_name(sub)}, {text.strip()}"))
    if is_parallax and not layers:
        layers = list(DEFAULT_PARALLAX_LAYERS)
        notes.append(f"parallax layers not named: {' / '.join(layers)}")
    if layers:
        notes.append(f"parallax: one spec per layer ({' / '.join(layers)})")
        return [
            PlannedWish(
                key=f"{key}-{slugify(layer, max_len=24)}",
                text=f"{text.strip()}, {layer} parallax layer",
                member=layer,
                layer=layer,
                assumptions=tuple(notes),
                is_member=True,
            )
            for layer in layers
        ]
    common = {"animations": tuple(animations), "ui_states": tuple(states), "assumptions": tuple(notes)}
    if not members:
        return [PlannedWish(key=key, text=text.strip(), **common)]  # type: ignore[arg-type]
    wishes: list[PlannedWish] = []
    seen: set[str] = set()
    for name, member_text in members:
        member_key = f"{key}-{slugify(name, max_len=24) or 'member'}"
        while member_key in seen:
            member_key += "_"
        seen.add(member_key)
        wishes.append(
            PlannedWish(key=member_key, text=member_text.strip(), member=name, is_member=True, **common)  # type: ignore[arg-type]
        )
    return wishes


def resolve_type_hint(hint: str | None, asset_type_ids: set[str] | frozenset[str]) -> str | None:
    """The catalog asset type a section's hint stands for (first candidate the catalog has), or None."""
    if hint is None:
        return None
    return next((t for t in TYPE_HINT_CANDIDATES.get(hint, ()) if t in asset_type_ids), None)


def _match_entry(value: str, entries: tuple[CatalogEntry, ...] | tuple[Palette, ...]) -> str | None:
    """The catalog entry whose id, label or alias occurs in ``value`` (longest phrase first), or None."""
    lowered = f" {' '.join(re.sub(r'[^a-z0-9]+', ' ', value.lower()).split())} "
    phrases: list[tuple[str, str]] = []
    for entry in entries:
        for phrase in [entry.id, entry.label or "", *getattr(entry, "aliases", [])]:
            norm = " ".join(re.sub(r"[^a-z0-9]+", " ", phrase.lower()).split())
            if norm:
                phrases.append((norm, entry.id))
    for phrase, entry_id in sorted(phrases, key=lambda p: -len(p[0])):
        if f" {phrase} " in lowered:
            return entry_id
    return None


def propose_project_context(
    entries: tuple[ContextEntry, ...], context: ProjectContext
) -> ContextProposal | None:
    """Project defaults the "Project context" bullets name (name, style, scenario, palette), matched to the
    catalogs; what matches nothing is a note. None when the wishlist has no such section."""
    if not entries:
        return None
    proposal = ContextProposal()
    defaults = context.project.defaults
    for entry in entries:
        if entry.key in ("name", "title", "game", "project"):
            proposal.name = entry.value[:200]
            proposal.notes.append(f"name: {proposal.name!r} (project.json name is {context.project.name!r})")
            continue
        catalog: tuple[CatalogEntry, ...] | tuple[Palette, ...] | None = {
            "style": context.styles,
            "art style": context.styles,
            "scenario": context.scenarios,
            "setting": context.scenarios,
            "palette": context.palettes,
            "colors": context.palettes,
            "colours": context.palettes,
        }.get(entry.key)
        if catalog is None:
            proposal.notes.append(f"{entry.key}: {entry.value!r} is kept as a note (not a project default)")
            continue
        matched = _match_entry(entry.value, catalog)
        what = {"art style": "style", "setting": "scenario", "colors": "palette", "colours": "palette"}.get(
            entry.key, entry.key
        )
        if matched is None:
            proposal.notes.append(
                f"{what}: no entry of catalogs/{what}s.json matches {entry.value!r}; add one to use it"
            )
        elif what == "style":
            proposal.style = matched
            proposal.notes.append(f"style: {matched} (default now {defaults.style})")
        elif what == "scenario":
            proposal.scenario = matched
            proposal.notes.append(f"scenario: {matched} (default now {defaults.scenario})")
        else:
            proposal.palette_ids = [matched]
            proposal.notes.append(
                f"palette: {matched} (default now {', '.join(defaults.palette_ids) or 'none'})"
            )
    return proposal


def apply_project_context(project: Project, proposal: ContextProposal) -> Project:
    """``project`` with the proposal's name and defaults laid over it (the caller stores it)."""
    updated = project.model_copy(deep=True)
    if proposal.name:
        updated.name = proposal.name
    if proposal.style:
        updated.defaults.style = proposal.style
    if proposal.scenario:
        updated.defaults.scenario = proposal.scenario
    if proposal.palette_ids:
        updated.defaults.palette_ids = list(proposal.palette_ids)
    return updated
