"""CLI: intake -> refine -> specs validate, and hostile input as one stderr line with exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_PROJECT


def run_cli(*args: str, data_dir: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        input=stdin,
        timeout=60,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    return root


def assert_one_line_error(result: subprocess.CompletedProcess[bytes], needle: str) -> None:
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr and needle in stderr, stderr


def test_intake_refine_validate(data_dir: Path, tmp_path: Path) -> None:
    wishlist = tmp_path / "wish.txt"
    wishlist.write_text("- 2 key icons, 32x32\n- play button with hover and pressed states\n- a spaceship\n")
    sketch = tmp_path / "sketch.png"
    sketch.write_bytes(b"\x89PNG")
    made = run_cli(
        "--json", "intake", "demo", str(wishlist), "--id", "wl1", "--author", "ana",
        "--ref", "https://example.com/x.png", "--ref", str(sketch), data_dir=data_dir,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["id"] == "wl1"
    refined = run_cli("refine", "demo", "wl1", data_dir=data_dir)
    assert refined.returncode == 0, refined.stderr
    out = refined.stdout.decode()
    assert "wl1-l1-1, wl1-l1-2" in out and "no asset type recognised" in out
    validated = run_cli("--json", "specs", "validate", "demo", data_dir=data_dir)
    assert validated.returncode == 0, validated.stderr
    assert json.loads(validated.stdout)["ready"] == 5  # 2 icons + button + the 2 demo specs


def test_intake_from_stdin(data_dir: Path) -> None:
    made = run_cli("intake", "demo", "-", "--id", "wl2", data_dir=data_dir, stdin=b"coin icon\n")
    assert made.returncode == 0 and made.stdout.startswith(b"wl2\n"), made.stderr


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        (b"x" * (10 * 1024 * 1024), "larger than 1 MiB"),
        (bytes(range(256)) * 64, "not UTF-8"),
        (b"\x00\x01\x02binary", "NUL"),
        (b"", "empty"),
    ],
)
def test_hostile_wishlists_on_stdin(data_dir: Path, stdin: bytes, needle: str) -> None:
    assert_one_line_error(run_cli("intake", "demo", "-", data_dir=data_dir, stdin=stdin), needle)
    stored = sorted(p.name for p in (data_dir / "projects" / "demo" / "spec-lists").iterdir())
    assert stored == ["forest_wishlist.json"]


def test_hostile_files_and_ids(data_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"coin icon\n" * (1024 * 1024))
    assert_one_line_error(run_cli("intake", "demo", str(big), data_dir=data_dir), "larger than 1 MiB")
    assert_one_line_error(run_cli("intake", "demo", str(tmp_path / "none.txt"), data_dir=data_dir), "no such")
    small = tmp_path / "w.txt"
    small.write_text("coin icon")
    assert_one_line_error(
        run_cli("intake", "demo", str(small), "--id", "../x", data_dir=data_dir), "spec list id"
    )
    assert_one_line_error(
        run_cli("intake", "demo", str(small), "--ref", str(tmp_path), data_dir=data_dir), "no such"
    )
    assert_one_line_error(run_cli("refine", "demo", "nope", data_dir=data_dir), "nope")
    assert_one_line_error(run_cli("refine", "../x", "nope", data_dir=data_dir), "project id")


def test_wrong_types_in_json_files(data_dir: Path) -> None:
    spec_list = data_dir / "projects" / "demo" / "spec-lists" / "forest_wishlist.json"
    data = json.loads(spec_list.read_text())
    data["text"] = ["not", "text"]
    spec_list.write_text(json.dumps(data))
    assert_one_line_error(run_cli("refine", "demo", "forest_wishlist", data_dir=data_dir), "text")
    spec = data_dir / "projects" / "demo" / "specs" / "potion_icon.json"
    data = json.loads(spec.read_text())
    data["generationParams"] = {"width": "wide"}
    spec.write_text(json.dumps(data))
    result = run_cli("specs", "validate", "demo", data_dir=data_dir)
    assert_one_line_error(result, "1 of 2 specs are invalid")
    assert b"potion_icon: INVALID" in result.stdout and b"generationParams.width" in result.stdout
