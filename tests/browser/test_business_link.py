"""A business's customer, end to end: a minted link opens the app, the customer completes the
flow, "Back to <business>" carries a signed result token, and the business's webhook receiver
got the signed event with the same reference and transaction id."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from components.integration.links import mint_link
from components.integration.return_token import QUERY_PARAMETER, read_result_token
from tests.browser.conftest import ARTIFACTS, LaunchBrowser
from tests.browser.journey import (
    en,
    go_to_review,
    keyed,
    showing,
    shows,
    step_heading,
    wait_for_heading,
)
from tests.browser.screenshots import StepShots
from tests.browser.server import StreamlitServer
from tests.browser.test_flow import (
    CAPTURE_TIMEOUT_S,
    SECONDS_PER_STEP,
    TRANSACTION_ID,
    VIEWPORT,
    check_verified_results,
    open_capture_page,
)
from tests.clips import write_flow_clip
from tests.webhook_receiver import running_receiver

pytestmark = pytest.mark.browser

LINK_SECRET = "browser-test-link-secret"
WEBHOOK_SECRET = "browser-test-webhook-secret"
BUSINESS = "Acme Bank"
REFERENCE = "acme-customer-1042"
TRANSACTION_ID_VALUE = re.compile(
    re.escape(en("results.transaction", id="@")).replace("@", r"(\S+)"))


def test_a_customer_sent_by_a_link_returns_to_the_business_which_got_the_signed_event(
        launch_browser: LaunchBrowser, shots: StepShots, clip_file: Path,
        tmp_path: Path) -> None:
    with running_receiver() as receiver:
        env = {"VLENS_TEST_NO_ICE": "1", "VLENS_LINK_SECRET": LINK_SECRET,
               "VLENS_LINKS_REQUIRED": "true", "VLENS_WEBHOOK_URL": receiver.url,
               "VLENS_WEBHOOK_SECRET": WEBHOOK_SECRET, "VLENS_BUSINESS_NAME": BUSINESS}
        server = StreamlitServer(APP_PATH, ARTIFACTS / "logs" / "business-link-server.log",
                                 tmp_path / "secrets.toml", env=env).start()
        try:
            return_url = receiver.url.replace("/hooks/vlens", "/kyc/done")
            minted = mint_link(LINK_SECRET, REFERENCE, public_url=server.url,
                               return_url=return_url)
            clip = write_flow_clip(clip_file, seconds_per_step=SECONDS_PER_STEP)
            page = shots.watch(launch_browser(clip).new_page(viewport=VIEWPORT))
            camera = open_capture_page(page, minted.url, shots)
            for index, step in ((2, "id_back"), (3, "face")):
                heading = step_heading(index, step)
                camera.wait_until(showing(page, heading), f"'{heading}'", CAPTURE_TIMEOUT_S)
            camera.wait_until(
                lambda: shows(page, en("capture.done")) or shows(page, en("review.title")),
                "the face triple to be captured", CAPTURE_TIMEOUT_S)
            go_to_review(page)
            keyed(page, "submit").get_by_role("button", name=en("review.submit")).click()
            wait_for_heading(page, en("results.title"), timeout_ms=90_000)
            check_verified_results(page)
            shown = page.get_by_text(TRANSACTION_ID).first.inner_text()
            found = TRANSACTION_ID_VALUE.search(shown)
            assert found is not None, shown
            transaction_id = found.group(1)
            expect(page.get_by_text(en("link.reference", business=BUSINESS,
                                       reference=REFERENCE))).to_be_visible()
            back = page.get_by_role("link", name=en("link.back", business=BUSINESS))
            expect(back).to_be_visible()
            shots.take(page, "results-back-to-business")

            [delivery] = receiver.wait_for(1, timeout=30)
            assert delivery.signed_with(WEBHOOK_SECRET)
            event = json.loads(delivery.body)
            assert event["id"] == delivery.event_id
            assert event["type"] == "verification.completed"
            assert (event["data"]["reference"], event["data"]["transaction_id"],
                    event["data"]["verdict"]) == (REFERENCE, transaction_id, "verified")

            back.click()
            page.wait_for_url(re.compile(r"/kyc/done\?"), timeout=30_000)
            token = parse_qs(urlsplit(page.url).query)[QUERY_PARAMETER][0]
            claims = read_result_token(token, LINK_SECRET, now=event["created_at"])
            assert (claims.reference, claims.verdict, claims.transaction_id) == (
                REFERENCE, "verified", transaction_id)
        finally:
            server.stop()


APP_PATH = Path(__file__).resolve().parents[2] / "app.py"
