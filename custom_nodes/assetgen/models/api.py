"""assetgen: the REST API's own bodies (requests, list envelopes, reports); records reuse their models.

The OpenAPI document (``GET /api/openapi.json``) takes its schemas from these classes and the record
models; the handlers validate requests with them and the tests check responses against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from assetgen.ids import ID_PATTERN
from assetgen.models.base import Contract
from assetgen.models.job import Job, JobStatus
from assetgen.models.spec import AssetSpec
from assetgen.models.spec_list import RefinementReport, SpecList

ID_REGEX = ID_PATTERN.pattern


class ErrorDetail(Contract):
    """What went wrong: the HTTP status, a message a person can act on and the error class."""

    status: int
    message: str
    type: str | None = Field(default=None, description="The assetgen error class, e.g. NotFound.")
    node_errors: dict[str, Any] | None = Field(default=None, description="ComfyUI's report, verbatim.")


class ErrorBody(Contract):
    """Every error response: ``{"error": {...}}``."""

    error: ErrorDetail


class ProjectList(Contract):
    """``GET /api/projects``."""

    projects: list[str]
    most_recent: str | None = Field(
        default=None,
        description="The project whose jobs, assets or specs changed last (what the gallery opens).",
    )


class CreateProjectRequest(Contract):
    """``POST /api/projects``: a new project from the demo template."""

    id: str = Field(pattern=ID_REGEX)
    name: str | None = None


class OnboardCheckpointRequest(Contract):
    """``POST /api/projects/{p}/checkpoints``: onboard a model file as ``checkpoints/<id>.json``."""

    id: str = Field(pattern=ID_REGEX, description="The checkpoint id, as specs and policies name it.")
    file: str = Field(description="The model file name relative to <models>/checkpoints.")
    types: list[str] | None = Field(default=None, description="Supported asset types (default: all).")
    profile: str | None = Field(default=None, description="Prompt profile id (default: the policies').")
    name: str | None = None
    replace: bool = False


class CheckpointStatusList(Contract):
    """``GET /api/projects/{p}/checkpoints``: each checkpoint id the project names or holds."""

    checkpoints: list[dict] = Field(
        description="checkpointId, onboarded, namedBy, file, found, hash, profileId, message."
    )


# -- jobs -------------------------------------------------------------------------------------------
class JobRequest(Contract):
    """``POST /api/projects/{p}/jobs``: the origin's ``{type, input}`` (input may hold ``nextJobs``)."""

    type: str = Field(description="generate | bg_remove | atlas_pack | export | autopilot")
    input: dict[str, Any] = Field(default_factory=dict)
    id: str | None = Field(default=None, pattern=ID_REGEX, description="Job id to use (default: a new ULID).")


class JobListQuery(Contract):
    """Query of ``GET /api/projects/{p}/jobs``."""

    status: JobStatus | None = None


class JobList(Contract):
    """A project's jobs, oldest first."""

    jobs: list[Job]
    unreadable: list[str] = Field(
        default_factory=list, description="Ids of job files that could not be read (skipped, see the log)."
    )


class ExceptionList(Contract):
    """``GET /api/projects/{p}/exceptions``: the exception inbox, escalated failed jobs, newest first."""

    count: int = Field(ge=0)
    jobs: list[Job]


# -- spec lists -------------------------------------------------------------------------------------
class SpecListList(Contract):
    """A project's spec lists (wishlists)."""

    spec_lists: list[SpecList]


class RefineRequest(Contract):
    """``POST .../spec-lists/{id}/refine``: ``force`` overwrites specs edited by hand since refinement."""

    force: bool = Field(default=False, strict=True)
    apply_context: bool = Field(
        default=False,
        strict=True,
        description="Write the defaults a markdown wishlist's 'Project context' proposes into project.json.",
    )


class RefinementOutcomeBody(Contract):
    """What refinement did: the spec ids by fate and the stored report."""

    spec_list_id: str
    status: str
    derived_spec_ids: list[str]
    written: list[str]
    unchanged: list[str]
    kept_hand_edits: list[str]
    deprecated: list[str]
    ready: list[str]
    refinement: RefinementReport | None = None


# -- specs ------------------------------------------------------------------------------------------
class SpecProblemBody(Contract):
    """One validation error or warning: the field (camelCase path) and what to do."""

    field: str
    message: str


class ReadinessIssueBody(Contract):
    """One reason a spec is not autopilot-ready, with a proposed value when there is one."""

    field: str
    problem: str
    proposed: Any = None


class SpecCheckBody(Contract):
    """The verdict on one spec: valid (schema and references) and autopilot-ready."""

    spec_id: str
    path: str
    valid: bool
    ready: bool
    errors: list[SpecProblemBody]
    warnings: list[SpecProblemBody]
    readiness_issues: list[ReadinessIssueBody]


class SpecOverview(SpecCheckBody):
    """A spec with its verdict; ``spec`` is null when the file cannot be read."""

    spec: AssetSpec | None = None


class SpecOverviewList(Contract):
    """``GET /api/projects/{p}/specs``: every spec with validity and readiness."""

    project_id: str
    specs: list[SpecOverview]


class ValidateSpecsRequest(Contract):
    """``POST .../specs/validate``: only these specs (default: all)."""

    spec_ids: list[str] = Field(default_factory=list)


class SpecValidationBody(Contract):
    """The validation report of a project's specs."""

    project_id: str
    valid: bool
    specs: int
    invalid: int
    ready: int
    checks: list[SpecCheckBody]


class PlanQuery(Contract):
    """Query of ``GET .../specs/{specId}/plan``: what a generate job would override."""

    checkpoint_id: str | None = Field(default=None, pattern=ID_REGEX, description="A checkpoint record id.")
    variants: int | None = Field(default=None, ge=1, le=256)
    seed: int | None = Field(default=None, ge=0, le=2**64 - 1, description="Fixed base seed.")
    template_id: str = Field(default="txt2img", pattern=ID_REGEX, description="workflows/api/<id>.json")


# -- live events ------------------------------------------------------------------------------------
class JobSnapshot(Contract):
    """The first Server-Sent Event of a job stream (``event: snapshot``)."""

    project_id: str | None = None
    jobs: list[Job]


class JobRemoved(Contract):
    """``event: removed``: a job file disappeared."""

    project_id: str
    id: str


EventName = Literal["snapshot", "job", "removed"]
