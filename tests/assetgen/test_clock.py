"""The time helpers: ISO strings with a Z and epoch milliseconds convert both ways."""

from __future__ import annotations

from assetgen.clock import iso_from_ms, ms_from_iso, now_iso, now_ms


def test_iso_and_epoch_ms_round_trip() -> None:
    assert iso_from_ms(0) == "1970-01-01T00:00:00.000Z"
    assert ms_from_iso("2026-11-24T21:00:00.123Z") == 1795554000123
    assert iso_from_ms(ms_from_iso("2026-11-24T21:00:00.123Z")) == "2026-11-24T21:00:00.123Z"
    assert now_iso().endswith("Z") and isinstance(now_ms(), int)
