"""``assetgen project``: create, list and show projects."""

from __future__ import annotations

import argparse

from assetgen.generation.model_files import hash_cache_file, model_roots
from assetgen.projects import init_project
from assetgen.specs.project_check import ProjectCheck, check_project
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

    check = verbs.add_parser(
        "check", help="read every file of a project (AssetGenerator's format too) and report; writes nothing"
    )
    check.add_argument("project_id")
    check.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    check.add_argument("--all", action="store_true", help="also list files without findings")
    check.set_defaults(handler=cmd_check)


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


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    report = check_project(
        ctx.store,
        args.project_id,
        model_roots=model_roots(ctx.settings),
        hash_cache=hash_cache_file(ctx.settings),
    )
    ctx.emit(report.as_dict(), lambda: format_check(report, show_all=args.all))
    return 0 if report.is_usable else 2


def format_check(report: ProjectCheck, *, show_all: bool = False) -> str:
    """Per file: status and findings; then one summary line."""
    lines = []
    for file in report.files:
        if not file.findings and not show_all:
            continue
        lines.append(f"{file.path}: {file.status}")
        lines += [f"  {f.level} {f.field}: {f.message}" for f in file.findings if file.status != "kept"]
        if file.status == "kept":
            lines[-1] += f" ({file.findings[0].message})" if file.findings else ""
    verdict = "usable" if report.is_usable else "NOT usable"
    summary = report.as_dict()
    lines.append(
        f"project {report.project_id}: {verdict}; {summary['files']} files, {summary['invalid']} invalid, "
        f"{summary['missing']} missing, {len(summary['kept'])} kept not modelled; "
        f"{summary['errors']} errors, {summary['warnings']} warnings, {summary['infos']} infos"
    )
    return "\n".join(lines)
