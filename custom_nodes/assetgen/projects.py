"""Creating projects from the demo template; which project was worked on last."""

from __future__ import annotations

from pathlib import Path

from assetgen.clock import now_iso
from assetgen.errors import Conflict, InvalidInput, NotFound
from assetgen.ids import validate_id
from assetgen.models import CATALOG_MODELS, RECORD_MODELS, Project
from assetgen.settings import REPO_DIR
from assetgen.store import ProjectStore, load_model, write_json_atomic

DEMO_TEMPLATE = REPO_DIR / "data" / "projects" / "demo"
# Folders copied from a template: the project's configuration, not its work.
TEMPLATE_FOLDERS = ("checkpoints", "loras", "baseline-profiles", "export-profiles", "spec-lists")


def init_project(
    store: ProjectStore, project_id: str, *, name: str | None = None, template: Path = DEMO_TEMPLATE
) -> Project:
    """Create ``project_id`` from ``template`` (catalogs, checkpoints, LoRAs, profiles, sample wishlist).

    Every copied record is validated and gets the new project id and fresh timestamps. Refuses to
    overwrite an existing project.
    """
    validate_id(project_id, what="project id")
    if store.has_project(project_id):
        raise Conflict(f"project {project_id!r} exists already at {store.project_dir(project_id)}")
    if not (template / "project.json").is_file():
        raise NotFound(f"project template {template} has no project.json")
    now = now_iso()
    source = load_model(Project, template / "project.json")
    project = source.model_copy(
        update={"id": project_id, "name": name or project_id, "created_at": now, "updated_at": now}
    )
    target = store.project_dir(project_id)
    for catalog, model in CATALOG_MODELS.items():
        path = template / "catalogs" / f"{catalog}.json"
        if path.is_file():
            record = load_model(model, path).model_copy(update={"created_at": now, "updated_at": now})
            store.write_catalog(project_id, catalog, record)
    for folder in TEMPLATE_FOLDERS:
        for path in sorted((template / folder).glob("*.json")):
            record = load_model(RECORD_MODELS[folder], path)
            update = {"created_at": now, "updated_at": now}
            if "project_id" in type(record).model_fields:
                update["project_id"] = project_id
            store.write(project_id, folder, record.model_copy(update=update))
    write_json_atomic(target / "project.json", project)
    return project


# Folders whose changes count as work on a project (not its configuration).
ACTIVITY_FOLDERS = ("jobs", "assets", "specs")


def most_recent_project(store: ProjectStore) -> str | None:
    """The project whose jobs, assets or specs changed last (None without projects; stat only, no reads).

    A project with no such record counts as never active; ties go to the first id in sorted order."""
    best: tuple[int, str] | None = None
    for project_id in store.list_projects():
        try:
            latest = max(
                (
                    sig[0]
                    for folder in ACTIVITY_FOLDERS
                    for sig in store.record_signatures(project_id, folder).values()
                ),
                default=-1,
            )
        except InvalidInput:  # a folder name that is no valid id: not a project assetgen can open
            continue
        if best is None or latest > best[0]:
            best = (latest, project_id)
    return best[1] if best else None
