"""Storing a finished tileset in its project: files/atlases/<specId>-tileset/ with every engine file."""

from __future__ import annotations

import json
from typing import Any

from assetgen.export.tileset import tileset_bundle
from assetgen.ids import validate_id
from assetgen.post.tileset import Tileset
from assetgen.store import ProjectStore


def tileset_folder_id(spec_id: str) -> str:
    """The atlas folder id of a spec's tileset."""
    return validate_id(f"{spec_id[:110]}-tileset", what="tileset id")


def store_tileset(store: ProjectStore, project_id: str, spec_id: str, tileset: Tileset) -> dict[str, Any]:
    """Write the atlas, the engine files and ``tileset.json`` (the record: corner bits, measured edges);
    returns the job output (stored paths relative to the data root)."""
    folder = store.files_dir(project_id, "atlases", tileset_folder_id(spec_id))
    base = validate_id(spec_id[:120], what="spec id")
    files = {
        name: store.write_file(folder / name, data)
        for name, data in tileset_bundle(tileset, base=base).items()
    }
    record = {"specId": spec_id, **tileset.record(), "files": sorted(files)}
    files["tileset.json"] = store.write_file(
        folder / "tileset.json", (json.dumps(record, indent=2) + "\n").encode()
    )
    return {
        "specId": spec_id,
        "tilesetDir": store.relative(folder),
        "atlasPath": files[f"{base}.png"],
        "files": files,
        "edgeMismatchPx": tileset.edge_mismatch_px,
        "terrainSeamRatioMax": record["terrainSeamRatioMax"],
        "regeneratedBandPx": tileset.regenerated_band_px,
    }
