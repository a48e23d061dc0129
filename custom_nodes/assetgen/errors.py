"""The assetgen error hierarchy, mapped once each by the CLI, the REST API and the job runner.

    AssetgenError                 base; never raised itself
    ├── NotFound                  a project, record or file that does not exist        (CLI 2, HTTP 404)
    ├── InvalidInput              bad id, bad JSON, a value out of range               (CLI 2, HTTP 400)
    ├── Conflict                  the record changed or exists already                 (CLI 2, HTTP 409)
    ├── BackendUnavailable        ComfyUI (or another backend) cannot be reached       (CLI 3, HTTP 503)
    ├── ComfyExecutionError       ComfyUI refused or failed a prompt; carries node_errors (CLI 3, HTTP 502)
    ├── ExportFailed              an exporter could not build a bundle                 (CLI 3, HTTP 500)
    └── StorageError              the data disk refused a write (full, read-only)      (CLI 3, HTTP 507)

Messages say what failed, which id or path, and what to do about it.
"""

from __future__ import annotations

from typing import Any


class AssetgenError(Exception):
    """Base of every error assetgen raises on purpose."""


class NotFound(AssetgenError):
    """A project, record or file that does not exist."""


class InvalidInput(AssetgenError):
    """Input that cannot be accepted as given (ids, JSON, parameters)."""


class Conflict(AssetgenError):
    """The target exists already or changed under the caller."""


class BackendUnavailable(AssetgenError):
    """A generation backend (ComfyUI) cannot be reached or is not set up."""


class ModelUnavailable(AssetgenError):
    """No generation backend has a model file (checkpoint, LoRA) the work needs."""


class ComfyExecutionError(AssetgenError):
    """ComfyUI rejected or failed a prompt; ``node_errors`` is ComfyUI's own report, verbatim."""

    def __init__(self, message: str, *, node_errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.node_errors = node_errors or {}


class ExportFailed(AssetgenError):
    """An exporter could not build its bundle."""


class StorageError(AssetgenError):
    """The data folder refused a write (disk full, read-only, permissions); the previous file is intact."""
