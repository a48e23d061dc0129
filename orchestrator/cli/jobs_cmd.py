"""``assetgen jobs`` (submit, list, show, cancel, retry) and ``assetgen worker``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from assetgen.errors import InvalidInput
from assetgen.jobs import create_job, read_job_listing, request_cancel, requeue_for_retry
from assetgen.models import Job
from orchestrator.cli import CliContext
from orchestrator.job_chains import run_chains
from orchestrator.worker import Worker

MAX_JOB_FILE_BYTES = 4 * 2**20


def register(sub: argparse._SubParsersAction) -> None:
    jobs = sub.add_parser("jobs", help="submit, list, show, cancel and retry jobs")
    verbs = jobs.add_subparsers(dest="verb", metavar="VERB", required=True)

    submit = verbs.add_parser("submit", help="queue a job from a JSON file or - (stdin): {type, input}")
    submit.add_argument("project_id")
    submit.add_argument("file", help='job JSON ({"type": ..., "input": {...}}), or - for stdin')
    submit.add_argument(
        "--wait", action="store_true", help="run a worker here until the job (and its chain) ends"
    )
    submit.set_defaults(handler=cmd_submit)

    listing = verbs.add_parser("list", help="list a project's jobs")
    listing.add_argument("project_id")
    listing.add_argument("--status", choices=["queued", "running", "succeeded", "failed", "canceled"])
    listing.set_defaults(handler=cmd_list)

    for verb, func, text in (
        ("show", cmd_show, "print one job"),
        ("cancel", cmd_cancel, "cancel a job"),
        ("retry", cmd_retry, "queue a failed or canceled job again"),
    ):
        parser = verbs.add_parser(verb, help=text)
        parser.add_argument("project_id")
        parser.add_argument("job_id")
        parser.set_defaults(handler=func)

    worker = sub.add_parser("worker", help="run queued jobs (watches the job files)")
    worker.add_argument("--once", action="store_true", help="exit when no job is queued or running")
    worker.set_defaults(handler=cmd_worker)


def read_job_request(source: str) -> dict:
    """The {type, input} object from a file or stdin, size-limited, as a clear error when malformed."""
    if source == "-":
        raw = sys.stdin.buffer.read(MAX_JOB_FILE_BYTES + 1)
        where = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidInput(f"{source}: no such file")
        raw = path.read_bytes()[: MAX_JOB_FILE_BYTES + 1]
        where = source
    if len(raw) > MAX_JOB_FILE_BYTES:
        raise InvalidInput(f"{where}: a job file is at most {MAX_JOB_FILE_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{where}: not a JSON job ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise InvalidInput(f'{where}: a job is an object {{"type": ..., "input": {{...}}}}')
    return data


def describe(job: Job) -> str:
    progress = f" {job.progress.percent:.0f}%" if job.progress and job.status == "running" else ""
    error = f"  {job.error}" if job.error else ""
    return f"{job.id}  {job.type:<10} {job.status}{progress}  attempt {job.attempt}/{job.max_attempts}{error}"


def cmd_submit(args: argparse.Namespace, ctx: CliContext) -> int:
    request = read_job_request(args.file)
    job = create_job(ctx.store, args.project_id, request["type"], request.get("input") or {})
    if not args.wait:
        ctx.emit(job.model_dump(mode="json"), f"queued {describe(job)}")
        return 0
    final = asyncio.run(
        run_chains(
            ctx.settings,
            job.project_id,
            [job.id],
            label=f"{job.type} {job.id}",
            show_progress=not ctx.as_json,
        )
    )
    ctx.emit([j.model_dump(mode="json") for j in final], lambda: "\n".join(describe(j) for j in final))
    return 0 if all(j.status == "succeeded" for j in final) else 1


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    listing = read_job_listing(ctx.store, args.project_id, status=args.status)
    jobs = listing.jobs
    if listing.unreadable:
        print(
            f"assetgen: note: {len(listing.unreadable)} unreadable job file(s) skipped: "
            f"{', '.join(listing.unreadable)} (`assetgen project check` says why)",
            file=sys.stderr,
        )
    ctx.emit(
        [j.model_dump(mode="json") for j in jobs], lambda: "\n".join(describe(j) for j in jobs) or "no jobs"
    )
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.emit(ctx.store.read(args.project_id, "jobs", args.job_id).model_dump(mode="json"))
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    job = request_cancel(ctx.store, args.project_id, args.job_id)
    text = f"canceled {job.id}" if job.status == "canceled" else f"cancel requested for running job {job.id}"
    ctx.emit(job.model_dump(mode="json"), text)
    return 0


def cmd_retry(args: argparse.Namespace, ctx: CliContext) -> int:
    job = requeue_for_retry(ctx.store, args.project_id, args.job_id)
    ctx.emit(job.model_dump(mode="json"), f"queued again {describe(job)}")
    return 0


def cmd_worker(args: argparse.Namespace, ctx: CliContext) -> int:
    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        import signal

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await Worker(ctx.settings).run(stop, once=args.once)

    started = time.monotonic()
    asyncio.run(run())
    if not ctx.as_json:
        print(f"worker stopped after {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0
