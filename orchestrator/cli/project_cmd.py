"""``assetgen project``: create, list and show projects."""

from __future__ import annotations

import argparse

from assetgen.projects import init_project
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    project = sub.add_parser("project", help="create, list and show projects")
    verbs = project.add_subparsers(dest="verb", metavar="VERB", required=True)

    init = verbs.add_parser("init", help="create a project from the demo template")
    init.add_argument("project_id", help="new project id (A-Z a-z 0-9 _ -)")
    init.add_argument("--name", help="display name (default: the id)")
    init.set_defaults(handler=cmd_init)

    verbs.add_parser("list", help="list the projects in the data root").set_defaults(handler=cmd_list)

    show = verbs.add_parser("show", help="print a project's project.json")
    show.add_argument("project_id")
    show.set_defaults(handler=cmd_show)


def cmd_init(args: argparse.Namespace, ctx: CliContext) -> int:
    project = init_project(ctx.store, args.project_id, name=args.name)
    path = ctx.store.project_dir(project.id)
    ctx.emit({"id": project.id, "path": str(path)}, f"created project {project.id} at {path}")
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ids = ctx.store.list_projects()
    ctx.emit(ids, "\n".join(ids) if ids else f"no projects under {ctx.store.projects_dir()}")
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.emit(ctx.store.read_project(args.project_id).model_dump(mode="json"))
    return 0
