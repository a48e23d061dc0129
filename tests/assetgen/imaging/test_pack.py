"""MaxRects packing: no overlaps, inside the pages, every rectangle placed once, deterministic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assetgen.errors import InvalidInput
from assetgen.imaging.pack import HEURISTICS, RectPacking, next_power_of_two, pack_rects

sizes_strategy = st.lists(st.tuples(st.integers(1, 90), st.integers(1, 90)), min_size=1, max_size=60)


def assert_valid(packing: RectPacking, sizes: list[tuple[int, int]], *, spacing: int, max_side: int) -> None:
    assert len(packing.placements) == len(sizes)
    for index, (placement, (w, h)) in enumerate(zip(packing.placements, sizes, strict=True)):
        assert placement.index == index
        expected = (h, w) if placement.is_rotated else (w, h)
        assert (placement.w_px, placement.h_px) == expected
        page = packing.pages[placement.page]
        assert page.w_px <= max_side and page.h_px <= max_side
        assert 0 <= placement.x_px and placement.x_px + placement.w_px <= page.w_px
        assert 0 <= placement.y_px and placement.y_px + placement.h_px <= page.h_px
    by_page: dict[int, list] = {}
    for p in packing.placements:
        by_page.setdefault(p.page, []).append(p)
    for placed in by_page.values():
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                apart = (
                    a.x_px + a.w_px + spacing <= b.x_px
                    or b.x_px + b.w_px + spacing <= a.x_px
                    or a.y_px + a.h_px + spacing <= b.y_px
                    or b.y_px + b.h_px + spacing <= a.y_px
                )
                assert apart, f"{a} and {b} overlap or are closer than {spacing}px"


@settings(max_examples=40, deadline=None)
@given(sizes=sizes_strategy, spacing=st.integers(0, 3), rotate=st.booleans(), pot=st.booleans())
def test_packing_never_overlaps_and_stays_inside(sizes, spacing, rotate, pot) -> None:
    packing = pack_rects(
        sizes,
        max_width_px=256,
        max_height_px=256,
        spacing_px=spacing,
        allow_rotation=rotate,
        power_of_two=pot,
    )
    assert_valid(packing, sizes, spacing=spacing, max_side=256)
    if pot:
        for page in packing.pages:
            assert page.w_px == next_power_of_two(page.w_px) and page.h_px == next_power_of_two(page.h_px)
    if not rotate:
        assert not any(p.is_rotated for p in packing.placements)


@settings(max_examples=15, deadline=None)
@given(sizes=sizes_strategy)
def test_packing_is_deterministic(sizes) -> None:
    assert pack_rects(sizes, max_width_px=200, max_height_px=200) == pack_rects(
        sizes, max_width_px=200, max_height_px=200
    )


def test_uniform_frames_pack_into_a_tight_grid() -> None:
    packing = pack_rects([(64, 64)] * 16)
    assert len(packing.pages) == 1
    assert packing.occupancy == 1.0
    assert (packing.pages[0].w_px, packing.pages[0].h_px) in ((256, 256), (128, 512), (512, 128))


def test_too_many_frames_spill_onto_more_pages() -> None:
    sizes = [(60, 60)] * 10
    packing = pack_rects(sizes, max_width_px=128, max_height_px=128, spacing_px=2)
    assert len(packing.pages) == 3
    assert_valid(packing, sizes, spacing=2, max_side=128)


def test_rotation_lets_a_tall_frame_fit_a_wide_page() -> None:
    packing = pack_rects([(20, 100)], max_width_px=128, max_height_px=32, allow_rotation=True)
    assert packing.placements[0].is_rotated
    assert (packing.pages[0].w_px, packing.pages[0].h_px) == (100, 20)


@pytest.mark.parametrize("heuristic", HEURISTICS)
def test_each_heuristic_alone_gives_a_valid_packing(heuristic) -> None:
    sizes = [(10 + (i * 7) % 40, 8 + (i * 13) % 50) for i in range(40)]
    packing = pack_rects(sizes, heuristics=(heuristic,), sort_orders=("area",), spacing_px=1)
    assert packing.heuristic == heuristic
    assert_valid(packing, sizes, spacing=1, max_side=2048)


def test_errors_name_the_problem() -> None:
    with pytest.raises(InvalidInput, match=r"rectangle 1 \(300x10 px"):
        pack_rects([(10, 10), (300, 10)], max_width_px=256, max_height_px=256)
    with pytest.raises(InvalidInput, match="heuristic"):
        pack_rects([(10, 10)], heuristics=("nope",))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="no area"):
        pack_rects([(0, 10)])
    assert pack_rects([]).pages == ()
