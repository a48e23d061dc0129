"""Watching job files: wake the worker when anything in ``projects/<p>/jobs/`` changes.

Only three kinds of folder are watched, each without recursion: ``projects/`` (a project appears),
``projects/<p>/`` (its ``jobs/`` folder appears) and ``projects/<p>/jobs/``. A recursive watch of the
whole tree also followed every image folder, and watchdog's inotify backend, re-adding watches for
folders created in a burst (a project copied, removed and made again, as ``assetgen demo`` does), warned
"Callback with id ... already exists" with its whole watch state, hundreds of lines. The worker's
periodic rescan stays the safety net for any event missed here.

Only the events that can mean "a job file is new, replaced or gone" are asked of the kernel: creation,
rename (every store write is a temporary file renamed into place), deletion and close-after-write (a
hand edit in place). The default set also reports every open, read-close, write() call and chmod: the
worker's own claims, reads and writes became a stream of events, and handling them was the largest
share of the worker's CPU on the dispatch benchmark. Temporary files (dot names) never wake the worker.
Each event names its job file (``on_job_file``), so the worker's JobIndex reads just that file.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def watch_job_files(
    projects_dir: Path,
    on_change: Callable[[], None],
    on_job_file: Callable[[str, str], None] | None = None,
    on_folder: Callable[[], None] | None = None,
) -> Any:
    """Start a watchdog observer calling ``on_change`` (from its thread) when a job file changes, and
    ``on_job_file(project_id, job_id)`` first for each job file the change concerns; a new project or
    jobs folder calls ``on_folder`` instead (``on_change`` when not given).

    Returns the started observer (stop it when done), or None when watching is unavailable."""
    try:
        from watchdog import events
        from watchdog.observers import Observer
    except ImportError:
        return None
    wanted = [
        getattr(events, name)
        for name in (
            "DirCreatedEvent",
            "DirDeletedEvent",
            "DirMovedEvent",
            "FileClosedEvent",
            "FileCreatedEvent",
            "FileDeletedEvent",
            "FileMovedEvent",
        )
    ]

    observer = Observer()
    watches: dict[Path, Any] = {}
    lock = threading.Lock()

    def is_watched_kind(path: Path) -> bool:
        try:
            parts = path.relative_to(projects_dir).parts
        except ValueError:
            return False
        return len(parts) <= 1 or (len(parts) == 2 and parts[1] == "jobs")

    def is_job_file(path: Path) -> bool:
        """``projects/<p>/jobs/<id>.json`` (temporary dot files are not)."""
        return (
            path.suffix == ".json"
            and not path.name.startswith(".")
            and path.parent.name == "jobs"
            and path.parent.parent.parent == projects_dir
        )

    def watch(path: Path) -> None:
        with lock:
            if path in watches or not path.is_dir() or not is_watched_kind(path):
                return
            try:
                watches[path] = observer.schedule(handler, str(path), recursive=False, event_filter=wanted)
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

    class Handler(events.FileSystemEventHandler):
        def on_any_event(self, event: events.FileSystemEvent) -> None:
            path = Path(os.fsdecode(event.src_path))
            if event.is_directory and event.event_type == "created":
                watch(path)
                if path.parent == projects_dir:
                    watch(path / "jobs")  # made with the project, before its own watch existed
                # a job may have been written before the new folder's watch existed: look now
                (on_folder or on_change)()
            elif event.is_directory and event.event_type == "deleted":
                forget(path)
            else:
                # a rename's destination is the job file; its source, the store's temporary file
                target = Path(os.fsdecode(event.dest_path)) if event.dest_path else path
                touched = [p for p in {path, target} if is_job_file(p)]
                if on_job_file is not None:
                    for job_path in touched:
                        on_job_file(job_path.parent.parent.name, job_path.stem)
                if touched:
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
