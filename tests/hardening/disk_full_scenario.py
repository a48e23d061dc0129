"""Run inside a private mount namespace whose data root is a small tmpfs (see test_disk_full.py).

    python -m tests.hardening.disk_full_scenario DATA_DIR

Fills the tmpfs until the kernel answers ENOSPC, then writes images through the store, the CLI and a
worker, frees the space and retries. Prints one JSON report on stdout; the test judges it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from assetgen.errors import StorageError
from assetgen.image_files import encode_png
from assetgen.jobs import create_job, requeue_for_retry
from assetgen.models import Asset, AssetVersion, Variant
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator.worker import Worker

PROJECT, ASSET = "demo", "crate"
FREE_BYTES_LEFT = 96 * 1024  # room for job records (a few KB each), not for a 512x512 image


def noisy_sprite(seed: int, size: int = 512) -> np.ndarray:
    """A flat background with an ellipse of noise: colorkey can cut it, PNG cannot shrink it."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:size, 0:size]
    rgba = np.full((size, size, 4), (240, 240, 236, 255), np.uint8)
    inside = ((ys - size / 2) / (size * 0.4)) ** 2 + ((xs - size / 2) / (size * 0.35)) ** 2 <= 1
    rgba[inside, :3] = rng.integers(0, 200, (int(inside.sum()), 3), dtype=np.uint8)
    return rgba


def fill_disk(root: Path) -> Path:
    """Write a ballast file until ENOSPC, then give back FREE_BYTES_LEFT of it."""
    ballast = root / "ballast.bin"
    chunk = b"\0" * (64 * 1024)
    with ballast.open("wb") as handle:
        try:
            while True:
                handle.write(chunk)
                handle.flush()
        except OSError as exc:
            assert exc.errno == 28, exc
    os.truncate(ballast, max(0, ballast.stat().st_size - FREE_BYTES_LEFT))
    return ballast


def temp_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.tmp"))


def records_parse(store: ProjectStore) -> bool:
    for folder in ("jobs", "assets", "specs"):
        for record_id in store.list_ids(PROJECT, folder):
            store.read(PROJECT, folder, record_id)
    return True


async def run_worker_once(settings: Settings) -> None:
    await Worker(settings, rescan_s=0.2).run(asyncio.Event(), once=True)


def main(data_dir: Path) -> dict:
    report: dict = {}
    shutil.copytree(REPO_DIR / "data" / "projects" / "demo", data_dir / "projects" / PROJECT)
    store = ProjectStore(data_dir)
    variants = []
    for index in range(2):
        variant_id = f"{ASSET}-v{index + 1}"
        stored = store.write_file(
            store.image_path(PROJECT, ASSET, "original", variant_id), encode_png(noisy_sprite(index))
        )
        variants.append(Variant(id=variant_id, original_path=stored, status="selected"))
    version = AssetVersion(id="ver1", status="approved", primary_variant_id=variants[0].id, variants=variants)
    store.write(PROJECT, "assets", Asset(id=ASSET, project_id=PROJECT, versions=[version]))
    asset_before = store.record_path(PROJECT, "assets", ASSET).read_bytes()
    ballast = fill_disk(data_dir)
    report["freeBytes"] = shutil.disk_usage(data_dir).free

    # 1. the store: an image that does not fit is a StorageError, and leaves no half file behind
    target = store.image_path(PROJECT, ASSET, "alpha", "crate-v1")
    try:
        store.write_file(target, encode_png(noisy_sprite(7)))
        report["storeError"] = None
    except StorageError as exc:
        report["storeError"] = str(exc)
    report["storeTargetExists"] = target.exists()

    # 2. the CLI: one line on stderr, exit code 3 (a storage problem, not bad input)
    command = ["bg-remove", PROJECT, ASSET, "--method", "colorkey"]
    cli = subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(data_dir), *command],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_DIR,
    )
    report["cli"] = {"code": cli.returncode, "stderr": cli.stderr}

    # 3. the worker: the job fails once, with the reason; the asset record is as it was
    settings = Settings.from_env({"ASSETGEN_CACHE_DIR": "/nonexistent-cache"}, data_dir=data_dir)
    job = create_job(store, PROJECT, "bg_remove", {"assetId": ASSET, "method": "colorkey"})
    asyncio.run(run_worker_once(settings))
    failed = store.read(PROJECT, "jobs", job.id)
    report["job"] = {"status": failed.status, "error": failed.error, "attempt": failed.attempt}
    report["assetUnchanged"] = store.record_path(PROJECT, "assets", ASSET).read_bytes() == asset_before
    report["tempFilesWhileFull"] = temp_files(data_dir)
    report["recordsParseWhileFull"] = records_parse(store)

    # 4. space again: the same job, retried, succeeds and nothing was lost
    ballast.unlink()
    requeue_for_retry(store, PROJECT, job.id)
    asyncio.run(run_worker_once(settings))
    retried = store.read(PROJECT, "jobs", job.id)
    asset: Asset = store.read(PROJECT, "assets", ASSET)
    report["retry"] = {"status": retried.status, "error": retried.error}
    report["alphaFiles"] = [
        bool(v.alpha_path) and store.resolve(v.alpha_path).is_file() for v in asset.versions[0].variants
    ]
    report["originalsIntact"] = [store.resolve(v.original_path).is_file() for v in asset.versions[0].variants]
    report["tempFilesAfter"] = temp_files(data_dir)
    report["jobs"] = len(store.list_ids(PROJECT, "jobs"))
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
