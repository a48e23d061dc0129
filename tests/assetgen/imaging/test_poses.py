"""Pose library: joint angles -> keypoints -> skeleton and mannequin images, directions, frame counts."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.poses import (
    BACKGROUND_DEFAULT,
    KEYPOINT_NAMES,
    JointAngles,
    color_mannequin,
    directions_for,
    frame_phase,
    get_direction,
    mannequin_mask,
    pose_guides,
    pose_keypoints,
    pose_names,
    sample_pose,
)

BG = (245, 245, 240)


def test_library_has_the_issue_poses() -> None:
    assert {"idle", "walk", "run", "jump", "attack", "hurt"} <= set(pose_names())
    with pytest.raises(InvalidInput, match="unknown pose"):
        sample_pose("moonwalk", 0, 4)


@pytest.mark.parametrize("frames", [1, 2, 5, 8, 12])
def test_any_frame_count_renders_that_many_frames_per_direction(frames: int) -> None:
    guides = pose_guides("walk", frames=frames, directions=4, width=64, height=64)
    assert len(guides) == frames * 4
    assert [g.index for g in guides[:frames]] == list(range(frames))
    for guide in guides:
        assert guide.skeleton.shape == guide.mannequin.shape == (64, 64, 4)
        assert mannequin_mask(guide.mannequin, BG).any()


def test_loops_do_not_repeat_their_first_frame_and_one_shots_end_on_the_last_key() -> None:
    assert frame_phase(7, 8, loop=True) == 7 / 8
    assert frame_phase(7, 8, loop=False) == 1.0
    # A walk is symmetric: half a cycle later, left and right are exchanged.
    assert sample_pose("walk", 4, 8) == sample_pose("walk", 0, 8).swapped()
    assert sample_pose("jump", 0, 6) != sample_pose("jump", 5, 6)


def test_joint_angles_move_the_keypoints_they_name() -> None:
    east = get_direction("e")
    rest = pose_keypoints(JointAngles(), east, width=128, height=128)
    forward = pose_keypoints(JointAngles(shoulder_r=90, elbow_r=0), east, width=128, height=128)
    wrist = KEYPOINT_NAMES.index("r_wrist")
    # Facing right, a right arm raised forward by 90 degrees points right at shoulder height.
    assert forward.keypoints[wrist][0] > rest.keypoints[wrist][0] + 20
    assert forward.keypoints[wrist][1] < rest.keypoints[wrist][1] - 20
    ankle = KEYPOINT_NAMES.index("l_ankle")
    assert rest.keypoints[ankle][1] == pytest.approx(rest.ground_y_px - 0.03 * 0.78 * 128, abs=0.01)


def test_feet_are_planted_on_the_ground_line_in_every_walk_frame() -> None:
    for guide in pose_guides("walk", frames=8, directions=["e"], width=128, height=128):
        mask = mannequin_mask(guide.mannequin, BG)
        bottom = np.flatnonzero(mask.any(axis=1))[-1]
        assert abs(bottom - guide.frame.ground_y_px) <= 2


def test_west_is_the_mirrored_east_and_recorded_as_mirrored() -> None:
    guides = pose_guides("run", frames=6, directions=8, width=96, height=96)
    by = {(g.direction.name, g.index): g for g in guides}
    for index in range(6):
        for west, east in (("w", "e"), ("sw", "se"), ("nw", "ne")):
            assert by[(west, index)].frame.mirrored and not by[(east, index)].frame.mirrored
            assert np.array_equal(by[(west, index)].mannequin, by[(east, index)].mannequin[:, ::-1])
            assert np.array_equal(by[(west, index)].skeleton, by[(east, index)].skeleton[:, ::-1])


def test_front_view_of_a_symmetric_pose_is_left_right_symmetric() -> None:
    guide = pose_guides("idle", frames=1, directions=["s"], width=128, height=128)[0]
    mask = mannequin_mask(guide.mannequin, BG)
    assert (mask ^ mask[:, ::-1]).sum() <= 0.03 * mask.sum()


def test_directions_sets_and_views_differ() -> None:
    assert [d.name for d in directions_for(4)] == ["s", "e", "n", "w"]
    assert len(directions_for(8)) == 8
    with pytest.raises(InvalidInput):
        directions_for(3)
    guides = {g.direction.name: g for g in pose_guides("walk", frames=1, directions=4, width=96, height=96)}
    side = mannequin_mask(guides["e"].mannequin, BG)
    front = mannequin_mask(guides["s"].mannequin, BG)
    assert (side ^ front).sum() > 0.2 * side.sum()
    # Facing away hides the nose; the side view hides the far eye.
    nose, l_eye = KEYPOINT_NAMES.index("nose"), KEYPOINT_NAMES.index("l_eye")
    assert guides["n"].frame.keypoints[nose] is None
    assert guides["e"].frame.keypoints[l_eye] is None and guides["s"].frame.keypoints[l_eye] is not None


def test_skeleton_uses_openpose_colours_on_black() -> None:
    guide = pose_guides("walk", frames=1, directions=["s"], width=128, height=128)[0]
    rgb = guide.skeleton[:, :, :3]
    assert tuple(rgb[0, 0]) == (0, 0, 0)
    colours = {tuple(c) for c in rgb.reshape(-1, 3)}
    assert (255, 0, 0) in colours and (0, 0, 255) in colours


def test_a_coloured_mannequin_keeps_the_silhouette_and_shades_the_far_limbs() -> None:
    guide = pose_guides("walk", frames=8, directions=["e"], width=128, height=128)[0]
    colored = color_mannequin(guide.mannequin, fill=(200, 60, 60), background=BACKGROUND_DEFAULT)
    mask = mannequin_mask(guide.mannequin, BACKGROUND_DEFAULT)
    assert np.array_equal(mannequin_mask(colored, BACKGROUND_DEFAULT), mask)
    colors = {tuple(c) for c in colored[mask][:, :3]}
    assert colors == {(200, 60, 60), (140, 42, 42)}  # near parts in the fill, far limbs darker
    assert np.array_equal(colored[~mask], guide.mannequin[~mask])
