"""The ``assetgen`` command line: a thin layer over the assetgen library.

Each command group lives in its own module with a ``register(subparsers)`` function; a command's
handler receives the parsed arguments and a ``CliContext`` and returns an exit code. Errors are
mapped once, here: bad input is one line on stderr and exit code 2, a backend problem exit code 3,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assetgen.errors import AssetgenError, BackendUnavailable, ComfyExecutionError, ExportFailed, StorageError
from assetgen.settings import Settings
from assetgen.store import ProjectStore

# Command-group modules, in the order --help lists them.
COMMAND_MODULES = (
    "orchestrator.cli.project_cmd",
    "orchestrator.cli.comfy_cmd",
    "orchestrator.cli.pool_cmd",
    "orchestrator.cli.intake_cmd",
    "orchestrator.cli.prompt_cmd",
    "orchestrator.cli.checkpoint_cmd",
    "orchestrator.cli.generate_cmd",
    "orchestrator.cli.jobs_cmd",
    "orchestrator.cli.autopilot_cmd",
    "orchestrator.cli.recreate_cmd",
    "orchestrator.cli.import_cmd",
    "orchestrator.cli.alpha_cmd",
    "orchestrator.cli.pixelate_cmd",
    "orchestrator.cli.pack_cmd",
    "orchestrator.cli.tile_cmd",
    "orchestrator.cli.poses_cmd",
    "orchestrator.cli.frames_cmd",
    "orchestrator.cli.export_cmd",
    "orchestrator.cli.serve_cmd",
    "orchestrator.cli.demo_cmd",
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BACKEND = 0, 1, 2, 3


class UsageError(Exception):
    """A command line that cannot be run as given."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


@dataclass
class CliContext:
    """What a command handler needs: settings, the store, and how to print results."""

    settings: Settings
    store: ProjectStore
    as_json: bool

    def emit(self, data: Any, text: str | Callable[[], str] | None = None) -> None:
        """Print a result: JSON with --json, else ``text`` (or the JSON when no text form exists)."""
        if self.as_json or text is None:
            print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        else:
            print(text() if callable(text) else text)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = OneLineParser(prog="assetgen", description="Game-asset factory on ComfyUI.")
    parser.add_argument(
        "--data-dir", type=Path, help="data root holding projects/ (default: $ASSETGEN_DATA_DIR or ./data)"
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command_parser in _subcommand_parsers(parser):
        _accept_global_flags(command_parser)
    return parser


def _subcommand_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below ``parser`` (``project``, ``project init`` ...), depth first."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases map to the same parser
                found += [child, *_subcommand_parsers(child)]
    return found


def _accept_global_flags(parser: argparse.ArgumentParser) -> None:
    """Let ``--json`` and ``--data-dir`` also follow the subcommand (``assetgen intake p list.txt --json``).

    Their default is SUPPRESS, so a subcommand that does not see them leaves the value given before it."""
    if "--json" not in parser._option_string_actions:
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    if "--data-dir" not in parser._option_string_actions:
        parser.add_argument(
            "--data-dir", type=Path, default=argparse.SUPPRESS, help="data root holding projects/"
        )


def exit_code_for(error: AssetgenError) -> int:
    if isinstance(error, BackendUnavailable | ComfyExecutionError | ExportFailed | StorageError):
        return EXIT_BACKEND
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assetgen`` console script."""
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env(data_dir=args.data_dir)
        ctx = CliContext(settings=settings, store=ProjectStore(settings.data_dir), as_json=args.json)
        return int(args.handler(args, ctx) or EXIT_OK)
    except UsageError as exc:
        print(f"assetgen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AssetgenError as exc:
        message = " ".join(str(exc).split())
        print(f"assetgen: error: {message}", file=sys.stderr)
        if isinstance(exc, ComfyExecutionError) and exc.node_errors:
            print(json.dumps(exc.node_errors, indent=2), file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        print("assetgen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`assetgen jobs list | head`): not an error. Point stdout at devnull so
        # the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        logging.getLogger("assetgen.cli").debug("unexpected error", exc_info=True)
        print(
            f"assetgen: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
            "(run with -vv to log the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
