"""``assetgen serve``: loopback by default, a token required elsewhere, bearer auth, Host/Origin checks, clean SIGTERM."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from assetgen.origins import SitePolicy
from assetgen.settings import Settings
from orchestrator.cli import UsageError
from orchestrator.cli.serve_cmd import (
    ALLOW_ORIGINS_ENV,
    ALLOWED_HOSTS_ENV,
    TOKEN_ENV,
    is_loopback,
    resolve_site_policy,
    resolve_token,
)
from tests.conftest import DEMO_PROJECT


def serve(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if k not in (TOKEN_ENV, ALLOWED_HOSTS_ENV, ALLOW_ORIGINS_ENV)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestrator.cli",
            "--data-dir",
            str(data_dir),
            "serve",
            "--no-worker",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**base, **(env or {})},
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_non_loopback_without_token_is_refused(tmp_path: Path, host: str) -> None:
    proc = serve(tmp_path / "data", "--host", host)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stderr
    assert stderr.count("\n") == 1 and "token" in stderr and "Traceback" not in stderr
    assert stdout == ""


def test_empty_token_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("\n")
    proc = serve(tmp_path / "data", "--token-file", str(tmp_path / "token"))
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and stderr.count("\n") == 1 and "empty" in stderr


def test_serves_with_token_and_stops_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, data / "projects" / "demo")
    proc = serve(data, "--port", "0", env={TOKEN_ENV: "tok-123"})
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/api", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        url = f"http://127.0.0.1:{match.group(1)}/api/projects"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == 401 and "error" in json.loads(refused.value.read())
        request = urllib.request.Request(url, headers={"Authorization": "Bearer tok-123"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read()) == {"projects": ["demo"], "mostRecent": "demo"}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_is_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com", "localhost.evil.com"))


def test_resolve_token(tmp_path: Path) -> None:
    def args(**kw: object) -> argparse.Namespace:
        return argparse.Namespace(**{"token": None, "token_file": None, **kw})

    assert resolve_token(args(), {}) is None
    assert resolve_token(args(), {TOKEN_ENV: "  "}) is None
    assert resolve_token(args(), {TOKEN_ENV: "env"}) == "env"
    assert resolve_token(args(token="flag"), {TOKEN_ENV: "env"}) == "flag"
    (tmp_path / "t").write_text("from-file\n")
    assert resolve_token(args(token_file=tmp_path / "t"), {TOKEN_ENV: "env"}) == "from-file"


def test_resolve_site_policy() -> None:
    def args(**kw: object) -> argparse.Namespace:
        return argparse.Namespace(**{"allowed_host": [], "allow_origin": [], **kw})

    assert resolve_site_policy(args(), Settings.from_env({})) == SitePolicy()
    policy = resolve_site_policy(
        args(allowed_host=["Assets.LAN"], allow_origin=["http://localhost:5173"]),
        Settings.from_env({ALLOWED_HOSTS_ENV: " a.lan , b.lan,", ALLOW_ORIGINS_ENV: "https://tools.lan"}),
    )
    assert policy.allowed_hosts == {"assets.lan", "a.lan", "b.lan"}
    assert policy.allowed_origins == {"http://localhost:5173", "https://tools.lan:443"}
    with pytest.raises(UsageError, match="allow-origin"):
        resolve_site_policy(args(allow_origin=["*"]), Settings.from_env({}))


def test_a_bad_allow_origin_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = serve(tmp_path / "data", "--allow-origin", "localhost:5173")
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and stderr.count("\n") == 1 and "allow-origin" in stderr, stderr
    assert "Traceback" not in stderr and stdout == ""


def test_serve_refuses_a_rebinding_host_and_a_foreign_origin(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, data / "projects" / "demo")
    proc = serve(
        data, "--port", "0", "--allowed-host", "assets.lan", env={ALLOW_ORIGINS_ENV: "http://tools.lan"}
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/api", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        url = f"http://127.0.0.1:{match.group(1)}/api/projects"

        def status(headers: dict[str, str]) -> int:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(url, headers=headers), timeout=10
                ) as answer:
                    return answer.status
            except urllib.error.HTTPError as exc:
                assert "error" in json.loads(exc.read())
                return exc.code

        assert status({}) == 200
        assert status({"Host": "evil.example:8800"}) == 421
        assert status({"Host": "assets.lan:8800"}) == 200
        assert status({"Origin": "http://evil.example"}) == 403
        assert status({"Origin": "http://tools.lan"}) == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
