"""A phone with a front and a rear camera: the card sides are taken with the stream started for
them (rear camera requested); when the face comes next, the page offers the front camera, and
after the switch Start opens the front camera, with the card photos kept."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.browser.camera import WEBRTC_IFRAME, WebrtcCamera
from tests.browser.chromium import launch_with_cameras
from tests.browser.journey import (
    PAGE_LOAD_MS,
    en,
    keyed,
    text,
    to_capture,
    write_upload_files,
)
from tests.browser.screenshots import StepShots
from tests.browser.server import StreamlitServer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Every getUserMedia call a frame makes, kept in that frame (the component's own iframe too).
RECORD_CAMERA_REQUESTS = """
(() => {
  const devices = navigator.mediaDevices;
  if (!devices || !devices.getUserMedia) return;
  const original = devices.getUserMedia.bind(devices);
  window.__cameraRequests = [];
  devices.getUserMedia = (constraints) => {
    window.__cameraRequests.push(JSON.stringify(constraints));
    return original(constraints);
  };
})();
"""


@pytest.fixture(scope="module")
def two_camera_browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_with_cameras(playwright, 2)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def card_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_upload_files(tmp_path_factory.mktemp("lens-uploads"))


def _camera_requests(page: Page) -> list[dict[str, Any]]:
    """The video constraints the component's frame asked the browser for, oldest first."""
    raw = page.locator(WEBRTC_IFRAME).first.content_frame.locator("body").evaluate(
        "body => body.ownerDocument.defaultView.__cameraRequests || []")
    return [json.loads(item).get("video") or {} for item in raw]


def test_a_phone_switches_to_its_front_camera_for_the_face_keeping_the_card_photos(
        two_camera_browser: Browser, app_server: StreamlitServer,
        card_files: dict[str, Path], shots: StepShots) -> None:
    context = two_camera_browser.new_context(  # type: ignore[arg-type]
        viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script(RECORD_CAMERA_REQUESTS)
    try:
        page = shots.watch(context.new_page())
        to_capture(page, app_server.url)
        camera = WebrtcCamera(page)
        camera.start()
        assert _camera_requests(page)[-1]["facingMode"] == {"ideal": "environment"}
        # Both card sides arrive (here as photos) while the rear camera runs.
        for step in ("id_front", "id_back"):
            keyed(page, f"upload_{step}").locator('input[type="file"]').set_input_files(
                card_files[step])
            added = en("upload.added", name=en(f"step.{step}.label"))
            expect(text(page, added).first).to_be_attached(timeout=PAGE_LOAD_MS)
        offer = keyed(page, "capture_front_camera")
        expect(offer.get_by_text(en("capture.front_camera_hint"))).to_be_visible(
            timeout=PAGE_LOAD_MS)
        shots.take(page, "front-camera-offered")
        offer.get_by_role("button", name=en("capture.front_camera_button")).click()

        # The front camera's own widget replaces the card's (whose stream stops); the customer
        # presses its Start, and it asks for the front camera.
        expect(offer).to_have_count(0, timeout=PAGE_LOAD_MS)
        _wait_for(lambda: camera.start_button_shown() and camera.video_state() is None,
                  "the front camera's Start", 30)
        camera.start()
        assert camera.reconnects == 0
        assert _requests_for(page, "user"), _camera_requests(page)
        expect(offer).to_have_count(0)
        for step in ("id_front", "id_back"):  # kept (the checklist is folded away on phones)
            expect(keyed(page, "capture_checklist").get_by_text(
                en("capture.checklist_done", name=en(f"step.{step}.label")))).to_be_attached()
        shots.take(page, "front-camera-running")
    finally:
        context.close()


def _requests_for(page: Page, facing: str) -> list[dict[str, Any]]:
    try:
        return [video for video in _camera_requests(page)
                if video.get("facingMode") == {"ideal": facing}]
    except Exception:  # the frame is being replaced
        return []


def _wait_for(condition: Callable[[], bool], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.3)
