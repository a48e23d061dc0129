"""TexturePacker JSON (Hash): the layout loaders read, read back exactly; Phaser's atlas parser loads it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assetgen.image_files import decode_rgba
from assetgen.imaging.spritesheet import SpriteFrame, Spritesheet, build_spritesheet, extract_frame
from assetgen.models import PackSettings
from assetgen.post.atlas_build import name_frames, sheet_files, write_sheet_files
from assetgen.post.texturepacker import TEXTUREPACKER_APP, atlas_json, read_atlas_json
from tests.browser_clients import browser_page, copy_clients, require_clients, serve
from tests.sprite_factory import sprite, walk_frames


def packed(**settings: object) -> tuple[Spritesheet, list, list[SpriteFrame]]:
    stems = [f"walk_{i}" for i in range(6)] + ["icon"]
    names, animations = name_frames(stems, fps=10, loop=False)
    images = [*walk_frames(6), sprite(16, 30, seed=3, margin=(1, 1, 1, 1))]
    frames = [SpriteFrame(n, img, 0.25, 1.0) for n, img in zip(names, images, strict=True)]
    return build_spritesheet(frames, settings=PackSettings(**settings)), animations, frames


def test_layout_matches_texturepacker_json_hash() -> None:
    sheet, animations, _ = packed(allow_rotation=True, extrude_px=1)
    doc = atlas_json(sheet, base_name="hero", animations=animations)
    meta = doc["meta"]
    assert meta["app"] == TEXTUREPACKER_APP and meta["image"] == "hero.png" and meta["scale"] == "1"
    assert meta["size"] == {"w": sheet.pages[0].shape[1], "h": sheet.pages[0].shape[0]}
    assert meta["format"] == "RGBA8888" and meta["version"]
    assert doc["animations"] == {"walk": [f"walk_{i}" for i in range(6)]}
    assert meta["frameTags"] == [
        {"name": "walk", "from": 0, "to": 5, "direction": "forward", "fps": 10, "loop": False}
    ]
    assert list(doc["frames"])[:6] == [f"walk_{i}" for i in range(6)]
    for name, entry in doc["frames"].items():
        assert set(entry) >= {
            "frame",
            "rotated",
            "trimmed",
            "spriteSourceSize",
            "sourceSize",
            "pivot",
            "anchor",
        }
        assert all(isinstance(v, int) for v in entry["frame"].values())
        assert entry["pivot"] == entry["anchor"] == {"x": 0.25, "y": 1.0}
        assert entry["frame"]["w"] == entry["spriteSourceSize"]["w"]  # unrotated size even when rotated
        if name.startswith("walk"):
            assert entry["duration"] == 100 and entry["sourceSize"] == {"w": 40, "h": 56} and entry["trimmed"]


def test_json_reads_back_to_the_same_frames() -> None:
    sheet, animations, frames = packed(allow_rotation=True, padding_px=0)
    doc = json.loads(json.dumps(atlas_json(sheet, animations=animations)))
    read, read_animations, meta = read_atlas_json(doc)
    assert {f.name: f for f in read} == {f.name: f for f in sheet.frames}
    assert read_animations == animations and meta["image"] == "atlas.png"
    for frame, original in zip(
        sorted(read, key=lambda f: f.name), sorted(frames, key=lambda f: f.name), strict=True
    ):
        assert np.array_equal(extract_frame(sheet.pages[0], frame), original.rgba)


def test_multi_page_sheets_link_their_pages(tmp_path: Path) -> None:
    frames = [SpriteFrame(f"tile_{i:02d}", sprite(30, 30, seed=i)) for i in range(12)]
    sheet = build_spritesheet(frames, settings=PackSettings(max_size_px=64, padding_px=2))
    files = sheet_files(sheet, base_name="tiles")
    assert len(sheet.pages) == 3
    assert {
        "tiles.png",
        "tiles.json",
        "tiles-1.png",
        "tiles-1.json",
        "tiles-2.json",
        "tiles-preview.png",
    } <= set(files)
    first = json.loads(files["tiles.json"])
    assert first["meta"]["related_multi_packs"] == ["tiles-1.json", "tiles-2.json"]
    seen = set()
    for page in range(3):
        name = "tiles.json" if page == 0 else f"tiles-{page}.json"
        doc = json.loads(files[name])
        image = decode_rgba(files[doc["meta"]["image"]])
        for frame in read_atlas_json(doc, page=page)[0]:
            seen.add(frame.name)
            assert np.array_equal(extract_frame(image, frame), frames[int(frame.name[-2:])].rgba)
    assert len(seen) == 12


PHASER_PAGE = """<!doctype html><html><body><script src="phaser.min.js"></script><script>
window.loadAtlas = () => new Promise((resolve, reject) => {
  new Phaser.Game({ type: Phaser.HEADLESS, width: 64, height: 64, banner: false, audio: { noAudio: true },
    scene: {
      preload() { this.load.atlas('hero', 'hero.png', 'hero.json'); this.load.on('loaderror', f => reject('load ' + f.key)); },
      create() {
        const texture = this.textures.get('hero');
        const frames = {};
        for (const name of texture.getFrameNames()) {
          const f = texture.get(name);
          frames[name] = { cut: [f.cutX, f.cutY, f.cutWidth, f.cutHeight], real: [f.realWidth, f.realHeight],
                           trimmed: f.trimmed, rotated: f.rotated, pivot: [f.pivotX, f.pivotY] };
        }
        const anims = texture.customData.animations;
        const created = this.anims.create({ key: 'walk', frames: this.anims.generateFrameNames('hero', { frames: anims.walk }), frameRate: 10 });
        resolve({ frames, animations: anims, created: created ? created.frames.map(f => f.textureFrame) : null,
                  tags: texture.customData.meta.frameTags });
      } } });
});
</script></body></html>"""


@pytest.mark.browser
def test_phaser_atlas_parser_loads_the_sheet(tmp_path: Path) -> None:
    require_clients()
    sheet, animations, frames = packed(extrude_px=1)
    site = tmp_path / "phaser"
    write_sheet_files(site, sheet_files(sheet, base_name="hero", animations=animations))
    copy_clients(site)
    (site / "index.html").write_text(PHASER_PAGE)
    with serve(site) as base, browser_page(base) as page:
        page.goto(f"{base}/index.html")
        result = page.evaluate("window.loadAtlas()")
        assert not [e for e in page.errors if "WebGL" not in e], page.errors
    assert set(result["frames"]) == {f.name for f in frames}
    for frame in sheet.frames:
        seen = result["frames"][frame.name]
        assert seen["cut"] == [frame.x_px, frame.y_px, frame.w_px, frame.h_px]
        assert seen["real"] == [frame.trim.source_w_px, frame.trim.source_h_px]
        assert seen["trimmed"] == frame.trim.is_trimmed and seen["pivot"] == [0.25, 1.0]
    assert result["created"] == [f"walk_{i}" for i in range(6)]
    assert result["tags"][0]["name"] == "walk"
