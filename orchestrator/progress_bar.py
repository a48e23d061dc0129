"""A small text progress bar on stderr for long CLI work (redraws in place on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``update(done, total, note)`` redraws a bar and a percentage, ``update_count`` counts for a growing
    total; ``close()`` ends the line. Quiet when ``enabled`` is False."""

    def __init__(
        self, label: str, *, stream: TextIO | None = None, enabled: bool = True, width: int = 28
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.width = width
        self.started = time.monotonic()
        self.is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = ""
        self._last_decile = -1
        self._last_counts = ""

    def update(self, done: float, total: float, note: str = "") -> None:
        if not self.enabled:
            return
        fraction = 0.0 if total <= 0 else max(0.0, min(1.0, done / total))
        filled = round(fraction * self.width)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {fraction * 100:5.1f}% "
            f"{time.monotonic() - self.started:6.1f}s {note}"
        ).rstrip()
        if line == self._last:
            return
        self._last = line
        decile = int(fraction * 10)
        if not self.is_tty and decile == self._last_decile and fraction < 1:
            return  # in a log, one line per tenth is enough
        self._last_decile = decile
        if self.is_tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def update_count(self, done: int, total: int, note: str = "", *, unit: str = "jobs") -> None:
        """Redraw as ``done/total unit``, no percentage: for work whose total grows as it runs (chained jobs
        are added as their parents finish), where a percentage would fall back (60 % -> 59 %)."""
        if not self.enabled:
            return
        counts = f"{done}/{total} {unit}"
        line = f"{self.label} {counts} {time.monotonic() - self.started:6.1f}s {note}".rstrip()
        if line == self._last:
            return
        if not self.is_tty and counts == self._last_counts:
            return  # in a log, one line per change of the counts is enough
        self._last, self._last_counts = line, counts
        if self.is_tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self, note: str = "") -> None:
        if not self.enabled:
            return
        if note and self._last_counts:  # a counting bar ends on its counts, never on a made-up 100 %
            line = f"{self.label} {self._last_counts} {time.monotonic() - self.started:6.1f}s {note}"
            self.stream.write(("\r\033[K" + line) if self.is_tty else line + "\n")
            self.stream.flush()
        elif note:
            self.update(1, 1, note)
        if self.is_tty:
            self.stream.write("\n")
            self.stream.flush()
