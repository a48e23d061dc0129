"""The wishlist grammar: plain text -> wishes -> ``ParsedWish`` values (pure; no store, no clock).

A wishlist is lines of text. Blank lines and lines starting with ``#`` or ``//`` are ignored; a
leading bullet (``-``, ``*``, ``•``, ``1.``, ``2)``) is dropped; a line ending with ``:`` is a heading;
``;`` separates several wishes on one line. Within a wish every construct below is recognised
wherever it stands, taken out of the text, and what is left (split at commas) is the subject and
its details. ``docs/pipeline/refinement.md`` lists the constructs with examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from assetgen.specs.project_context import ProjectContext

MAX_LINES = 2000
MAX_LINE_CHARS = 1000
MAX_SUBJECT_CHARS = 300

ViewId = Literal["side", "top_down", "isometric", "three_quarter", "front"]
Background = Literal["transparent", "white", "opaque"]

_I = re.IGNORECASE
_SEP = " | "  # what a recognised construct leaves behind: a clause break

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a dozen": 12, "dozen": 12, "a pair of": 2, "pair of": 2, "a couple of": 2, "couple of": 2,
}  # fmt: skip
VAGUE_QUANTITIES = ("several", "a few", "few", "many", "multiple", "some", "lots of", "a lot of", "various")
EDGE_STOPWORDS = frozenset(
    "a an the some of with for and at in on per each by to plus also or as is are & x".split()
)
UI_STATE_WORDS = {
    "default": "default", "normal": "default", "idle": "default", "hover": "hover", "hovered": "hover",
    "pressed": "pressed", "down": "pressed", "active": "active", "disabled": "disabled",
    "selected": "selected", "focused": "focused", "focus": "focused", "checked": "checked",
    "unchecked": "unchecked", "locked": "locked", "unlocked": "unlocked", "highlighted": "highlighted",
}  # fmt: skip
VIEW_PATTERNS: tuple[tuple[ViewId, str], ...] = (
    ("top_down", r"top[\s-]*down|overhead|bird'?s[\s-]*eye|from\s+above|top\s+view"),
    ("three_quarter", r"3/4|three[\s-]*quarters?|3-4\s+view"),
    ("isometric", r"isometric|iso(?=\s+view)"),
    (
        "side",
        r"side[\s-]*(?:view|on|scroll(?:er|ing)?)|profile\s+view|from\s+the\s+side|side(?=\s*(?:\||,|$))",
    ),
    ("front", r"front[\s-]*(?:view|facing)|facing\s+(?:the\s+)?(?:camera|viewer)|from\s+the\s+front"),
)
DEFAULT_VIEW_PHRASES: dict[str, str] = {
    "side": "side view",
    "top_down": "top-down view",
    "isometric": "isometric view",
    "three_quarter": "three-quarter view",
    "front": "front view",
}
REFERENCE_FILE = r"[A-Za-z0-9][\w.-]{0,120}\.(?:png|jpe?g|webp|gif|bmp|svg|psd)"


@dataclass(frozen=True)
class WishLine:
    """One wish: its 1-based line number, its part (n-th ``;`` piece, None when alone) and its text."""

    line: int
    part: int | None
    text: str
    is_heading: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class Term:
    """A catalog phrase (id, label or alias) that names ``target``."""

    phrase: str
    target: str
    is_name: bool  # the id or the label itself (removed from the subject), not an alias


@dataclass(frozen=True)
class Vocabulary:
    """The catalog words refinement recognises, built from a project's catalogs."""

    asset_types: tuple[Term, ...]
    styles: tuple[Term, ...]
    scenarios: tuple[Term, ...]
    palettes: tuple[Term, ...]
    asset_type_ids: tuple[str, ...] = ()


@dataclass
class ParsedWish:
    """What the grammar read from one wish; ``subject`` and ``details`` are the words left over."""

    text: str
    asset_type_id: str | None = None
    type_phrase: str | None = None
    count: int | None = None
    sizes: list[tuple[int, int]] = field(default_factory=list)
    view: ViewId | None = None
    silhouettes: list[str] = field(default_factory=list)
    palette_ids: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    background: Background | None = None
    is_tileable: bool = False
    is_pixel_art: bool = False
    max_colors: int | None = None
    frame_count: int | None = None
    fps: float | None = None
    animation_name: str | None = None
    animation_word: str | None = None
    loop: bool | None = None
    mentions_frames: bool = False
    ui_states: list[str] | None = None
    style_id: str | None = None
    scenario_id: str | None = None
    variants: int | None = None
    seed: int | None = None
    negatives: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    reference_numbers: list[int] = field(default_factory=list)
    reference_files: list[str] = field(default_factory=list)
    entity_id: str | None = None
    lora_ids: list[str] = field(default_factory=list)
    checkpoint_id: str | None = None
    subject: str = ""
    details: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- splitting ------------------------------------------------------------------------------------
def split_wishes(text: str) -> tuple[list[WishLine], list[str]]:
    """Cut a wishlist into wishes; returns the wishes and list-level warnings (too many lines)."""
    lines = re.split(r"\r\n|\r|\n", text)
    warnings: list[str] = []
    wishes: list[WishLine] = []
    counted = 0
    for number, raw in enumerate(lines, start=1):
        stripped = _clean_line(raw)
        if not stripped or stripped.startswith(("#", "//")):
            continue
        counted += 1
        if counted > MAX_LINES:
            warnings.append(
                f"the wishlist has more than {MAX_LINES} wish lines; lines from {number} on were not "
                "refined: split it into several spec lists"
            )
            break
        if len(stripped) > MAX_LINE_CHARS:
            wishes.append(
                WishLine(
                    number,
                    None,
                    stripped[:80] + "...",
                    problem=f"line is {len(stripped)} characters long (limit {MAX_LINE_CHARS}): "
                    "split it into shorter wishes",
                )
            )
            continue
        body = re.sub(r"^(?:[-*•+·]|\d{1,3}[.)])\s+", "", stripped).strip()
        if body.endswith(":"):
            wishes.append(WishLine(number, None, body, is_heading=True))
            continue
        parts = [p.strip() for p in body.split(";")]
        parts = [p for p in parts if p]
        for index, part in enumerate(parts, start=1):
            wishes.append(WishLine(number, index if len(parts) > 1 else None, part))
    return wishes, warnings


def _clean_line(raw: str) -> str:
    """Control characters (other than tab) become spaces; surrounding white space goes."""
    return "".join(" " if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) else ch for ch in raw).strip()


# -- vocabulary -----------------------------------------------------------------------------------
def build_vocabulary(context: ProjectContext) -> Vocabulary:
    """Terms from the project's catalogs: ids, labels and aliases of types, styles, scenarios, palettes."""

    def terms(entries: Iterable[tuple[str, str, Iterable[str]]]) -> tuple[Term, ...]:
        found: dict[str, Term] = {}
        for target, label, aliases in entries:
            for phrase, is_name in [(target, True), (label, True), *((a, False) for a in aliases)]:
                key = _normalise_phrase(phrase)
                if key and key not in found:
                    found[key] = Term(key, target, is_name)
        return tuple(sorted(found.values(), key=lambda t: (-len(t.phrase), t.phrase)))

    return Vocabulary(
        asset_types=terms((t.id, t.label, t.aliases) for t in context.asset_types),
        styles=terms((s.id, s.label, s.aliases) for s in context.styles),
        scenarios=terms((s.id, s.label, s.aliases) for s in context.scenarios),
        palettes=terms((p.id, p.label, ()) for p in context.palettes),
        asset_type_ids=tuple(t.id for t in context.asset_types),
    )


def _normalise_phrase(phrase: str) -> str:
    return " ".join(re.split(r"[\s_]+", phrase.strip().lower()))


def _phrase_pattern(phrase: str, *, plural: bool) -> str:
    words = [re.escape(w) for w in phrase.split(" ") if w]
    if not words:
        return r"(?!x)x"
    last = words[-1]
    if plural:
        last = f"{last[:-1]}(?:y|ies)" if last.endswith("y") else f"{last}(?:s|es)?"
    body = r"[\s_-]+".join([*words[:-1], last])
    return rf"(?<![\w-])(?:{body})(?![\w-])"


def _find_terms(text: str, terms: Iterable[Term], *, plural: bool) -> list[tuple[re.Match[str], Term]]:
    """Non-overlapping matches, longest phrase first, in text order."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[re.Match[str], Term]] = []
    for term in terms:
        for match in re.finditer(_phrase_pattern(term.phrase, plural=plural), text, _I):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            found.append((match, term))
    return sorted(found, key=lambda pair: pair[0].start())


def _lookup(value: str, terms: Iterable[Term]) -> Term | None:
    key = _normalise_phrase(value.replace("-", " "))
    for term in terms:
        if term.phrase == key or term.phrase.replace("-", " ") == key:
            return term
    return None


# -- parsing --------------------------------------------------------------------------------------
class _Work:
    """The wish text with recognised constructs cut out (replaced by a clause break)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, pattern: str, on_match: Callable[[re.Match[str]], object] | None = None) -> int:
        taken = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal taken
            keep = on_match(match) if on_match else None
            if keep is False:
                return match.group(0)
            taken += 1
            return _SEP

        self.text = re.sub(pattern, replace, self.text, flags=_I)
        return taken


def parse_wish(text: str, vocabulary: Vocabulary) -> ParsedWish:
    """Read one wish (one line, or one ``;`` part of it) into a ``ParsedWish``; never raises on text."""
    wish = ParsedWish(text=text)
    work = _Work(f" {text} ")
    _read_count(work, wish)
    _read_references(work, wish)
    _read_colors(work, wish)
    _read_keyed_values(work, wish, vocabulary)
    _read_generation_numbers(work, wish)
    _read_animation(work, wish)
    _read_pixel_art(work, wish)
    _read_sizes(work, wish)
    _read_trailing_count(work, wish)
    _read_view(work, wish)
    _read_background(work, wish)
    _read_tileable(work, wish)
    _read_silhouettes(work, wish)
    _read_ui_states(work, wish)
    _read_palettes(work, wish, vocabulary)
    _read_style(work, wish, vocabulary)
    _read_scenario(work, wish, vocabulary)
    _read_negatives(work, wish)
    _read_asset_type_and_subject(work, wish, vocabulary)
    return wish


def _read_count(work: _Work, wish: ParsedWish) -> None:
    words = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
    not_a_count = (
        r"(?![\s-]*(?:[x×*]\s*\d|px\b|pixels?\b|fps\b|frames?\b|variants?\b|variations?\b|versions?\b|%"
        r"|bit\b|colou?rs?\b))"
    )
    match = re.match(rf"\s*(?:(\d{{1,7}})|({words}))(?![\w/.]){not_a_count}", work.text, _I)
    if match:
        value = int(match.group(1)) if match.group(1) else NUMBER_WORDS[match.group(2).lower()]
        work.text = " " + work.text[match.end() :]
        if value < 1:
            wish.warnings.append(f"count {value} makes no asset; made one")
        else:
            wish.count = value
    else:
        vague = "|".join(re.escape(v) for v in VAGUE_QUANTITIES)
        vague_match = re.match(rf"\s*({vague})(?![\w-])", work.text, _I)
        if vague_match:
            wish.warnings.append(
                f"vague quantity {vague_match.group(1)!r}; made one — write a number (e.g. '4 ...')"
            )
            work.text = " " + work.text[vague_match.end() :]


def _read_trailing_count(work: _Work, wish: ParsedWish) -> None:
    """``potion icon x12`` (after sizes, so ``64 x 64`` is a size)."""

    def trailing(match: re.Match[str]) -> None:
        value = int(match.group(1))
        if wish.count is not None:
            wish.warnings.append(f"second count {match.group(0).strip()!r} ignored (count is {wish.count})")
        elif value < 1:
            wish.warnings.append(f"count {value} makes no asset; made one")
        else:
            wish.count = value

    work.take(r"(?<![\w#])[x×]\s?(\d{1,5})(?![\w])", trailing)


def _read_references(work: _Work, wish: ParsedWish) -> None:
    work.take(r"https?://[^\s,;|<>\"']+", lambda m: wish.urls.append(m.group(0).rstrip(".)")))

    def numbered(match: re.Match[str]) -> None:
        wish.reference_numbers.append(int(match.group(1)))

    work.take(r"\b(?:see\s+)?(?:ref(?:erence)?|image)\s*(?:#|no\.?|number|:|=)?\s*(\d{1,3})\b", numbered)
    work.take(
        rf"\b(?:(?:see|like|ref(?:erence)?)\s*[:=]?\s*)?({REFERENCE_FILE})(?![\w.])",
        lambda m: wish.reference_files.append(m.group(1)),
    )
    work.take(r"\b(?:see|ref(?:erence)?)\s*[:=]\s*(?=\||\s*$)")


def _read_colors(work: _Work, wish: ParsedWish) -> None:
    def color(match: re.Match[str]) -> None:
        value = match.group(1)
        if len(value) in (6, 8):
            hex_value = "#" + value.lower()
            if hex_value not in wish.colors:
                wish.colors.append(hex_value)
        else:
            wish.warnings.append(f"colour {match.group(0)!r} is not #RRGGBB or #RRGGBBAA; ignored")

    work.take(r"(?:\bcolou?rs?\s*[:=]?\s*)?(?<![\w&])#([0-9a-f]+)(?![\w])", color)
    work.take(r"(?<![\w&])#([0-9a-z]+)(?![\w])", color)


def _read_keyed_values(work: _Work, wish: ParsedWish, vocabulary: Vocabulary) -> None:
    """``key: value`` forms: type, entity, lora, checkpoint (other keys are read where they belong)."""

    def asset_type(match: re.Match[str]) -> None:
        value = match.group(1).strip()
        term = _lookup(value, vocabulary.asset_types)
        if term is None:
            wish.warnings.append(
                f"unknown asset type {value!r}; known types: {', '.join(vocabulary.asset_type_ids)}"
            )
        else:
            wish.asset_type_id = term.target
            wish.type_phrase = value

    work.take(r"\b(?:asset\s*)?type\s*[:=]\s*([\w -]+?)(?=\s*(?:,|\||$))", asset_type)

    def entity(match: re.Match[str]) -> None:
        wish.entity_id = match.group(1)

    work.take(r"\bentity\s*[:=]\s*([A-Za-z0-9][A-Za-z0-9_-]{0,63})", entity)
    work.take(
        r"\blora\s*[:=]\s*([A-Za-z0-9][A-Za-z0-9_-]{0,127})", lambda m: wish.lora_ids.append(m.group(1))
    )

    def checkpoint(match: re.Match[str]) -> None:
        wish.checkpoint_id = match.group(1)

    work.take(r"\b(?:checkpoint|ckpt|model)\s*[:=]\s*([A-Za-z0-9][A-Za-z0-9_-]{0,127})", checkpoint)


def _read_generation_numbers(work: _Work, wish: ParsedWish) -> None:
    def seed(match: re.Match[str]) -> None:
        value = int(match.group(1))
        if value >= 2**64:
            wish.warnings.append(f"seed {value} is larger than 2^64-1; ignored")
        else:
            wish.seed = value

    work.take(r"\bseed\s*(?:[:=#]|of)?\s*(\d{1,25})\b", seed)

    def variants(match: re.Match[str]) -> None:
        value = int(match.group(1) or match.group(2))
        if 1 <= value <= 256:
            wish.variants = value
        else:
            wish.warnings.append(f"{value} variants is outside 1-256; using the default")

    work.take(
        r"\b(?:(\d{1,6})\s+(?:variants?|variations?|versions?|options?|candidates?)\b(?:\s+(?:each|per\s+spec))?"
        r"|variants?\s*[:=]\s*(\d{1,6})\b)",
        variants,
    )


def _read_animation(work: _Work, wish: ParsedWish) -> None:
    def fps(match: re.Match[str]) -> None:
        value = float(match.group(1) or match.group(2))
        if 0 < value <= 240:
            wish.fps = value
        else:
            wish.warnings.append(f"{value:g} fps is outside 0-240; using the default")

    work.take(
        r"(?:\bat\s+)?(?<![\w.])(\d{1,6}(?:\.\d{1,3})?)\s*(?:fps\b|frames?\s*(?:per\s+second|/\s*s(?:ec)?\b))"
        r"|\b(?:fps|frame\s*rate)\s*[:=]?\s*(\d{1,6}(?:\.\d{1,3})?)\b",
        fps,
    )

    def frames(match: re.Match[str]) -> None:
        value = int(match.group(1) or match.group(2))
        if 1 <= value <= 1024:
            if wish.frame_count not in (None, value):
                wish.warnings.append(
                    f"conflicting frame counts {wish.frame_count} and {value}; using {wish.frame_count}"
                )
            else:
                wish.frame_count = value
        else:
            wish.warnings.append(f"{value} frames is outside 1-1024; using the default")

    work.take(
        r"(?<![\w.])(\d{1,6})[\s-]*frames?\b(?:\s+(?:long|each))?|\bframes?(?:\s*count)?\s*[:=]\s*(\d{1,6})\b",
        frames,
    )

    def named(match: re.Match[str]) -> object:
        word = match.group(1).lower()
        if word in EDGE_STOPWORDS or word.isdigit():
            return False
        wish.animation_name = wish.animation_name or _verb_stem(word)
        wish.animation_word = match.group(2).lower()
        if wish.animation_word == "loop":
            wish.loop = True
        return None

    work.take(r"\b([a-z][a-z]{1,20})[\s-]+(cycle|animation|anim|loop|sequence)\b", named)
    work.take(r"\banimat(?:ed|ion)\b", lambda m: setattr(wish, "animation_word", "animation"))

    def no_loop(match: re.Match[str]) -> None:
        wish.loop = False

    work.take(
        r"\b(?:one[\s-]?shot|non[\s-]?looping|not\s+looping|no[\s-]+loop|plays?\s+once|once)\b", no_loop
    )

    def loop(match: re.Match[str]) -> None:
        if wish.loop is False:
            wish.warnings.append("both looping and one-shot are asked for; using one-shot")
        else:
            wish.loop = True

    work.take(r"\b(?:looping|looped|loops?|looped)\b", loop)
    work.take(r"\b(?:animation\s+)?frames\b", lambda m: setattr(wish, "mentions_frames", True))


def _verb_stem(word: str) -> str:
    """walking -> walk, running -> run, idle -> idle."""
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        return stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls" else stem
    return word


# "32x32 pixel art": "pixel" there is the style, not the unit.
NOT_ART = r"(?![\s-]*art\b)"


def _read_sizes(work: _Work, wish: ParsedWish) -> None:
    def size(match: re.Match[str]) -> None:
        width = int(match.group(1) or match.group(3))
        height = int(match.group(2) or match.group(3))
        if not (1 <= width <= 4096 and 1 <= height <= 4096):
            wish.warnings.append(f"size {width}x{height} is outside 1-4096 px; ignored")
        elif (width, height) not in wish.sizes:
            wish.sizes.append((width, height))

    suffix = r"(?:\s+(?:per\s+frame|each|per\s+(?:icon|tile|sprite|image)))?"
    work.take(
        r"(?:\b(?:size|at)\s*[:=]?\s*)?(?<![\w#.])(?:(\d{1,6})\s*[x×*]\s*(\d{1,6})"
        rf"(?:\s*(?:px|pixels?{NOT_ART}))?|(\d{{1,6}})\s*(?:px|pixels?{NOT_ART})(?:\s+square)?)(?![\w]){suffix}",
        size,
    )


def _read_view(work: _Work, wish: ParsedWish) -> None:
    for view, pattern in VIEW_PATTERNS:

        def found(match: re.Match[str], view: ViewId = view) -> None:
            if wish.view is None:
                wish.view = view
            elif wish.view != view:
                wish.warnings.append(
                    f"conflicting camera angles {DEFAULT_VIEW_PHRASES[wish.view]!r} and "
                    f"{DEFAULT_VIEW_PHRASES[view]!r}; using {DEFAULT_VIEW_PHRASES[wish.view]!r}"
                )

        work.take(
            rf"(?:\b(?:camera|view|angle|perspective)\s*[:=]\s*)?(?<![\w-])(?:{pattern})"
            r"(?:\s+(?:view|perspective|angle|camera))?(?![\w-])",
            found,
        )


def _read_background(work: _Work, wish: ParsedWish) -> None:
    def setter(kind: Background) -> Callable[[re.Match[str]], None]:
        def found(match: re.Match[str]) -> None:
            if wish.background is None:
                wish.background = kind
            elif wish.background != kind:
                wish.warnings.append(
                    f"conflicting backgrounds {wish.background!r} and {kind!r}; using {wish.background!r}"
                )

        return found

    background = r"(?:background|bg|backdrop)"
    work.take(
        rf"\b(?:{background}\s*[:=]\s*(?:transparent|none|alpha)|(?:on\s+)?(?:an?\s+)?transparent(?:\s+{background})?"
        rf"|(?:no|without(?:\s+an?)?)\s+{background}|with\s+(?:an?\s+)?alpha(?:\s+channel)?"
        rf"|alpha\s+(?:{background}|channel)"
        r"|cut[\s-]?outs?|isolated)\b",
        setter("transparent"),
    )
    work.take(
        rf"\b(?:{background}\s*[:=]\s*white|(?:on\s+)?(?:an?\s+)?(?:plain\s+)?white\s+{background})\b",
        setter("white"),
    )
    work.take(
        rf"\b(?:opaque(?:\s+{background})?|solid\s+{background}|with\s+(?:an?\s+)?{background}|full\s+{background})\b",
        setter("opaque"),
    )


def _read_tileable(work: _Work, wish: ParsedWish) -> None:
    work.take(
        r"\b(?:tileable|seamless(?:ly)?(?:\s+tiling)?|tiling|repeating|wraps?\s+around)\b",
        lambda m: setattr(wish, "is_tileable", True),
    )


def _read_pixel_art(work: _Work, wish: ParsedWish) -> None:
    """``pixel art``, ``8-bit``, ``16-bit`` mark pixel-art mode (the words stay for the style reader);
    ``16-colour``/``16 colors`` does too and sets the colour count (taken)."""
    if re.search(r"\b(?:pixel[\s-]?art|pixelart|pixel[\s-]?perfect|(?:8|16|32)[\s-]?bit)\b", work.text, _I):
        wish.is_pixel_art = True

    def colours(match: re.Match[str]) -> None:
        value = int(match.group(1))
        if 1 <= value <= 256:
            wish.max_colors = value
            wish.is_pixel_art = True
        else:
            wish.warnings.append(f"{value} colours is outside 1-256; ignored")

    work.take(r"(?<![\w#])(\d{1,4})[\s-]?colou?rs?\b(?:\s+palette\b)?", colours)


def _read_silhouettes(work: _Work, wish: ParsedWish) -> None:
    def keyed(match: re.Match[str]) -> None:
        wish.silhouettes.append(f"{match.group(1).strip()} silhouette")

    work.take(r"\bsilhouette\s*[:=]\s*([\w -]{1,60}?)(?=\s*(?:,|\||$))", keyed)

    def described(match: re.Match[str]) -> None:
        words = [
            w for w in re.split(r"[\s,]+", match.group(1) or "") if w and w.lower() not in EDGE_STOPWORDS
        ]
        wish.silhouettes.append(" ".join([*words, "silhouette"]))

    work.take(r"((?:\b[a-z][\w-]*[ \t]+){0,3})silhouettes?\b", described)


def _read_ui_states(work: _Work, wish: ParsedWish) -> None:
    def add(words: Iterable[str]) -> None:
        states = wish.ui_states if wish.ui_states is not None else []
        for word in words:
            state = UI_STATE_WORDS.get(word.lower())
            if state and state not in states:
                states.append(state)
            elif not state and word.strip() and word.lower() not in EDGE_STOPWORDS:
                wish.warnings.append(
                    f"unknown UI state {word!r}; known: {', '.join(sorted(set(UI_STATE_WORDS)))}"
                )
        wish.ui_states = states

    def keyed(match: re.Match[str]) -> None:
        add(re.split(r"[\s,/&]+", match.group(1)))

    work.take(r"\bstates?\s*[:=]\s*([\w ,/&]+?)(?=\s*(?:\||;|$))", keyed)
    names = "|".join(sorted(UI_STATE_WORDS, key=len, reverse=True))
    listed = rf"((?:\b(?:{names})\b(?:\s*(?:,|/|&|\band\b|\bor\b)\s*|\s+))+)states?\b"
    work.take(listed, lambda m: add(re.split(r"[\s,/&]+", m.group(1))))
    work.take(
        r"\b(?:ui|button|all|interaction|usual)\s+states\b|\bwith\s+states\b",
        lambda m: setattr(wish, "ui_states", wish.ui_states if wish.ui_states is not None else []),
    )


def _read_palettes(work: _Work, wish: ParsedWish, vocabulary: Vocabulary) -> None:
    def named(match: re.Match[str]) -> None:
        words = match.group(1).split()
        for start in range(len(words)):
            term = _lookup(" ".join(words[start:]), vocabulary.palettes)
            if term is not None:
                if term.target not in wish.palette_ids:
                    wish.palette_ids.append(term.target)
                return
        known = ", ".join(sorted({t.target for t in vocabulary.palettes}))
        wish.warnings.append(
            f"unknown palette {' '.join(words)!r}; known palettes: {known} (add it to catalogs/palettes.json)"
        )

    work.take(r"\bpalettes?\s*[:=]\s*([\w -]{1,60}?)(?=\s*(?:,|\||$))", named)
    work.take(
        r"(?:\b(?:in|with|using)\s+(?:an?\s+|the\s+)?)?\b((?:[\w-]+\s+){0,1}[\w-]+)\s+(?:colou?r\s+)?palettes?\b",
        named,
    )

    def colours(match: re.Match[str]) -> object:
        term = _lookup(match.group(1), vocabulary.palettes)
        if term is None:
            return False
        if term.target not in wish.palette_ids:
            wish.palette_ids.append(term.target)
        return None

    work.take(r"(?:\b(?:in|with)\s+)?\b([\w-]+)\s+colou?rs\b", colours)


def _read_catalog_choice(
    work: _Work,
    wish: ParsedWish,
    terms: tuple[Term, ...],
    *,
    noun: str,
    suffix: str,
    unknown: str,
    consume_bare: bool,
) -> str | None:
    """A style or scenario: ``noun: X``, a catalog phrase (with an optional ``in``/suffix), or unknown."""
    chosen: list[str] = []
    known = ", ".join(sorted({t.target for t in terms}))

    def pick(target: str) -> None:
        if chosen and chosen[0] != target:
            wish.warnings.append(f"conflicting {noun}s {chosen[0]!r} and {target!r}; using {chosen[0]!r}")
        elif not chosen:
            chosen.append(target)

    def keyed(match: re.Match[str]) -> None:
        term = _lookup(match.group(1), terms)
        if term is None:
            wish.warnings.append(
                f"unknown {noun} {match.group(1).strip()!r}; known {noun}s: {known}; using the project default"
            )
        else:
            pick(term.target)

    work.take(rf"\b{noun}\s*[:=]\s*([\w -]{{1,60}}?)(?=\s*(?:,|\||$))", keyed)
    spans: list[tuple[int, int]] = []
    for match, term in _find_terms(work.text, terms, plural=False):  # in text order: the first one wins
        pick(term.target)
        begin, finish = match.span()
        prefix = re.search(r"\b(?:in|with|set\s+in)\s+(?:an?\s+|the\s+)?$", work.text[:begin], _I)
        suffix_match = re.match(rf"\s+(?:{suffix})\b", work.text[finish:], _I)
        if consume_bare or suffix_match:
            spans.append(
                (prefix.start() if prefix else begin, finish + (suffix_match.end() if suffix_match else 0))
            )
    for begin, finish in sorted(spans, reverse=True):
        work.text = work.text[:begin] + _SEP + work.text[finish:]

    def unknown_name(match: re.Match[str]) -> None:
        wish.warnings.append(
            f"unknown {noun} {match.group(1)!r}; known {noun}s: {known}; using the project default"
        )

    work.take(unknown, unknown_name)
    return chosen[0] if chosen else None


def _read_style(work: _Work, wish: ParsedWish, vocabulary: Vocabulary) -> None:
    wish.style_id = _read_catalog_choice(
        work,
        wish,
        vocabulary.styles,
        noun="style",
        suffix=r"(?:art\s+)?style",
        unknown=r"(?:\bin\s+(?:an?\s+|the\s+)?)?\b([a-z][\w-]*)\s+(?:art\s+)?style\b",
        consume_bare=True,
    )


def _read_scenario(work: _Work, wish: ParsedWish, vocabulary: Vocabulary) -> None:
    wish.scenario_id = _read_catalog_choice(
        work,
        wish,
        vocabulary.scenarios,
        noun="scenario",
        suffix="setting|scenario|theme|themed|level|world",
        unknown=r"\b([a-z][\w-]*)\s+(?:setting|scenario)\b",
        consume_bare=False,
    )


def _read_negatives(work: _Work, wish: ParsedWish) -> None:
    def negative(match: re.Match[str]) -> None:
        phrase = " ".join(match.group(1).split())
        if phrase and phrase not in wish.negatives:
            wish.negatives.append(phrase)

    work.take(
        r"\b(?:no|without|avoid|never|not)\s+(?:any\s+|an?\s+)?([a-z][\w -]{0,60}?)(?=\s*(?:,|\||$|\band\b))",
        negative,
    )


def _read_asset_type_and_subject(work: _Work, wish: ParsedWish, vocabulary: Vocabulary) -> None:
    clauses = [c for c in re.split(r"[,|]", work.text)]
    matches = _find_terms(work.text, vocabulary.asset_types, plural=True)
    chosen: tuple[re.Match[str], Term] | None = None
    if wish.asset_type_id is None and matches:
        head = re.search(r"\b(?:of|for|with|from|like|showing)\b", work.text, _I)
        before = [pair for pair in matches if head is None or pair[0].start() < head.start()]
        chosen = (before or matches)[-1]
        wish.asset_type_id = chosen[1].target
        wish.type_phrase = chosen[0].group(0)
        others = sorted({term.target for _, term in matches} - {chosen[1].target})
        if others:
            wish.assumptions.append(
                f"asset type words {', '.join(repr(m.group(0)) for m, _ in matches)} name "
                f"{', '.join([chosen[1].target, *others])}; {chosen[1].target} is the head noun "
                "of the wish (write 'type: <id>' to choose another)"
            )
        matched = chosen[0].group(0)
        if (
            matched.lower() != chosen[1].phrase
            and re.sub(r"[\s_-]+", " ", matched.lower()) != chosen[1].phrase
        ):
            if wish.count is None and (matched.lower().endswith("s") and not chosen[1].phrase.endswith("s")):
                wish.warnings.append(
                    f"{matched!r} is plural but no number is given; made one — write a number (e.g. '4 {matched}')"
                )
    elif wish.asset_type_id is None:
        wish.warnings.append(
            "no asset type recognised; name one of "
            f"{', '.join(vocabulary.asset_type_ids)} (or a synonym from catalogs/asset-types.json)"
        )
    # The subject is the clause holding the type word (or the first clause with words in it).
    subject_index = None
    position = 0
    cleaned: list[str] = []
    for index, clause in enumerate(clauses):
        start, end = position, position + len(clause)
        position = end + 1
        text = clause
        if chosen is not None and start <= chosen[0].start() < end:
            subject_index = index
            local = chosen[0].start() - start
            replacement = "" if chosen[1].is_name else chosen[1].phrase
            candidate = text[:local] + replacement + text[local + len(chosen[0].group(0)) :]
            text = (
                candidate
                if _strip_edges(candidate)
                else text[:local] + chosen[1].phrase + text[local + len(chosen[0].group(0)) :]
            )
        cleaned.append(_strip_edges(text))
    if (
        subject_index is not None
        and chosen is not None
        and cleaned[subject_index].lower() in (chosen[1].phrase, chosen[0].group(0).lower())
    ):
        # "red potion in a bottle, icon": the type word stands alone; the description is elsewhere.
        other = next((i for i, c in enumerate(cleaned) if c and i != subject_index), None)
        if other is not None:
            cleaned[subject_index] = ""
            subject_index = other
    if subject_index is None:
        subject_index = next((i for i, c in enumerate(cleaned) if c), None)
    if subject_index is not None:
        wish.subject = cleaned[subject_index][:MAX_SUBJECT_CHARS]
        wish.details = [c[:MAX_SUBJECT_CHARS] for i, c in enumerate(cleaned) if c and i != subject_index]
    for piece in [wish.subject, *wish.details]:
        for token in re.findall(r"\S*\d\S*", piece):
            wish.warnings.append(f"unrecognised number {token!r} in {piece!r}; kept as prompt text")


def _strip_edges(text: str) -> str:
    words = re.sub(r"[\"'`()\[\]{}!?.:=]+", " ", text).split()
    while words and words[0].lower() in EDGE_STOPWORDS:
        words.pop(0)
    while words and words[-1].lower() in EDGE_STOPWORDS:
        words.pop()
    return " ".join(words)


def slugify(text: str, *, max_len: int = 64) -> str:
    """A lowercase id fragment ``a-z0-9_`` of ``text`` (empty when nothing is left)."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:max_len].rstrip("_")
