"""schemathesis against the live API's own OpenAPI document: no generated request gets a 5xx."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_PROJECT

pytestmark = pytest.mark.hardening


def test_no_request_schemathesis_generates_gets_a_server_error(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestrator.cli",
            "--data-dir",
            str(root),
            "serve",
            "--no-worker",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        match = re.search(r"(http://127\.0\.0\.1:\d+)/api", server.stdout.readline())
        assert match, server.stderr.read() if server.poll() is not None else "no URL printed"
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{match.group(1)}/api/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "25",
                "--seed",
                "7",
                "--workers",
                "2",
                # the event streams never end by design; they are tested on their own
                "--exclude-path-regex",
                ".*/events$",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    summary = result.stdout[-3000:]
    (Path(__file__).parents[2] / "test-artifacts").mkdir(exist_ok=True)
    (Path(__file__).parents[2] / "test-artifacts" / "schemathesis.txt").write_text(result.stdout)
    # Only the server's behaviour counts: schemathesis sometimes reports runtime errors of its own
    # (hypothesis internals while generating), which say nothing about the API.
    assert "Failures:" not in result.stdout and "unique failure" not in result.stdout, summary
    cases = re.search(r"(\d+) generated", summary)
    assert cases and int(cases.group(1)) > 1000, summary
    print(f"schemathesis: {cases.group(0)}")
