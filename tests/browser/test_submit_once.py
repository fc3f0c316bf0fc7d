"""Submit exactly once: a double click (desktop, English) or double tap (phone, Arabic) on "Send
for verification", and a reload while it runs, lead to one verification run, with one request
per step in the server's log, that finishes and shows its result, opened at the verdict with
focus on it (the embedded simulator's ``slow`` scenario, about 2 s per request, so the second
click lands while the first run is sending). The review fits "Send" within two screens, on a
phone and a desktop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import serve_app
from tests.browser.journey import (
    double_click,
    keyed,
    review_by_upload,
    say,
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


def _calls_logged(server: StreamlitServer, transaction_id: str) -> list[str]:
    """The Vlens steps the server called for ``transaction_id``, one entry per request."""
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    return [found.group(1) for found in re.finditer(
        r'event="vlens_call" step="(\w+)".*transaction_id="' + re.escape(transaction_id) + '"',
        log)]


def _lines_taken(page: Page, key: str, text: str) -> int:
    """On how many lines ``text`` is drawn inside the block keyed ``key`` (0: not found)."""
    return int(page.evaluate("""([key, text]) => {
        const walker = document.createTreeWalker(document.querySelector('.st-key-' + key),
                                                 NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(text);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + text.length);
            return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
        }
        return 0;
    }""", [key, text]))


@pytest.mark.parametrize(("device", "language"), [("desktop", "en"), ("phone", "ar")])
def test_a_double_click_on_send_runs_one_verification_and_shows_its_result(
    device: str, language: str, plain_browser: Browser, slow_server: StreamlitServer,
    upload_files: dict[str, Path], shots: StepShots,
) -> None:
    phone = device == "phone"

    context = plain_browser.new_context(
        viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        is_mobile=phone, has_touch=phone)
    try:
        page = shots.watch(context.new_page())
        review_by_upload(page, slow_server.url, upload_files, language)
        shots.take(page, "review")

        send = keyed(page, "submit").get_by_role("button", name=say(language, "review.submit"))
        box = send.bounding_box()  # the review fits "Send" within two screens
        height = 844 if phone else 900
        assert box is not None and box["y"] + box["height"] <= 2 * height, box
        double_click(page, send, gap_ms=200, touch=phone)
        wait_for_heading(page, say(language, "verifying.title"))
        expect(page.get_by_text(say(language, "verifying.elapsed", seconds="@").split("@")[0]).first
               ).to_be_visible()
        expect(page.get_by_text(say(language, "api_step.liveness"))).to_be_visible()
        assert_accessible(page, f"verifying ({device})")
        shots.take(page, "verifying")
        page.reload()  # mid-run: the same run goes on (nothing is sent again, counted below)
        wait_for_heading(page, say(language, "verifying.title"))
        wait_for_heading(page, say(language, "results.title"), timeout_ms=SLOW_RUN_MS)
        verdict = say(language, "verdict.verified.title")
        expect(page.get_by_text(verdict, exact=True)).to_be_visible()
        # The results open at the verdict, in view, with focus on it (a phone too).
        page.wait_for_function(
            "text => (document.activeElement && document.activeElement.textContent || '')"
            ".includes(text)", arg=verdict, timeout=10_000)
        box = keyed(page, "verdict").bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box
        shots.take(page, "results")
        keyed(page, "support_details").get_by_text(say(language, "results.support_details")).click()
        support = keyed(page, "support_details").inner_text()
        keyed(page, "support_details").scroll_into_view_if_needed()
        shots.take(page, "support details")
        label = re.escape(say(language, "results.transaction", id="@"))
        shown = re.search(label.replace("@", r"(\S+)"), support)
        assert shown is not None, support
        assert _lines_taken(page, "support_details", shown.group(1)) == 1  # no break at a hyphen
        assert sorted(_calls_logged(slow_server, shown.group(1))) == [
            "id_back", "id_front", "liveness"]
    finally:
        context.close()
