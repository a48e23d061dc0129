"""BENCHMARKS.md: each benchmark script owns one section between ``<!-- <name>:start -->`` and ``:end -->``."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = "# Benchmarks\n\nEach section is written by its script (`make bench` runs them all).\n"


def write_section(name: str, text: str) -> None:
    """Replace (or append) the section ``name`` of BENCHMARKS.md with ``text``; other sections are kept."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.strip()}\n{end}"
    current = BENCHMARKS.read_text() if BENCHMARKS.is_file() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    updated = (
        pattern.sub(lambda _: block, current)
        if pattern.search(current)
        else current.rstrip() + "\n\n" + block
    )
    BENCHMARKS.write_text(updated.rstrip() + "\n")
