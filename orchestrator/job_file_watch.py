"""Watching job files: wake the worker when anything in ``projects/<p>/jobs/`` changes.

Only three kinds of folder are watched, each without recursion: ``projects/`` (a project appears),
``projects/<p>/`` (its ``jobs/`` folder appears) and ``projects/<p>/jobs/``. A recursive watch of the
whole tree also followed every image folder, and watchdog's inotify backend, re-adding watches for
folders created in a burst (a project copied, removed and made again, as ``assetgen demo`` does), warned
"Callback with id ... already exists" with its whole watch state, hundreds of lines. The worker's
periodic rescan stays the safety net for any event missed here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def watch_job_files(projects_dir: Path, on_change: Callable[[], None]) -> Any:
    """Start a watchdog observer calling ``on_change`` (from its thread) when a job file changes.

    Returns the started observer (stop it when done), or None when watching is unavailable."""
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        return None

    observer = Observer()
    watches: dict[Path, Any] = {}
    lock = threading.Lock()

    def is_watched_kind(path: Path) -> bool:
        try:
            parts = path.relative_to(projects_dir).parts
        except ValueError:
            return False
        return len(parts) <= 1 or (len(parts) == 2 and parts[1] == "jobs")

    def watch(path: Path) -> None:
        with lock:
            if path in watches or not path.is_dir() or not is_watched_kind(path):
                return
            try:
                watches[path] = observer.schedule(handler, str(path), recursive=False)
            except OSError as exc:  # gone again, or inotify limits: the rescan covers it
                log.debug("cannot watch %s: %s", path, exc)

    def forget(path: Path) -> None:
        with lock:
            watched = watches.pop(path, None)
        if watched is not None:
            try:
                observer.unschedule(watched)
            except (KeyError, OSError) as exc:
                log.debug("watch of %s already gone: %s", path, exc)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            path = Path(os.fsdecode(event.src_path))
            if event.is_directory and event.event_type == "created":
                watch(path)
                if path.parent == projects_dir:
                    watch(path / "jobs")  # made with the project, before its own watch existed
                # a job may have been written before the new folder's watch existed: look now
                on_change()
            elif event.is_directory and event.event_type == "deleted":
                forget(path)
            elif "jobs" in path.parts[len(projects_dir.parts) :]:
                on_change()

    handler = Handler()
    watch(projects_dir)
    for project in sorted(projects_dir.iterdir()):
        watch(project)
        watch(project / "jobs")
    observer.daemon = True
    try:
        observer.start()
    except OSError as exc:
        log.warning("file watching unavailable (%s); the worker rescans job files periodically", exc)
        return None
    return observer
