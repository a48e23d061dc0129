"""``assetgen intake``, ``assetgen refine`` and ``assetgen specs validate``: wishlist -> specs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import BinaryIO

from assetgen.errors import InvalidInput, NotFound
from assetgen.specs.intake import MAX_REFERENCE_BYTES, MAX_WISHLIST_BYTES, ReferenceFile, intake_wishlist
from assetgen.specs.refine import refine_spec_list
from assetgen.specs.validation import validate_project_specs
from orchestrator.cli import EXIT_USAGE, CliContext


def register(sub: argparse._SubParsersAction) -> None:
    intake = sub.add_parser("intake", help="store a wishlist (plain text) as a spec list")
    intake.add_argument("project_id", help="project id")
    intake.add_argument("file", help="wishlist text file, or - for stdin")
    intake.add_argument("--title", help="title (default: the first wish)")
    intake.add_argument("--author", help="who wrote the wishlist")
    intake.add_argument(
        "--ref", action="append", default=[], metavar="URL|FILE", help="reference link or file (repeatable)"
    )
    intake.add_argument("--id", dest="spec_list_id", help="spec list id (default: a new ULID)")
    intake.set_defaults(handler=cmd_intake)

    refine = sub.add_parser("refine", help="refine a spec list into AssetSpecs (deterministic rules)")
    refine.add_argument("project_id", help="project id")
    refine.add_argument("spec_list_id", help="spec list id (see spec-lists/)")
    refine.add_argument(
        "--force", action="store_true", help="overwrite specs edited by hand since refinement"
    )
    refine.add_argument(
        "--apply-context",
        action="store_true",
        help="write the defaults a markdown wishlist's 'Project context' proposes into project.json",
    )
    refine.set_defaults(handler=cmd_refine)

    specs = sub.add_parser("specs", help="check AssetSpecs")
    verbs = specs.add_subparsers(dest="verb", metavar="VERB", required=True)
    validate = verbs.add_parser("validate", help="validate specs and report autopilot readiness")
    validate.add_argument("project_id", help="project id")
    validate.add_argument("spec_ids", nargs="*", metavar="SPEC_ID", help="only these specs (default: all)")
    validate.set_defaults(handler=cmd_validate)


def _read_limited(handle: BinaryIO, limit: int, *, what: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"{what} is larger than {limit // (1024 * 1024)} MiB: split it or make it smaller")
    return data


def _read_file(path_text: str, limit: int, *, what: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise NotFound(f"{what} {path_text!r}: no such file")
    try:
        with path.open("rb") as handle:
            return _read_limited(handle, limit, what=f"{what} {path_text!r}")
    except OSError as exc:
        raise InvalidInput(f"{what} {path_text!r} cannot be read: {exc.strerror}") from exc


def cmd_intake(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.file == "-":
        data = _read_limited(sys.stdin.buffer, MAX_WISHLIST_BYTES, what="wishlist on stdin")
    else:
        data = _read_file(args.file, MAX_WISHLIST_BYTES, what="wishlist")
    links = [r for r in args.ref if r.lower().startswith(("http://", "https://"))]
    files = [
        ReferenceFile(name=Path(r).name, data=_read_file(r, MAX_REFERENCE_BYTES, what="reference file"))
        for r in args.ref
        if r not in links
    ]
    spec_list = intake_wishlist(
        ctx.store,
        args.project_id,
        data,
        title=args.title,
        author=args.author,
        links=links,
        files=files,
        spec_list_id=args.spec_list_id,
    )
    path = ctx.store.record_path(args.project_id, "spec-lists", spec_list.id)
    ctx.emit(
        {"id": spec_list.id, "path": str(path), "references": len(spec_list.references)},
        f"{spec_list.id}\nstored {path}; next: assetgen refine {args.project_id} {spec_list.id}",
    )
    return 0


def cmd_refine(args: argparse.Namespace, ctx: CliContext) -> int:
    outcome = refine_spec_list(
        ctx.store, args.project_id, args.spec_list_id, force=args.force, apply_context=args.apply_context
    )

    def text() -> str:
        lines = []
        report = outcome.spec_list.refinement
        for item in report.items if report else []:
            where = f"line {item.line}" + (f".{item.part}" if item.part else "")
            specs = ", ".join(item.spec_ids) if item.spec_ids else "(no spec)"
            if item.skipped:
                specs = f"skipped ({item.skipped})"
            lines.append(f"{where}: {specs}")
            lines += [f"  warning: {w}" for w in item.warnings]
        lines += [f"warning: {w}" for w in (report.warnings if report else [])]
        if report and report.project_context:
            done = "applied" if report.project_context.applied else "proposed (--apply-context writes it)"
            lines += [f"project context {done}: {note}" for note in report.project_context.notes]
        lines.append(
            f"{len(outcome.spec_list.derived_spec_ids)} specs ({len(outcome.ready)} autopilot-ready): "
            f"{len(outcome.written)} written, {len(outcome.unchanged)} unchanged, "
            f"{len(outcome.kept)} hand edits kept, {len(outcome.deprecated)} deprecated"
        )
        return "\n".join(lines)

    ctx.emit(outcome.as_dict(), text)
    return 0


def cmd_validate(args: argparse.Namespace, ctx: CliContext) -> int:
    report = validate_project_specs(ctx.store, args.project_id, args.spec_ids or None)

    def text() -> str:
        lines = []
        for check in report.checks:
            state = "INVALID" if not check.is_valid else ("ready" if check.is_ready else "not ready")
            lines.append(f"{check.spec_id}: {state} ({check.path})")
            lines += [f"  error {e.field}: {e.message}" for e in check.errors]
            lines += [f"  warning {w.field}: {w.message}" for w in check.warnings]
            for issue in check.readiness.issues if check.readiness and check.is_valid else ():
                proposal = f" -> propose {issue.proposed!r}" if issue.proposed is not None else ""
                lines.append(f"  missing {issue.field}: {issue.problem}{proposal}")
        data = report.as_dict()
        lines.append(f"{data['specs']} specs: {data['invalid']} invalid, {data['ready']} autopilot-ready")
        return "\n".join(lines)

    ctx.emit(report.as_dict(), text)
    if not report.is_valid:
        invalid = sum(not c.is_valid for c in report.checks)
        print(f"assetgen: error: {invalid} of {len(report.checks)} specs are invalid", file=sys.stderr)
        return EXIT_USAGE
    return 0
