"""capture_from_clip over real encoded clips written with PyAV (MP4, WebM, MOV, Y4M)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import av
import numpy as np
import pytest

from components.capture.hints import Step
from components.capture.video import ClipError, capture_from_clip
from tests import imagery
from tests.clips import sway

FPS = 15


def write_clip(path: Path, frames: list[np.ndarray], codec: str, fps: int = FPS,
               bit_rate: int = 2_000_000) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        if codec != "rawvideo":
            stream.bit_rate = bit_rate
        if codec == "libvpx":  # fast settings: the tests are about decoding, not encoding
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        elif codec == "libx264":
            stream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        for frame in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="bgr24")))
        out.mux(stream.encode())
    return path


def handheld_flow(seconds_per_step: float = 1.0) -> list[np.ndarray]:
    """Front, back, face; each frame nudged a pixel or two, as a hand-held phone would."""
    return [sway(frame, i, 1) for i, frame in
            enumerate(imagery.flow_frames(fps=FPS, seconds_per_step=seconds_per_step))]


def test_front_back_face_clip_completes_in_one_pass(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "flow.mp4", handheld_flow(), "libx264")
    result = capture_from_clip(clip)
    state = result.state
    assert state.done, result.hints_seen
    front, back = state.captures[Step.ID_FRONT][0], state.captures[Step.ID_BACK][0]
    assert front.t < 1.0 <= back.t < 2.0
    times = [shot.t for shot in state.captures[Step.FACE]]
    assert len(times) == 3 and times[0] >= 2.0 and times[-1] - times[0] <= 0.5
    # Times come from the stream: multiples of the frame interval.
    assert all(abs(t * FPS - round(t * FPS)) < 0.02 for t in times)
    # Hints of the frames as analysed, in order of first appearance.
    assert result.hints_seen[0] == "hold_still"
    assert "turn_card_over" in result.hints_seen  # the front is still shown after its capture
    assert result.hints_seen[-1] == "done"
    # It stopped as soon as everything was captured.
    assert result.frames == round(times[-1] * FPS) + 1
    assert result.duration_s == pytest.approx(times[-1], abs=0.002)


@pytest.mark.parametrize(
    ("name", "codec"),
    [("selfie.webm", "libvpx"), ("selfie.mov", "mpeg4"), ("selfie.y4m", "rawvideo")],
)
def test_selfie_clips_in_every_container(tmp_path: Path, name: str, codec: str) -> None:
    frames = [sway(imagery.face_frame(480, 360, seed=i), i, 1) for i in range(12)]
    result = capture_from_clip(write_clip(tmp_path / name, frames, codec), steps=(Step.FACE,))
    assert result.state.done, result.hints_seen
    shots = result.state.captures[Step.FACE]
    assert shots[0].image.shape == (360, 480, 3)
    assert shots[-1].t - shots[0].t <= 0.5


def test_clip_without_a_face_reports_why(tmp_path: Path) -> None:
    frames = [imagery.no_face_frame(seed=i) for i in range(20)]
    result = capture_from_clip(write_clip(tmp_path / "empty.mp4", frames, "libx264"),
                               steps=(Step.FACE,))
    assert not result.state.done
    assert result.hints_seen == ["no_face"]
    assert result.frames == 20
    assert result.duration_s == pytest.approx(19 / FPS)


def test_frames_are_sampled_at_most_15_per_second(tmp_path: Path) -> None:
    frames = [imagery.no_face_frame(seed=i) for i in range(30)]
    clip = write_clip(tmp_path / "fast.mp4", frames, "libx264", fps=30)
    result = capture_from_clip(clip, steps=(Step.FACE,))
    assert result.frames == 30
    assert result.state.analysed_frames == 15


def test_clip_kept_in_memory(tmp_path: Path) -> None:
    frames = [sway(imagery.face_frame(480, 360, seed=i), i, 1) for i in range(12)]
    data = write_clip(tmp_path / "upload.mp4", frames, "libx264").read_bytes()
    result = capture_from_clip(io.BytesIO(data), steps=(Step.FACE,))
    assert result.state.done
    with pytest.raises(ClipError):
        capture_from_clip(io.BytesIO(b"\x00" * 2048))


def test_portrait_phone_clip_stored_sideways_is_turned_upright(tmp_path: Path) -> None:
    # Phones store a portrait video as landscape pixels plus a display matrix saying "turn
    # 90 degrees clockwise". PyAV cannot write that matrix, so it is patched into the MP4's
    # track header (tkhd), replacing the identity matrix.
    upright = [sway(imagery.face_frame(360, 480, seed=i), i, 1) for i in range(12)]
    sideways = [np.ascontiguousarray(np.rot90(frame, 1)) for frame in upright]
    data = bytearray(write_clip(tmp_path / "plain.mp4", sideways, "libx264").read_bytes())
    identity = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    turn_clockwise = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    at = data.find(identity, data.find(b"tkhd"))
    assert at > 0
    data[at : at + 36] = turn_clockwise
    # Without the matrix the face lies on its side and is not found.
    assert not capture_from_clip(io.BytesIO(bytes(data).replace(turn_clockwise, identity)),
                                 steps=(Step.FACE,)).state.done
    result = capture_from_clip(io.BytesIO(bytes(data)), steps=(Step.FACE,))
    assert result.state.done, result.hints_seen
    assert result.state.captures[Step.FACE][0].image.shape == (480, 360, 3)


def test_unreadable_files_raise_a_clip_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(ClipError, match="Please"):
        capture_from_clip(junk)
    with pytest.raises(ClipError):
        capture_from_clip(tmp_path / "missing.mp4")
