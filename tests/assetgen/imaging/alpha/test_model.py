"""rembg sessions for real: u2netp from set-up, a tiny ONNX model built here, and the error paths.

Nothing may be downloaded: pooch (rembg's downloader) is patched to fail the test if it is called.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.imaging.alpha import RemovalOptions, remove_background
from assetgen.imaging.alpha.model import (
    ModelSession,
    alpha_from_mask,
    installed_models,
    model_file,
    open_model_session,
    remove_background_rembg,
    session_source,
)
from assetgen.settings import Settings
from tests.assetgen.imaging.alpha_testset import iou, make_case

SETUP_HINT = "run `make setup` (or: .venv/bin/python tools/setup_env.py rembg) to install u2netp"


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    import pooch

    def refuse(*args, **kwargs):
        raise AssertionError(f"a model download was attempted: {args} {kwargs}")

    monkeypatch.setattr(pooch, "retrieve", refuse)


@pytest.fixture(scope="module")
def rembg_home() -> Path:
    home = Settings.from_env().rembg_dir()
    if not model_file(home, "u2netp").is_file():
        pytest.fail(f"u2netp.onnx is missing at {model_file(home, 'u2netp')}: {SETUP_HINT}")
    return home


@pytest.fixture(scope="module")
def u2netp(rembg_home: Path) -> ModelSession:
    return open_model_session("u2netp", rembg_home=rembg_home)


def build_darkness_model(path: Path) -> Path:
    """A 1x1 convolution of weight -1 over RGB: dark pixels score high (rembg min-max normalises)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.full((1, 3, 1, 1), -1.0, np.float32), name="w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["input.1", "w"], ["mask"])],
        "darkness",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 320, 320])],
        [helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, 320, 320])],
        initializer=[weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path


def _dark_square(size: int = 64) -> np.ndarray:
    rgba = np.full((size, size, 4), 255, np.uint8)
    rgba[16:48, 16:48, :3] = (20, 20, 30)
    return rgba


@pytest.mark.runtime
def test_u2netp_from_setup_cuts_out_a_sprite(u2netp: ModelSession, rembg_home: Path) -> None:
    assert "u2netp" in installed_models(rembg_home)
    case = make_case("white", 1, size=192)
    out = remove_background_rembg(case.rgba, session=u2netp)
    assert out.method == "rembg" and out.details["model"] == "u2netp"
    assert iou(case.alpha, out.alpha) > 0.85


@pytest.mark.runtime
def test_u2netp_handles_clutter_that_colorkey_cannot(u2netp: ModelSession) -> None:
    case = make_case("textured", 1, size=192)
    model = remove_background(case.rgba, method="auto", session=u2netp)
    keyed = remove_background(case.rgba, method="colorkey")
    assert model.method == "rembg"
    assert iou(case.alpha, model.alpha) > 0.8 > iou(case.alpha, keyed.alpha)


@pytest.mark.runtime
def test_a_tiny_onnx_model_built_here_runs_through_rembg(tmp_path: Path, rembg_home: Path) -> None:
    path = build_darkness_model(tmp_path / "darkness.onnx")  # outside any rembg home
    before = {k: os.environ.get(k) for k in ("REMBG_HOME", "U2NET_HOME")}
    session = open_model_session(path, rembg_home=rembg_home)
    assert {k: os.environ.get(k) for k in ("REMBG_HOME", "U2NET_HOME")} == before
    assert session.name == "u2net_custom" and session.label == "darkness.onnx"
    out = remove_background(_dark_square(), method="rembg", session=session)
    assert out.alpha[32, 32] == 255 and out.alpha[2, 2] == 0
    assert (out.alpha[20:44, 20:44] == 255).all() and (out.alpha[:10] == 0).all()
    no_cut = remove_background(
        _dark_square(), method="rembg", session=session, options=RemovalOptions(threshold=0)
    )
    # Threshold 0 keeps the raw mask levels; the default (24) stretches them to full opacity.
    assert (no_cut.alpha[:10] == 0).all() and 200 < no_cut.alpha[32, 32] < out.alpha[32, 32] == 255


def test_a_local_model_by_name_in_a_custom_home(tmp_path: Path) -> None:
    home = tmp_path / "rembg"
    (home / "models" / "u2net").mkdir(parents=True)
    build_darkness_model(home / "models" / "u2net" / "u2net.onnx")
    assert installed_models(home) == ["u2net"]
    session = open_model_session("u2net", rembg_home=home)
    assert remove_background(_dark_square(), method="rembg", session=session).alpha[32, 32] == 255


def test_missing_models_say_where_to_put_the_file(tmp_path: Path) -> None:
    with pytest.raises(
        NotFound,
        match=r"'isnet-anime' is not installed: put isnet-anime.onnx at .*models/isnet-anime/isnet-anime.onnx",
    ):
        open_model_session("isnet-anime", rembg_home=tmp_path)
    with pytest.raises(NotFound, match="does not exist"):
        open_model_session(tmp_path / "nope.onnx", rembg_home=tmp_path)
    with pytest.raises(NotFound, match="not installed"):
        session_source("rembg", model=None, rembg_home=tmp_path, default_model="u2netp")


def test_unknown_unsupported_and_broken_models_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"unknown rembg model 'nonsense'.*u2netp"):
        open_model_session("nonsense", rembg_home=tmp_path)
    with pytest.raises(InvalidInput, match="not supported here"):
        open_model_session("sam", rembg_home=tmp_path)
    with pytest.raises(InvalidInput, match="needs a model file"):
        open_model_session("u2net_custom", rembg_home=tmp_path)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx model")
    with pytest.raises(InvalidInput, match=r"broken\.onnx"):
        open_model_session(broken, rembg_home=tmp_path)


def test_auto_without_the_default_model_falls_back_quietly(tmp_path: Path) -> None:
    provider = session_source("auto", model=None, rembg_home=tmp_path, default_model="u2netp")
    assert provider() is None
    assert session_source("colorkey", model="anything", rembg_home=tmp_path, default_model="u2netp") is None


def test_alpha_from_mask_levels() -> None:
    mask = np.array([[0, 24, 25, 128, 230, 231, 255]], np.uint8)
    assert alpha_from_mask(mask, threshold=24).tolist() == [[0, 0, 1, 128, 254, 255, 255]]
    assert alpha_from_mask(mask, threshold=0).tolist() == mask.tolist()
