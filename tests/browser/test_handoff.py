"""Continue on your phone: a computer without a camera hands the attempt to a phone by QR code.

Two browsers on two replicas of the app sharing one PostgreSQL store, as behind a load
balancer (sticky sessions cannot keep two devices on one replica): the computer (1280×900, no
camera at all) on the first and the phone (390×844, fake camera) on the second. The QR code on
the computer's screen decodes to the link; the phone opens it, continues in the computer's
language (Arabic here), confirms consent, takes the photos and submits; the computer follows by
itself and shows the same verdict and transaction id. A computer whose camera is refused is
offered the phone with that reason. A third device, a reused link, an expired link and a
cancelled link get clear pages in both languages; the token never reaches the server logs. The
hand-off page passes axe-core in English and Arabic.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from components.integration.config import DEMO_LINK_SECRET
from components.integration.handoff import OPEN_WITHIN_S, QUERY_PARAMETER, start_handoff
from components.integration.results import AttemptContext
from components.store import open_store
from tests.browser.axe import assert_accessible
from tests.browser.camera import WebrtcCamera
from tests.browser.chromium import launch_without_camera
from tests.browser.conftest import LaunchBrowser, serve_app
from tests.browser.journey import (
    PAGE_LOAD_MS,
    accept_consent,
    go_to_review,
    keyed,
    say,
    to_capture,
    wait_for_heading,
)
from tests.browser.screenshots import StepShots
from tests.browser.server import StreamlitServer
from tests.browser.test_flow import CAPTURE_TIMEOUT_S, SECONDS_PER_STEP
from tests.clips import write_flow_clip
from tests.postgres import PostgresServer, postgres_server  # noqa: F401  (session fixture)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AR = "ar"


@pytest.fixture(scope="module")
def store_url(request: pytest.FixtureRequest) -> str:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.fresh_database()


@contextmanager
def _replica(tmp_path_factory: pytest.TempPathFactory, name: str,
             store_url: str) -> Iterator[StreamlitServer]:
    """A replica of the app in demo mode on the shared store."""
    server = serve_app(tmp_path_factory, name, {"VLENS_DATABASE_URL": store_url})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def handoff_server(tmp_path_factory: pytest.TempPathFactory,
                   store_url: str) -> Iterator[StreamlitServer]:
    """The computer's replica (this test reads the store too)."""
    with _replica(tmp_path_factory, "handoff-server", store_url) as server:
        yield server


@pytest.fixture(scope="module")
def phone_replica(tmp_path_factory: pytest.TempPathFactory,
                  store_url: str) -> Iterator[StreamlitServer]:
    """A second replica on the same store, which serves the phone."""
    with _replica(tmp_path_factory, "handoff-replica", store_url) as server:
        yield server


@pytest.fixture(scope="module")
def desktop_browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_without_camera(playwright)
    try:
        yield browser
    finally:
        browser.close()


def _phone_context(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[arg-type]


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)[QUERY_PARAMETER][0]


def _refused_in_both_languages(page: Page, link: str, reason: str) -> None:
    page.goto(link)
    for language in ("en", AR):
        block = keyed(page, f"link_page_{language}")
        expect(block.get_by_text(say(language, "handoff.refused.title"))).to_be_visible(
            timeout=PAGE_LOAD_MS)
        expect(block.get_by_text(say(language, f"handoff.refused.{reason}"))).to_be_visible()


def _decoded_qr(page: Page, expected: str, timeout_s: float = 30.0) -> str:
    """The QR code on a screenshot of the computer's screen (the code's image as shown, with
    the page's white margin around it), decoded by OpenCV; screenshots are taken until it
    reads ``expected`` or ``timeout_s`` passes (while the page reruns, Streamlit fades stale
    elements and the new image may still be loading)."""
    code = keyed(page, "handoff_code").locator("img.handoff-qr")
    deadline = time.monotonic() + timeout_s
    while True:
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=code.element_handle(),
            timeout=PAGE_LOAD_MS)
        code.scroll_into_view_if_needed()
        box = code.bounding_box()
        assert box is not None, "the QR code is not on the page"
        png = page.screenshot(animations="disabled", clip={  # the page's own white margin
            "x": box["x"] - 16, "y": box["y"] - 16,
            "width": box["width"] + 32, "height": box["height"] + 32})
        image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
        image = cv2.copyMakeBorder(image, 24, 24, 24, 24, cv2.BORDER_CONSTANT,
                                   value=(255, 255, 255))
        # Two of OpenCV's decoders: the classic one misses some dense codes at some sizes.
        texts = [str(detector.detectAndDecode(image)[0])
                 for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco())]
        if expected in texts or time.monotonic() > deadline:
            return expected if expected in texts else max(texts, key=len)
        page.wait_for_timeout(300)


def _shown_link(page: Page) -> str:
    return keyed(page, "handoff_code").locator("code").inner_text().strip()


def _desktop_status(page: Page, language: str, status: str) -> None:
    box = page.locator(".handoff-status")
    expect(box).to_have_text(say(language, f"handoff.status.{status}"), timeout=PAGE_LOAD_MS)


def _transaction_id(text: str, language: str) -> str:
    pattern = re.escape(say(language, "results.transaction", id="@")).replace("@", r"(\S+)")
    found = re.search(pattern, text)
    assert found is not None, text
    return found.group(1)


def _on_replica(link: str, replica: StreamlitServer) -> str:
    """``link`` as the load balancer would route it: to another replica."""
    return replica.url + link[link.index("/?"):]


def test_a_computer_without_a_camera_hands_the_attempt_to_a_phone_by_qr_code(
        handoff_server: StreamlitServer, phone_replica: StreamlitServer,
        desktop_browser: Browser, launch_browser: LaunchBrowser, clip_file: Path,
        shots: StepShots) -> None:
    started = time.monotonic()
    # The phone's camera clip (~10 s to write) is made while the computer's part runs.
    clip_maker = ThreadPoolExecutor(max_workers=1)
    clip = clip_maker.submit(write_flow_clip, clip_file, seconds_per_step=SECONDS_PER_STEP)
    clip_maker.shutdown(wait=False)
    desktop = shots.watch(desktop_browser.new_context(  # type: ignore[arg-type]
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]).new_page())
    to_capture(desktop, handoff_server.url)
    # No camera here: the offer comes first, with the reason.
    offer = keyed(desktop, "handoff_offer")
    expect(offer.get_by_text(say("en", "handoff.offer.none"))).to_be_visible(timeout=PAGE_LOAD_MS)
    shots.take(desktop, "desktop-no-camera-offer")
    offer.get_by_role("button", name=say("en", "handoff.offer.button")).click()
    wait_for_heading(desktop, say("en", "handoff.title"))
    _desktop_status(desktop, "en", "waiting")
    assert_accessible(desktop, "hand-off page (English)")
    english_link = _shown_link(desktop)

    # Switched to Arabic before the phone came: a new code in Arabic (the English one cancelled).
    keyed(desktop, "switch_language").get_by_role("button").click()
    wait_for_heading(desktop, say(AR, "handoff.title"))
    _desktop_status(desktop, AR, "waiting")
    expect(keyed(desktop, "handoff_code").locator("code")).not_to_have_text(english_link)
    link = _shown_link(desktop)
    assert link != english_link and link.startswith(handoff_server.url + "/?handoff=")
    assert _decoded_qr(desktop, link) == link
    copy = keyed(desktop, "handoff_copy")
    copy.get_by_role("button", name=say(AR, "handoff.copy")).click()
    expect(copy.get_by_text(say(AR, "handoff.copied"))).to_be_visible()
    assert desktop.evaluate("navigator.clipboard.readText()") == link
    assert_accessible(desktop, "hand-off page (Arabic)")
    shots.take(desktop, "desktop-qr-arabic")
    desktop.reload()  # the computer's tab reloaded: the same code, still waiting
    wait_for_heading(desktop, say(AR, "handoff.title"))
    _desktop_status(desktop, AR, "waiting")
    assert _shown_link(desktop) == link

    third = desktop_browser.new_context(viewport=PHONE).new_page()  # type: ignore[arg-type]
    _refused_in_both_languages(third, english_link, "cancelled")

    # The phone opens the link: Arabic, consent asked again there.
    phone_browser = launch_browser(clip.result(timeout=120))
    phone = _phone_context(phone_browser).new_page()
    phone.goto(_on_replica(link, phone_replica))
    wait_for_heading(phone, say(AR, "consent.title"))
    assert QUERY_PARAMETER not in phone.url  # a reload continues by the attempt, not the token
    _desktop_status(desktop, AR, "connected")
    _refused_in_both_languages(third, link, "other_device")
    shots.take(third, "third-device-refused")

    accept_consent(phone, AR)
    wait_for_heading(phone, say(AR, "capture.title"))
    expect(keyed(phone, "handoff_offer")).to_have_count(0)  # the phone is the phone
    _desktop_status(desktop, AR, "capturing")
    shots.take(desktop, "desktop-phone-taking-photos")
    camera = WebrtcCamera(phone, start_label=re.compile(say(AR, "webrtc.start")))
    camera.start()
    camera.wait_until(lambda: phone.get_by_role("heading", name=say(AR, "review.title"))
                      .count() > 0 or keyed(phone, "capture_review").count() > 0,
                      "every photo on the phone", 3 * CAPTURE_TIMEOUT_S)
    go_to_review(phone, language=AR)
    keyed(phone, "submit").get_by_role("button", name=say(AR, "review.submit")).click()
    wait_for_heading(phone, say(AR, "results.title"), timeout_ms=90_000)
    expect(phone.get_by_text(say(AR, "verdict.verified.title"), exact=True)).to_be_visible()
    keyed(phone, "support_details").get_by_text(say(AR, "results.support_details")).click()
    phone_txn = _transaction_id(keyed(phone, "support_details").inner_text(), AR)
    shots.take(phone, "phone-result")

    # The computer moved on by itself: the same verdict and transaction id.
    wait_for_heading(desktop, say(AR, "results.title"), timeout_ms=PAGE_LOAD_MS)
    verdict = keyed(desktop, "verdict")
    expect(verdict.get_by_text(say(AR, "verdict.verified.title"))).to_be_visible()
    expect(desktop.get_by_text(say(AR, "handoff.result.on_phone"))).to_be_visible()
    desktop_txn = _transaction_id(keyed(desktop, "phone_result_support").inner_text(), AR)
    assert desktop_txn == phone_txn
    shots.take(desktop, "desktop-result")

    _refused_in_both_languages(third, link, "used")
    for server in (handoff_server, phone_replica):
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
        assert _token(link) not in log and _token(english_link) not in log
    print(f"hand-off journey: {time.monotonic() - started:.1f} s")


def test_a_link_opened_after_ten_minutes_is_refused_in_both_languages(
        handoff_server: StreamlitServer, store_url: str, desktop_browser: Browser) -> None:
    # Started eleven minutes ago by the clock handed to the store: nobody waits.
    store = open_store(store_url)
    try:
        started = start_handoff(store, DEMO_LINK_SECRET, language="en",
                                context=AttemptContext.new(), public_url=handoff_server.url,
                                clock=lambda: time.time() - OPEN_WITHIN_S - 60)
    finally:
        store.dispose()
    page = desktop_browser.new_context(viewport=PHONE).new_page()  # type: ignore[arg-type]
    _refused_in_both_languages(page, started.url, "expired")
    _refused_in_both_languages(page, started.url.replace("?handoff=", "?handoff=x"),
                               "tampered")


def test_a_computer_whose_camera_is_refused_is_offered_the_phone_with_the_reason(
        handoff_server: StreamlitServer, plain_browser: Browser) -> None:
    """The camera exists, but the customer (or a policy) refused it for this site."""
    context = plain_browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    target = cdp.send("Target.getTargetInfo")["targetInfo"]
    cdp.send("Browser.setPermission", {
        "permission": {"name": "camera"}, "setting": "denied",
        "origin": handoff_server.url, "browserContextId": target["browserContextId"]})
    to_capture(page, handoff_server.url)
    offer = keyed(page, "handoff_offer")
    expect(offer.get_by_text(say("en", "handoff.offer.denied"))).to_be_visible(
        timeout=PAGE_LOAD_MS)
    expect(offer.get_by_role("button", name=say("en", "handoff.offer.button"))).to_be_visible()
    context.close()
