"""``assetgen comfy``: start, stop and inspect the managed local ComfyUI."""

from __future__ import annotations

import argparse

from orchestrator import comfy_process
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    comfy = sub.add_parser("comfy", help="start, stop and inspect the managed local ComfyUI")
    verbs = comfy.add_subparsers(dest="verb", metavar="VERB", required=True)

    start = verbs.add_parser("start", help="start ComfyUI with the assetgen nodes and wait until it answers")
    start.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    start.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for it to answer")
    start.add_argument(
        "--cpu",
        action="store_true",
        help="compute on the CPU even when the runtime's torch sees a GPU (default: the GPU when it does)",
    )
    start.set_defaults(handler=cmd_start)

    verbs.add_parser("stop", help="stop the ComfyUI that `comfy start` started").set_defaults(
        handler=cmd_stop
    )
    verbs.add_parser("status", help="is it running, where, and which log file").set_defaults(
        handler=cmd_status
    )


def cmd_start(args: argparse.Namespace, ctx: CliContext) -> int:
    state = comfy_process.start(ctx.settings, port=args.port, timeout_s=args.timeout, force_cpu=args.cpu)
    device = comfy_process.device_of(state.url)
    data = {
        "pid": state.pid,
        "port": state.port,
        "url": state.url,
        "device": device,
        "logPath": str(state.log_path),
    }
    ctx.emit(data, f"ComfyUI running at {state.url} on {device} (pid {state.pid}); log: {state.log_path}")
    return 0


def cmd_stop(args: argparse.Namespace, ctx: CliContext) -> int:
    stopped = comfy_process.stop(ctx.settings)
    ctx.emit({"stopped": stopped}, "ComfyUI stopped" if stopped else "ComfyUI was not running")
    return 0


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> int:
    state = comfy_process.status(ctx.settings)
    if state["running"]:
        text = (
            f"running at {state['url']} on {state['device']} (pid {state['pid']}, "
            f"answering: {state['answering']}); log: {state['logPath']}"
        )
    else:
        text = f"not running; log: {state['logPath']}"
    ctx.emit(state, text)
    return 0
