"""Drive streamlit-webrtc's component (inside its iframe) from Playwright.

Roughly one run in seven, headless Chromium's WebRTC connection to aiortc drops right after ICE
completes and the component falls back to its Start button. ``WebrtcCamera`` reconnects once,
logs it and emits a ``CameraReconnectWarning`` (shown in pytest's summary); a second drop fails.
"""

from __future__ import annotations

import logging
import math
import re
import time
import warnings
from collections.abc import Callable
from typing import Any

from playwright.sync_api import FrameLocator, Page

WEBRTC_IFRAME = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'
START = re.compile(r"^\s*start\s*$", re.IGNORECASE)
STOP = re.compile(r"^\s*stop\s*$", re.IGNORECASE)

VIDEO_STATE_JS = """v => ({
    width: v.videoWidth,
    height: v.videoHeight,
    paused: v.paused,
    readyState: v.readyState,
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
})"""

log = logging.getLogger(__name__)


class CameraReconnectWarning(UserWarning):
    """The WebRTC connection dropped once and the test reconnected."""


class WebrtcCamera:
    """The webrtc_streamer component on ``page``: start it, watch its video, reconnect once."""

    def __init__(
        self,
        page: Page,
        iframe_selector: str = WEBRTC_IFRAME,
        start_label: re.Pattern[str] = START,
        stop_label: re.Pattern[str] = STOP,
    ) -> None:
        self.page = page
        self.iframe_selector = iframe_selector
        self.start_label = start_label
        self.stop_label = stop_label
        self.reconnects = 0

    @property
    def frame(self) -> FrameLocator:
        return self.page.frame_locator(self.iframe_selector)

    def video_state(self) -> dict[str, Any] | None:
        """Size, readiness and decoded-frame count of the component's video, or None."""
        video = self.frame.locator("video")
        if video.count() == 0:
            return None
        try:
            state: dict[str, Any] = video.first.evaluate(VIDEO_STATE_JS, timeout=2_000)
        except Exception:  # the element was replaced while we looked
            return None
        return state

    def is_streaming(self, window_s: float = 0.6) -> bool:
        """True when the video shows frames and new ones keep arriving."""
        before = self.video_state()
        if not before or before["width"] == 0 or before["readyState"] < 2:
            return False
        time.sleep(window_s)
        after = self.video_state()
        return bool(after and after["width"] > 0 and after["frames"] > before["frames"])

    def start_button_shown(self) -> bool:
        button = self.frame.get_by_role("button", name=self.start_label)
        return button.count() > 0 and button.first.is_visible()

    def start(self, timeout_s: float = 40.0) -> None:
        """Click Start and wait for a live video; reconnects once if the connection drops."""
        self.frame.get_by_role("button", name=self.start_label).click(timeout=30_000)
        problem = self._wait_streaming(timeout_s)
        if problem is not None:
            self._reconnect(problem, timeout_s)

    def sent_width_follows_display(self) -> bool:
        """Whether the self-view arrives as wide as the component is shown (CSS pixels, in
        16 px steps, within 240-640 px): the server encodes no more than the page displays."""
        box = self.page.locator(self.iframe_selector).bounding_box()
        state = self.video_state()
        if box is None or state is None:
            return False
        shown = max(240, min(640, math.ceil(box["width"] / 16) * 16))
        return bool(state["width"] == shown)

    def wait_until(
        self,
        condition: Callable[[], bool],
        what: str,
        timeout_s: float,
        poll_s: float = 0.5,
    ) -> None:
        """Wait for ``condition`` while the camera streams; reconnect once on a dropped stream."""
        deadline = time.monotonic() + timeout_s
        while True:
            if condition():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
            if self.start_button_shown() and self.video_state() is None:
                self._reconnect(f"the connection dropped while waiting for {what}", 40.0)
            time.sleep(poll_s)

    def _wait_streaming(self, timeout_s: float, grace_s: float = 3.0) -> str | None:
        """None once live video arrives, else what went wrong."""
        clicked = time.monotonic()
        deadline = clicked + timeout_s
        while time.monotonic() < deadline:
            if self.is_streaming():
                return None
            # After a moment, a Start button again means the component gave up and reset itself.
            elapsed = time.monotonic() - clicked
            if elapsed > grace_s and self.start_button_shown():
                return f"the connection dropped {elapsed:.0f} s after Start, before live video"
            time.sleep(0.3)
        return f"no live video within {timeout_s:.0f} s of Start"

    def _reconnect(self, why: str, timeout_s: float) -> None:
        if self.reconnects >= 1:
            raise AssertionError(f"WebRTC failed again after one reconnect: {why}")
        self.reconnects += 1
        message = f"WebRTC camera reconnect #{self.reconnects}: {why}"
        log.warning(message)
        warnings.warn(message, CameraReconnectWarning, stacklevel=2)
        stop = self.frame.get_by_role("button", name=self.stop_label)
        if stop.count() > 0 and stop.first.is_visible():
            stop.first.click()
        self.frame.get_by_role("button", name=self.start_label).click(timeout=30_000)
        problem = self._wait_streaming(timeout_s)
        if problem is not None:
            raise AssertionError(
                f"WebRTC failed again after one reconnect: {problem} (first failure: {why})"
            )
