"""spec-lists/<specListId>.json: the raw wishlist and its refinement report."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assetgen.ids import ID_PATTERN
from assetgen.models.base import Contract, Record


class Reference(Contract):
    """A link or a file copied into the project, attached to a wishlist."""

    kind: Literal["url", "file"]
    url: str | None = None
    path: str | None = Field(default=None, description="Data-root relative path of a copied file.")
    label: str | None = None


class RefinementItem(Contract):
    """What refinement made of one wishlist line."""

    line: int = Field(ge=1)
    part: int | None = Field(default=None, ge=1, description="assetgen: n-th ';'-separated wish of the line.")
    text: str | None = None
    spec_ids: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    section: str | None = Field(default=None, description="assetgen: the markdown heading the item is under.")
    skipped: str | None = Field(
        default=None, description="assetgen: why the line makes no spec (audio section, guidance, context)."
    )


class ContextProposal(Contract):
    """assetgen: project defaults a markdown wishlist's "Project context" section proposes."""

    name: str | None = None
    style: str | None = None
    scenario: str | None = None
    palette_ids: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="What matched the catalogs and what did not.")
    applied: bool = Field(default=False, description="True once written to project.json (--apply-context).")


class RefinementReport(Contract):
    """The refinement report stored in the spec list."""

    rules_version: int = 1
    refined_at: str | None = None
    text_hash: str | None = Field(default=None, description="assetgen: sha256 of the text that was refined.")
    items: list[RefinementItem] = Field(default_factory=list)
    project_context: ContextProposal | None = Field(
        default=None, description="assetgen: defaults proposed by a markdown wishlist's Project context."
    )
    warnings: list[str] = Field(
        default_factory=list, description="assetgen: list-level warnings (kept hand edits, stale specs)."
    )


class SpecList(Record):
    """A wishlist as the user wrote it (seed section 1), kept verbatim."""

    project_id: str
    title: str
    text: str
    status: Literal["draft", "refined", "archived"] = "draft"
    derived_spec_ids: list[str] = Field(default_factory=list)
    notes: str | None = None
    author: str | None = None
    references: list[Reference] = Field(default_factory=list)
    refinement: RefinementReport | None = None


class IntakeRequest(Contract):
    """assetgen: the body of an intake call (REST/CLI): a wishlist as text plus who wrote it and links."""

    text: str = Field(description="The wishlist, verbatim.")
    title: str | None = None
    author: str | None = None
    links: list[str] = Field(default_factory=list, description="http(s) reference links.")
    id: str | None = Field(
        default=None, pattern=ID_PATTERN.pattern, description="Spec list id to use (default: a new ULID)."
    )
