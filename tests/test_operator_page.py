"""The operator page in AppTest, against the Vlens simulator over real HTTP.

Each test starts its own simulator, runs a real verification through the client (real images
with a real face), and points the page's ``[vlens]`` secrets at that simulator. Operators sign
in with individual accounts (salted scrypt hashes made by the app's own code). The client's
connection (address and handshake headers) is set the way Streamlit's uvicorn server reports it:
uvicorn believes ``X-Forwarded-For`` from loopback, so a forged header arrives as both the
header and the "remote address".
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from streamlit.testing.v1 import AppTest

from components.integration.results import AttemptContext, record_result, result_record
from components.integration.runtime import close_runtimes
from components.operator_accounts import hash_password
from components.store import Store, open_store
from components.store.settings import URL_ENV, normalise_url, sqlite_url
from components.ui.operator_auth import THROTTLE
from components.vlens.client import VlensClient
from components.vlens.flow import VerificationImages, run_verification
from components.vlens.simulator import DEMO_OTP, Fault, ForcedError, Scenario, Simulator
from tests import imagery
from tests.app_harness import attempt_of, fake_camera, send, simulator, start_app
from tests.clips import selfie_video
from tests.postgres import postgres_server  # noqa: F401  (session fixture)

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "operator.py")
PASSWORD = "correct horse battery staple 42"
BOB_PASSWORD = "another long operator password"
ACCOUNTS = {"alice": hash_password(PASSWORD), "bob": hash_password(BOB_PASSWORD)}
PHONE = "+201001234567"
EMAIL = "customer@example.com"
OTHER_PHONE = "+201009876543"
HOSTILE = ("![beacon](http://attacker.example/b.png) [click here](http://attacker.example) "
           "<img src=http://attacker.example/i.png> **bold**")


@dataclass
class Verified:
    simulator: Simulator
    transaction_id: str
    user_token: str


@dataclass
class Connection:
    """What the server knows about the browser's connection (see the module doc)."""

    remote_ip: str | None = None
    forwarded_for: str | None = None
    host: str = "verify.example.com"
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> list[tuple[str, str]]:
        forwarded = [("X-Forwarded-For", self.forwarded_for)] if self.forwarded_for else []
        return [("Host", self.host), *forwarded]

    def forged_from_loopback(self, claimed: str) -> None:
        self.remote_ip, self.forwarded_for = claimed, claimed

    def through_proxy(self, client: str, proxy: str = "10.0.0.2") -> None:
        self.remote_ip, self.forwarded_for = proxy, client


def verification_images(seed: int = 0) -> VerificationImages:
    return VerificationImages(
        id_front=imagery.jpeg(imagery.card_in_frame(imagery.id_card_front(), seed=seed)),
        id_back=imagery.jpeg(imagery.card_in_frame(imagery.id_card_back(), seed=seed + 1)),
        faces=tuple(imagery.jpeg(imagery.face_frame(seed=s + seed)) for s in (1, 2, 3)),
    )


def verify_and_register(simulator: Simulator, phone: str = PHONE, email: str = EMAIL,
                        seed: int = 0) -> Verified:
    """A finished verification and a registered customer, not yet linked to each other."""
    with VlensClient(simulator.demo_config()) as client:
        outcome = run_verification(client, verification_images(seed))
        assert outcome.verified and outcome.transaction_id
        otp = client.register_step_verify_phone(phone)
        session = client.register(phone, email=email, password="pw-123456",
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
def connection(monkeypatch: pytest.MonkeyPatch) -> Connection:
    """The browser's connection as st.context reports it; tests move it between runs."""
    current = Connection()
    monkeypatch.setattr("streamlit.runtime.context._get_client_context", lambda: current)
    return current


@pytest.fixture
def verified(request: pytest.FixtureRequest) -> Iterator[Verified]:
    """A verification and its customer on a simulator whose image listing names the
    transaction (``transaction_id``, the default here) or carries it in the file names
    (``file_names``); the documented listing, which says neither, has tests of its own."""
    listing = getattr(request, "param", "transaction_id")
    with Simulator(Scenario(image_listing=listing)) as simulator:
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


def accounts_page(simulator: Simulator, **operator: Any) -> AppTest:
    return page(simulator, {"accounts": ACCOUNTS, **operator})


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def unlock(at: AppTest, password: str = PASSWORD, name: str = "alice") -> AppTest:
    at.text_input(key="operator_name").input(name)
    at.text_input(key="operator_password").input(password)
    return click(at, "Sign in")


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "success", "info", "markdown", "caption",
                                  "text")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def markdown_texts(at: AppTest) -> str:
    """Everything Streamlit renders as markdown (alerts, captions, markdown)."""
    return "\n".join(str(e.value) for kind in ("error", "warning", "success", "info",
                                               "markdown", "caption")
                     for e in getattr(at, kind))


def lookup_form_shown(at: AppTest) -> bool:
    return any(t.key == "operator_lookup_value" for t in at.text_input)


def image_count(at: AppTest) -> int:
    return len(at.get("image"))


def test_refused_when_no_operator_secret_is_configured(verified: Verified) -> None:
    at = page(verified.simulator)
    assert not at.exception
    assert "locked" in texts(at)
    assert "[operator.accounts]" in texts(at)
    assert not lookup_form_shown(at)
    assert not any(t.key == "operator_password" for t in at.text_input)


def test_a_shared_password_hash_is_no_longer_accepted(verified: Verified) -> None:
    at = page(verified.simulator, {"password_sha256": "ab" * 32})
    assert "locked" in texts(at)
    assert "no longer accepted" in texts(at)
    assert not any(t.key == "operator_password" for t in at.text_input)


def test_a_malformed_account_hash_is_reported_and_that_account_cannot_sign_in(
        verified: Verified) -> None:
    at = page(verified.simulator, {"accounts": {"alice": ACCOUNTS["alice"], "eve": PASSWORD}})
    assert "not a scrypt" in texts(at)
    at = unlock(at, PASSWORD, name="eve")
    assert "Wrong operator name or password" in texts(at)
    assert not lookup_form_shown(at)


def test_wrong_passwords_pause_that_account_from_that_address_only(
        verified: Verified, connection: Connection) -> None:
    connection.remote_ip = "198.51.100.20"
    at = accounts_page(verified.simulator)
    at = unlock(at, "wrong password")
    assert "Wrong operator name or password" in texts(at)
    assert not lookup_form_shown(at)
    for _ in range(4):
        at = unlock(at, "still wrong")
    at = unlock(at)  # the right password, too late
    assert "Too many failed sign-ins" in texts(at)
    assert not lookup_form_shown(at)
    # A reload (a new browser session from the same address) does not reset the count ...
    again = unlock(accounts_page(verified.simulator))
    assert "Too many failed sign-ins" in texts(again)
    # ... but another operator at the same address, and alice elsewhere, are not paused.
    assert lookup_form_shown(unlock(accounts_page(verified.simulator), BOB_PASSWORD, "bob"))
    connection.remote_ip = "198.51.100.21"
    assert lookup_form_shown(unlock(accounts_page(verified.simulator)))


def test_a_forged_forwarded_header_gets_no_fresh_tries(
        verified: Verified, connection: Connection) -> None:
    connection.forged_from_loopback("203.0.113.5")
    at = accounts_page(verified.simulator)
    for _ in range(5):
        at = unlock(at, "guess")
    connection.forged_from_loopback("203.0.113.6")
    at = unlock(accounts_page(verified.simulator), "another guess")
    assert "Too many failed sign-ins" in texts(at)


def test_behind_a_trusted_proxy_the_address_it_saw_counts(
        verified: Verified, connection: Connection) -> None:
    connection.through_proxy("198.51.100.1")
    at = accounts_page(verified.simulator, trusted_proxy_hops=1)
    for _ in range(5):
        at = unlock(at, "guess")
    # The client prepends a forged address; the proxy appends the one it saw.
    connection.through_proxy("203.0.113.77, 198.51.100.1")
    at = unlock(accounts_page(verified.simulator, trusted_proxy_hops=1))
    assert "Too many failed sign-ins" in texts(at)
    connection.through_proxy("198.51.100.2")  # a colleague behind the same ingress
    assert lookup_form_shown(unlock(accounts_page(verified.simulator, trusted_proxy_hops=1)))


def test_twenty_wrong_passwords_from_rotating_addresses_do_not_lock_the_operator_out(
        verified: Verified, connection: Connection) -> None:
    connection.through_proxy("198.51.100.7")  # alice's usual address
    at = unlock(accounts_page(verified.simulator, trusted_proxy_hops=1))
    assert lookup_form_shown(at)
    click(at, "Sign out")
    for n in range(20):
        connection.through_proxy(f"203.0.113.{n + 1}")
        at = unlock(accounts_page(verified.simulator, trusted_proxy_hops=1), f"guess {n}")
        assert "Wrong operator name or password" in texts(at)
    # The guesser is slowed: a further new address must wait ...
    connection.through_proxy("203.0.113.200")
    at = unlock(accounts_page(verified.simulator, trusted_proxy_hops=1), "guess 21")
    assert "Too many failed sign-ins" in texts(at)
    # ... while alice, at the address she signed in from before, gets straight in.
    connection.through_proxy("198.51.100.7")
    at = unlock(accounts_page(verified.simulator, trusted_proxy_hops=1))
    assert lookup_form_shown(at)
    assert "Signed in (alice)" in texts(at)


def test_the_operator_page_is_served_only_on_the_operator_host_name(
        verified: Verified, connection: Connection) -> None:
    hosts = {"hosts": ["operator.verify.example.com"]}
    connection.host = "verify.example.com"  # the customers' host name
    at = accounts_page(verified.simulator, **hosts)
    assert "not available at this address" in texts(at)
    assert not any(t.key == "operator_password" for t in at.text_input)
    connection.host = "operator.verify.example.com:443"
    at = unlock(accounts_page(verified.simulator, **hosts))
    assert lookup_form_shown(at)


def test_the_audit_log_names_the_operator_and_no_customer(
        verified: Verified, caplog: pytest.LogCaptureFixture) -> None:
    link(verified)
    caplog.set_level(logging.INFO, logger="vlens.operator")
    at = unlock(accounts_page(verified.simulator), "wrong password", name="bob")
    at = unlock(at)
    at.text_input(key="operator_lookup_value").input(PHONE)
    at = click(at, "Find images")
    at.text_input(key="operator_show_tx").input(verified.transaction_id)
    at = click(at, "Show images")
    click(at, "Sign out")
    audit = [(r.event_fields["operator"], r.event_fields["action"])  # type: ignore[attr-defined]
             for r in caplog.records if r.name == "vlens.operator"]
    assert audit == [("bob", "sign-in refused"), ("alice", "signed in"),
                     ("alice", "looked up a customer's images"), ("alice", "viewed images"),
                     ("alice", "signed out")]
    logged = caplog.text
    assert PHONE not in logged and EMAIL not in logged and PASSWORD not in logged
    assert verified.transaction_id in logged


@pytest.mark.parametrize("verified", ["transaction_id", "file_names"], indirect=True)
def test_a_transaction_of_another_customer_is_not_shown(verified: Verified) -> None:
    link(verified)  # customer A
    other = verify_and_register(verified.simulator, OTHER_PHONE, "x@example.com", seed=10)
    link(other)  # customer X
    at = unlock(accounts_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input(OTHER_PHONE)
    at = click(at, "Find images")
    assert "6 image(s) on file for this customer" in texts(at)
    at.text_input(key="operator_show_tx").input(verified.transaction_id)  # A's transaction
    at = click(at, "Show images")
    assert "not one of this customer's verifications" in texts(at)
    assert image_count(at) == 0
    assert verified.simulator.requests_to("GetStepImage") == []
    at.text_input(key="operator_show_tx").input(other.transaction_id)
    at = click(at, "Show images")
    assert image_count(at) == 6


def test_hostile_vlens_text_is_shown_as_plain_text(verified: Verified) -> None:
    scenario = Scenario(forced_errors={"link": ForcedError(code=1050, message=HOSTILE)})
    with Simulator(scenario) as simulator:
        hostile = verify_and_register(simulator)
        at = unlock(accounts_page(simulator))
        at.text_input(key="operator_link_tx").input(hostile.transaction_id)
        at.text_input(key="operator_link_token").input(hostile.user_token)
        at = click(at, "Link transaction")
    assert not at.exception
    shown_as_text = "\n".join(str(e.value) for e in at.text)
    assert "![beacon](http://attacker.example/b.png)" in shown_as_text
    assert "attacker.example" not in markdown_texts(at)


def test_the_operator_vlens_account_is_used_when_configured(verified: Verified) -> None:
    link(verified)
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["vlens"] = {**vlens_secrets(verified.simulator),
                           "base_url": "http://127.0.0.1:9"}  # the customers' account: unused
    at.secrets["operator"] = {"accounts": ACCOUNTS, "vlens": vlens_secrets(verified.simulator)}
    at = unlock(at.run())
    at.text_input(key="operator_lookup_value").input(PHONE)
    at = click(at, "Find images")
    assert "6 image(s) on file for this customer" in texts(at)
    broken = AppTest.from_file(PAGE, default_timeout=30)
    broken.secrets["vlens"] = vlens_secrets(verified.simulator)
    broken.secrets["operator"] = {"accounts": ACCOUNTS, "vlens": {"base_url": "https://x"}}
    broken = unlock(broken.run())
    assert "[operator.vlens]" in texts(broken)
    assert not lookup_form_shown(broken)


@pytest.mark.parametrize("verified", ["transaction_id", "file_names"], indirect=True)
def test_lookup_by_phone_shows_every_image_of_the_transaction(verified: Verified) -> None:
    link(verified)
    at = unlock(accounts_page(verified.simulator))
    assert lookup_form_shown(at)
    at.text_input(key="operator_lookup_value").input("010 0123 4567")  # local form -> +20
    at = click(at, "Find images")
    assert "6 image(s) on file for this customer" in texts(at)
    assert "Customer: +201001234567" in texts(at)
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
    at = unlock(accounts_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input("nobody@example.com")
    at = click(at, "Find images")
    assert "Not found" in texts(at)
    assert image_count(at) == 0
    at.text_input(key="operator_lookup_value").input(EMAIL)
    at = click(at, "Find images")
    at.text_input(key="operator_show_tx").input("00000000-0000-4000-8000-000000000000")
    at = click(at, "Show images")
    assert "not one of this customer's verifications" in texts(at)
    assert image_count(at) == 0


def test_invalid_inputs_are_explained_without_calling_vlens(verified: Verified) -> None:
    at = unlock(accounts_page(verified.simulator))
    before = len(verified.simulator.requests)
    at.text_input(key="operator_lookup_value").input("12345")
    at = click(at, "Find images")
    assert "international form" in texts(at)
    assert len(verified.simulator.requests) == before


def test_linking_a_transaction_then_finding_it_by_email(verified: Verified) -> None:
    at = unlock(accounts_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input(EMAIL)
    at = click(at, "Find images")
    assert "Not found" in texts(at)  # nothing linked to this customer yet
    at.text_input(key="operator_link_tx").input(verified.transaction_id)
    at.text_input(key="operator_link_token").input(verified.user_token)
    at = click(at, "Link transaction")
    assert f"Transaction {verified.transaction_id} is now linked" in texts(at)
    assert verified.user_token not in texts(at)
    at = click(at, "Find images")
    assert "6 image(s) on file for this customer" in texts(at)


def test_link_with_an_expired_or_foreign_customer_token_is_refused(verified: Verified) -> None:
    at = unlock(accounts_page(verified.simulator))
    at.text_input(key="operator_link_tx").input(verified.transaction_id)
    at.text_input(key="operator_link_token").input("expired-or-forged-token")
    at = click(at, "Link transaction")
    assert "Forbidden or expired" in texts(at)
    assert "sign in again" in texts(at)
    assert not at.exception


def test_service_account_without_operator_rights_is_reported_as_forbidden() -> None:
    scenario = Scenario(faults=(Fault(path="GetUserDigitalIdentityImages", status=403, times=2),))
    with Simulator(scenario) as simulator:
        at = unlock(accounts_page(simulator))
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
    at = unlock(accounts_page(verified.simulator))
    at.text_input(key="operator_lookup_value").input(PHONE)
    at = click(at, "Find images")
    assert "6 image(s) on file" in texts(at)
    at = click(at, "Sign out")
    assert not lookup_form_shown(at)
    assert any(t.key == "operator_password" for t in at.text_input)
    assert "image(s) on file" not in texts(at)


def test_the_integration_views_list_deliveries_and_resend_a_dead_one(verified: Verified,
                                                                     tmp_path: Path) -> None:
    from components.integration.outbox import enqueue
    from components.integration.results import AttemptContext, record_result
    from components.store import open_store

    database = tmp_path / "integration.sqlite3"
    store = open_store(str(database))
    record_result(store, {"verdict": "verified", "transaction_id": verified.transaction_id,
                          "completed": True}, AttemptContext.new("shop-7"), webhooks=True)
    with store.begin() as conn:
        dead = enqueue(conn, store, "verification.completed", {"reference": "shop-8"}, now=1.0)
        conn.execute(store.tables.outbox.update().where(store.tables.outbox.c.id == dead)
                     .values(status="dead", attempts=31, last_error="HTTP 500"))
    at = unlock(page(verified.simulator, {"accounts": ACCOUNTS},
                     integration={"database_path": str(database)}))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Pending"], metrics["Dead"]) == ("1", "1")
    frames = [frame.value for frame in at.dataframe]
    assert any("shop-8" in set(frame.get("reference", [])) for frame in frames)
    at.selectbox(key="operator_delivery_status").select("dead").run()
    at.selectbox[-1].select(dead)
    at = click(at, "Resend")
    assert f"{dead} is queued again." in texts(at)
    with store.begin() as conn:
        row = conn.execute(store.tables.outbox.select()
                           .where(store.tables.outbox.c.id == dead)).one()
    assert row.status == "pending"
    store.dispose()


# --- Vlens' documented listing: file names only, no word of the transaction ----------------

CONFIRM = "Confirm before the images are shown"
NOT_OURS = "not a verification made through this app"


@dataclass
class Recorded:
    """A verification this app recorded (as its submission's recorder does), and its customer
    linked to it, on a simulator whose image listing is Vlens' documented one."""

    verified: Verified
    store_url: str


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The app's store, in SQLite and in a real PostgreSQL; the page's runtime on it is closed
    afterwards."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "app.sqlite3")
    else:
        url = str(request.getfixturevalue("postgres_server").fresh_database())
    yield url
    close_runtimes(normalise_url(url))


def record(store_url: str, simulator: Simulator, seed: int = 0) -> str:
    """A verification recorded the way the app's recorder does it; its transaction id."""
    with VlensClient(simulator.demo_config()) as client:
        outcome = run_verification(client, verification_images(seed))
    assert outcome.transaction_id
    context = AttemptContext.new()
    store: Store = open_store(store_url)
    try:
        record_result(store, result_record(outcome, context, finished_at=time.time()), context,
                      webhooks=False)
    finally:
        store.dispose()
    return outcome.transaction_id


def register_and_link(simulator: Simulator, transaction_id: str, phone: str = PHONE,
                      email: str = EMAIL) -> None:
    with VlensClient(simulator.demo_config()) as client:
        otp = client.register_step_verify_phone(phone)
        session = client.register(phone, email=email, password="pw-123456",
                                  phone_number_otp=DEMO_OTP,
                                  phone_number_otp_request_id=otp.data["phoneNumberOtpRequestId"])
        linked = client.link_user_with_transaction(transaction_id,
                                                   user_token=session.access_token)
    assert not linked.failed


@pytest.fixture
def documented() -> Iterator[Simulator]:
    with Simulator(Scenario(image_listing="documented")) as simulator:
        yield simulator


def store_page(simulator: Simulator, store_url: str) -> AppTest:
    return unlock(page(simulator, {"accounts": ACCOUNTS},
                       integration={"database_url": store_url}))


def ask_for(at: AppTest, transaction_id: str, lookup: str = PHONE) -> AppTest:
    at.text_input(key="operator_lookup_value").input(lookup)
    at = click(at, "Find images")
    assert "6 image(s) on file for this customer" in texts(at)
    at.text_input(key="operator_show_tx").input(transaction_id)
    return click(at, "Show images")


def confirm_box(at: AppTest) -> Any:
    """The confirmation form's tick box (whatever its key)."""
    return next(c for c in at.checkbox if c.label.startswith("I checked this transaction id"))


def confirm_shown(at: AppTest) -> bool:
    return any(c.label.startswith("I checked this transaction id") for c in at.checkbox)


def confirm(at: AppTest, reason: str, tick: bool = True) -> AppTest:
    if tick:
        confirm_box(at).check()
    next(t for t in at.text_input if t.label.startswith("Reason")).input(reason)
    return click(at, "Confirm and show images")


def audit_records(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [dict(r.event_fields) for r in caplog.records  # type: ignore[attr-defined]
            if r.name == "vlens.operator"]


def test_with_the_documented_listing_a_transaction_this_app_did_not_record_is_refused(
        documented: Simulator, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    transaction_id = verify_and_register(documented).transaction_id  # made outside the app
    register_and_link(documented, transaction_id, OTHER_PHONE, "x@example.com")
    caplog.set_level(logging.INFO, logger="vlens.operator")
    at = ask_for(store_page(documented, store_url), transaction_id, OTHER_PHONE)
    assert NOT_OURS in texts(at)
    assert CONFIRM not in texts(at)
    assert not confirm_shown(at)
    assert image_count(at) == 0
    assert documented.requests_to("GetStepImage") == []
    refused = audit_records(caplog)[-1]
    assert (refused["action"], refused["transaction_id"], refused["reason"]) == (
        "transaction refused", transaction_id, "not recorded by this app")


def test_with_the_documented_listing_a_recorded_transaction_waits_for_the_operators_check(
        documented: Simulator, store_url: str) -> None:
    transaction_id = record(store_url, documented)
    register_and_link(documented, transaction_id)
    at = ask_for(store_page(documented, store_url), transaction_id)
    assert CONFIRM in texts(at)
    assert "does not say which verification they belong to" in texts(at)
    assert f"Transaction {transaction_id} is a verification made through this app" in texts(at)
    assert image_count(at) == 0
    at = confirm(at, "support ticket SUP-1042", tick=False)  # reason given, box not ticked
    assert "Tick the box" in texts(at)
    assert image_count(at) == 0
    assert documented.requests_to("GetStepImage") == []


def confirmed_with_reason(documented: Simulator, store_url: str,
                          caplog: pytest.LogCaptureFixture, reason: str) -> tuple[AppTest, str]:
    """A verification the app recorded, asked for on the page and confirmed with ``reason``
    (the operator's audit log captured)."""
    transaction_id = record(store_url, documented)
    register_and_link(documented, transaction_id)
    caplog.set_level(logging.INFO, logger="vlens.operator")
    return confirm(ask_for(store_page(documented, store_url), transaction_id), reason), (
        transaction_id)


def test_the_operators_confirmation_is_audited_with_the_reason_then_the_images_are_shown(
        documented: Simulator, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    at, transaction_id = confirmed_with_reason(documented, store_url, caplog,
                                               "support ticket SUP-1042")
    assert not at.exception
    assert image_count(at) == 6
    assert CONFIRM not in texts(at)
    assert {r.query["TransactionId"] for r in documented.requests_to("GetStepImage")} == {
        transaction_id}
    confirmed, viewed = audit_records(caplog)[-2:]
    assert confirmed == {"event": "operator_audit", "operator": "alice",
                         "action": "confirmed a transaction is the customer's",
                         "transaction_id": transaction_id, "reason": "support ticket SUP-1042"}
    assert (viewed["action"], viewed["transaction_id"], viewed["confirmed_by_operator"]) == (
        "viewed images", transaction_id, True)
    assert PHONE not in caplog.text and EMAIL not in caplog.text


def test_a_reason_naming_the_customer_is_refused_and_nothing_is_shown(
        documented: Simulator, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    at, _ = confirmed_with_reason(documented, store_url, caplog, "customer 010 0123 4567 called")
    assert "Leave the customer's e-mail, phone and ID numbers out" in texts(at)
    assert image_count(at) == 0
    assert documented.requests_to("GetStepImage") == []
    assert "0123" not in caplog.text


def test_when_the_apps_records_cannot_be_read_no_images_are_shown(
        documented: Simulator) -> None:
    transaction_id = verify_and_register(documented).transaction_id
    register_and_link(documented, transaction_id, OTHER_PHONE, "x@example.com")
    unreachable = "postgresql://app:secret-pw@127.0.0.1:9/vlens"
    at = ask_for(store_page(documented, unreachable), transaction_id, OTHER_PHONE)
    assert "records cannot be read right now" in texts(at)
    assert "secret-pw" not in texts(at)
    assert image_count(at) == 0
    assert documented.requests_to("GetStepImage") == []


def test_a_self_service_verification_made_in_the_app_can_be_confirmed_on_the_operator_page(
        store_url: str) -> None:
    """No link, no business reference: the app still records the finished verification (its
    transaction id, never images or personal data), which is what the operator page checks."""
    with simulator(Scenario(image_listing="documented")) as sim, fake_camera(), \
            patch.dict(os.environ, {URL_ENV: store_url}):
        at = start_app()
        for key, name, data, mime in (
                ("upload_id_front", "front.jpg", imagery.jpeg(imagery.card_in_frame(
                    imagery.id_card_front(), 1600, 1200, fill=0.7)), "image/jpeg"),
                ("upload_id_back", "back.jpg", imagery.jpeg(imagery.card_in_frame(
                    imagery.id_card_back(), 1600, 1200, fill=0.7, seed=2)), "image/jpeg"),
                ("upload_face", "selfie.mp4", selfie_video(), "video/mp4")):
            at.file_uploader(key=key).set_value((name, data, mime))
            at.run()
        at = send(at)
        outcome = attempt_of(at).outcome
        assert outcome is not None and outcome.verified and outcome.transaction_id
        register_and_link(sim, outcome.transaction_id)
        at = ask_for(store_page(sim, store_url), outcome.transaction_id)
        assert CONFIRM in texts(at)
        at = confirm(at, "support ticket SUP-7")
    assert image_count(at) == 6


def test_a_tick_given_for_one_transaction_does_not_carry_over_to_another(
        documented: Simulator, store_url: str) -> None:
    first = record(store_url, documented)
    register_and_link(documented, first)
    second = record(store_url, documented, seed=10)
    at = ask_for(store_page(documented, store_url), first)
    at = confirm(at, "ok")  # ticked, but the reason is too short: refused, the form stays
    assert "Give a short reason" in texts(at)
    assert confirm_box(at).value
    at.text_input(key="operator_show_tx").input(second)
    at = click(at, "Show images")
    assert f"Transaction {second} is a verification made through this app" in texts(at)
    assert not confirm_box(at).value
    at = confirm(at, "support ticket SUP-1042", tick=False)  # only the reason changed
    assert "Tick the box" in texts(at)
    assert image_count(at) == 0
    assert documented.requests_to("GetStepImage") == []


def test_under_the_documented_listing_any_recorded_transaction_opens_once_the_operator_confirms(
        documented: Simulator, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The limit of the documented listing (docs/security.md "The customer's transaction"):
    nothing ties the images to a transaction, so customer A's verification, recorded by this
    app, can be opened under customer X. What stands in the way is the operator's check, asked
    for and audited."""
    customer_a = record(store_url, documented)
    register_and_link(documented, customer_a)
    customer_x = record(store_url, documented, seed=10)
    register_and_link(documented, customer_x, OTHER_PHONE, "x@example.com")
    caplog.set_level(logging.INFO, logger="vlens.operator")
    at = ask_for(store_page(documented, store_url), customer_a, OTHER_PHONE)
    assert CONFIRM in texts(at)
    assert "not one of this customer's verifications" not in texts(at)
    assert documented.requests_to("GetStepImage") == []
    at = confirm(at, "support ticket SUP-1042")
    assert image_count(at) == 6
    assert {r.query["TransactionId"] for r in documented.requests_to("GetStepImage")} == {
        customer_a}
    confirmed, viewed = audit_records(caplog)[-2:]
    assert (confirmed["action"], confirmed["transaction_id"], confirmed["reason"]) == (
        "confirmed a transaction is the customer's", customer_a, "support ticket SUP-1042")
    assert (viewed["action"], viewed["confirmed_by_operator"]) == ("viewed images", True)
