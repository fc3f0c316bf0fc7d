"""capture_from_clip over real encoded clips written with PyAV (MP4, WebM, MOV, Y4M)."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from components.capture.hints import Step
from components.capture.video import ClipError, _upright, capture_from_clip
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


class RotatedFrame:
    """A decoded frame that carries a display rotation, as phone clips do (PyAV's convention:
    the angle the display turns the picture counter-clockwise). PyAV cannot write one."""

    def __init__(self, bgr: np.ndarray, rotation: int) -> None:
        self.bgr, self.rotation = bgr, rotation

    def to_ndarray(self, format: str) -> np.ndarray:
        assert format == "bgr24"
        return self.bgr


@pytest.mark.parametrize("rotation", [-90, 90, 180, 0])
def test_rotated_phone_frames_are_turned_upright(rotation: int) -> None:
    upright = imagery.face_frame(360, 480)  # a portrait selfie
    stored = np.ascontiguousarray(np.rot90(upright, k=-rotation // 90))  # as the file holds it
    turned = _upright(RotatedFrame(stored, rotation))  # type: ignore[arg-type]
    assert np.array_equal(turned, upright)


def test_unreadable_files_raise_a_clip_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(ClipError, match="Please"):
        capture_from_clip(junk)
    with pytest.raises(ClipError):
        capture_from_clip(tmp_path / "missing.mp4")
