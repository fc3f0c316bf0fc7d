"""The live camera: streamlit-webrtc's ``webrtc_streamer`` wired to the capture engine."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as st_components
from streamlit_webrtc import WebRtcMode, webrtc_streamer
from streamlit_webrtc.config import Translations

from components.capture.self_view_bitrate import cap_self_view_bitrate
from components.capture.webrtc import SELF_VIEW_MAX_WIDTH, FrameCallback
from components.turn_credentials import session_ice_servers
from components.ui import capture_state
from components.ui.backend import webrtc_section
from components.ui.i18n import t

WIDGET_KEY = "capture_camera"
VIEW_WIDTH_KEY = "capture_view_width"
# The self-view is sent back as wide as the browser shows it (CSS pixels; phones ~360, the
# desktop column up to 640), never below this: the guidance stays legible when scaled up.
SELF_VIEW_MIN_WIDTH = 240
VIEW_WIDTH_STEP = 16  # widths in 16 px steps (the browser reports them so, too)
MAX_REPORTED_WIDTH = 10_000  # a reported width beyond any screen is ignored
# A 0 px high frame that reports its own width, i.e. the width of the column it sits in; a
# static page served by Streamlit itself, so a strict Content-Security-Policy allows it.
_view_width_reporter = st_components.declare_component(
    "view_width", path=str(Path(__file__).with_name("view_width")))
NO_PICTURE_AFTER_S = 10.0  # connected this long without a single analysed frame: say so
# 15 frames/s is all the engine analyses (steady runs, the face triple >= 0.12 s apart); a
# 30 fps camera would double the server's decoding and self-view encoding for nothing. "ideal",
# not "max": a browser that cannot lower the rate must still start the camera (a required max
# would fail with OverconstrainedError on some cameras).
MEDIA_CONSTRAINTS: dict[str, Any] = {
    "video": {"facingMode": "user", "width": {"ideal": 1280},
              "frameRate": {"ideal": 15}},
    "audio": False,
}
# Passing video attributes replaces streamlit-webrtc's defaults, so everything is listed:
# iOS Safari shows a black video unless it plays inline, muted and without controls.
VIDEO_ATTRS: dict[str, Any] = {
    "autoPlay": True,
    "playsInline": True,
    "muted": True,
    "controls": False,
    "style": {"width": "100%"},
}


def rtc_configuration() -> dict[str, Any] | None:
    """ICE servers: none in browser tests (loopback); ``[webrtc] ice_servers`` plus a TURN
    credential minted for this session (components.turn_credentials) when configured; else None
    so streamlit-webrtc discovers servers itself (TURN from env, or STUN)."""
    if os.environ.get("VLENS_TEST_NO_ICE") == "1":
        return {"iceServers": []}
    servers = session_ice_servers(webrtc_section(), os.environ, st.session_state)
    return {"iceServers": servers} if servers else None


def translations() -> Translations:
    """The component's own texts (its Start button and camera errors) in the session language;
    the camera errors point to the upload path."""
    return Translations(
        start=t("webrtc.start"),
        stop=t("webrtc.stop"),
        select_device=t("webrtc.select_device"),
        select_camera=t("webrtc.select_device"),
        device_ask_permission=t("webrtc.ask_permission"),
        device_not_available=t("webrtc.not_available"),
        device_access_denied=t("webrtc.access_denied"),
        media_api_not_available=t("webrtc.api_not_available"),
    )


def constraints_for(step: str | None) -> dict[str, Any]:
    """Phones: the rear camera for the card sides, the front one for the face ("ideal": a
    computer's only webcam still starts; the component's camera selector switches)."""
    facing = "user" if step in (None, "face") else "environment"
    return {**MEDIA_CONSTRAINTS, "video": {**MEDIA_CONSTRAINTS["video"],
                                           "facingMode": {"ideal": facing}}}


def displayed_width() -> int | None:
    """The width in CSS pixels of the column this is called in, once the browser reported it."""
    value = _view_width_reporter(key=VIEW_WIDTH_KEY, default=None)
    if isinstance(value, int | float) and not isinstance(value, bool) and (
            0 < value <= MAX_REPORTED_WIDTH):
        return int(value)
    return None


def self_view_width(displayed: int | None) -> int:
    """How wide the self-view is sent back for a column ``displayed`` CSS pixels wide (None:
    not known yet). Encoding it is the server's largest per-frame cost and grows with its
    area; the browser scales the video to the column anyway."""
    if displayed is None:
        return SELF_VIEW_MAX_WIDTH
    stepped = math.ceil(displayed / VIEW_WIDTH_STEP) * VIEW_WIDTH_STEP
    return max(SELF_VIEW_MIN_WIDTH, min(SELF_VIEW_MAX_WIDTH, stepped))


def live_camera(callback: FrameCallback, step: str | None = None) -> Any:
    """Show the self-view with the engine's guidance drawn on it; returns the streamer context.
    ``step`` is the first step still to take (which camera a phone should start with).

    ``callback`` comes from ``make_video_frame_callback(engine)`` with the engine kept in
    the attempt; it runs on streamlit-webrtc's thread and never touches Streamlit. The
    self-view it sends back follows the width the video is displayed at."""
    cap_self_view_bitrate()
    context = webrtc_streamer(
        key=WIDGET_KEY,
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=rtc_configuration(),  # None: the same as leaving it out
        video_frame_callback=callback,
        media_stream_constraints=constraints_for(step),
        video_html_attrs={**VIDEO_ATTRS, "aria-label": t("capture.video_label")},
        translations=translations(),
    )
    callback.view_width = self_view_width(displayed_width())  # under the video: no shift
    return context


def picture_missing(started: bool, analysed_frames: int) -> bool:
    """True when the stream was started a while ago but no frame has reached the engine (the
    connection never came up, e.g. a network that needs a TURN server, or a silent camera)."""
    captures = capture_state.work()
    if not started or analysed_frames:
        captures.playing_since = None
        return False
    if captures.playing_since is None:
        captures.playing_since = time.monotonic()
        return False
    return time.monotonic() - captures.playing_since > NO_PICTURE_AFTER_S
