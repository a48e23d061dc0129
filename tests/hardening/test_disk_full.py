"""A data root that really runs out of space: a 12 MiB tmpfs in a private mount namespace (`unshare`).

Image writes through the store, the CLI and a worker meet ENOSPC from the kernel; each is one clear error,
no half file is left, no record is damaged or lost, and the same job succeeds once there is room again.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assetgen.settings import REPO_DIR

pytestmark = pytest.mark.hardening

MOUNTED = "assetgen: tmpfs mounted"
MOUNT = (
    "mount -t tmpfs -o size=12m assetgen-full {data} && echo '" + MOUNTED + "' >&2 && "
    "exec {python} -m tests.hardening.disk_full_scenario {data}"
)


def run_in_small_tmpfs(data: Path) -> subprocess.CompletedProcess[str]:
    """The scenario with ``data`` mounted as a small tmpfs: a user+mount namespace, or a mount namespace
    when that is refused (root in a container); the mount vanishes with the process."""
    if shutil.which("unshare") is None:
        pytest.fail("`unshare` (util-linux) is missing: apt-get install util-linux")
    script = MOUNT.format(data=shlex.quote(str(data)), python=shlex.quote(sys.executable))
    attempts = []
    for flags in (["-Urm"], ["-m"]):
        result = subprocess.run(
            ["unshare", *flags, "sh", "-c", script], capture_output=True, text=True, timeout=600, cwd=REPO_DIR
        )
        if MOUNTED in result.stderr:  # the namespace and the mount worked: the scenario ran
            return result
        attempts.append(result.stderr.strip()[-300:])
    pytest.fail(f"cannot mount a tmpfs in a private namespace (need user namespaces or root): {attempts}")


def test_a_full_disk_is_one_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    result = run_in_small_tmpfs(data)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["freeBytes"] < 200 * 1024, report
    # the store
    assert (
        "No space left on device" in report["storeError"]
        and "previous file is unchanged" in report["storeError"]
    )
    assert report["storeTargetExists"] is False
    # the CLI: exit 3 and one line
    cli = report["cli"]
    assert (
        cli["code"] == 3 and cli["stderr"].count("\n") == 1 and "No space left on device" in cli["stderr"]
    ), cli
    assert "Traceback" not in cli["stderr"]
    # the worker: failed at once (not retried into a loop), with the reason; nothing half written
    assert report["job"]["status"] == "failed" and report["job"]["attempt"] == 1, report["job"]
    assert "No space left on device" in report["job"]["error"] and "\n" not in report["job"]["error"]
    assert report["assetUnchanged"] and report["recordsParseWhileFull"]
    assert report["tempFilesWhileFull"] == [] and report["tempFilesAfter"] == []
    # room again: the same job succeeds; originals, alpha files and every job record are there
    assert report["retry"] == {"status": "succeeded", "error": None}, report["retry"]
    assert report["alphaFiles"] == [True, True] and report["originalsIntact"] == [True, True]
    assert report["jobs"] == 1
    assert not any(data.iterdir()), "the tmpfs lived only in the namespace: nothing reached the real folder"
