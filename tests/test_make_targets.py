"""``make test-fast`` selects only tests that need nothing but the venv."""

from __future__ import annotations

import re
import subprocess
import sys

from assetgen.settings import REPO_DIR

# Tests that need the cached runtime or a Debian package, wherever they live.
NEEDS_MORE_THAN_THE_VENV = [
    "tests/assetgen/imaging/alpha/test_model.py::test_u2netp_from_setup_cuts_out_a_sprite",
    "tests/assetgen/imaging/alpha/test_model.py::test_u2netp_handles_clutter_that_colorkey_cannot",
    "tests/assetgen/imaging/alpha/test_model.py::test_a_tiny_onnx_model_built_here_runs_through_rembg",
    "tests/assetgen/export/test_godot3.py::test_godot3_loads_every_animation_and_frame_region",
]


def test_fast_selection_leaves_out_what_needs_the_runtime() -> None:
    markers = re.search(r"^TEST_FAST_MARKERS := (.+)$", (REPO_DIR / "Makefile").read_text(), re.M)
    assert markers, "the Makefile names the markers of test-fast in TEST_FAST_MARKERS"
    files = sorted({node.split("::")[0] for node in NEEDS_MORE_THAN_THE_VENV})
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            markers[1],
            *files,
        ],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        timeout=120,
    )
    selected = set(collected.stdout.split())
    assert "tests/assetgen/imaging/alpha/test_model.py::test_alpha_from_mask_levels" in selected, (
        collected.stdout
    )
    assert not selected & set(NEEDS_MORE_THAN_THE_VENV)
