"""Write schemas/*.schema.json from the pydantic models (``make schemas``); ``--check`` only compares."""

from __future__ import annotations

import sys
from pathlib import Path

from assetgen.schemas import render_schemas
from assetgen.store import write_bytes_atomic

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def main(argv: list[str]) -> int:
    rendered = render_schemas()
    stale = [
        name
        for name, text in rendered.items()
        if not (SCHEMA_DIR / name).is_file() or (SCHEMA_DIR / name).read_text() != text
    ]
    extra = sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json") if p.name not in rendered)
    if "--check" in argv:
        if stale or extra:
            print(f"schemas out of date: {stale + extra}; run `make schemas`", file=sys.stderr)
            return 1
        print(f"{len(rendered)} schemas current")
        return 0
    for name in stale:
        write_bytes_atomic(SCHEMA_DIR / name, rendered[name].encode())
    for name in extra:
        (SCHEMA_DIR / name).unlink()
    print(f"wrote {len(stale)} schema(s), removed {len(extra)}, {len(rendered)} in {SCHEMA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
