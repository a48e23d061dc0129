"""The gallery shows an anchor frame's pose guide next to the frame."""

from __future__ import annotations

import pytest

from assetgen.image_files import encode_png
from assetgen.imaging.poses import pose_guides
from assetgen.store import ProjectStore
from tests.orchestrator.gallery.test_gallery_browser import DESKTOP, card, chromium, gallery, server  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_frame_card_shows_its_pose_guide(
    chromium,  # noqa: F811
    server,  # noqa: F811
    review_store: ProjectStore,
    artifacts_dir,
) -> None:
    guide = pose_guides("walk", frames=8, directions=["e"], width=64, height=64)[3]
    path = (
        review_store.project_dir("review_demo") / "files" / "images" / "potion_icon" / "pose" / "v00006.png"
    )
    stored = review_store.write_file(path, encode_png(guide.mannequin))
    asset = review_store.read("review_demo", "assets", "potion_icon")
    for version in asset.versions:
        for variant in version.variants:
            if variant.id == "v00006":
                variant.metadata = {"frame": {"name": "walk_e_03", "pose": "walk", "guidePath": stored}}
    review_store.write("review_demo", "assets", asset)
    with gallery(chromium, server, DESKTOP) as page:
        pose = card(page, 0).locator("img.pose-guide")
        pose.wait_for(state="visible")
        assert pose.evaluate("img => img.decode().then(() => img.naturalWidth)") == 64
        assert "walk_e_03" in pose.get_attribute("title")
        assert card(page, 1).locator("img.pose-guide").count() == 0
        page.screenshot(path=str(artifacts_dir / "pose-guide-in-grid.png"))
