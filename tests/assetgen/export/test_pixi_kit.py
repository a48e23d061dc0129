"""PixiJS v8 (npm) in headless Chromium loads our atlas JSON and the pixi_kit export as they are."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assetgen.export import get_exporter
from assetgen.export.build import build_export, export_request, write_bundle_to
from assetgen.imaging.spritesheet import SpriteFrame, build_spritesheet
from assetgen.models import PackSettings
from assetgen.post.atlas_build import name_frames, sheet_files, write_sheet_files
from tests.browser_clients import browser_page, copy_clients, require_clients, serve
from tests.sprite_factory import PROJECT, make_atlas, sprite

PAGE = """<!doctype html><html><body style="margin:0;background:#222">
<script type="module">
import * as PIXI from './pixi.min.mjs';
window.PIXI = PIXI;
window.ready = true;
</script></body></html>"""

# 13 ms ticks at 8 fps: no tick lands on a frame boundary in the first 124, so rounding cannot matter.
STEP_MS, STEPS = 13, 100
LOAD_SHEET = """async ([jsonUrl, animName, fps, STEPS, STEP_MS]) => {
  const PIXI = window.PIXI;
  const app = new PIXI.Application();
  await app.init({ width: 320, height: 240, background: '#203040', preference: 'webgl', antialias: false });
  document.body.appendChild(app.canvas);
  const sheet = await PIXI.Assets.load(jsonUrl);
  const frames = {};
  const pixels = {};
  for (const [name, tex] of Object.entries(sheet.textures)) {
    frames[name] = { w: tex.width, h: tex.height, origW: tex.orig.width, origH: tex.orig.height,
                     anchor: [tex.defaultAnchor.x, tex.defaultAnchor.y], rotate: tex.rotate };
    const sprite = new PIXI.Sprite(tex);
    sprite.anchor.set(0, 0);
    const rt = PIXI.RenderTexture.create({ width: tex.width, height: tex.height });
    app.renderer.render({ container: sprite, target: rt, clear: true, clearColor: [0, 0, 0, 0] });
    const out = app.renderer.extract.pixels(rt);
    pixels[name] = Array.from(out.pixels);
  }
  const animations = {};
  for (const [name, list] of Object.entries(sheet.animations)) animations[name] = list.map(t => t.label);
  // The animation runs on a ticker we drive by hand (no wall clock): STEPS ticks of STEP_MS each.
  const anim = new PIXI.AnimatedSprite(sheet.animations[animName], false);
  anim.animationSpeed = fps / 60;
  anim.anchor.set(0.5, 1);
  anim.position.set(160, 200);
  anim.scale.set(3);
  app.stage.addChild(anim);
  anim.play();
  const ticker = new PIXI.Ticker();
  ticker.autoStart = false;
  ticker.stop();
  ticker.add(() => anim.update(ticker));
  ticker.lastTime = 0;
  const sequence = [];
  for (let i = 1; i <= STEPS; i++) {
    ticker.update(i * STEP_MS);
    sequence.push(anim.currentFrame);
  }
  app.renderer.render(app.stage);
  return { frames, pixels, animations, playing: anim.playing, sequence, totalFrames: anim.totalFrames };
}"""


def opaque_sprite(width: int, height: int, *, seed: int, margin: tuple[int, int, int, int]) -> np.ndarray:
    image = sprite(width, height, seed=seed, margin=margin)
    image[..., 3] = np.where(image[..., 3] > 0, 255, 0)
    return image


@pytest.mark.browser
def test_pixi_loads_the_atlas_frames_pixels_and_animations(tmp_path: Path, artifacts_dir: Path) -> None:
    require_clients()
    stems = [f"run_{i}" for i in range(6)] + ["coin_1", "coin_2", "tall_icon"]
    images = [opaque_sprite(36, 48, seed=i, margin=(2 + i % 3, 4, 3, 1 + i % 2)) for i in range(6)]
    images += [
        opaque_sprite(20, 20, seed=50, margin=(2, 2, 2, 2)),
        opaque_sprite(20, 20, seed=51, margin=(1, 3, 2, 2)),
    ]
    images += [opaque_sprite(10, 60, seed=52, margin=(1, 0, 0, 2))]
    names, animations = name_frames(stems, fps=8, loop=True)
    frames = [SpriteFrame(n, img, 0.5, 1.0) for n, img in zip(names, images, strict=True)]
    settings = PackSettings(allow_rotation=True, extrude_px=1, padding_px=2, max_size_px=256)
    sheet = build_spritesheet(frames, settings=settings)
    assert any(f.is_rotated for f in sheet.frames), "the test set should exercise rotation"
    site = tmp_path / "site"
    write_sheet_files(site, sheet_files(sheet, base_name="sheet", animations=animations))
    copy_clients(site)
    (site / "index.html").write_text(PAGE)
    with serve(site) as base, browser_page(base) as page:
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.ready === true")
        result = page.evaluate(LOAD_SHEET, [f"{base}/sheet.json", "run", 8, STEPS, STEP_MS])
        page.screenshot(path=str(artifacts_dir / "pixi-animated-sprite.png"))
        assert not page.errors, page.errors
    assert set(result["frames"]) == set(names)
    for frame, image in zip(sheet.frames, images, strict=True):
        seen = result["frames"][frame.name]
        assert (seen["origW"], seen["origH"]) == image.shape[1::-1], frame.name
        assert (seen["w"], seen["h"]) == image.shape[1::-1], frame.name
        assert seen["anchor"] == [0.5, 1.0]
        assert seen["rotate"] == (2 if frame.is_rotated else 0)
        rendered = np.array(result["pixels"][frame.name], np.uint8).reshape(image.shape)
        assert np.array_equal(rendered, image), f"PixiJS draws {frame.name} differently from the input frame"
    assert result["animations"] == {"run": [f"run_{i}" for i in range(6)], "coin": ["coin_1", "coin_2"]}
    # frame = elapsed seconds x fps, looping over the 6 frames: the ticker advances it exactly so
    expected = [(i * STEP_MS * 8 // 1000) % 6 for i in range(1, STEPS + 1)]
    assert result["playing"] and result["totalFrames"] == 6
    assert result["sequence"] == expected and set(expected) == set(range(6))


KIT_CHECK = """async ([base]) => {
  const PIXI = window.PIXI;
  const kit = await (await fetch(base + '/kit.json')).json();
  const out = { atlases: {}, images: {}, animations: {} };
  for (const atlas of kit.atlases) {
    const sheet = await PIXI.Assets.load(base + '/' + atlas.dataPath);
    out.atlases[atlas.id] = Object.keys(sheet.textures).length;
    for (const anim of kit.animations.filter(a => a.atlasId === atlas.id)) {
      out.animations[anim.name] = anim.frames.map(f => sheet.textures[f] ? sheet.textures[f].width : -1);
      const clip = new PIXI.AnimatedSprite(anim.frames.map(f => sheet.textures[f]));
      clip.loop = anim.loop;
    }
  }
  for (const image of kit.images) {
    const tex = await PIXI.Assets.load(base + '/' + image.path);
    out.images[image.name] = [tex.width, tex.height, image.assetId];
  }
  return out;
}"""


def load_kit_in_pixi(bundle, site: Path) -> dict:
    """Serve a pixi_kit bundle with PixiJS and run KIT_CHECK in Chromium: atlases, animations, images seen."""
    write_bundle_to(site, bundle)
    copy_clients(site)
    (site / "index.html").write_text(PAGE)
    with serve(site) as base, browser_page(base) as page:
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.ready === true")
        result = page.evaluate(KIT_CHECK, [base])
        assert not page.errors, page.errors
    return result


@pytest.mark.browser
def test_pixi_loads_the_pixi_kit_export(store, tmp_path: Path) -> None:
    require_clients()
    make_atlas(store, allow_rotation=True)
    bundle = build_export(store, PROJECT, "chars", profile="pixi_kit")
    kit = json.loads(bundle.files["kit.json"])
    assert {a["name"] for a in kit["animations"]} == {"walk", "coin"}
    assert kit["projectId"] == PROJECT and kit["atlases"][0] == {
        "id": "chars",
        "imagePath": "chars.png",
        "dataPath": "chars.json",
    }
    result = load_kit_in_pixi(bundle, tmp_path / "kit")
    assert result["atlases"] == {"chars": 9}
    assert result["animations"] == {"walk": [40] * 6, "coin": [24, 24]}
    assert result["images"] == {"gem_00": [30, 20, "gem"]}


def test_pixi_kit_manifest_layout(store) -> None:
    make_atlas(store)
    request = export_request(store, PROJECT, "chars", profile="pixi_kit", created_at="2026-01-01T00:00:00Z")
    bundle = get_exporter("pixi_kit")(request)
    kit = json.loads(bundle.files["kit.json"])
    assert set(kit) == {"id", "projectId", "version", "atlases", "images", "animations", "ui"}
    walk = next(a for a in kit["animations"] if a["name"] == "walk")
    assert walk == {
        "name": "walk",
        "assetId": "hero_walk",
        "atlasId": "chars",
        "frames": [f"walk_{i:02d}" for i in range(6)],
        "fps": 10.0,
        "loop": False,
    }
    assert kit["images"] == [
        {"name": "gem_00", "assetId": "gem", "path": "images/gem_00.png", "tags": ["kind:test"]}
    ]
