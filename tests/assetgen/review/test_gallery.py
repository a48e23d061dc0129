"""Gallery views: variant pages carry a number a person can say, stable as versions are added."""

from __future__ import annotations

from assetgen.review.gallery import review_result, variant_numbers, variant_page
from assetgen.store import ProjectStore
from tests.review_factory import build_review_project


def test_variants_are_numbered_in_the_order_they_were_made(store: ProjectStore) -> None:
    asset = build_review_project(store, variants=6, versions=2)  # ver1: v00000-v00002, ver2: v00003-v00005
    page = variant_page(asset, limit=10)
    # the grid shows the newest version first; the numbers still count from the first variant ever made
    assert [(v.id, v.index, v.number) for v in page.variants] == [
        ("v00003", 0, 4),
        ("v00004", 1, 5),
        ("v00005", 2, 6),
        ("v00000", 3, 1),
        ("v00001", 4, 2),
        ("v00002", 5, 3),
    ]
    assert variant_numbers(asset) == {f"v{i:05d}": i + 1 for i in range(6)}
    assert review_result(asset, "v00004").variant.number == 5
    assert variant_page(asset, offset=4, limit=1).variants[0].model_dump(mode="json")["number"] == 2
