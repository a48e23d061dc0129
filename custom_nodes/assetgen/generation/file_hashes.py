"""sha256 of model files, cached by (path, size, mtime) so a 300 MB checkpoint is hashed once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from assetgen.store import write_json_atomic

# (path|size|mtime, cache file) -> sha256, for this process: the cache file is read only on a miss here.
_KNOWN: dict[tuple[str, str], str] = {}


def sha256_file(path: Path, *, cache_file: Path | None = None) -> str:
    """Hex sha256 of ``path``; with ``cache_file`` the result is remembered until the file changes."""
    path = Path(path).resolve()
    stat = path.stat()
    key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
    known = (key, str(cache_file))
    if known in _KNOWN:
        return _KNOWN[known]
    cache: dict[str, str] = {}
    if cache_file is not None and cache_file.is_file():
        try:
            cache = json.loads(cache_file.read_text())
        except (OSError, ValueError):
            cache = {}
        if key in cache:
            _KNOWN[known] = cache[key]
            return cache[key]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(4 * 2**20), b""):
            digest.update(block)
    value = digest.hexdigest()
    _KNOWN[known] = value
    if cache_file is not None:
        cache = {k: v for k, v in cache.items() if not k.startswith(f"{path}|")}
        cache[key] = value
        write_json_atomic(cache_file, cache)
    return value
