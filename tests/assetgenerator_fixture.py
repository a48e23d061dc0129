"""The AssetGenerator-format fixture project (tests/fixtures/assetgenerator): paths, a copy, file hashes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from assetgen.settings import REPO_DIR

FIXTURE_ROOT = REPO_DIR / "tests" / "fixtures" / "assetgenerator"
PROJECT_ID = "astroduck"
FIXTURE_PROJECT = FIXTURE_ROOT / "projects" / PROJECT_ID
SPEC_IDS = sorted(p.stem for p in (FIXTURE_PROJECT / "specs").glob("*.json"))


def copy_fixture(data_root: Path) -> Path:
    """Copy the fixture project into ``data_root/projects/astroduck``; returns the data root."""
    shutil.copytree(FIXTURE_PROJECT, data_root / "projects" / PROJECT_ID)
    return data_root


def tree_hashes(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``root`` (new or removed files show too)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# A project seeded the origin's way (its seed script copies examples/<project>/ unchanged): no checkpoints/,
# a root baseline-profile.json, animation specs without a name, logo variants as objects, bare tags, and the
# markdown wishlist in spec-lists/.
SEEDED_PROJECT_ID = "voidrunner"
SEEDED_PROJECT = FIXTURE_ROOT / "projects" / SEEDED_PROJECT_ID
SEEDED_SPEC_IDS = sorted(p.stem for p in (SEEDED_PROJECT / "specs").glob("*.json"))
SEEDED_SPEC_LIST_ID = "specList_voidrunner"
SD15_ID = "ckpt_sd15_pixel"  # the seeded project's SD1.5 checkpoint id, onboarded onto the demo checkpoint


def copy_seeded_fixture(data_root: Path) -> Path:
    """Copy the origin-seeded fixture project into ``data_root/projects/voidrunner``; returns the data root."""
    shutil.copytree(SEEDED_PROJECT, data_root / "projects" / SEEDED_PROJECT_ID)
    return data_root
