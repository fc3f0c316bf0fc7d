"""Every documented endpoint over real HTTP against the simulator, with the exact headers and
body fields the simulator received."""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from collections.abc import Callable

import pytest

from components.vlens import VlensAuthError, VlensClient, VlensRejectedError
from components.vlens.simulator import DEMO_OTP, Blob, RecordedRequest, Scenario, Simulator
from tests.conftest import Jpegs

DOCUMENTED_HEADERS = {"apikey", "tenancyname", "x-request-id", "accept-language"}


def blob_of(image: bytes) -> str:
    return hashlib.sha256(base64.b64encode(image)).hexdigest()


def assert_documented_headers(request: RecordedRequest, *, bearer: bool, language: str = "en"
                              ) -> None:
    headers = request.headers
    assert set(headers) >= DOCUMENTED_HEADERS
    assert headers["apikey"] == "demo-api-key"
    assert headers["tenancyname"] == "demo"
    assert headers["accept-language"] == language
    assert uuid.UUID(headers["x-request-id"]).version == 4
    assert headers["x-request-id"] == str(uuid.UUID(headers["x-request-id"]))  # lowercase form
    assert ("authorization" in headers) == bearer
    if bearer:
        assert headers["authorization"].startswith("Bearer sim.")
    if request.method == "POST":
        assert headers["content-type"] == "application/json"


def run_three_steps(client: VlensClient, jpegs: Jpegs, **kwargs: object) -> str:
    front = client.verify_id_front(jpegs.id_front, **kwargs)  # type: ignore[arg-type]
    assert front.error_code is None and front.transaction_id
    back = client.verify_id_back(jpegs.id_back, transaction_id=front.transaction_id,
                                 **kwargs)  # type: ignore[arg-type]
    assert back.error_code is None and back.transaction_id == front.transaction_id
    live = client.verify_liveness(jpegs.id_front, jpegs.faces,
                                  transaction_id=front.transaction_id,
                                  **kwargs)  # type: ignore[arg-type]
    assert live.error_code is None and live.is_digital_identity_verified is True
    return front.transaction_id


def test_credentials_login_and_refresh(simulator: Simulator,
                                       client_for: Callable[..., VlensClient]) -> None:
    client = client_for(simulator)
    grant = client.login()
    assert grant.access_token.startswith("sim.service.") and grant.expire_in_seconds == 86400
    assert grant.refresh_token and grant.refresh_token_expire_in_seconds == 604800
    renewed = client.refresh(grant.refresh_token)
    assert renewed.access_token != grant.access_token and renewed.refresh_token

    login, refresh = simulator.requests_to("/api/credentials/")
    assert login.path == "/api/credentials/Login"
    assert refresh.path == "/api/credentials/RefreshToken"
    assert login.body == {"tenancyName": "demo", "userNameOrEmailAddress": "demo-operator",
                          "password": "demo-password"}
    assert refresh.body == {"refreshToken": grant.refresh_token}
    for request in (login, refresh):
        assert_documented_headers(request, bearer=False)


def test_verify_steps_send_documented_headers_and_body(
    simulator: Simulator, client_for: Callable[..., VlensClient], jpegs: Jpegs
) -> None:
    client = client_for(simulator, language="ar", country="EG")
    transaction_id = run_three_steps(client, jpegs)

    front, back, live = (simulator.requests_to(p)[0] for p in ("id/front", "id/back", "liveness"))
    assert front.path == "/api/DigitalIdentity/verify/id/front"
    assert back.path == "/api/DigitalIdentity/verify/id/back"
    assert live.path == "/api/DigitalIdentity/verify/liveness/multi"
    for request in (front, back, live):
        assert_documented_headers(request, bearer=True, language="ar")
    ids = {r.headers["x-request-id"] for r in simulator.requests}
    assert len(ids) == len(simulator.requests)  # a fresh X-Request-Id per call

    assert set(front.body) == {"image", "getExtractedData", "country"}
    assert front.body["image"] == Blob.of(base64.b64encode(jpegs.id_front).decode())
    assert front.body["getExtractedData"] is False and front.body["country"] == "EG"
    assert set(back.body) == {"image", "transaction_id", "getExtractedData", "country"}
    assert back.body["transaction_id"] == transaction_id
    assert back.body["image"].sha256 == blob_of(jpegs.id_back)
    assert set(live.body) == {"image", "face_1", "face_2", "face_3", "transaction_id",
                              "getExtractedData", "country"}
    assert live.body["image"].sha256 == blob_of(jpegs.id_front)  # the ID front, sent again
    assert [live.body[f"face_{i}"].sha256 for i in (1, 2, 3)] == [blob_of(f) for f in jpegs.faces]
    assert live.body["transaction_id"] == transaction_id


def test_extracted_data_and_optional_fields(simulator: Simulator,
                                            client_for: Callable[..., VlensClient],
                                            jpegs: Jpegs) -> None:
    client = client_for(simulator)
    front = client.verify_id_front(jpegs.id_front, get_extracted_data=True,
                                   name_check_value="DEMO PERSON",
                                   client_transaction_id="order-42")
    assert front.id_front_data["name_english"] == "DEMO PERSON"
    assert len(front.id_front_data["idNumber"]) == 14
    assert front.services.doc_type == "national_id"
    body = simulator.requests_to("id/front")[0].body
    assert body["getExtractedData"] is True and body["name_check_value"] == "DEMO PERSON"
    assert body["client_transaction_id"] == "order-42" and "transaction_id" not in body


def test_key_only_steps_link_list_and_download(simulator: Simulator,
                                               client_for: Callable[..., VlensClient],
                                               jpegs: Jpegs) -> None:
    client = client_for(simulator)
    transaction_id = run_three_steps(client, jpegs, key_only=True)
    for request in simulator.requests_to("/v1/ocr/"):
        assert_documented_headers(request, bearer=False)
    assert not simulator.requests_to("/api/credentials/Login")  # key-only needs no token

    phone = "+201001234567"
    assert client.check_existence(phone_number=phone, email="demo@example.com").data == {
        "isPhoneNumberExist": False, "isEmailExist": False}
    otp = client.register_step_verify_phone(phone)
    otp_request_id = otp.data["phoneNumberOtpRequestId"]
    user = client.register(phone, phone_number_otp=DEMO_OTP,
                           phone_number_otp_request_id=otp_request_id,
                           email="demo@example.com", password="Demo-pass-1")
    assert user.access_token.startswith("sim.user.") and user.is_digital_identity_verified is False
    assert client.check_existence(phone_number=phone).data["isPhoneNumberExist"] is True
    again = client.end_user_login(phone, "Demo-pass-1")
    assert again.access_token != user.access_token and again.user["phoneNumber"] == phone

    linked = client.link_user_with_transaction(transaction_id, user_token=again.access_token,
                                               get_extracted_data=True)
    assert linked.step is None and linked.error_code is None
    assert linked.is_digital_identity_verified is True
    link_request = simulator.requests_to("LinkUserWithExistingTransaction")[0]
    assert link_request.body == {"transactionId": transaction_id, "getExtractedData": True}
    assert link_request.headers["authorization"] == f"Bearer {again.access_token}"

    names = client.list_user_images(phone)
    assert names.id_front_image == "id_front.jpg" and names.liveness_face02_image == "face_2.jpg"
    assert names.transaction_id is None  # as Vlens documents it: file names only
    listing = simulator.requests_to("GetUserDigitalIdentityImages")[0]
    assert listing.method == "GET" and listing.query == {"emailOrPhoneNumber": phone}
    assert client.get_step_image(transaction_id, names.liveness_face02_image) == jpegs.faces[1]
    assert client.get_step_image(transaction_id, "id_back.jpg", log_id=7) == jpegs.id_back
    download = simulator.requests_to("GetStepImage")[-1]
    assert download.query == {"TransactionId": transaction_id, "FileName": "id_back.jpg",
                              "LogId": "7"}
    for request in simulator.requests_to("/api/DigitalIdentity/"):
        expected_bearer = "LinkUser" not in request.path
        assert_documented_headers(request, bearer=True)
        assert request.headers["authorization"].startswith(
            "Bearer sim.service." if expected_bearer else "Bearer sim.user.")


def test_end_user_mistakes_are_rejections(simulator: Simulator,
                                          client_for: Callable[..., VlensClient]) -> None:
    client = client_for(simulator)
    otp_id = client.register_step_verify_phone("+201001234568").data["phoneNumberOtpRequestId"]
    with pytest.raises(VlensRejectedError) as wrong_otp:
        client.register("+201001234568", phone_number_otp="000000",
                        phone_number_otp_request_id=otp_id)
    assert wrong_otp.value.code == 400
    logins_before = len(simulator.requests_to("/api/credentials/Login"))
    with pytest.raises(VlensRejectedError) as wrong_password:
        client.end_user_login("+201001234599", "nope")
    assert wrong_password.value.code == 401
    # The customer's password was sent once, and the app's own login was left alone.
    assert len(simulator.requests_to("/api/DigitalIdentity/Login")) == 1
    assert len(simulator.requests_to("/api/credentials/Login")) == logins_before
    with pytest.raises(VlensRejectedError):
        client.register_step_verify_phone("01001234567")  # not E.164


def test_wrong_credentials_are_an_auth_error(simulator: Simulator,
                                             client_for: Callable[..., VlensClient],
                                             jpegs: Jpegs) -> None:
    client = client_for(simulator, password="wrong-password")
    with pytest.raises(VlensAuthError) as caught:
        client.verify_id_front(jpegs.id_front)
    assert "wrong-password" not in str(caught.value)
    assert caught.value.request_id
    assert len(simulator.requests_to("Login")) == 1 and not simulator.requests_to("verify")


def test_invalid_pre_issued_token_fails_without_login(simulator: Simulator,
                                                      client_for: Callable[..., VlensClient],
                                                      jpegs: Jpegs) -> None:
    client = client_for(simulator, username=None, password=None, access_token="sim.bogus")
    with pytest.raises(VlensAuthError) as caught:
        client.verify_id_front(jpegs.id_front)
    assert caught.value.code == 403
    assert len(simulator.requests_to("verify")) == 1 and not simulator.requests_to("Login")


def test_token_is_shared_across_clients_and_threads(
    start_simulator: Callable[..., Simulator], jpegs: Jpegs
) -> None:
    simulator = start_simulator(Scenario(check_images=False))
    config = simulator.demo_config()
    errors: list[BaseException] = []

    def verify() -> None:
        try:
            with VlensClient(config) as client:
                assert client.verify_id_front(jpegs.id_front).error_code is None
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=verify) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(simulator.requests_to("Login")) == 1
    assert len(simulator.requests_to("id/front")) == 6
    tokens = {r.headers["authorization"] for r in simulator.requests_to("id/front")}
    assert len(tokens) == 1


def test_wrong_api_key_on_a_key_only_step(simulator: Simulator,
                                          client_for: Callable[..., VlensClient],
                                          jpegs: Jpegs) -> None:
    client = client_for(simulator, api_key="not-the-key")
    with pytest.raises(VlensAuthError) as caught:
        client.verify_id_front(jpegs.id_front, key_only=True)
    assert caught.value.code == 401 and "API key" in str(caught.value)
    assert "not-the-key" not in str(caught.value)
    assert len(simulator.requests_to("/v1/ocr/id/front")) == 1  # nothing to log in again with
