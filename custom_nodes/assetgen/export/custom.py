"""Custom profile: the plain engine-neutral bundle for your own loader.

Files: ``<base>.png`` (+ ``<base>-1.png`` ... for more pages), ``<base>.json`` per page in TexturePacker's
JSON (Hash) layout with top-level ``animations`` and ``meta.frameTags`` (fps, loop), and ``manifest.json``
linking every file to its asset, spec, variant and job ids with its sha256. Rotation is kept as packed.
"""

from __future__ import annotations

from assetgen.export.bundle import Bundle, ExportRequest, finish_bundle
from assetgen.export.unreal import atlas_files


def build_bundle(request: ExportRequest) -> Bundle:
    """Custom bundle: PNG + TexturePacker JSON per page + manifest."""
    return finish_bundle(request, atlas_files(request))
