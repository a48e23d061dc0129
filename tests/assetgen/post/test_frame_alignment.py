"""The alignment step on a stored anchor-frame version: one pivot, one cell, atlas animations per direction."""

from __future__ import annotations

from assetgen.image_files import read_rgba
from assetgen.imaging.frame_alignment import opaque_box
from assetgen.post.atlas_build import build_atlas
from assetgen.post.frame_alignment import align_version_frames, frame_sources, strip_with_guides
from assetgen.store import ProjectStore
from tests.anim_factory import ASSET, store_frames


def test_a_hopping_strip_is_aligned_on_one_pivot_and_packed_per_direction(demo_store: ProjectStore) -> None:
    store_frames(demo_store, shift_px={"walk_e_01": 5, "walk_e_02": -3})
    result = align_version_frames(demo_store, "demo", ASSET, "frames-job")
    assert result["frames"] == 8
    assert result["jitterBefore"]["baselinePx"] >= 8
    assert result["jitterAfter"] == {"baselinePx": 0, "rootPx": 0}
    asset = demo_store.read("demo", "assets", ASSET)
    version = next(v for v in asset.versions if v.id == "frames-job")
    shapes, bottoms = set(), set()
    for variant in version.variants:
        cut = read_rgba(demo_store.resolve(variant.alpha_path))
        shapes.add(cut.shape)
        bottoms.add(opaque_box(cut)[3])
        assert variant.metadata["frame"]["alignment"]["pivotX"] == result["pivotX"]
    # One cell; the feet of every frame on one line (the pose's ground line, under the mannequin's round feet).
    assert len(shapes) == 1 and len(bottoms) == 1
    assert 0 <= bottoms.pop() - result["baselinePx"] <= 5
    sources, animations = frame_sources(demo_store, "demo", ASSET, "frames-job", fps=10)
    assert [(a.name, len(a.frames), a.fps) for a in animations] == [("walk_e", 4, 10), ("walk_w", 4, 10)]
    assert {(s.pivot_x, s.pivot_y) for s in sources} == {(result["pivotX"], result["pivotY"])}
    built = build_atlas(demo_store, "demo", "walk-atlas", sources, animations=animations)
    assert [a.name for a in built.atlas.animations] == ["walk_e", "walk_w"]
    assert {(f.pivot.x, f.pivot.y) for f in built.atlas.frames} == {(result["pivotX"], result["pivotY"])}
    assert built.specs == ()  # explicit animations leave the spec alone
    picture = strip_with_guides(demo_store, "demo", ASSET, "frames-job")
    assert picture.shape[0] > 4 * 96 and picture.shape[1] >= 4 * 96
