"""Timestamps as the contracts store them (ISO 8601 UTC strings with a ``Z``) and epoch milliseconds.

The one set of time helpers: leases and backoff count in epoch ms, records store ISO strings.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_iso() -> str:
    """The current UTC time, e.g. ``2026-11-24T21:00:00.123Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_ms() -> int:
    """The current time in epoch milliseconds (leases, backoff, stuck-job thresholds)."""
    return int(time.time() * 1000)


def iso_from_ms(ms: int) -> str:
    """Epoch milliseconds as the contracts' ISO 8601 UTC string."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ms_from_iso(text: str) -> int:
    """The contracts' ISO 8601 string as epoch milliseconds."""
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
