"""Benchmark: assetgen's MaxRects packer against rectpack (PyPI), on the same frame sets in the same run.

Both sides get the same job: put every rectangle (plus 2 px spacing) on one page of the smallest area, up to
4096x4096. assetgen runs its own search (4 heuristics x 4 sort orders x 6 page widths). rectpack has no
size search of its own, so it gets the same one: each of its MaxRects variants (Bl, Bssf, Baf, Blsf) x its
sort orders (area, perimeter, short side, long side) packed into a page of each candidate width and
unbounded height, keeping the smallest used area ("rectpack best"). Occupancy = rectangle area / page area.
A second comparison times one single pass (Bssf, area order) of each into the same fixed page.

Prints a table and writes/replaces its section of BENCHMARKS.md. Run: .venv/bin/python tools/bench_pack.py
"""

from __future__ import annotations

import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import rectpack
from benchmarks_file import write_section

from assetgen.imaging.pack import _candidate_widths, _maxrects_pass, pack_rects

REPO = Path(__file__).resolve().parent.parent
SECTION = "bench_pack"
SPACING = 2
MAX_SIDE = 4096
RECTPACK_ALGOS = (rectpack.MaxRectsBl, rectpack.MaxRectsBssf, rectpack.MaxRectsBaf, rectpack.MaxRectsBlsf)
RECTPACK_SORTS = (rectpack.SORT_AREA, rectpack.SORT_PERI, rectpack.SORT_SSIDE, rectpack.SORT_LSIDE)


def frame_sets() -> dict[str, list[tuple[int, int]]]:
    rng = random.Random(20261124)
    return {
        "uniform animation frames (48 x 96x96)": [(96, 96)] * 48,
        "trimmed walk cycle (64, 40-64 px)": [(rng.randint(40, 64), rng.randint(48, 64)) for _ in range(64)],
        "random sizes (200, 8-128 px)": [(rng.randint(8, 128), rng.randint(8, 128)) for _ in range(200)],
        "mixed large+small (6 large, 300 small)": [
            (rng.randint(200, 400), rng.randint(200, 400)) for _ in range(6)
        ]
        + [(rng.randint(8, 40), rng.randint(8, 40)) for _ in range(300)],
        "many tiny tiles (1000 x 16x16)": [(16, 16)] * 1000,
    }


def timed(fn: Callable[[], object], *, repeat: int) -> tuple[object, float]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def rectpack_best(sizes: list[tuple[int, int]]) -> tuple[int, int, str]:
    """Smallest page rectpack finds with the same width search: (width, height, algorithm/sort)."""
    items = [(w + SPACING, h + SPACING, i) for i, (w, h) in enumerate(sizes)]
    widths = _candidate_widths(
        items, max_w=MAX_SIDE, allow_rotation=False, power_of_two=False, spacing=SPACING
    )
    best = (0, 0, "")
    best_area = None
    for width in widths:
        for algo in RECTPACK_ALGOS:
            for sort in RECTPACK_SORTS:
                packer = rectpack.newPacker(rotation=False, pack_algo=algo, sort_algo=sort)
                for w, h, i in items:
                    packer.add_rect(w, h, rid=i)
                packer.add_bin(width + SPACING, MAX_SIDE + SPACING)
                packer.pack()
                rects = packer.rect_list()
                if len(rects) != len(items):
                    continue
                page_w = max(x + w for _, x, y, w, h, _ in rects) - SPACING
                page_h = max(y + h for _, x, y, w, h, _ in rects) - SPACING
                if best_area is None or page_w * page_h < best_area:
                    best_area = page_w * page_h
                    best = (page_w, page_h, f"{algo.__name__}/{sort_name(sort)}")
    return best


def sort_name(sort: object) -> str:
    for name in ("SORT_AREA", "SORT_PERI", "SORT_SSIDE", "SORT_LSIDE"):
        if getattr(rectpack, name) is sort:
            return name[5:].lower()
    return "?"


def single_pass_times(sizes: list[tuple[int, int]], width: int, height: int) -> tuple[float, float]:
    items = sorted(
        ((w + SPACING, h + SPACING, i) for i, (w, h) in enumerate(sizes)), key=lambda r: (-r[0] * r[1], r[2])
    )

    def ours() -> object:
        return _maxrects_pass(
            items,
            width + SPACING,
            height + SPACING,
            "bssf",
            allow_rotation=False,
            stop_on_miss=False,
            bottom_limit=1 << 62,
        )

    def theirs() -> object:
        packer = rectpack.newPacker(
            rotation=False, pack_algo=rectpack.MaxRectsBssf, sort_algo=rectpack.SORT_AREA
        )
        for w, h, i in items:
            packer.add_rect(w, h, rid=i)
        packer.add_bin(width + SPACING, height + SPACING)
        packer.pack()
        return packer

    return timed(ours, repeat=3)[1], timed(theirs, repeat=3)[1]


def main() -> int:
    rows = []
    for name, sizes in frame_sets().items():
        used = sum(w * h for w, h in sizes)
        packing, ours_s = timed(
            lambda s=sizes: pack_rects(s, spacing_px=SPACING, max_width_px=MAX_SIDE, max_height_px=MAX_SIDE),
            repeat=3,
        )
        assert len(packing.pages) == 1
        page = packing.pages[0]
        ours_occ = used / (page.w_px * page.h_px)
        (rp_w, rp_h, rp_algo), rp_s = timed(lambda s=sizes: rectpack_best(s), repeat=1)
        rp_occ = used / (rp_w * rp_h)
        pass_ours, pass_rp = single_pass_times(sizes, page.w_px, page.h_px)
        rows.append(
            {
                "set": name,
                "ours_page": f"{page.w_px}x{page.h_px}",
                "ours_occ": ours_occ,
                "ours_s": ours_s,
                "rp_page": f"{rp_w}x{rp_h}",
                "rp_occ": rp_occ,
                "rp_algo": rp_algo,
                "rp_s": rp_s,
                "pass_ours": pass_ours,
                "pass_rp": pass_rp,
            }
        )
        r = rows[-1]
        print(
            f"{name}: ours {r['ours_page']} occ {ours_occ:.3f} in {ours_s * 1000:.0f} ms | rectpack best "
            f"{r['rp_page']} occ {rp_occ:.3f} ({rp_algo}) in {rp_s * 1000:.0f} ms | occupancy ratio "
            f"{ours_occ / rp_occ:.3f}, search speed-up x{rp_s / ours_s:.1f}, single-pass speed-up "
            f"x{pass_rp / pass_ours:.1f}"
        )
    write_section(SECTION, render(rows))
    print(f"wrote section {SECTION} of BENCHMARKS.md")
    worse = [r["set"] for r in rows if r["ours_occ"] < r["rp_occ"] - 1e-9 or r["ours_s"] > r["rp_s"]]
    if worse:
        print(f"assetgen is behind rectpack on: {worse}", file=sys.stderr)
        return 1
    return 0


def render(rows: list[dict[str, object]]) -> str:
    lines = [
        "## Spritesheet packing: assetgen.imaging.pack vs rectpack",
        "",
        f"Written by `tools/bench_pack.py` on {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, rectpack {getattr(rectpack, '__version__', '0.2.2')}; one run, both measured "
        "side by side (best of 3 for assetgen and for single passes, 1 run of the rectpack search).",
        "Task: one page of the smallest area for all rectangles + 2 px spacing, max 4096 px. rectpack best = "
        "its 4 MaxRects variants x 4 sort orders over the same candidate page widths. Occupancy = sprite area / "
        "page area. Search speed-up = rectpack search time / assetgen search time; single pass = one Bssf "
        "pass in area order into the same page, rectpack time / assetgen time.",
        "",
        "| frame set | assetgen page | occupancy | time | rectpack best page | occupancy | time | "
        "occupancy ratio | search speed-up | single-pass speed-up |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['set']} | {r['ours_page']} | {r['ours_occ']:.3f} | {r['ours_s'] * 1000:.0f} ms | "
            f"{r['rp_page']} ({r['rp_algo']}) | {r['rp_occ']:.3f} | {r['rp_s'] * 1000:.0f} ms | "
            f"{r['ours_occ'] / r['rp_occ']:.3f} | x{r['rp_s'] / r['ours_s']:.1f} | "  # type: ignore[operator]
            f"x{r['pass_rp'] / r['pass_ours']:.1f} |"  # type: ignore[operator]
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
