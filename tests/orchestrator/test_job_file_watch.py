"""Watching job files: quiet under folder churn, and a job in a project made later still wakes the worker."""

from __future__ import annotations

import shutil
import threading
import time
import warnings
from pathlib import Path

from orchestrator.job_file_watch import watch_job_files
from tests.conftest import DEMO_PROJECT


def test_copying_and_removing_projects_warns_nothing_and_job_files_still_wake(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    projects.mkdir()
    changed = threading.Event()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # the project's pytest config ignores watchdog's warning: not here
        observer = watch_job_files(projects, changed.set)
        assert observer is not None
        try:
            # what `assetgen demo` does to a watched tree: a project copied, filled, removed, made again
            for round_index in range(4):
                project = projects / f"p{round_index}"
                shutil.copytree(DEMO_PROJECT, project)
                for i in range(15):
                    (project / "files" / "images" / f"a{i}" / "original").mkdir(parents=True)
                shutil.rmtree(project)
                shutil.copytree(DEMO_PROJECT, project)
            changed.clear()
            late = projects / "late_project"
            late.mkdir()
            assert changed.wait(timeout=30), "a new project wakes the worker"
            changed.clear()
            (late / "jobs").mkdir()
            assert changed.wait(timeout=30), "a new jobs folder wakes the worker"
            changed.clear()
            (late / "jobs" / "01JOB.json").write_text("{}")
            assert changed.wait(timeout=30), "a job file in a project made after the start wakes the worker"
        finally:
            observer.stop()
            observer.join(timeout=10)
    noisy = [str(w.message)[:200] for w in caught if "already exists" in str(w.message)]
    assert not noisy, noisy


def test_each_event_names_its_job_file_and_reads_and_temp_files_wake_nothing(tmp_path: Path) -> None:
    jobs = tmp_path / "projects" / "demo" / "jobs"
    jobs.mkdir(parents=True)
    (jobs / "01OLD.json").write_text("{}")
    named: list[tuple[str, str]] = []
    woke = threading.Event()
    observer = watch_job_files(tmp_path / "projects", woke.set, lambda p, j: named.append((p, j)))
    assert observer is not None
    try:
        (jobs / "01OLD.json").read_text()  # a read: not asked of the kernel
        (jobs / ".01NEW.json.x.tmp").write_text("{}")  # the store's temporary file: no wake by itself
        assert not woke.wait(timeout=1.0)
        (jobs / ".01NEW.json.x.tmp").rename(jobs / "01NEW.json")  # the atomic write lands
        assert woke.wait(timeout=30)
        deadline = time.monotonic() + 30
        while ("demo", "01NEW") not in named and time.monotonic() < deadline:
            time.sleep(0.01)
        assert set(named) == {("demo", "01NEW")}
    finally:
        observer.stop()
        observer.join(timeout=10)
