"""Benchmark: time-to-interactive of the review gallery with 2,000 variants, against baselines measured in
the same run.

Builds a data root with one asset of 2,000 variants (and one of 100), serves ``create_app`` on 127.0.0.1 and
opens ``/gallery/`` in Debian's Chromium (every non-loopback request aborted), a fresh browser context per
run (cold cache). Time-to-interactive = navigation start -> the page sets ``window.__galleryReady`` after
its first grid render (``performance.now()`` at that moment). Baselines: the same page with 100 variants,
and a plain static HTML page listing the same 2,000 ``<img>`` tags (its ``domInteractive``; with
``loading=lazy``, as a browser's best case for a non-virtualised list).

Prints a table and writes/replaces its section of BENCHMARKS.md. Run: .venv/bin/python tools/bench_gallery.py
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks_file import write_section  # noqa: E402

from assetgen.store import ProjectStore  # noqa: E402
from tests.review_factory import build_review_project, serve_app  # noqa: E402

SECTION = "bench_gallery"
CHROMIUM = "/usr/lib/chromium/chromium"
RUNS = 5
BIG, SMALL = 2000, 100
BUDGET_MS = 1500


def build(root: Path) -> list[str]:
    store = ProjectStore(root)
    big = build_review_project(store, asset_id="potion_big", variants=BIG, versions=4, distinct_images=200)
    build_review_project(store, asset_id="potion_small", variants=SMALL, versions=1)
    return [v.preview_path or v.original_path for ver in big.versions for v in ver.variants]


def static_page(paths: list[str]) -> str:
    imgs = "\n".join(
        f'<li><img src="/files/{p}" loading="lazy" width="136" height="136" alt="{p}"></li>' for p in paths
    )
    return f"<!doctype html><html><body><ul style='display:flex;flex-wrap:wrap;list-style:none'>{imgs}</ul></body></html>"


def measure(browser, url: str, *, base: str, static_html: str | None = None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    if static_html is not None:
        context.route(url, lambda r: r.fulfill(status=200, content_type="text/html", body=static_html))
    page = context.new_page()
    page.goto(url, wait_until="commit")
    if static_html is None:
        page.wait_for_function("window.__galleryReady === true", timeout=30000, polling=10)
        ready = page.evaluate("window.__galleryReadyAt")
        cards = page.evaluate("document.querySelectorAll('.card').length")
    else:
        page.wait_for_load_state("domcontentloaded")
        ready = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
        cards = page.evaluate("document.querySelectorAll('img').length")
    context.close()
    return {"ready_ms": ready, "dom_cards": cards}


def run() -> list[tuple[str, dict]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        t0 = time.perf_counter()
        paths = build(root)
        print(f"built {BIG + SMALL} variants in {time.perf_counter() - t0:.1f} s")
        html = static_page(paths)
        with serve_app(root) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM)
            cases = [
                ("gallery, 2,000 variants", f"{base}/gallery/#/p/review_demo/a/potion_big", None),
                ("gallery, 100 variants (baseline)", f"{base}/gallery/#/p/review_demo/a/potion_small", None),
                ("static HTML, 2,000 <img> (baseline)", f"{base}/bench-static.html", html),
            ]
            measure(browser, cases[0][1], base=base)  # warm-up: server imports, Chromium start
            results = []
            for name, url, static_html in cases:
                samples = [measure(browser, url, base=base, static_html=static_html) for _ in range(RUNS)]
                times = [s["ready_ms"] for s in samples]
                results.append(
                    (
                        name,
                        {
                            "median": statistics.median(times),
                            "min": min(times),
                            "max": max(times),
                            "dom": samples[0]["dom_cards"],
                        },
                    )
                )
                print(
                    f"{name}: median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f})"
                )
            browser.close()
    return results


def report(results: list[tuple[str, dict]]) -> None:
    big = results[0][1]["median"]
    lines = [
        "## Review gallery: time-to-interactive with 2,000 variants",
        "",
        f"Written by `tools/bench_gallery.py` on CPython {platform.python_version()}, {platform.machine()}, "
        f"Debian Chromium (headless), {RUNS} cold runs per case (fresh browser context each), same server, same run.",
        "Time-to-interactive = navigation start -> `window.__galleryReady` (set after the first grid render, "
        "with the first page of variants, the asset list and the tag chips loaded); for the static page, its "
        "`domInteractive`. The gallery keeps only the rows in view in the DOM (column `DOM cards`).",
        "",
        "| page | median | min | max | DOM cards/imgs |",
        "|---|---|---|---|---|",
    ]
    for name, r in results:
        lines.append(
            f"| {name} | {r['median']:.0f} ms | {r['min']:.0f} ms | {r['max']:.0f} ms | {r['dom']} |"
        )
    verdict = "within" if big < BUDGET_MS else "OVER"
    lines += ["", f"2,000 variants: {big:.0f} ms, {verdict} the {BUDGET_MS} ms budget."]
    write_section(SECTION, "\n".join(lines))
    print(f"wrote section {SECTION} of BENCHMARKS.md")


if __name__ == "__main__":
    report(run())
