"""Benchmark: what the site guard (Host, Origin, simple-body checks on every request) costs.

Two numbers, each against a baseline in the same run:
- ``check_site`` alone on a mocked request, against an empty function call on the same request;
- the served API (``GET /api/projects`` and ``GET /api/projects/demo``, the demo project, 127.0.0.1,
  one keep-alive aiohttp client), with the guard against the same app whose site middleware is a
  pass-through (so the middleware call itself is in both). Rounds alternate to share the machine's load.

Prints a table and writes/replaces its section of BENCHMARKS.md. Run: .venv/bin/python tools/bench_site_guard.py
"""

from __future__ import annotations

import asyncio
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks_file import write_section  # noqa: E402

SECTION = "bench_site_guard"
CALLS = 20000
ROUNDS = 6
REQUESTS_PER_ROUND = 300
PATHS = ("/api/projects", "/api/projects/demo")


class _Transport:
    """A socket's answers without a socket (a Mock would cost more than the checks)."""

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 8800) if name == "sockname" else default

    def is_closing(self) -> bool:
        return False


def bench_check_site() -> dict[str, float]:
    """Microseconds per call: check_site on a same-origin JSON POST, and an empty call, same request."""
    from aiohttp.test_utils import make_mocked_request

    import orchestrator.api as api_module
    from assetgen.settings import Settings
    from orchestrator.api.middleware import check_site

    app = api_module.create_app(Settings.from_env({}, data_dir=Path(tempfile.gettempdir()) / "nothing"))
    headers = {
        "Host": "127.0.0.1:8800",
        "Origin": "http://127.0.0.1:8800",
        "Content-Type": "application/json",
    }
    request = make_mocked_request(
        "POST", "/api/projects/demo/jobs", headers=headers, app=app, transport=_Transport()
    )

    def empty(_request: object) -> None:
        return None

    best: dict[str, float] = {}
    for name, fn in (("check_site", check_site), ("empty call", empty)) * 3:
        start = time.perf_counter()
        for _ in range(CALLS):
            fn(request)
        per_call_us = (time.perf_counter() - start) / CALLS * 1e6
        best[name] = min(best.get(name, per_call_us), per_call_us)
    return best


async def _serve_and_time(data_dir: Path) -> dict[str, list[float]]:
    import aiohttp
    from aiohttp import web

    import orchestrator.api as api_module
    from assetgen.settings import Settings

    @web.middleware
    async def passthrough(request: web.Request, handler):  # the baseline: same chain, no checks
        return await handler(request)

    settings = Settings.from_env({}, data_dir=data_dir)
    guarded = api_module.create_app(settings)
    real = api_module.site_middleware
    api_module.site_middleware = passthrough  # create_app reads the name at call time
    try:
        open_app = api_module.create_app(settings)
    finally:
        api_module.site_middleware = real
    runners, urls = [], {}
    for name, app in (("with the guard", guarded), ("pass-through", open_app)):
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        urls[name] = f"http://127.0.0.1:{runner.addresses[0][1]}"
    times: dict[str, list[float]] = {name: [] for name in urls}
    try:
        async with aiohttp.ClientSession() as session:
            for round_index in range(ROUNDS):
                order = list(urls.items())
                for name, base in order if round_index % 2 else reversed(order):
                    for i in range(REQUESTS_PER_ROUND):
                        started = time.perf_counter()
                        async with session.get(base + PATHS[i % len(PATHS)]) as response:
                            await response.read()
                            assert response.status == 200, (name, response.status)
                        times[name].append((time.perf_counter() - started) * 1000)
    finally:
        for runner in runners:
            await runner.cleanup()
    return times


def bench_served() -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(REPO / "data" / "projects" / "demo", root / "projects" / "demo")
        times = asyncio.run(_serve_and_time(root))
    return {
        name: {"p50_ms": statistics.median(values), "p95_ms": sorted(values)[int(len(values) * 0.95)]}
        for name, values in times.items()
    }


def main() -> int:
    calls = bench_check_site()
    served = bench_served()
    ratio_call = calls["check_site"] / calls["empty call"]
    guard, base = served["with the guard"], served["pass-through"]
    lines = [
        "## Site guard: Host/Origin/body checks on every request vs none",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, shared CPU (numbers are noisy); "
        f"`tools/bench_site_guard.py`, {CALLS} calls best of 3, {ROUNDS}x{REQUESTS_PER_ROUND} requests "
        "alternating.",
        "",
        "| Measure | With the guard | Baseline | Ratio |",
        "|---|---|---|---|",
        f"| `check_site` per call (µs; baseline: an empty call) | {calls['check_site']:.2f} | "
        f"{calls['empty call']:.2f} | {ratio_call:.0f}x |",
        f"| served GET, p50 (ms) vs pass-through middleware | {guard['p50_ms']:.3f} | {base['p50_ms']:.3f} | "
        f"{guard['p50_ms'] / base['p50_ms']:.2f}x |",
        f"| served GET, p95 (ms) vs pass-through middleware | {guard['p95_ms']:.3f} | {base['p95_ms']:.3f} | "
        f"{guard['p95_ms'] / base['p95_ms']:.2f}x |",
        "",
        f"The checks cost about {calls['check_site'] - calls['empty call']:.1f} µs a request, "
        f"{(calls['check_site'] - calls['empty call']) / (base['p50_ms'] * 1000) * 100:.2f} % of a served GET.",
    ]
    text = "\n".join(lines)
    print(text)
    write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
