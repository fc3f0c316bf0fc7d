"""Verification links in the app (AppTest): admitted, refused with a clear page, or required."""

from __future__ import annotations

import os
from unittest.mock import patch

from streamlit.testing.v1 import AppTest

from components.integration.config import DEMO_LINK_SECRET
from components.integration.links import mint_link
from components.ui.session import TOKEN_PARAM
from components.ui.strings_en import STRINGS
from tests.app_harness import (
    APP,
    attempt_of,
    capture_everything,
    demo_mode,
    fake_camera,
    page_text,
    send,
)

SECRET = "app-link-secret-for-tests"


def _open(token: str | None = None, **env: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if token is not None:
        at.query_params["link"] = token
    with patch.dict(os.environ, env):
        return at.run()


def test_a_genuine_link_admits_the_customer_with_the_business_reference() -> None:
    token = mint_link(DEMO_LINK_SECRET, "shop-cust-1", public_url="http://localhost:8501",
                      return_url="https://shop.example.com/kyc").token
    with demo_mode():
        at = _open(token)
    assert not at.exception
    assert at.button(key="language_en").label == "English"
    context = attempt_of(at).integration.context
    assert (context.reference, context.return_url) == ("shop-cust-1",
                                                       "https://shop.example.com/kyc")


def test_a_reload_after_the_link_was_used_resumes_the_result_but_the_link_alone_is_refused(
) -> None:
    token = mint_link(DEMO_LINK_SECRET, "shop-cust-9", public_url="http://localhost:8501",
                      return_url="https://shop.example.com/kyc").token
    reference = STRINGS["link.reference"].format(business="shop.example.com",
                                                 reference="shop-cust-9")
    with demo_mode(), fake_camera() as camera:
        at = _open(token)
        at.button(key="language_en").click().run()
        at.checkbox(key="consent_checkbox").check().run()
        at.button(key="consent_continue").click().run()
        capture_everything(at, camera)
        send(at)  # the verification completes: the link is used up
        assert at.title[0].value == STRINGS["results.title"]

        reloaded = AppTest.from_file(APP, default_timeout=60)  # same URL, new session
        reloaded.query_params["link"] = token
        reloaded.query_params[TOKEN_PARAM] = attempt_of(at).token
        reloaded.run()
        reloaded.switch_page("pages/results.py").run()
        text = page_text(reloaded)
        assert [title.value for title in reloaded.title] == [STRINGS["results.title"]], text
        assert STRINGS["verdict.verified.title"] in text
        assert reference in text
        assert any("https://shop.example.com/kyc?" in m.value for m in reloaded.markdown)

        elsewhere = _open(token)  # another device with the link only
        assert STRINGS["link.refused.used"] in page_text(elsewhere)
        assert not elsewhere.button


def test_a_tampered_link_gets_a_refusal_page_in_english_and_arabic() -> None:
    token = mint_link(DEMO_LINK_SECRET, "shop-cust-1", public_url="http://x").token
    body, signature = token.split(".")
    with demo_mode():
        at = _open(body + "x." + signature)
    text = page_text(at)
    assert "This verification link cannot be used" in text
    assert "changed since it was sent" in text
    assert "لا يمكن استخدام رابط التحقق هذا" in text
    assert not at.button  # nothing to go on with


def test_an_expired_link_says_so() -> None:
    token = mint_link(DEMO_LINK_SECRET, "c", public_url="http://x", expires_in_s=60,
                      clock=lambda: 1_000_000.0).token
    with demo_mode():
        at = _open(token)
    assert "This link has expired" in page_text(at)


def test_when_links_are_required_a_visit_without_one_is_asked_for_it() -> None:
    with demo_mode():
        at = _open(VLENS_LINKS_REQUIRED="true", VLENS_LINK_SECRET=SECRET)
    text = page_text(at)
    assert "Please open your personal verification link" in text
    assert "يرجى فتح رابط التحقق الخاص بك" in text
    assert not at.button


def test_when_links_are_required_a_genuine_link_still_admits() -> None:
    token = mint_link(SECRET, "c-2", public_url="http://x").token
    with demo_mode():
        at = _open(token, VLENS_LINKS_REQUIRED="true", VLENS_LINK_SECRET=SECRET)
        assert at.button(key="language_en").label == "English"
        with patch.dict(os.environ, {"VLENS_LINKS_REQUIRED": "true",
                                     "VLENS_LINK_SECRET": SECRET}):
            at.button(key="language_en").click().run()
    assert at.title[0].value == "Before we start"


def test_broken_integration_settings_stop_the_app_naming_the_key_not_its_value() -> None:
    with demo_mode():
        at = _open(VLENS_LINK_SECRET="too-short-x")
    text = page_text(at)
    assert "link_secret must be at least 16 characters" in text
    assert "too-short-x" not in text
    assert not at.button
