"""The method registry (assetgen.imaging.alpha) and the auto rule."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.alpha import METHODS, RemovalOptions, get_remover, remove_background
from assetgen.imaging.alpha.auto import assess_background
from tests.assetgen.imaging.alpha_testset import make_case


def test_methods_and_unknown_method_lists_them() -> None:
    assert METHODS == ("auto", "colorkey", "rembg")
    with pytest.raises(
        InvalidInput, match=r"unknown background removal method 'magic'.*auto.*colorkey.*rembg"
    ):
        get_remover("magic")


def test_rembg_needs_a_session() -> None:
    with pytest.raises(InvalidInput, match="needs a model session"):
        remove_background(np.zeros((8, 8, 4), np.uint8), method="rembg")
    with pytest.raises(InvalidInput, match="needs a model session"):
        remove_background(np.zeros((8, 8, 4), np.uint8), method="rembg", session=lambda: None)


@pytest.mark.parametrize(("field", "value"), [("threshold", 256), ("feather_px", -1), ("erode_px", 99)])
def test_options_are_range_checked(field: str, value: float) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        RemovalOptions(**{field: value})


def test_auto_keys_clean_backgrounds_without_touching_the_model() -> None:
    calls: list[int] = []

    def provider():
        calls.append(1)
        raise AssertionError("the model must not be opened for a clean background")

    for kind in ("white", "near_white_noisy", "saturated", "gradient", "vignette"):
        case = make_case(kind, 0, size=96)
        assert assess_background(case.rgba).is_clean, kind
        assert remove_background(case.rgba, method="auto", session=provider).method == "colorkey"
    assert not calls


def test_auto_on_clutter_without_a_model_warns_and_uses_colorkey() -> None:
    case = make_case("textured", 0, size=96)
    assessment = assess_background(case.rgba)
    assert not assessment.is_clean and assessment.noise > 8
    out = remove_background(case.rgba, method="auto", session=lambda: None)
    assert out.method == "colorkey" and "cluttered" in out.details["warning"]


def test_importing_the_package_does_not_import_rembg_or_torch() -> None:
    code = "import sys, assetgen.imaging.alpha, assetgen.post.bg_remove; print(sorted({'rembg', 'torch', 'onnxruntime'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
