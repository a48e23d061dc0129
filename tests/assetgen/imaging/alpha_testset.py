"""A seeded synthetic test set for background removal: sprite-like shapes with known alpha.

Each case renders a sprite at 4x supersampling (body with optional dark outline and shading, a ring
whose hole shows the background, 2-3 px thin lines, a highlight close to the background colour;
some sprites run off the bottom edge) and composites it over a background kind:

    white, near_white_noisy, grey, saturated, gradient, vignette   the colorkey contract
    textured                                                       scenery-like clutter (model territory)

The ground-truth alpha is the exact coverage (mean of the 4x4 subpixels), so anti-aliased edges
have true fractional alpha. Run as a script to write the images (and alpha) as PNGs for viewing:

    python tests/assetgen/imaging/alpha_testset.py OUT_DIR [--size 256] [--per-kind 4]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLEAN_KINDS = ("white", "near_white_noisy", "grey", "saturated", "gradient", "vignette")
COMPLEX_KINDS = ("textured",)
SUPERSAMPLE = 4


@dataclass(frozen=True)
class Case:
    """One test image: RGBA uint8 (opaque) and its true alpha in 0..1 (float32)."""

    name: str
    kind: str
    rgba: np.ndarray
    alpha: np.ndarray


def _oklab(rgb: np.ndarray) -> np.ndarray:
    from assetgen.imaging.alpha.oklab import srgb_to_oklab

    return srgb_to_oklab(np.clip(np.round(rgb), 0, 255).astype(np.uint8))


def _distance255(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(_oklab(np.asarray(a)) - _oklab(np.asarray(b))) * 255.0)


def _background(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """Background colour per final pixel, float (size, size, 3) in 0..255."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / (size - 1)
    if kind == "white":
        return np.full((size, size, 3), 255.0, np.float32)
    if kind == "near_white_noisy":
        base = np.array([rng.uniform(240, 250), rng.uniform(238, 250), rng.uniform(236, 250)])
        return base + rng.normal(0, 3.5, (size, size, 3))
    if kind == "grey":
        return np.full((size, size, 3), rng.uniform(100, 170), np.float32) + rng.normal(
            0, 1.0, (size, size, 3)
        )
    if kind == "saturated":
        keys = [(255, 0, 255), (0, 220, 0), (0, 60, 255), (255, 140, 0), (0, 200, 200)]
        return np.broadcast_to(np.array(keys[rng.integers(len(keys))], np.float32), (size, size, 3)).copy()
    if kind == "gradient":
        a = rng.uniform(150, 255, 3)
        b = rng.uniform(150, 255, 3)
        angle = rng.uniform(0, 2 * np.pi)
        t = (np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5)) / 0.71 * 0.5 + 0.5
        return a + (b - a) * t[:, :, None]
    if kind == "vignette":
        centre = rng.uniform(200, 250, 3)
        edge = centre * rng.uniform(0.6, 0.75)
        r = np.sqrt((xx - 0.5) ** 2 + (yy - 0.5) ** 2) / 0.71
        t = np.clip((r - 0.15) / 0.85, 0, 1)
        t = t * t * (3 - 2 * t)
        return centre + (edge - centre) * t[:, :, None]
    if kind == "textured":
        out = np.zeros((size, size, 3), np.float32)
        out += rng.uniform(60, 200, 3)
        for _ in range(40):
            cy, cx = rng.uniform(0, 1, 2)
            r = rng.uniform(0.03, 0.2)
            blob = np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r)))
            out += blob[:, :, None] * rng.uniform(-90, 90, 3)
        return out + rng.normal(0, 6.0, (size, size, 3))
    raise ValueError(f"unknown background kind {kind!r}")


class _Canvas:
    """Painter's algorithm at 4x supersampling: coverage and colour per subpixel."""

    def __init__(self, size: int) -> None:
        n = size * SUPERSAMPLE
        coords = (np.arange(n, dtype=np.float32) + 0.5) / SUPERSAMPLE
        self.y, self.x = np.meshgrid(coords, coords, indexing="ij")
        self.cover = np.zeros((n, n), bool)
        self.colour = np.zeros((n, n, 3), np.float32)
        self.size = size

    def paint(self, mask: np.ndarray, colour: np.ndarray) -> None:
        self.cover |= mask
        self.colour[mask] = colour if np.ndim(colour) == 1 else colour[mask]

    def ellipse(self, cy: float, cx: float, ry: float, rx: float, angle: float = 0.0, power: float = 2.0):
        dy, dx = self.y - cy, self.x - cx
        c, s = np.cos(angle), np.sin(angle)
        u, v = (c * dx + s * dy) / rx, (-s * dx + c * dy) / ry
        return np.abs(u) ** power + np.abs(v) ** power <= 1.0

    def star(self, cy: float, cx: float, radius: float, points: int, depth: float, angle: float):
        dy, dx = self.y - cy, self.x - cx
        theta = np.arctan2(dy, dx)
        return np.hypot(dy, dx) <= radius * (1 - depth + depth * np.cos(points * (theta - angle)) ** 2)

    def annulus(self, cy: float, cx: float, r_in: float, r_out: float):
        d = np.hypot(self.y - cy, self.x - cx)
        return (d >= r_in) & (d <= r_out)

    def segment(self, y0: float, x0: float, y1: float, x1: float, width: float):
        py, px = self.y - y0, self.x - x0
        vy, vx = y1 - y0, x1 - x0
        t = np.clip((py * vy + px * vx) / (vy * vy + vx * vx), 0, 1)
        return np.hypot(py - t * vy, px - t * vx) <= width / 2

    def composite(self, background: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s, n = SUPERSAMPLE, self.size
        alpha = self.cover.reshape(n, s, n, s).mean(axis=(1, 3)).astype(np.float32)
        fg = (self.colour * self.cover[:, :, None]).reshape(n, s, n, s, 3).mean(axis=(1, 3))
        image = fg + (1 - alpha[:, :, None]) * background
        return np.clip(np.round(image), 0, 255).astype(np.uint8), alpha


def _sprite_colour(rng: np.random.Generator, avoid: np.ndarray, *, dark: bool = False) -> np.ndarray:
    for _ in range(200):
        colour = rng.uniform(10, 90, 3) if dark else rng.uniform(0, 255, 3)
        if _distance255(colour, avoid) >= 70:
            return colour.astype(np.float32)
    return np.array([20, 20, 30], np.float32)


def make_case(kind: str, index: int, *, size: int = 256, seed: int = 0) -> Case:
    """Render test case ``index`` of background ``kind`` (deterministic for a given seed)."""
    rng = np.random.default_rng([seed, CLEAN_KINDS.__len__(), index, sum(map(ord, kind))])
    background = _background(kind, size, rng)
    ref = background[size // 2, size // 2].astype(np.float32)
    canvas = _Canvas(size)
    off_edge = index % 4 == 3
    cy = size * (0.62 if off_edge else rng.uniform(0.45, 0.55))
    cx = size * rng.uniform(0.45, 0.55)
    radius = size * rng.uniform(0.18, 0.25)
    body_ry = radius * (1.6 if off_edge else rng.uniform(0.8, 1.1))
    body_colour = _sprite_colour(rng, ref)
    outline = rng.random() < 0.6
    outline_px = rng.uniform(1.5, 2.5)
    outline_colour = _sprite_colour(rng, ref, dark=True)

    # Thin features first (they emerge from under the body): 2-3 px wide lines.
    for _ in range(int(rng.integers(1, 4))):
        angle = rng.uniform(-np.pi, 0) if not off_edge else rng.uniform(-np.pi * 0.9, -np.pi * 0.1)
        length = radius + size * rng.uniform(0.08, 0.18)
        y1, x1 = cy + np.sin(angle) * length, cx + np.cos(angle) * length
        canvas.paint(canvas.segment(cy, cx, y1, x1, rng.uniform(2.0, 3.0)), _sprite_colour(rng, ref))

    # A ring at the body's side: its hole shows the background.
    if rng.random() < 0.8:
        side = rng.choice([-1.0, 1.0])
        r_out = size * rng.uniform(0.06, 0.11)
        r_in = r_out - rng.uniform(3.0, 6.0)
        ry, rx = cy - radius * 0.3, cx + side * (radius + r_out * 0.55)
        canvas.paint(canvas.annulus(ry, rx, r_in, r_out), _sprite_colour(rng, ref))

    angle = rng.uniform(0, np.pi)
    if rng.random() < 0.5:
        power = rng.uniform(1.8, 3.0)
        if outline:
            grown = canvas.ellipse(cy, cx, body_ry + outline_px, radius + outline_px, angle, power)
            canvas.paint(grown, outline_colour)
        body = canvas.ellipse(cy, cx, body_ry, radius, angle, power)
    else:
        points, depth = int(rng.integers(4, 7)), rng.uniform(0.15, 0.3)
        if outline:
            canvas.paint(canvas.star(cy, cx, radius + outline_px, points, depth, angle), outline_colour)
        body = canvas.star(cy, cx, radius, points, depth, angle)
    shade = 1.0 - 0.3 * np.clip(((canvas.y - cy) + (canvas.x - cx)) / (2 * radius), -1, 1)
    shaded = np.clip(body_colour[None, None, :] * shade[:, :, None], 0, 255)
    canvas.paint(body, shaded)

    # A highlight close to the background colour, well inside the body.
    lab_ref = _oklab(ref)
    for _ in range(100):
        delta = rng.normal(0, 1, 3)
        delta = delta / np.linalg.norm(delta) * rng.uniform(16, 32) / 255.0
        target = lab_ref + delta
        from assetgen.imaging.alpha.oklab import oklab_to_srgb

        highlight = oklab_to_srgb(target[None, :])[0]
        if 14 <= _distance255(highlight, ref) <= 36:
            break
    hy = cy + rng.uniform(-0.3, 0.3) * radius
    hx = cx + rng.uniform(-0.3, 0.3) * radius
    canvas.paint(
        canvas.ellipse(hy, hx, rng.uniform(2, 5), rng.uniform(3, 7), rng.uniform(0, np.pi)), highlight
    )

    image, alpha = canvas.composite(background)
    rgba = np.dstack([image, np.full((size, size), 255, np.uint8)])
    return Case(name=f"{kind}_{index}", kind=kind, rgba=rgba, alpha=alpha)


def make_testset(
    *, kinds: tuple[str, ...] = CLEAN_KINDS, per_kind: int = 4, size: int = 256, seed: int = 0
) -> list[Case]:
    """``per_kind`` cases for each background kind."""
    return [make_case(kind, i, size=size, seed=seed) for kind in kinds for i in range(per_kind)]


def iou(alpha_true: np.ndarray, alpha8: np.ndarray) -> float:
    """IoU of the opaque areas (true alpha >= 0.5, predicted alpha >= 128)."""
    truth, predicted = alpha_true >= 0.5, alpha8 >= 128
    union = np.logical_or(truth, predicted).sum()
    return float(np.logical_and(truth, predicted).sum() / union) if union else 1.0


def mean_abs_alpha_error(alpha_true: np.ndarray, alpha8: np.ndarray) -> float:
    """Mean |alpha_true - alpha_predicted| over all pixels, alpha in 0..1."""
    return float(np.abs(alpha_true - alpha8.astype(np.float32) / 255.0).mean())


def main(argv: list[str]) -> int:
    import argparse

    from PIL import Image

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--per-kind", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for case in make_testset(
        kinds=CLEAN_KINDS + COMPLEX_KINDS, per_kind=args.per_kind, size=args.size, seed=args.seed
    ):
        Image.fromarray(case.rgba).save(args.out / f"{case.name}.png")
        Image.fromarray(np.round(case.alpha * 255).astype(np.uint8)).save(args.out / f"{case.name}.alpha.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
