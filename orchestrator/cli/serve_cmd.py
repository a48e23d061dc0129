"""``assetgen serve``: the REST API, the review gallery and the job worker in one process.

Binds 127.0.0.1 by default. Any other address needs a bearer token (``--token``, ``--token-file``
or ``ASSETGEN_API_TOKEN``); with a token every request must send ``Authorization: Bearer <token>``.
Every request's Host must name the bound address, localhost or an ``--allowed-host`` name
(``ASSETGEN_ALLOWED_HOSTS``), and an Origin header must be the server's own origin or an
``--allow-origin`` one (``ASSETGEN_ALLOW_ORIGINS``): other web pages cannot use the server.
SIGINT and SIGTERM shut down gracefully: open event streams end, the worker stops, then the process.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from assetgen.errors import InvalidInput
from assetgen.origins import SitePolicy
from assetgen.settings import Settings
from orchestrator.cli import CliContext, UsageError

if TYPE_CHECKING:
    from aiohttp import web

TOKEN_ENV = "ASSETGEN_API_TOKEN"
ALLOWED_HOSTS_ENV = "ASSETGEN_ALLOWED_HOSTS"
ALLOW_ORIGINS_ENV = "ASSETGEN_ALLOW_ORIGINS"
SHUTDOWN_TIMEOUT_S = 10.0


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="serve the REST API, the gallery and the job worker")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8800, help="port (default 8800; 0 picks a free one)")
    token = serve.add_mutually_exclusive_group()
    token.add_argument("--token", help=f"bearer token every request must send (or ${TOKEN_ENV})")
    token.add_argument("--token-file", type=Path, help="read the bearer token from this file")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a further name the Host header may carry (repeatable; also $"
        f"{ALLOWED_HOSTS_ENV}, comma-separated; '*' turns the Host check off)",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a further web origin (scheme://host:port) whose pages may call the API (repeatable; also "
        f"${ALLOW_ORIGINS_ENV}, comma-separated)",
    )
    serve.add_argument("--no-worker", action="store_true", help="serve only; do not run queued jobs")
    serve.set_defaults(handler=cmd_serve)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1); names other than localhost are not."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(args: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    """The token from --token, --token-file or the environment (blank means none)."""
    if args.token_file is not None:
        try:
            text = args.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the token file {args.token_file}: {exc}") from exc
        if not text:
            raise UsageError(f"the token file {args.token_file} is empty")
        return text
    return (args.token or env.get(TOKEN_ENV, "")).strip() or None


def resolve_site_policy(args: argparse.Namespace, settings: Settings) -> SitePolicy:
    """Allowed Host names and origins from the options plus the settings (the environment); a malformed one
    is a usage error."""
    try:
        return SitePolicy.build(
            hosts=[*args.allowed_host, *settings.allowed_hosts],
            origins=[*args.allow_origin, *settings.allow_origins],
        )
    except InvalidInput as exc:
        raise UsageError(str(exc)) from exc


def cmd_serve(args: argparse.Namespace, ctx: CliContext) -> int:
    token = resolve_token(args, {TOKEN_ENV: ctx.settings.api_token or ""})
    site_policy = resolve_site_policy(args, ctx.settings)
    if not is_loopback(args.host) and not token:
        raise UsageError(
            f"refusing to listen on {args.host} without a token; pass --token/--token-file or set {TOKEN_ENV}"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"port {args.port} is out of range 0-65535")
    from orchestrator.api import create_app

    app = create_app(ctx.settings, token=token, run_worker=not args.no_worker, site_policy=site_policy)
    asyncio.run(_serve(app, args.host, args.port, has_token=bool(token)))
    return 0


async def _serve(app: web.Application, host: str, port: int, *, has_token: bool) -> None:
    from aiohttp import web

    runner = web.AppRunner(app, shutdown_timeout=SHUTDOWN_TIMEOUT_S, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        bound_port = runner.addresses[0][1] if runner.addresses else port
        shown_host = f"[{host}]" if ":" in host else host
        auth = "bearer token required" if has_token else "no token"
        print(f"assetgen API on http://{shown_host}:{bound_port}/api ({auth}); Ctrl-C stops", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()
