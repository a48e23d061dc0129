"""A scratch Godot 3 project for the engine tests: files in, our GDScript run headless, its printout out.

The headless engine is Debian's ``godot3-server`` (``make system-deps`` installs it). Each project gets
its own HOME so the engine's editor settings and import cache never leak between tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

GODOT3 = "godot3-server"
PROJECT_FILE = 'config_version=4\n\n[application]\nconfig/name="check"\n'


def godot3_binary() -> str:
    """The headless Godot 3 on PATH; the test fails with the command that installs it when it is missing."""
    path = shutil.which(GODOT3)
    if path is None:
        pytest.fail("godot3-server is missing: run `make system-deps` (apt-get install godot3-server)")
    return path


class Godot3Project:
    """``<tmp>/godot`` with project.godot and ``check.gd`` (the test's script), and an isolated HOME."""

    def __init__(self, tmp_path: Path, script: str) -> None:
        self.dir = tmp_path / "godot"
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "project.godot").write_text(PROJECT_FILE)
        (self.dir / "check.gd").write_text(script)
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        self.env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)}

    def add_files(self, files: Mapping[str, bytes]) -> None:
        """Write bundle files (name -> bytes) into the project."""
        for name, data in files.items():
            (self.dir / name).write_bytes(data)

    def import_assets(self, *, timeout_s: int = 120) -> None:
        """Run the editor's import pass (reads our ``.png.import`` files, as opening the project would)."""
        subprocess.run(
            [godot3_binary(), "--path", str(self.dir), "-e", "--quit"],
            env=self.env,
            timeout=timeout_s,
            check=False,
            capture_output=True,
        )

    def run_script(self, *, timeout_s: int = 60) -> subprocess.CompletedProcess[str]:
        """Run ``check.gd`` headless; the script prints what the test asserts on."""
        return subprocess.run(
            [godot3_binary(), "--path", str(self.dir), "-s", "check.gd"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=self.env,
            check=False,
        )
