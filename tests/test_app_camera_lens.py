"""The capture page on a phone: the card sides are started on the rear camera, and when the
face comes next while that stream still runs, the customer is offered the front camera (a
restart of the stream, since streamlit-webrtc applies the requested camera only at the start);
a device with one camera sees none of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import streamlit_webrtc
from streamlit.testing.v1 import AppTest

from components.ui import camera as camera_module
from tests.app_harness import FakeStreamer, engine_of, fake_camera, simulator, start_app

SWITCH = "capture_switch_front"


def facing(call: dict[str, object]) -> object:
    constraints = call["media_stream_constraints"]
    assert isinstance(constraints, dict)
    return constraints["video"]["facingMode"]


@contextmanager
def cards_taken(cameras: int) -> Iterator[tuple[AppTest, FakeStreamer]]:
    """A browser listing ``cameras`` cameras: Start pressed on the front of the card, both card
    sides captured by that stream; the page now asks for the face."""
    with simulator(), fake_camera() as camera, patch(
            "components.ui.camera.camera_count", return_value=cameras):
        at = start_app()
        assert facing(camera.last) == {"ideal": "environment"}
        camera.playing = True
        at.run()
        for step in ("id_front", "id_back"):
            camera.show(step, 2.0)
        at.run()
        assert at.header[0].value == "Step 3 of 3: your face"
        yield at, camera


def test_a_phone_still_on_the_rear_camera_at_the_face_step_is_offered_the_front_camera(
) -> None:
    with cards_taken(cameras=2) as (at, _camera):
        assert not at.exception
        assert [i.value for i in at.info] == [
            "Now your face: use the front camera, on the screen side of your phone."]
        assert at.button(key=SWITCH).label == "Switch to the front camera"


def test_switching_shows_the_front_camera_to_start_and_keeps_the_card_photos() -> None:
    with cards_taken(cameras=2) as (at, camera):
        callback = camera.last["video_frame_callback"]
        before = len(camera.calls)
        at.button(key=SWITCH).click().run()
        assert not at.exception
        switched = camera.calls[before:]
        # A widget of its own, asking for the front camera; the customer presses its Start.
        assert switched[-1]["key"] == camera_module.FRONT_WIDGET_KEY
        assert facing(switched[-1]) == {"ideal": "user"}
        assert all(call.get("desired_playing_state") is None for call in switched)
        assert switched[-1]["video_frame_callback"] is callback  # same engine, same thread
        camera.playing = True  # Start pressed on the front camera
        at.run()
        assert camera.last["key"] == camera_module.FRONT_WIDGET_KEY
        assert not [b for b in at.button if b.key == SWITCH]
        assert at.header[0].value == "Step 3 of 3: your face"
        assert set(engine_of(at).snapshot().captures) >= {"id_front", "id_back"}
        camera.show("face", 3.0)  # the face through the new stream finishes the capture
        at.run()
        assert at.title[0].value == "Check your photos"


def test_a_phone_that_stops_the_rear_camera_at_the_face_step_starts_the_front_one_next(
) -> None:
    with cards_taken(cameras=2) as (at, camera):
        camera.playing = False  # Stop pressed (streamlit-webrtc reruns the page)
        at.run()
        at.run()
        # The next press of Start opens the face's own widget, asking for the front camera.
        assert camera.last["key"] == camera_module.FRONT_WIDGET_KEY
        assert facing(camera.last) == {"ideal": "user"}
        assert camera.last.get("desired_playing_state") is None  # the customer presses Start
        assert not [b for b in at.button if b.key == SWITCH]


def test_a_computer_with_one_camera_streams_the_face_without_a_switch_or_restart() -> None:
    with cards_taken(cameras=1) as (at, camera):
        assert not at.info
        assert not [b for b in at.button if b.key == SWITCH]
        assert {call["key"] for call in camera.calls} == {camera_module.WIDGET_KEY}
        assert all(call.get("desired_playing_state") is None for call in camera.calls)


def test_the_probe_seeds_the_device_store_the_installed_streamlit_webrtc_reads() -> None:
    # streamlit-webrtc remembers the opened camera per widget key, falling back to a global
    # entry, and applies it as an exact deviceId over our facingMode: without an entry of its
    # own, the front widget would open the rear camera remembered from the card steps.
    probe = (Path(camera_module.__file__).with_name("camera_probe") / "index.html").read_text()
    prefix = re.search(r'PREFIX = "([^"]+)"', probe)
    assert prefix is not None
    bundle = "".join(
        path.read_text(errors="replace") for path in
        (Path(streamlit_webrtc.__file__).parent / "frontend" / "dist").rglob("*.js"))
    assert f"`{prefix.group(1)}`" in bundle
    assert "deviceId:{exact:" in bundle
