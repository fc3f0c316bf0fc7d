"""Submit exactly once: a double click or double tap on "Send for verification" leads to one
verification run that finishes and shows its result (the embedded simulator's ``slow`` scenario,
about 2 s per request, so the second click lands while the first run is sending). The review
fits "Send" within two screens, on a phone and a desktop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import serve_app
from tests.browser.journey import (
    accept_consent,
    choose_english,
    double_click,
    en,
    keyed,
    open_app,
    upload_everything,
    wait_for_heading,
    write_upload_files,
)
from tests.browser.screenshots import StepShots
from tests.browser.server import StreamlitServer

pytestmark = pytest.mark.browser

SLOW_RUN_MS = 90_000  # four requests of ~2 s each, with room for a loaded two-core machine


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    server = serve_app(tmp_path_factory, "app-slow", {"VLENS_DEMO_SCENARIO": "slow"})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def upload_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_upload_files(tmp_path_factory.mktemp("uploads"))


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_double_click_on_send_runs_one_verification_and_shows_its_result(
    device: str, plain_browser: Browser, slow_server: StreamlitServer,
    upload_files: dict[str, Path], shots: StepShots,
) -> None:
    phone = device == "phone"
    context = plain_browser.new_context(
        viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        is_mobile=phone, has_touch=phone)
    try:
        page = shots.watch(context.new_page())
        open_app(page, slow_server.url)
        choose_english(page)
        wait_for_heading(page, en("consent.title"))
        accept_consent(page)
        wait_for_heading(page, en("capture.title"))
        upload_everything(page, upload_files)
        shots.take(page, "review")

        send = keyed(page, "submit").get_by_role("button", name=en("review.submit"))
        box = send.bounding_box()  # the review fits "Send" within two screens
        height = 844 if phone else 900
        assert box is not None and box["y"] + box["height"] <= 2 * height, box
        double_click(page, send, gap_ms=200, touch=phone)
        wait_for_heading(page, en("verifying.title"))
        expect(page.get_by_text(en("verifying.elapsed", seconds="@").split("@")[0]).first
               ).to_be_visible()
        expect(page.get_by_text(en("api_step.liveness"))).to_be_visible()
        assert_accessible(page, f"verifying ({device})")
        shots.take(page, "verifying")
        wait_for_heading(page, en("results.title"), timeout_ms=SLOW_RUN_MS)
        expect(page.get_by_text(en("verdict.verified.title"), exact=True)).to_be_visible()
        shots.take(page, "results")
    finally:
        context.close()
