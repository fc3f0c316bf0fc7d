"""Drive the Streamlit app in ``AppTest`` without a browser: a recording stand-in for
``webrtc_streamer`` (AppTest cannot render the component), camera frames from the fixture
imagery fed through the app's real video-frame callback, and a simulator to point the app at.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import av
import numpy as np
from streamlit.testing.v1 import AppTest

from components.capture.processor import CaptureEngine
from components.capture.webrtc import make_video_frame_callback
from components.ui.attempt import Attempt
from components.ui.attempt_registry import REGISTRY
from components.ui.session import TOKEN_PARAM
from components.ui.strings_ar import STRINGS as STRINGS_AR
from components.ui.strings_en import STRINGS
from components.vlens.simulator.scenario import Scenario
from components.vlens.simulator.server import Simulator
from tests.clips import FPS, card_back_frames, card_front_frames, face_frames

APP = str(Path(__file__).resolve().parents[1] / "app.py")
VLENS_ENV = ("VLENS_BASE_URL", "VLENS_API_KEY", "VLENS_TENANCY_NAME", "VLENS_USERNAME",
             "VLENS_PASSWORD", "VLENS_ACCESS_TOKEN")
VERIFYING_TITLES = {STRINGS["verifying.title"], STRINGS_AR["verifying.title"]}
STEP_FRAMES: dict[str, Callable[[int, int], Callable[[int], np.ndarray]]] = {
    "id_front": card_front_frames,
    "id_back": card_back_frames,
    "face": face_frames,
}


@dataclass
class FakeStreamer:
    """Stands in for ``webrtc_streamer``: records its arguments, feeds frames to its callback."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    frame_index: int = 0
    playing: bool = False  # whether the customer has pressed Start

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return SimpleNamespace(state=SimpleNamespace(playing=self.playing, signalling=False))

    @property
    def last(self) -> dict[str, Any]:
        assert self.calls, "the capture page did not show the camera"
        return self.calls[-1]

    def clock(self) -> float:
        """Arrival time of the frames fed so far: stream time (``frame_index`` ticks of 1/15 s),
        never the wall clock, so a slow rerun does not age them."""
        return self.frame_index / FPS

    def feed(self, frames: Iterator[np.ndarray] | list[np.ndarray], every: int = 1) -> None:
        """Send frames through the app's video_frame_callback, ``every`` ticks of 1/15 s apart
        in stream time (a larger ``every`` covers a long wait with few frames)."""
        callback = self.last["video_frame_callback"]
        for bgr in frames:
            frame = av.VideoFrame.from_ndarray(bgr, format="bgr24")
            frame.pts = self.frame_index
            frame.time_base = Fraction(1, FPS)
            callback(frame)
            if callback.analyser is not None:
                callback.analyser.wait_idle()  # analyse every frame: deterministic tests
            self.frame_index += every

    def show(self, step: str, seconds: float, size: tuple[int, int] | None = None) -> None:
        """Hold the subject of ``step`` (card front, card back, one face) in front of the camera.

        Cards come at 960x540 by default: wide enough (672 px) that the live engine does not
        wait for the stream's resolution to ramp up; faces at 640x480.
        """
        size = size or ((640, 480) if step == "face" else (960, 540))
        make = STEP_FRAMES[step](*size)
        start = self.frame_index
        self.feed(make(start + i) for i in range(round(seconds * FPS)))


@contextmanager
def fake_camera() -> Iterator[FakeStreamer]:
    """The stand-in camera; the app's frame callback times arrivals by its ``clock``."""
    fake = FakeStreamer()
    with patch("components.ui.camera.webrtc_streamer", fake), patch(
            "components.ui.capture_state.make_video_frame_callback",
            partial(make_video_frame_callback, clock=fake.clock)):
        yield fake


@contextmanager
def simulator(scenario: Scenario | None = None) -> Iterator[Simulator]:
    """A Vlens simulator on loopback; the app is pointed at it through the VLENS_* variables."""
    sim = Simulator(scenario or Scenario())
    base_url = sim.start()
    config = sim.demo_config()
    env = {
        "VLENS_BASE_URL": base_url,
        "VLENS_API_KEY": config.api_key,
        "VLENS_TENANCY_NAME": config.tenancy_name,
        "VLENS_USERNAME": config.username or "",
        "VLENS_PASSWORD": config.password or "",
    }
    try:
        with patch.dict(os.environ, env):
            os.environ.pop("VLENS_ACCESS_TOKEN", None)
            yield sim
    finally:
        sim.stop()


@contextmanager
def demo_mode() -> Iterator[None]:
    """No Vlens configuration at all: the app runs on its embedded simulator."""
    with patch.dict(os.environ, {}):
        for name in VLENS_ENV:
            os.environ.pop(name, None)
        yield


def start_app(language: str = "en") -> AppTest:
    """Open the app, choose ``language`` and accept the consent: lands on the capture page."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button(key=f"language_{language}").click().run()
    at.checkbox(key="consent_checkbox").check().run()
    at.button(key="consent_continue").click().run()
    return at


def capture_everything(at: AppTest, camera: FakeStreamer) -> None:
    """Show the card front, the back and the face until the app moves on to the review page."""
    for step in ("id_front", "id_back", "face"):
        capture_step(at, camera, step)


def attempt_of(at: AppTest) -> Attempt:
    """The attempt the app's page URL names (as the browser's reload would find it)."""
    token = at.query_params.get(TOKEN_PARAM)
    attempt = REGISTRY.find(token) if isinstance(token, str) else None
    assert attempt is not None, f"the page names no live attempt: {at.query_params}"
    return attempt


def engine_of(at: AppTest) -> CaptureEngine:
    engine = attempt_of(at).captures.engine
    assert engine is not None, "the capture page did not start the engine"
    return engine


def send(at: AppTest, key: str = "submit", timeout_s: float = 60.0) -> AppTest:
    """Press ``key`` (Send, or Retry) and follow the "Verifying…" page until the run ends."""
    at.button(key=key).click().run()
    return follow_verifying(at, timeout_s)


def follow_verifying(at: AppTest, timeout_s: float = 60.0) -> AppTest:
    """Rerun, as the page's polling does, until the run of the attempt has ended."""
    deadline = time.monotonic() + timeout_s
    while at.title and at.title[0].value in VERIFYING_TITLES and not at.exception:
        assert time.monotonic() < deadline, "the verification did not finish"
        time.sleep(0.1)
        at.run()
    return at


def capture_step(at: AppTest, camera: FakeStreamer, step: str, max_seconds: float = 8.0) -> None:
    """Show ``step``'s subject, a second at a time, until the engine has captured it."""
    engine = engine_of(at)
    needed = 3 if step == "face" else 1
    for _ in range(round(max_seconds)):
        camera.show(step, 1.0)
        if len(engine.snapshot().captures.get(step, ())) >= needed:
            break
    at.run()


def page_text(at: AppTest) -> str:
    """Every text the page shows (markdown, headings, alerts, captions, buttons, images)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "text", "caption", "success", "info",
                 "warning", "error", "toast"):
        parts += [str(element.value) for element in at.get(kind)]
    parts += [button.label for button in at.button]
    parts += [caption for image in at.get("image") for caption in image.captions]
    return "\n".join(parts)


def visit(at: AppTest, page: str) -> AppTest:
    """Open ``page`` by URL, as a customer typing it would.

    ``AppTest.switch_page`` keeps requesting that page on every later run, even after the app
    itself switched elsewhere; clearing the request afterwards lets the app's own
    ``st.switch_page`` calls take effect in the following runs, as in a browser.
    """
    at.switch_page(page).run()
    at._page_hash = ""
    return at
