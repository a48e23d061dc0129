"""A pixel-art pixi_kit export in PixiJS v8 (headless Chromium): applying the kit's ``scaleMode`` keeps every
pixel sharp when a frame is drawn 4x; the same frame with linear filtering (the default) blends colours."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assetgen.export.build import build_export, write_bundle_to
from assetgen.image_files import read_rgba
from assetgen.imaging.pixel_art import upscale_nearest
from assetgen.store import ProjectStore
from tests.assetgen.export.test_pixi_kit import PAGE
from tests.assetgen.post.test_pixelate import _pixel_atlas
from tests.browser_clients import browser_page, copy_clients, require_clients, serve
from tests.sprite_factory import PROJECT

SCALE = 4
DRAW_SCALED = """async ([base, frameName, scale, honourKit]) => {
  const PIXI = window.PIXI;
  const app = new PIXI.Application();
  await app.init({ width: 64, height: 64, preference: 'webgl', antialias: false });
  const kit = await (await fetch(base + '/kit.json')).json();
  const atlas = kit.atlases[0];
  const sheet = await PIXI.Assets.load(base + '/' + atlas.dataPath);
  // What a kit consumer does with the kit's hint (PixiJS filters linearly unless told otherwise).
  sheet.textureSource.scaleMode = honourKit && atlas.scaleMode ? atlas.scaleMode : 'linear';
  const tex = sheet.textures[frameName];
  const sprite = new PIXI.Sprite(tex);
  sprite.anchor.set(0, 0);  // the atlas pivot is the default anchor; draw from the top-left corner
  sprite.scale.set(scale);
  const rt = PIXI.RenderTexture.create({ width: tex.orig.width * scale, height: tex.orig.height * scale });
  app.renderer.render({ container: sprite, target: rt, clear: true, clearColor: [0, 0, 0, 0] });
  const out = app.renderer.extract.pixels(rt);
  const result = { scaleMode: atlas.scaleMode, w: out.width, h: out.height, pixels: Array.from(out.pixels) };
  await PIXI.Assets.unload(base + '/' + atlas.dataPath);
  return result;
}"""


@pytest.mark.browser
def test_pixi_draws_the_pixel_art_kit_sharp(store: ProjectStore, tmp_path: Path) -> None:
    require_clients()
    _pixel_atlas(store)
    bundle = build_export(store, PROJECT, "walk", profile="pixi_kit")
    kit = json.loads(bundle.files["kit.json"])
    frame = kit["animations"][0]["frames"][0]
    asset = store.read(PROJECT, "assets", "hero_walk")
    source = next(v for v in asset.versions[0].variants if v.id == "v0")
    art = read_rgba(store.resolve(source.pixel_path))
    expected = upscale_nearest(art, SCALE)
    site = tmp_path / "site"
    write_bundle_to(site, bundle)
    copy_clients(site)
    (site / "index.html").write_text(PAGE)
    with serve(site) as base, browser_page(base) as page:
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.ready === true")
        sharp = page.evaluate(DRAW_SCALED, [base, frame, SCALE, True])
        smooth = page.evaluate(DRAW_SCALED, [base, frame, SCALE, False])
        assert not page.errors, page.errors
    assert sharp["scaleMode"] == "nearest"
    shape = (sharp["h"], sharp["w"], 4)
    assert shape == expected.shape
    drawn = np.array(sharp["pixels"], np.uint8).reshape(shape)
    assert np.array_equal(drawn, expected), "PixiJS with the kit's scaleMode draws the pixel art exactly"
    blurred = np.array(smooth["pixels"], np.uint8).reshape(shape)
    assert np.any(blurred != expected), "the control (linear filtering) should blend pixels"
