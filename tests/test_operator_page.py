"""The operator page in AppTest, against the Vlens simulator over real HTTP.

Each test starts its own simulator, runs a real verification through the client (real images
with a real face), and points the page's ``[vlens]`` secrets at that simulator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.ui.operator_auth import THROTTLE
from components.vlens.client import VlensClient
from components.vlens.flow import VerificationImages, run_verification
from components.vlens.simulator import DEMO_OTP, Fault, Scenario, Simulator
from tests import imagery

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "operator.py")
PASSWORD = "correct horse battery staple 42"
PHONE = "+201001234567"
EMAIL = "customer@example.com"


@dataclass
class Verified:
    simulator: Simulator
    transaction_id: str
    user_token: str


def verification_images() -> VerificationImages:
    return VerificationImages(
        id_front=imagery.jpeg(imagery.card_in_frame(imagery.id_card_front())),
        id_back=imagery.jpeg(imagery.card_in_frame(imagery.id_card_back(), seed=1)),
        faces=tuple(imagery.jpeg(imagery.face_frame(seed=s)) for s in (1, 2, 3)),
    )


def verify_and_register(simulator: Simulator) -> Verified:
    """A finished verification and a registered customer, not yet linked to each other."""
    with VlensClient(simulator.demo_config()) as client:
        outcome = run_verification(client, verification_images())
        assert outcome.verified and outcome.transaction_id
        otp = client.register_step_verify_phone(PHONE)
        session = client.register(PHONE, email=EMAIL, password="pw-123456",
                                  phone_number_otp=DEMO_OTP,
                                  phone_number_otp_request_id=otp.data["phoneNumberOtpRequestId"])
    return Verified(simulator, outcome.transaction_id, session.access_token)


def link(verified: Verified) -> None:
    with VlensClient(verified.simulator.demo_config()) as client:
        result = client.link_user_with_transaction(verified.transaction_id,
                                                   user_token=verified.user_token)
    assert not result.failed


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """The sign-in throttle is process-wide: every test starts with no failures counted."""
    THROTTLE.reset()
    yield
    THROTTLE.reset()


@pytest.fixture
def verified() -> Iterator[Verified]:
    with Simulator(Scenario()) as simulator:
        yield verify_and_register(simulator)


def vlens_secrets(simulator: Simulator) -> dict[str, Any]:
    config = simulator.demo_config()
    return {"base_url": config.base_url, "api_key": config.api_key,
            "tenancy_name": config.tenancy_name, "username": config.username,
            "password": config.password}


def page(simulator: Simulator, operator: dict[str, Any] | None = None,
         **extra_sections: Any) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["vlens"] = vlens_secrets(simulator)
    if operator is not None:
        at.secrets["operator"] = operator
    for name, section in extra_sections.items():
        at.secrets[name] = section
    return at.run()


def password_page(simulator: Simulator) -> AppTest:
    return page(simulator, {"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()})


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def unlock(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input(key="operator_password").input(password)
    return click(at, "Unlock")


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "success", "info", "markdown", "caption")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def lookup_form_shown(at: AppTest) -> bool:
    return any(t.key == "operator_lookup_value" for t in at.text_input)


def image_count(at: AppTest) -> int:
    return len(at.get("image"))


def test_refused_when_no_operator_secret_is_configured(verified: Verified) -> None:
    at = page(verified.simulator)
    assert not at.exception
    assert "locked" in texts(at)
    assert "password_sha256" in texts(at)
    assert not lookup_form_shown(at)
    assert not any(t.key == "operator_password" for t in at.text_input)


def test_refused_with_a_malformed_hash(verified: Verified) -> None:
    at = page(verified.simulator, {"password_sha256": PASSWORD})  # the password, not its hash
    assert "not a 64-digit hex SHA-256" in texts(at)
    assert not lookup_form_shown(at)


def test_wrong_password_is_refused_and_repeated_failures_lock_the_form(
        verified: Verified) -> None:
    at = password_page(verified.simulator)
    assert not lookup_form_shown(at)
    at = unlock(at, "wrong password")
    assert "Wrong password" in texts(at)
    assert not lookup_form_shown(at)
    for _ in range(4):
        at = unlock(at, "still wrong")
    assert "Too many wrong passwords" in texts(at)
    assert not any(t.key == "operator_password" for t in at.text_input)
    assert not lookup_form_shown(at)
    # A reload (a new browser session from the same address) does not reset the count.
    again = password_page(verified.simulator)
    assert "Too many wrong passwords" in texts(again)
    assert not any(t.key == "operator_password" for t in again.text_input)


def test_lookup_by_phone_shows_every_image_of_the_transaction(verified: Verified) -> None:
    link(verified)
    at = unlock(password_page(verified.simulator))
    assert lookup_form_shown(at)
    at.text_input(key="operator_lookup_value").input("010 0123 4567")  # local form -> +20
    at = click(at, "Find images")
    assert "6 image(s) on file for +201001234567" in texts(at)
    at.text_input(key="operator_show_tx").input(verified.transaction_id)
    at = click(at, "Show images")
    assert not at.exception
    assert image_count(at) == 6
    assert f"Transaction {verified.transaction_id}" in texts(at)
    downloads = verified.simulator.requests_to("GetStepImage")
    assert len(downloads) == 6
    assert {r.query["TransactionId"] for r in downloads} == {verified.transaction_id}


def test_unknown_customer_and_unknown_transaction_say_not_found(verified: Verified) -> None:
    link(verified)
    at = unlock(password_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input("nobody@example.com")
    at = click(at, "Find images")
    assert "Not found" in texts(at)
    assert image_count(at) == 0
    at.text_input(key="operator_lookup_value").input(EMAIL)
    at = click(at, "Find images")
    at.text_input(key="operator_show_tx").input("00000000-0000-4000-8000-000000000000")
    at = click(at, "Show images")
    assert "Not found" in texts(at)
    assert image_count(at) == 0


def test_invalid_inputs_are_explained_without_calling_vlens(verified: Verified) -> None:
    at = unlock(password_page(verified.simulator))
    before = len(verified.simulator.requests)
    at.text_input(key="operator_lookup_value").input("12345")
    at = click(at, "Find images")
    assert "international form" in texts(at)
    assert len(verified.simulator.requests) == before


def test_linking_a_transaction_then_finding_it_by_email(verified: Verified) -> None:
    at = unlock(password_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input(EMAIL)
    at = click(at, "Find images")
    assert "Not found" in texts(at)  # nothing linked to this customer yet
    at.text_input(key="operator_link_tx").input(verified.transaction_id)
    at.text_input(key="operator_link_token").input(verified.user_token)
    at = click(at, "Link transaction")
    assert f"Transaction {verified.transaction_id} is now linked" in texts(at)
    assert verified.user_token not in texts(at)
    at = click(at, "Find images")
    assert "6 image(s) on file for customer@example.com" in texts(at)


def test_link_with_an_expired_or_foreign_customer_token_is_refused(verified: Verified) -> None:
    at = unlock(password_page(verified.simulator))
    at.text_input(key="operator_link_tx").input(verified.transaction_id)
    at.text_input(key="operator_link_token").input("expired-or-forged-token")
    at = click(at, "Link transaction")
    assert "Forbidden or expired" in texts(at)
    assert "sign in again" in texts(at)
    assert not at.exception


def test_service_account_without_operator_rights_is_reported_as_forbidden() -> None:
    scenario = Scenario(faults=(Fault(path="GetUserDigitalIdentityImages", status=403, times=2),))
    with Simulator(scenario) as simulator:
        at = unlock(password_page(simulator))
        at.text_input(key="operator_lookup_value").input(PHONE)
        at = click(at, "Find images")
    assert "Forbidden or expired" in texts(at)
    assert not at.exception


def test_single_sign_on_admits_only_listed_operators(verified: Verified) -> None:
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "id", "client_secret": "secret",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    operator = {"allowed_emails": ["Alice@Example.com"]}

    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets.update({"vlens": vlens_secrets(verified.simulator), "operator": operator,
                       "auth": auth})
    at.user = {"is_logged_in": False}
    at.run()
    assert any(b.label == "Sign in" for b in at.button)
    assert not lookup_form_shown(at)

    at.user = {"is_logged_in": True, "email": "mallory@example.com"}
    at.run()
    assert "may not open the operator page" in texts(at)
    assert not lookup_form_shown(at)

    at.user = {"is_logged_in": True, "email": "alice@example.com"}
    at.run()
    assert lookup_form_shown(at)
    assert "Signed in (alice@example.com)" in texts(at)


def test_sign_out_locks_the_page_and_forgets_what_was_shown(verified: Verified) -> None:
    link(verified)
    at = unlock(password_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input(PHONE)
    at = click(at, "Find images")
    assert "6 image(s) on file" in texts(at)
    at = click(at, "Sign out")
    assert not lookup_form_shown(at)
    assert any(t.key == "operator_password" for t in at.text_input)
    assert "image(s) on file" not in texts(at)
