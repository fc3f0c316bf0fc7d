"""The Y4M writer produces what Chromium's fake camera reads: exact header, I420 frames, motion."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.clips import FPS, face_frames, sequence, write_flow_clip, write_y4m


def read_frames(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def test_header_and_frame_layout(tmp_path: Path) -> None:
    path = tmp_path / "face.y4m"
    count = write_y4m(path, sequence([(face_frames(64, 48), 1.0)]))
    data = path.read_bytes()
    header = b"YUV4MPEG2 W64 H48 F15:1 Ip A1:1 C420\n"
    assert count == FPS
    assert data.startswith(header)
    frame_bytes = len(b"FRAME\n") + 64 * 48 * 3 // 2
    assert len(data) == len(header) + count * frame_bytes
    assert data[len(header) : len(header) + 6] == b"FRAME\n"


def test_flow_clip_decodes_to_the_drawn_scenes_and_never_repeats_a_frame(tmp_path: Path) -> None:
    path = write_flow_clip(tmp_path / "flow.y4m", 320, 240, seconds_per_step=1.0)
    frames = read_frames(path)
    assert len(frames) == 3 * FPS
    assert all(f.shape == (240, 320, 3) for f in frames)
    for earlier, later in itertools.pairwise(frames):
        assert np.abs(earlier.astype(int) - later.astype(int)).mean() > 0.5
    # The face segment (last third) matches a fresh rendering of its first frame.
    expected = face_frames(320, 240)(2 * FPS)
    assert np.abs(frames[2 * FPS].astype(int) - expected.astype(int)).mean() < 4


def test_refuses_odd_sizes_and_mixed_sizes(tmp_path: Path) -> None:
    odd = np.zeros((11, 16, 3), np.uint8)
    with pytest.raises(ValueError, match="even"):
        write_y4m(tmp_path / "odd.y4m", [odd])
    with pytest.raises(ValueError, match="expected 16x12"):
        write_y4m(tmp_path / "mixed.y4m", [np.zeros((12, 16, 3), np.uint8), odd[:10]])
