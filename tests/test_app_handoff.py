"""Continue on your phone, in AppTest (two sessions in one process, the in-memory store): the
offer once capturing keeps failing, and a phone told when the computer takes the attempt back."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from components.integration.config import DEMO_LINK_SECRET
from components.integration.handoff import (
    QUERY_PARAMETER,
    QUIET_AFTER_S,
    HandoffStatus,
    report_progress,
)
from components.integration.links import mint_link
from components.ui import integration as integration_ui
from components.ui.handoff_side import DesktopHandoff, PhoneHandoff
from components.ui.strings_en import STRINGS
from tests.app_harness import (
    APP,
    attempt_of,
    capture_everything,
    demo_mode,
    fake_camera,
    page_text,
    send,
    start_app,
)
from tests.clips import FPS
from tests.imagery import background


def test_the_phone_is_offered_once_capturing_here_keeps_failing() -> None:
    with demo_mode(), fake_camera() as camera:
        at = start_app()
        assert "handoff_offer_trouble_start" not in [button.key for button in at.button]
        # 20 s of stream time with no card in sight: the manual capture and the phone offered.
        camera.feed((background(640, 480, seed=i) for i in range(40)), every=FPS // 2)
        at.run()
        assert STRINGS["handoff.offer.trouble"] in page_text(at)
        at.button(key="handoff_offer_trouble_start").click().run()
        assert at.title[0].value == STRINGS["handoff.title"]
        assert isinstance(attempt_of(at).handoff, DesktopHandoff)


def test_a_phone_is_told_when_the_computer_takes_the_attempt_back() -> None:
    with demo_mode(), fake_camera():
        desktop = start_app()
        desktop.button(key="handoff_offer_start").click().run()
        assert desktop.title[0].value == STRINGS["handoff.title"]
        side = attempt_of(desktop).handoff
        assert isinstance(side, DesktopHandoff)
        token = parse_qs(urlsplit(side.started.url).query)[QUERY_PARAMETER][0]

        phone = AppTest.from_file(APP, default_timeout=60)
        phone.query_params[QUERY_PARAMETER] = token
        phone.run()
        assert phone.title[0].value == STRINGS["consent.title"]
        assert isinstance(attempt_of(phone).handoff, PhoneHandoff)
        assert QUERY_PARAMETER not in phone.query_params

        desktop.button(key="handoff_cancel").click().run()
        assert desktop.title[0].value == STRINGS["capture.title"]
        assert attempt_of(desktop).handoff is None
        phone.run()
        assert phone.title[0].value == STRINGS["handoff.taken_back.title"]
        assert STRINGS["handoff.taken_back.body"] in page_text(phone)


NOT_PASSED_ON = STRINGS["link.not_passed_on"].format(business="shop.example.com")


def _sent_by_a_business_and_handed_off() -> tuple[AppTest, DesktopHandoff, AppTest, PhoneHandoff]:
    """A computer a business link admitted, showing its code, and a phone that opened it."""
    link = mint_link(DEMO_LINK_SECRET, "shop-cust-9", public_url="http://localhost:8501",
                     return_url="https://shop.example.com/kyc").token
    desktop = AppTest.from_file(APP, default_timeout=60)
    desktop.query_params["link"] = link
    desktop.run()
    desktop.button(key="language_en").click().run()
    desktop.checkbox(key="consent_checkbox").check().run()
    desktop.button(key="consent_continue").click().run()
    desktop.button(key="handoff_offer_start").click().run()
    side = attempt_of(desktop).handoff
    assert isinstance(side, DesktopHandoff)
    return (desktop, side, *_phone_opens(side))


def test_the_computer_shows_the_phones_latest_result_and_the_way_back_to_the_business() -> None:
    with demo_mode(), fake_camera():
        desktop, side, _, on_phone = _sent_by_a_business_and_handed_off()

        # Both devices noted the hand-off under the computer's attempt (the dashboard counts it).
        events = side.store.tables.events
        attempt_id = attempt_of(desktop).integration.context.attempt_id
        with side.store.begin() as conn:
            noted = {row.detail for row in conn.execute(
                select(events.c.detail).where(events.c.attempt_id == attempt_id,
                                              events.c.name == "handoff"))}
        assert noted == {"started", "opened"}

        # The phone's first try got no answer (an outage); the computer shows that result.
        report_progress(on_phone.store, on_phone.claim, HandoffStatus.DONE, verdict="incomplete")
        desktop.run()
        assert desktop.title[0].value == STRINGS["results.title"]
        assert STRINGS["verdict.incomplete.title"] in page_text(desktop)
        assert STRINGS["link.reference"].format(
            business="shop.example.com", reference="shop-cust-9") in page_text(desktop)
        back = [m.value for m in desktop.markdown if "https://shop.example.com/kyc?" in m.value]
        assert len(back) == 1
        assert STRINGS["link.back"].format(business="shop.example.com") in back[0]

        # The phone sent again and was verified: the computer follows.
        report_progress(on_phone.store, on_phone.claim, HandoffStatus.DONE, verdict="verified",
                        transaction_id="tx-phone-2", recorded=True)
        desktop.run()
        assert STRINGS["verdict.verified.title"] in page_text(desktop)
        assert "tx-phone-2" in page_text(desktop)
        assert NOT_PASSED_ON not in page_text(desktop)


def test_both_devices_say_when_the_phone_could_not_pass_the_result_on_to_the_business(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def store_refuses(*_: object, **__: object) -> None:
        raise OperationalError("INSERT INTO vlens_results", {}, Exception("disk I/O error"))

    with demo_mode(), fake_camera() as camera:
        desktop, _, phone, _ = _sent_by_a_business_and_handed_off()
        phone.checkbox(key="consent_checkbox").check().run()
        phone.button(key="consent_continue").click().run()
        capture_everything(phone, camera)
        monkeypatch.setattr(integration_ui, "record_result", store_refuses)
        send(phone)
        assert phone.title[0].value == STRINGS["results.title"]
        assert NOT_PASSED_ON in page_text(phone)
        desktop.run()
        assert desktop.title[0].value == STRINGS["results.title"]
        assert STRINGS["verdict.verified.title"] in page_text(desktop)
        assert NOT_PASSED_ON in page_text(desktop)


def _phone_opens(side: DesktopHandoff) -> tuple[AppTest, PhoneHandoff]:
    """A phone that opened the computer's link (consent not yet given there)."""
    phone = AppTest.from_file(APP, default_timeout=60)
    phone.query_params[QUERY_PARAMETER] = parse_qs(
        urlsplit(side.started.url).query)[QUERY_PARAMETER][0]
    phone.run()
    on_phone = attempt_of(phone).handoff
    assert isinstance(on_phone, PhoneHandoff)
    return phone, on_phone


def _desktop_and_phone() -> tuple[AppTest, DesktopHandoff, AppTest, PhoneHandoff]:
    """A computer showing its code and a phone that opened the link."""
    desktop = start_app()
    desktop.button(key="handoff_offer_start").click().run()
    side = attempt_of(desktop).handoff
    assert isinstance(side, DesktopHandoff)
    return (desktop, side, *_phone_opens(side))


def test_the_computer_cannot_take_the_attempt_back_while_the_phone_verifies() -> None:
    with demo_mode(), fake_camera():
        desktop, side, _, on_phone = _desktop_and_phone()
        desktop.run()
        assert "handoff_cancel" in [button.key for button in desktop.button]
        assert on_phone.sending()  # the phone sends its photos
        desktop.run()
        assert STRINGS["handoff.status.verifying"] in page_text(desktop)
        assert "handoff_cancel" not in [button.key for button in desktop.button]
        assert not side.end()  # a click that raced the phone is refused too
        assert isinstance(attempt_of(desktop).handoff, DesktopHandoff)


def test_a_phone_silent_for_over_a_minute_is_flagged_and_a_new_code_stops_it() -> None:
    with demo_mode(), fake_camera():
        desktop, side, phone, on_phone = _desktop_and_phone()
        assert STRINGS["handoff.phone_quiet"] not in page_text(desktop.run())
        handoffs = side.store.tables.handoffs
        with side.store.begin() as conn:  # the phone's page closed 76 s ago
            conn.execute(handoffs.update().where(handoffs.c.id == side.started.handoff_id)
                         .values(phone_seen_at=time.time() - QUIET_AFTER_S - 1))
        desktop.run()
        assert STRINGS["handoff.phone_quiet"] in page_text(desktop)
        desktop.button(key="handoff_new_code").click().run()
        renewed = attempt_of(desktop).handoff
        assert isinstance(renewed, DesktopHandoff) and renewed.started != side.started
        assert STRINGS["handoff.phone_quiet"] not in page_text(desktop)
        phone.run()  # the old phone, were it still there, is told
        assert phone.title[0].value == STRINGS["handoff.taken_back.title"]
        assert not on_phone.sending()
