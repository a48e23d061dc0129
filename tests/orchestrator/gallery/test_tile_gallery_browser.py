"""The gallery shows a tileable variant's seam ratio and a 3x3 repeat on a toggle (Debian's Chromium)."""

from __future__ import annotations

import json

import pytest

from assetgen.generation.ingest import seam_record
from assetgen.image_files import encode_png
from assetgen.store import ProjectStore
from tests.assetgen.imaging.test_seams import periodic_texture
from tests.orchestrator.gallery.test_gallery_browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    card,
    chromium,
    gallery,
    server,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def tile_store(review_store: ProjectStore) -> ProjectStore:
    """The review project with its first grid variant turned into a generated tile."""
    path = review_store.record_path("review_demo", "assets", "potion_icon")
    data = json.loads(path.read_text())
    variant = data["versions"][-1]["variants"][0]  # newest version first: grid index 0
    tile = periodic_texture(96, seed=7)
    original = review_store.resolve(variant["originalPath"])
    original.write_bytes(encode_png(tile))
    variant["metadata"]["tiling"] = {"axes": "both", "reason": "asset type 'tile' is tileable"}
    variant["seam"] = seam_record(tile, "both")
    path.write_text(json.dumps(data))
    return review_store


def test_a_tile_variant_shows_its_seam_and_a_3x3_repeat(
    chromium,  # noqa: F811  (the imported fixture)
    server,  # noqa: F811
    tile_store,
    artifacts_dir,
) -> None:
    with gallery(chromium, server, DESKTOP) as page:
        card(page, 0).click()
        row = page.locator("#tile-row")
        assert row.is_visible()
        seam = page.locator("#tile-seam").inner_text()
        assert seam.startswith("seam ratio x ") and " y " in seam and "tileable both" in seam
        assert "ok-text" in page.locator("#tile-seam").get_attribute("class")
        assert page.locator("#insp-img").is_visible() and not page.locator("#insp-tile").is_visible()
        page.keyboard.press("g")
        tile = page.locator("#insp-tile")
        assert tile.is_visible() and not page.locator("#insp-img").is_visible()
        assert "url(" in tile.evaluate("(el) => getComputedStyle(el).backgroundImage")
        assert tile.evaluate("(el) => getComputedStyle(el).backgroundRepeat") == "repeat"
        assert page.locator("#tile-toggle").get_attribute("aria-pressed") == "true"
        page.screenshot(path=str(artifacts_dir / "tile-3x3.png"))
        card(page, 1).click()  # a sprite: no tile controls, the single image
        assert not row.is_visible() and page.locator("#insp-img").is_visible()
        card(page, 0).click()  # the toggle is remembered for tiles
        assert page.locator("#insp-tile").is_visible()
        page.locator("#tile-toggle").click()
        assert page.locator("#insp-img").is_visible() and not page.locator("#insp-tile").is_visible()
