"""The CLI's error convention: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["project", "init", "../evil"],
        ["project", "show", "nope"],
        ["bogus"],
        ["project"],
        ["project", "init"],
        ["comfy", "start", "--port", "notanumber"],
        ["project", "init", "con"],
        ["project", "init", "LPT1"],
        ["project", "init", "Nul"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args, data_dir=tmp_path / "data")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "evil").exists()
    assert not any((tmp_path / "data").glob("projects/*")), "nothing may be created for refused input"


def test_every_command_has_help(tmp_path: Path) -> None:
    from orchestrator.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command_parser in sub.choices.items():
        assert command_parser.format_help(), name
        result = run_cli(name, "--help", data_dir=tmp_path)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_project_init_list_show_json(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("project", "init", "g1", data_dir=data).returncode == 0
    listed = run_cli("--json", "project", "list", data_dir=data)
    assert listed.returncode == 0 and '"g1"' in listed.stdout
    shown = run_cli("project", "show", "g1", data_dir=data)
    assert '"id": "g1"' in shown.stdout


def test_global_flags_work_before_and_after_the_subcommand(tmp_path: Path) -> None:
    data = tmp_path / "data"
    wishlist = tmp_path / "list.txt"
    wishlist.write_text("12 potion icons, 64x64, top-down\n")
    made = subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "project", "init", "g2", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert (data / "projects" / "g2" / "project.json").is_file()
    before = run_cli("--json", "project", "list", data_dir=data)
    after = subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", "project", "list", "--json", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout) == ["g2"]
    intake = run_cli("intake", "g2", str(wishlist), "--json", data_dir=data)
    assert intake.returncode == 0, intake.stderr
    assert json.loads(intake.stdout)  # JSON, not the text form
    plain = run_cli("project", "list", data_dir=data)
    assert plain.stdout.strip() != before.stdout.strip(), "without --json the text form is printed"


def test_a_generate_job_for_a_missing_spec_is_refused_before_it_exists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("project", "init", "g1", data_dir=data).returncode == 0
    result = run_cli("generate", "g1", "no_such_spec", data_dir=data)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "no_such_spec" in result.stderr and "Traceback" not in result.stderr
    assert not list((data / "projects" / "g1" / "jobs").glob("*.json"))


def test_a_reader_that_goes_away_is_not_an_error(demo_store) -> None:
    from assetgen.jobs import create_job

    for _ in range(300):  # well over a pipe's and stdout's buffers as JSON
        create_job(demo_store, "demo", "generate", {"specId": "potion_icon"})
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestrator.cli",
            "--data-dir",
            str(demo_store.root),
            "--json",
            "jobs",
            "list",
            "demo",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `assetgen jobs list demo | head -0`
    stderr = proc.stderr.read() if proc.stderr is not None else ""
    assert proc.wait(timeout=60) == 0 and "Traceback" not in stderr and "Broken pipe" not in stderr, stderr
