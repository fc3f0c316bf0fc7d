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
from components.ui.attempt import CameraLens
from components.ui.backend import webrtc_section
from components.ui.i18n import t
from components.ui.layout import helper_frames_take_no_room

WIDGET_KEY = "capture_camera"
# The front camera, once the customer switched to it for the face: a widget of its own, since
# streamlit-webrtc applies the requested camera only when a stream starts, and remembers the
# device it opened per widget key (as an exact deviceId, stronger than facingMode).
FRONT_WIDGET_KEY = "capture_camera_front"
CAMERAS_KEY = "capture_cameras"
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
# How many cameras the browser lists; it also gives FRONT_WIDGET_KEY a remembered-device entry
# of its own, so that widget starts with the camera it asks for (see camera_probe/index.html).
_camera_probe = st_components.declare_component(
    "camera_probe", path=str(Path(__file__).with_name("camera_probe")))
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


def facing_for(step: str | None) -> str:
    """The camera a phone should use: the rear one for the card sides, the front one for the
    face (and when nothing is left to take)."""
    return "user" if step in (None, "face") else "environment"


def constraints_for(step: str | None) -> dict[str, Any]:
    """Phones: the rear camera for the card sides, the front one for the face ("ideal": a
    computer's only webcam still starts; the component's camera selector switches)."""
    return {**MEDIA_CONSTRAINTS, "video": {**MEDIA_CONSTRAINTS["video"],
                                           "facingMode": {"ideal": facing_for(step)}}}


def camera_count() -> int | None:
    """How many cameras the browser lists, once it reported them (at most one before the
    camera permission is granted)."""
    value = _camera_probe(key=CAMERAS_KEY, default=None, fresh_keys=[FRONT_WIDGET_KEY])
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def camera_on(stream: Any) -> bool:
    """Start was pressed: the camera is connecting or running."""
    return bool(stream.state.playing or stream.state.signalling)


def front_camera_offered(stream: Any, step: str | None) -> bool:
    """Offer "Switch to the front camera": the face is next, but the running stream was started
    for a card side (a phone's rear camera), on a device with more than one camera."""
    lens = capture_state.lens()
    return (step == "face" and lens.running_key == WIDGET_KEY
            and lens.started_facing == "environment" and (lens.cameras or 0) >= 2
            and camera_on(stream))


def _front_widget(lens: CameraLens, step: str | None) -> bool:
    """Whether the front camera's widget shows: a running stream keeps its widget (another one
    would restart it); else for the face once the customer switched, or on any device with
    more than one camera (a computer with one webcam keeps one widget throughout)."""
    if lens.running_key is not None:
        return lens.running_key == FRONT_WIDGET_KEY
    return step in (None, "face") and (lens.front or (lens.cameras or 0) >= 2)


def switch_to_front_camera() -> None:
    """Show the front camera's widget from the next render on; the customer presses its Start
    (the captures stay: the engine and its frame callback belong to the attempt, not to the
    widget). The rear stream stops as its widget leaves the page. Not started by the app:
    streamlit-webrtc's ``desired_playing_state`` started the new widget's stream several times
    over in Chromium, and none of them reached the server."""
    lens = capture_state.lens()
    lens.front = True
    lens.running_key = None


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
    ``step`` is the first step still to take (which camera a phone should start with). On a
    device with more than one camera the face has a widget of its own (FRONT_WIDGET_KEY),
    shown when the customer switches to it from a running card stream.

    ``callback`` comes from ``make_video_frame_callback(engine)`` with the engine kept in
    the attempt; it runs on streamlit-webrtc's thread and never touches Streamlit. The
    self-view it sends back follows the width the video is displayed at."""
    cap_self_view_bitrate()
    lens = capture_state.lens()
    front = _front_widget(lens, step)
    key = FRONT_WIDGET_KEY if front else WIDGET_KEY
    constraints = constraints_for("face" if front else step)
    context = webrtc_streamer(
        key=key,
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=rtc_configuration(),  # None: the same as leaving it out
        video_frame_callback=callback,
        media_stream_constraints=constraints,
        video_html_attrs={**VIDEO_ATTRS, "aria-label": t("capture.video_label")},
        translations=translations(),
    )
    if camera_on(context):
        lens.running_key = key
    else:  # the constraints a press of Start would use
        lens.running_key = None
        lens.started_facing = constraints["video"]["facingMode"]["ideal"]
    callback.view_width = self_view_width(displayed_width())  # under the video: no shift
    lens.cameras = camera_count()
    helper_frames_take_no_room(VIEW_WIDTH_KEY, CAMERAS_KEY)
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
