"""Timestamps as the contracts store them: ISO 8601 UTC strings with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    """The current UTC time, e.g. ``2026-11-24T21:00:00.123Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
