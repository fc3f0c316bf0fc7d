"""The whole customer journey in headless Chromium, camera fed from generated clips, demo mode.

language -> consent -> capture (card front, card back, face triple, all automatic) -> review ->
submit to the embedded simulator -> results. A second run shows two people to the camera: the
face is never captured and the customer is told that only one face may be in the picture.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.axe import assert_accessible
from tests.browser.camera import WEBRTC_IFRAME, WebrtcCamera
from tests.browser.conftest import LaunchBrowser
from tests.browser.journey import (
    FACE_TIMING,
    PAGE_LOAD_MS,
    accept_consent,
    choose_english,
    en,
    expect_demo_label,
    go_to_review,
    keyed,
    open_app,
    showing,
    shows,
    step_heading,
    text,
    wait_for_heading,
)
from tests.browser.screenshots import StepShots
from tests.browser.server import StreamlitServer
from tests.clips import write_flow_clip

pytestmark = pytest.mark.browser

SECONDS_PER_STEP = 4.0
LOOP_S = 3 * SECONDS_PER_STEP  # the fake camera replays front, back, face every LOOP_S
CAPTURE_TIMEOUT_S = 3 * LOOP_S  # each step's subject comes round three times by then
TRANSACTION_ID = re.compile(re.escape(en("results.transaction", id="@")).replace("@", r"\S+"))
VIEWPORT: ViewportSize = {"width": 1100, "height": 1000}


def open_capture_page(page: Page, url: str, shots: StepShots) -> WebrtcCamera:
    """Language and consent, as a customer does them; returns the started camera."""
    open_app(page, url)
    shots.take(page, "language")
    choose_english(page)
    wait_for_heading(page, en("consent.title"))
    expect_demo_label(page)
    shots.take(page, "consent")
    accept_consent(page)
    wait_for_heading(page, en("capture.title"))
    expect_demo_label(page)
    expect(text(page, step_heading(1, "id_front")).first).to_be_visible(timeout=PAGE_LOAD_MS)
    shots.take(page, "capture-ready")
    camera = WebrtcCamera(page)
    camera.start()
    shots.take(page, "camera-started")
    return camera


def test_full_flow_from_camera_to_results(
    launch_browser: LaunchBrowser, app_server: StreamlitServer, shots: StepShots, clip_file: Path
) -> None:
    clip = write_flow_clip(clip_file, seconds_per_step=SECONDS_PER_STEP)
    page = shots.watch(launch_browser(clip).new_page(viewport=VIEWPORT))
    camera = open_capture_page(page, app_server.url, shots)
    camera.wait_until(camera.sent_width_follows_display, "a self-view as wide as shown", 30)
    # Under the camera comes the hand-off offer, one gap (1rem) below: the 0 px helper frames
    # (column width, camera count) take no space of their own.
    video = page.locator(WEBRTC_IFRAME)
    below = keyed(page, "handoff_offer").first
    video_box, below_box = video.bounding_box(), below.bounding_box()
    assert video_box is not None and below_box is not None
    assert below_box["y"] - (video_box["y"] + video_box["height"]) <= 20, (video_box, below_box)

    for index, step in ((2, "id_back"), (3, "face")):
        heading = step_heading(index, step)
        camera.wait_until(
            showing(page, heading),
            f"'{heading}' after the previous capture",
            CAPTURE_TIMEOUT_S,
        )
        shots.take(page, f"step-{index}-{step}")
        if step == "face":  # the live page, video and guidance updating, as axe-core sees it
            assert_accessible(page, "capture with the camera running, face step (desktop)")
    camera.wait_until(
        lambda: shows(page, en("capture.done")) or shows(page, en("review.title")),
        "the face triple to be captured",
        CAPTURE_TIMEOUT_S,
    )
    shots.take(page, "capture-done")

    go_to_review(page)
    expect_demo_label(page)
    check_review(page)
    shots.take(page, "review")

    keyed(page, "submit").get_by_role("button", name=en("review.submit")).click()
    wait_for_heading(page, en("results.title"), timeout_ms=90_000)
    expect_demo_label(page)
    check_verified_results(page)
    shots.take(page, "results")


def check_review(page: Page) -> None:
    """One photo of each card side and the face triple, all from the camera, none missing."""
    for step, photos in (("id_front", 1), ("id_back", 1), ("face", 3)):
        block = keyed(page, f"review_{step}")
        expect(block.get_by_role("img")).to_have_count(photos)
        expect(block.get_by_text(en("review.source_camera"))).to_be_visible()
        expect(block.get_by_text(en("review.missing", name=en(f"step.{step}.name")))).to_have_count(
            0
        )
    expect(keyed(page, "review_face").get_by_text(FACE_TIMING)).to_be_visible()


# What each service card says when its check passed (the embedded simulator's default answer).
PASSED_CARDS = {
    "spoofing": ("card.spoofing.title", en("card.spoofing.pass")),
    "liveness": ("card.liveness.title", en("card.liveness.pass")),
    "aml": ("card.aml.title", en("card.aml.clear")),
    "src": ("card.src.title", en("card.src.pass")),
    "validations": ("card.validations.title", en("card.validations.pass")),
    "classification": (
        "card.classification.title",
        en("card.classification.value", doc_type=en("card.classification.national_id")),
    ),
    "flags": ("card.flags.title", en("card.flags.means")),
}


def check_verified_results(page: Page) -> None:
    expect(page.get_by_text(en("verdict.verified.title"), exact=True)).to_be_visible()
    expect(text(page, en("verdict.verified.body"))).to_be_visible()
    # The transaction id is for support: under "Details for support", opened on demand.
    keyed(page, "support_details").get_by_text(en("results.support_details")).click()
    expect(page.get_by_text(TRANSACTION_ID)).to_be_visible()
    for key, (title, happened) in PASSED_CARDS.items():
        card = keyed(page, f"card_{key}")
        expect(card.get_by_role("heading", name=en(title))).to_be_visible()
        expect(card.get_by_text(happened)).to_be_visible()


def test_two_faces_are_never_captured_and_the_customer_is_told_why(
    launch_browser: LaunchBrowser, app_server: StreamlitServer, shots: StepShots, clip_file: Path
) -> None:
    clip = write_flow_clip(clip_file, seconds_per_step=SECONDS_PER_STEP, two_faces=True)
    page = shots.watch(launch_browser(clip).new_page(viewport=VIEWPORT))
    camera = open_capture_page(page, app_server.url, shots)

    face_step = step_heading(3, "face")
    camera.wait_until(showing(page, face_step), "the face step", 2 * CAPTURE_TIMEOUT_S)
    camera.wait_until(
        showing(page, en("hint.several_faces")),
        "the 'only one face' hint",
        CAPTURE_TIMEOUT_S,
    )
    shots.take(page, "one-face-hint")

    # Watch a full loop more of the clip: the face step must not move on.
    deadline = time.monotonic() + LOOP_S
    while time.monotonic() < deadline:
        assert not shows(page, en("capture.face_progress", count=1)), "a face was captured"
        assert not shows(page, en("capture.done")), "capture finished with two faces"
        time.sleep(0.5)
    assert shows(page, face_step)
    assert shows(page, en("capture.face_progress", count=0))
    shots.take(page, "still-waiting-for-one-face")
