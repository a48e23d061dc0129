"""Frame-to-anchor consistency: masked SSIM, palette distance, silhouette IoU, outliers."""

from __future__ import annotations

import numpy as np

from assetgen.imaging.consistency import (
    consistency_outliers,
    frame_consistency,
    masked_ssim,
    palette_distance,
    silhouette_iou,
)


def character(colour=(180, 60, 60), shift: int = 0, stripe=(40, 40, 160)) -> np.ndarray:
    image = np.zeros((64, 64, 4), np.uint8)
    image[10:58, 20 + shift : 44 + shift] = (*colour, 255)
    image[20:26, 20 + shift : 44 + shift] = (*stripe, 255)
    return image


def test_identical_frames_score_one_and_different_ones_lower() -> None:
    anchor = character()
    same = frame_consistency(anchor, anchor)
    assert same.ssim > 0.999 and same.palette_distance < 0.01 and same.silhouette_iou == 1.0
    assert same.score > 0.98
    recoloured = frame_consistency(character(colour=(40, 180, 60), stripe=(230, 230, 20)), anchor)
    assert recoloured.palette_distance > 0.1 and recoloured.score < same.score - 0.2


def test_moving_the_sprite_keeps_ssim_and_palette_but_lowers_iou_against_the_guide() -> None:
    anchor = character()
    moved = character(shift=12)
    assert masked_ssim(moved, anchor) > 0.99
    assert palette_distance(moved, anchor) < 0.01
    guide = anchor[:, :, 3] > 0
    assert frame_consistency(moved, anchor, guide_mask=guide).silhouette_iou < 0.6


def test_iou_and_outliers() -> None:
    a = np.zeros((4, 4), bool)
    a[:2] = True
    assert silhouette_iou(a, a) == 1.0 and silhouette_iou(a, ~a) == 0.0
    assert silhouette_iou(np.zeros((2, 2), bool), np.zeros((2, 2), bool)) == 1.0
    assert consistency_outliers([0.9, 0.91, 0.89, 0.9, 0.4, 0.92]) == [4]
    assert consistency_outliers([0.9, 0.9, 0.9], min_score=0.95) == [0, 1, 2]
    assert consistency_outliers([]) == []
