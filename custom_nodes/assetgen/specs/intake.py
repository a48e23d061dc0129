"""Intake: a wishlist as the user wrote it becomes spec-lists/<specListId>.json, verbatim.

References are http(s) links or files copied into files/references/<specListId>/ (plain names,
size-limited). Nothing is interpreted here: refinement (``assetgen.specs.refine``) reads the stored text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assetgen.clock import now_iso
from assetgen.errors import Conflict, InvalidInput
from assetgen.ids import new_ulid, validate_file_name, validate_id
from assetgen.models import SpecList
from assetgen.models.base import parse_model
from assetgen.models.spec_list import IntakeRequest, Reference
from assetgen.store import ProjectStore

log = logging.getLogger(__name__)

MAX_WISHLIST_BYTES = 1024 * 1024
MAX_REFERENCE_BYTES = 10 * 1024 * 1024
MAX_REFERENCES = 20
MAX_TITLE_CHARS = 200
MAX_LINK_CHARS = 2048
REFERENCE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".svg", ".psd", ".txt", ".md", ".pdf")


@dataclass(frozen=True)
class ReferenceFile:
    """A file to attach to a wishlist: its plain name and its bytes."""

    name: str
    data: bytes


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def decode_wishlist(data: bytes, *, source: str = "wishlist") -> str:
    """UTF-8 text (a leading BOM dropped) of at most 1 MiB; binary data raises InvalidInput naming ``source``."""
    if len(data) > MAX_WISHLIST_BYTES:
        raise InvalidInput(
            f"{source} is {_mib(len(data))}; the limit is {_mib(MAX_WISHLIST_BYTES)}: split it into several lists"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source} is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from exc
    return check_wishlist_text(text, source=source)


def check_wishlist_text(text: str, *, source: str = "wishlist") -> str:
    """Refuse empty, oversized or binary-looking text; returns ``text`` unchanged."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_WISHLIST_BYTES:
        raise InvalidInput(f"{source} is larger than {_mib(MAX_WISHLIST_BYTES)}: split it into several lists")
    if "\x00" in text:
        raise InvalidInput(f"{source} contains NUL bytes: that is binary data, not a wishlist")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r")
    if controls > max(8, len(text) // 100):
        raise InvalidInput(
            f"{source} has {controls} control characters: that looks like binary data, not text"
        )
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise InvalidInput(f"{source} contains unpaired surrogate characters; save it as UTF-8")
    if not text.strip():
        raise InvalidInput(f"{source} is empty: write one wish per line")
    return text


def _check_line_field(value: str | None, *, name: str) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    if any(ord(ch) < 32 for ch in value.replace("\n", " ").replace("\t", " ")):
        raise InvalidInput(f"{name} contains control characters")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise InvalidInput(f"{name} is {len(cleaned)} characters long (limit {MAX_TITLE_CHARS})")
    return cleaned or None


def check_link(link: str) -> str:
    """An http(s) URL without white space or control characters, at most 2048 characters."""
    if not isinstance(link, str) or not link.lower().startswith(("http://", "https://")):
        raise InvalidInput(f"reference link {str(link)[:80]!r} is not an http(s) URL; pass files by path")
    if len(link) > MAX_LINK_CHARS or any(ch.isspace() or ord(ch) < 32 for ch in link):
        raise InvalidInput(f"reference link {link[:80]!r} is too long or contains white space")
    return link


def _default_title(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("-*•+ ").strip()
        if stripped and not stripped.startswith(("#", "//")):
            return stripped[:80]
    return "Wishlist"


def intake_wishlist(
    store: ProjectStore,
    project_id: str,
    text: str | bytes,
    *,
    title: str | None = None,
    author: str | None = None,
    links: Sequence[str] = (),
    files: Sequence[ReferenceFile] = (),
    spec_list_id: str | None = None,
    now: str | None = None,
) -> SpecList:
    """Store a wishlist verbatim as spec-lists/<id>.json (status draft) and return the record.

    ``text`` is the wishlist (bytes are decoded as UTF-8, at most 1 MiB); ``links`` are http(s)
    URLs; ``files`` are copied to files/references/<id>/ (plain names, at most 20 files of 10 MiB).
    Raises InvalidInput for bad input, NotFound for an unknown project, Conflict when the id exists.
    """
    now = now or now_iso()
    decoded = decode_wishlist(text) if isinstance(text, bytes) else check_wishlist_text(text)
    store.read_project(project_id)  # NotFound with the list of projects
    list_id = validate_id(spec_list_id, what="spec list id") if spec_list_id else new_ulid()
    if store.exists(project_id, "spec-lists", list_id):
        raise Conflict(f"spec list {list_id!r} exists already in project {project_id!r}; choose another --id")
    clean_title = _check_line_field(title, name="title") or _default_title(decoded)
    clean_author = _check_line_field(author, name="author")
    references = [Reference(kind="url", url=check_link(link)) for link in links]
    if len(links) + len(files) > MAX_REFERENCES:
        raise InvalidInput(f"{len(links) + len(files)} references; the limit is {MAX_REFERENCES}")
    names: set[str] = set()
    for ref in files:
        validate_file_name(ref.name, what="reference file name")
        if not ref.name.lower().endswith(REFERENCE_SUFFIXES):
            raise InvalidInput(
                f"reference file {ref.name!r} has an unsupported type; use one of {', '.join(REFERENCE_SUFFIXES)}"
            )
        if ref.name.lower() in names:
            raise InvalidInput(f"reference file name {ref.name!r} is given twice")
        names.add(ref.name.lower())
        if len(ref.data) > MAX_REFERENCE_BYTES:
            raise InvalidInput(
                f"reference file {ref.name!r} is {_mib(len(ref.data))}; the limit is {_mib(MAX_REFERENCE_BYTES)}"
            )
        if not ref.data:
            raise InvalidInput(f"reference file {ref.name!r} is empty")
    for ref in files:
        stored = store.write_file(store.reference_path(project_id, list_id, ref.name), ref.data)
        references.append(Reference(kind="file", path=stored, label=ref.name))
    spec_list = SpecList(
        id=list_id,
        project_id=project_id,
        created_at=now,
        updated_at=now,
        title=clean_title,
        text=decoded,
        status="draft",
        references=references,
    )
    if clean_author:
        spec_list.author = clean_author
    store.write(project_id, "spec-lists", spec_list, create_only=True)
    log.info(
        "intake project=%s specList=%s chars=%d refs=%d", project_id, list_id, len(decoded), len(references)
    )
    return spec_list


def intake_request(
    store: ProjectStore,
    project_id: str,
    body: Any,
    *,
    files: Sequence[ReferenceFile] = (),
    now: str | None = None,
) -> SpecList:
    """``intake_wishlist`` for a JSON body (REST): ``{text, title?, author?, links?, id?}``; wrong types -> InvalidInput."""
    request = parse_model(IntakeRequest, body, where="intake request")
    return intake_wishlist(
        store,
        project_id,
        request.text,
        title=request.title,
        author=request.author,
        links=request.links,
        files=files,
        spec_list_id=request.id,
        now=now,
    )
