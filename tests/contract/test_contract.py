"""``components.vlens`` against a strict server written from the API document alone.

Each test asserts what went over the wire, to the letter of vlens-api.md (EXPECTATIONS.md lists the
rules with their line numbers), and that every answer the document allows is understood.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from components.vlens import (
    RetryPolicy,
    StepResult,
    Verdict,
    VerificationImages,
    VerifyStep,
    VlensAuthError,
    VlensClient,
    VlensConfig,
    VlensError,
    VlensServiceError,
    run_verification,
)
from tests.conftest import Jpegs
from tests.contract.strict_server import (
    OTP,
    OTP_REQUEST_ID,
    Recorded,
    Reply,
    StrictVlens,
    Style,
    envelope,
)

FRONT = "/api/DigitalIdentity/verify/id/front"
BACK = "/api/DigitalIdentity/verify/id/back"
LIVENESS = "/api/DigitalIdentity/verify/liveness/multi"
LOGIN = "/api/credentials/Login"
REFRESH = "/api/credentials/RefreshToken"
FAST = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def config_for(server: StrictVlens, **changes: Any) -> VlensConfig:
    values: dict[str, Any] = {"base_url": server.base_url, "api_key": server.api_key,
                              "tenancy_name": server.tenancy, "username": server.username,
                              "password": server.password, "timeout_s": 5.0}
    return VlensConfig(**{**values, **changes})


@pytest.fixture
def server() -> Iterator[StrictVlens]:
    with StrictVlens() as running:
        yield running
    assert running.violations == []


@pytest.fixture
def client(server: StrictVlens) -> Iterator[VlensClient]:
    vlens = VlensClient(config_for(server), retry=FAST)
    yield vlens
    vlens.close()


def images(jpegs: Jpegs) -> VerificationImages:
    return VerificationImages(jpegs.id_front, jpegs.id_back, jpegs.faces)


def bearer(request: Recorded) -> str:
    value = request.header("Authorization") or ""
    assert value.startswith("Bearer ")
    return value.removeprefix("Bearer ")


def login_token(server: StrictVlens, index: int = 0) -> str:
    """The access token the server issued in its ``index``-th successful Login."""
    return server.issued[2 * index]


# -- the three steps -----------------------------------------------------------------------------

STYLES = [
    pytest.param(Style(), id="seed-example"),
    pytest.param(Style(services_at="data"), id="services-in-data"),
    pytest.param(Style(services_at="both", country="EGY"), id="services-both-EGY"),
    pytest.param(Style(key_case="lower"), id="keys-lowercase"),
    pytest.param(Style(key_case="pascal", services_at="data"), id="keys-PascalCase"),
    pytest.param(Style(key_case="camel"), id="keys-camelCase"),
]


@pytest.mark.parametrize("style", STYLES)
def test_flow_sends_the_documented_requests_and_reads_every_answer_variant(
        style: Style, jpegs: Jpegs) -> None:
    with StrictVlens(style) as server:
        client = VlensClient(config_for(server), retry=FAST)
        outcome = run_verification(client, images(jpegs))
        client.close()
    assert server.violations == []
    assert [r.path for r in server.requests] == [LOGIN, FRONT, BACK, LIVENESS]
    login, front, back, liveness = server.requests

    assert login.body == {"tenancyName": server.tenancy, "userNameOrEmailAddress": server.username,
                          "password": server.password}
    assert login.header("TenancyName") == server.tenancy
    assert login.header("Authorization") is None
    token = login_token(server)
    for step in (front, back, liveness):
        assert bearer(step) == token
        assert step.header("ApiKey") == server.api_key
        assert step.header("Accept-Language") == "en"
    assert len({r.header("X-Request-Id") for r in server.requests}) == 4

    assert front.body["image"] == b64(jpegs.id_front)
    assert "transaction_id" not in front.body  # L40: omitted on the first step
    assert front.body["getExtractedData"] is False or "getExtractedData" not in front.body
    tid = outcome.transaction_id
    assert tid is not None
    assert back.body["image"] == b64(jpegs.id_back)
    assert back.body["transaction_id"] == tid
    assert {"image", "face_1", "face_2", "face_3", "transaction_id"} <= set(liveness.body)
    assert liveness.body["image"] == b64(jpegs.id_front)
    assert [liveness.body[f"face_{i}"] for i in (1, 2, 3)] == [b64(f) for f in jpegs.faces]
    assert liveness.body["transaction_id"] == tid

    assert outcome.verdict is Verdict.VERIFIED
    assert outcome.error is None and outcome.problem is None
    result = outcome.steps[VerifyStep.LIVENESS]
    assert result.services.liveness is True
    assert result.services.spoofing_fake is False
    assert result.services.aml_matched is False
    assert result.services.src_valid is True
    assert outcome.steps[VerifyStep.ID_FRONT].services.doc_type == "national_id"
    assert outcome.steps[VerifyStep.ID_FRONT].transaction_id == tid
    assert {outcome.request_ids[s] for s in VerifyStep} == {
        r.header("X-Request-Id") for r in (front, back, liveness)}


def test_transaction_id_is_taken_from_data_idFrontData(server: StrictVlens, client: VlensClient,
                                                       jpegs: Jpegs) -> None:
    """L44: the id to chain is ``data.idFrontData.transaction_id``; here it is the only place."""
    tid = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5"
    server.script(FRONT, Reply(200, envelope(
        {"isVerificationProcessCompleted": False, "isDigitalIdentityVerified": False,
         "idFrontData": {"name_english": "Test", "transaction_id": tid}})))
    front = client.verify_id_front(jpegs.id_front)
    assert front.transaction_id == tid
    assert not front.failed


@pytest.mark.parametrize(("style", "verdict"), [
    (Style(digital_identity_verified=False), Verdict.NOT_VERIFIED),
    (Style(aml_matched=True), Verdict.NEEDS_REVIEW),
    (Style(spoof_fake=True), Verdict.NOT_VERIFIED),
])
def test_verdict_follows_the_documented_rules(style: Style, verdict: Verdict, jpegs: Jpegs) -> None:
    with StrictVlens(style) as server:
        client = VlensClient(config_for(server), retry=FAST)
        outcome = run_verification(client, images(jpegs))
        client.close()
    assert server.violations == []
    assert outcome.verdict is verdict


def test_liveness_sends_country_and_options_with_the_documented_names(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    front = client.verify_id_front(jpegs.id_front, get_extracted_data=True, name_check_value="Test",
                                   client_transaction_id="c-1", request_id="r-1")
    assert front.transaction_id
    sent = server.to(FRONT)[0].body
    assert sent["getExtractedData"] is True
    assert sent["name_check_value"] == "Test"
    assert sent["client_transaction_id"] == "c-1"
    assert sent["request_id"] == "r-1"


def test_configured_country_goes_out_as_country(jpegs: Jpegs) -> None:
    with StrictVlens() as server:
        client = VlensClient(config_for(server, country="EG"), retry=FAST)
        client.verify_id_front(jpegs.id_front)
        client.close()
    assert server.violations == []
    assert server.to(FRONT)[0].body["country"] == "EG"


def test_arabic_is_asked_for_with_accept_language_ar(jpegs: Jpegs) -> None:
    with StrictVlens() as server:
        client = VlensClient(config_for(server), "ar", retry=FAST)
        client.verify_id_front(jpegs.id_front)
        client.close()
    assert server.violations == []
    assert {r.header("Accept-Language") for r in server.requests} == {"ar"}


# -- errors both ways (L15-16) ---------------------------------------------------------------------

def test_http_422_maps_to_the_vlens_code_in_the_body(server: StrictVlens, client: VlensClient,
                                                     jpegs: Jpegs) -> None:
    server.script(FRONT, Reply(422, envelope(error_code=3011, error_message="Card not detected")))
    outcome = run_verification(client, images(jpegs))
    assert outcome.verdict is not Verdict.VERIFIED
    assert outcome.failed_step is VerifyStep.ID_FRONT
    assert outcome.problem is not None and outcome.problem.code == 3011
    assert outcome.steps[VerifyStep.ID_FRONT].error_code == 3011
    assert [r.path for r in server.requests] == [LOGIN, FRONT]


def test_http_200_with_error_code_is_a_failed_step(server: StrictVlens, client: VlensClient,
                                                   jpegs: Jpegs) -> None:
    server.script(LIVENESS, Reply(200, envelope(error_code=4209, error_message="Recapture face")))
    outcome = run_verification(client, images(jpegs))
    assert outcome.failed_step is VerifyStep.LIVENESS
    assert outcome.problem is not None and outcome.problem.code == 4209
    result = outcome.steps[VerifyStep.LIVENESS]
    assert result.failed and result.error_code == 4209 and result.http_status == 200
    assert outcome.verdict is not Verdict.VERIFIED


@pytest.mark.parametrize(("status", "code"), [(400, 400), (415, 415), (422, 5002), (422, 4003)])
def test_http_error_statuses_with_an_envelope_are_step_results(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs, status: int, code: int) -> None:
    server.script(BACK, Reply(status, envelope(error_code=code, error_message="refused")))
    front = client.verify_id_front(jpegs.id_front)
    result = client.verify_id_back(jpegs.id_back, transaction_id=front.transaction_id)
    assert result.failed
    assert result.error_code == code
    assert result.http_status == status


def test_validation_errors_fail_a_step_and_the_first_message_is_kept(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    issue = {"field": "dateOfBirth", "value": "1990-13-01",
             "errors": [{"code": 1001, "message": "Invalid date of birth"}]}
    server.script(FRONT, Reply(200, envelope(
        {"idFrontData": {"transaction_id": "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5"}},
        services={"validations": {"validation_errors": [issue]}})))
    outcome = run_verification(client, images(jpegs))
    result = outcome.steps[VerifyStep.ID_FRONT]
    assert result.failed
    assert len(result.services.validation_errors) == 1
    assert outcome.failed_step is VerifyStep.ID_FRONT
    assert outcome.verdict is not Verdict.VERIFIED


def test_http_500_is_a_service_error_and_images_are_kept(server: StrictVlens, client: VlensClient,
                                                         jpegs: Jpegs) -> None:
    server.script(FRONT, *[Reply(500, envelope(error_code=500, error_message="boom"))] * 3)
    outcome = run_verification(client, images(jpegs))
    assert isinstance(outcome.error, VlensServiceError)
    assert outcome.verdict is not Verdict.VERIFIED
    assert outcome.images == images(jpegs)


# -- tokens ----------------------------------------------------------------------------------------

def test_login_is_lazy_and_the_token_is_reused(server: StrictVlens, jpegs: Jpegs) -> None:
    client = VlensClient(config_for(server), retry=FAST)
    assert server.requests == []
    client.verify_id_front(jpegs.id_front)
    client.verify_id_front(jpegs.id_front)
    client.close()
    assert [r.path for r in server.requests] == [LOGIN, FRONT, FRONT]


def test_pre_issued_access_token_is_used_without_logging_in(jpegs: Jpegs) -> None:
    with StrictVlens() as server:
        token = server.user_token()
        client = VlensClient(config_for(server, username=None, password=None, access_token=token),
                             retry=FAST)
        client.verify_id_front(jpegs.id_front)
        client.close()
    assert server.violations == []
    assert [r.path for r in server.requests] == [FRONT]
    assert bearer(server.requests[0]) == token


@pytest.mark.parametrize("refused", [401, 403])
def test_refused_token_logs_in_again_once(refused: int, jpegs: Jpegs) -> None:
    with StrictVlens(Style(refused_token_status=refused)) as server:
        client = VlensClient(config_for(server), retry=FAST)
        front = client.verify_id_front(jpegs.id_front)
        server.revoke_tokens()
        back = client.verify_id_back(jpegs.id_back, transaction_id=front.transaction_id)
        client.close()
    assert server.violations == []
    assert [r.path for r in server.requests] == [LOGIN, FRONT, BACK, LOGIN, BACK]
    assert [r.status for r in server.requests] == [200, 200, refused, 200, 200]
    assert not back.failed
    assert bearer(server.requests[-1]) == login_token(server, 1)


@pytest.mark.parametrize("refused", [401, 403])
def test_token_refused_again_after_relogin_is_a_clear_auth_error(refused: int,
                                                                 jpegs: Jpegs) -> None:
    with StrictVlens(Style(refused_token_status=refused)) as server:
        server.refuse_all_tokens = True
        client = VlensClient(config_for(server), retry=FAST)
        with pytest.raises(VlensAuthError) as raised:
            client.verify_id_front(jpegs.id_front)
        client.close()
    assert server.violations == []
    assert [r.path for r in server.requests] == [LOGIN, FRONT, LOGIN, FRONT]
    assert_no_secret(server, str(raised.value), repr(raised.value))


def test_wrong_password_is_an_auth_error_without_a_login_loop(jpegs: Jpegs) -> None:
    with StrictVlens() as server:
        client = VlensClient(config_for(server, password="wrong-" + server.password), retry=FAST)
        outcome = run_verification(client, images(jpegs))
        client.close()
    assert server.violations == []
    assert isinstance(outcome.error, VlensAuthError)
    assert [r.path for r in server.requests] == [LOGIN]
    assert server.password not in str(outcome.error)


@pytest.mark.parametrize("names", ["new_only", "old_only", "stale_old"])
def test_refresh_before_expiry_chains_the_newest_refresh_token(names: str, jpegs: Jpegs) -> None:
    """L29-30: the next refresh token is ``newRefreshToken`` and/or ``refreshToken``."""
    style = Style(expire_in_seconds=1, refresh_names=names)  # type: ignore[arg-type]
    with StrictVlens(style) as server:
        client = VlensClient(config_for(server), retry=FAST)
        front = client.verify_id_front(jpegs.id_front)
        for _ in range(2):
            time.sleep(1.1)
            client.verify_id_back(jpegs.id_back, transaction_id=front.transaction_id)
        client.close()
    assert server.violations == []
    assert [r.status for r in server.requests] == [200] * len(server.requests)
    refreshes = server.to(REFRESH)
    assert len(refreshes) >= 2
    assert refreshes[0].body == {"refreshToken": server.issued[1]}
    assert len({r.body["refreshToken"] for r in refreshes}) == len(refreshes)
    assert server.to(LOGIN) == server.requests[:1]


# -- operator and end-user calls ------------------------------------------------------------------

def test_list_user_images_sends_emailOrPhoneNumber_encoded(server: StrictVlens,
                                                           client: VlensClient) -> None:
    found = client.list_user_images("+201001234567")
    request = server.requests[-1]
    assert request.method == "GET"
    assert request.query == {"emailOrPhoneNumber": ["+201001234567"]}
    assert bearer(request) == login_token(server)
    assert "livenessFace03Image.jpg" in repr(found)


def test_get_step_image_sends_PascalCase_query_and_decodes_the_image(server: StrictVlens,
                                                                    client: VlensClient) -> None:
    tid = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5"
    image = client.get_step_image(tid, "idFrontImage.jpg", impersonated_tenant_id=7, log_id=9)
    request = server.requests[-1]
    assert request.query == {"TransactionId": [tid], "FileName": ["idFrontImage.jpg"],
                             "ImpersonatedTenantId": ["7"], "LogId": ["9"]}
    assert image == b"\xff\xd8\xff" + b"idFrontImage.jpg"
    client.get_step_image(tid, "livenessFace01Image.jpg")
    assert server.requests[-1].query == {"TransactionId": [tid],
                                         "FileName": ["livenessFace01Image.jpg"]}
    assert bearer(server.requests[-1]) == login_token(server)


def test_link_user_sends_camelCase_with_the_end_users_token(server: StrictVlens,
                                                            client: VlensClient) -> None:
    tid = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5"
    user = server.user_token()
    result = client.link_user_with_transaction(tid, user_token=user, get_extracted_data=True)
    request = server.requests[-1]
    assert request.body == {"transactionId": tid, "getExtractedData": True}
    assert bearer(request) == user
    assert isinstance(result, StepResult) and result.is_verification_process_completed


def test_end_user_registration_and_login_bodies(server: StrictVlens, client: VlensClient) -> None:
    phone = "+201001234567"
    client.register_step_verify_phone(phone)
    client.register(phone, phone_number_otp=OTP, phone_number_otp_request_id=OTP_REQUEST_ID,
                    email="a@example.org", password=server.user_password)
    client.end_user_login(phone, server.user_password)
    client.check_existence(phone_number=phone, email="a@example.org")
    calls = [r for r in server.requests if r.path != LOGIN]  # L10 allows a Bearer on these too
    assert [r.path for r in calls] == [
        "/api/DigitalIdentity/Register/StepVerifyPhone", "/api/DigitalIdentity/Register",
        "/api/DigitalIdentity/Login", "/api/DigitalIdentity/CheckExistenceOfEmailOrPhone"]
    bodies = {r.path.rsplit("/", 1)[-1]: r.body for r in calls}
    assert bodies["StepVerifyPhone"] == {"phoneNumber": phone, "smsProviders": 0}
    assert bodies["Register"] == {"phoneNumber": phone, "email": "a@example.org",
                                  "password": server.user_password, "phoneNumberOtp": OTP,
                                  "phoneNumberOtpRequestId": OTP_REQUEST_ID}
    assert bodies["Login"] == {"phoneNumber": phone, "password": server.user_password}
    assert bodies["CheckExistenceOfEmailOrPhone"] == {"phoneNumber": phone,
                                                      "email": "a@example.org"}


def test_key_only_steps_use_v1_ocr_paths_without_logging_in(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    front = client.verify_id_front(jpegs.id_front, key_only=True)
    client.verify_id_back(jpegs.id_back, transaction_id=front.transaction_id, key_only=True)
    client.verify_liveness(jpegs.id_front, jpegs.faces, transaction_id=front.transaction_id,
                           key_only=True)
    assert [r.path for r in server.requests] == ["/v1/ocr/id/front", "/v1/ocr/id/back",
                                                 "/v1/ocr/liveness/multi"]


# -- secrets ---------------------------------------------------------------------------------------

def assert_no_secret(server: StrictVlens, *texts: str) -> None:
    for secret in (server.api_key, server.password, server.user_password, *server.issued):
        for text in texts:
            assert secret not in text


def test_no_secret_in_logs_reprs_or_errors(server: StrictVlens, jpegs: Jpegs,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = VlensClient(config_for(server), retry=FAST)
    outcome = run_verification(client, images(jpegs))
    server.refuse_all_tokens = True
    with pytest.raises(VlensError) as raised:
        client.list_user_images("+201001234567")
    texts = [caplog.text, repr(client), repr(client.config) if hasattr(client, "config") else "",
             repr(outcome), str(outcome.to_dict()), str(raised.value), repr(raised.value)]
    client.close()
    assert_no_secret(server, *texts)
    assert b64(jpegs.faces[0])[:40] not in caplog.text


def test_refused_refresh_token_falls_back_to_a_fresh_login(jpegs: Jpegs) -> None:
    with StrictVlens(Style(expire_in_seconds=1)) as server:
        server.script(REFRESH, Reply(401, envelope(error_code=401, error_message="expired")))
        client = VlensClient(config_for(server), retry=FAST)
        front = client.verify_id_front(jpegs.id_front)
        time.sleep(1.1)
        back = client.verify_id_back(jpegs.id_back, transaction_id=front.transaction_id)
        client.close()
    assert server.violations == []
    assert not back.failed
    assert [r.path for r in server.requests][-3:] == [REFRESH, LOGIN, BACK]
    assert server.requests[-1].status == 200


def test_clients_in_one_process_share_one_login(server: StrictVlens, jpegs: Jpegs) -> None:
    clients = [VlensClient(config_for(server), retry=FAST) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: c.verify_id_front(jpegs.id_front), clients))
    for vlens in clients:
        vlens.close()
    assert all(not r.failed for r in results)
    assert len(server.to(LOGIN)) == 1
    assert {bearer(r) for r in server.to(FRONT)} == {login_token(server)}


def test_retry_after_a_liveness_failure_resends_only_liveness_on_the_same_transaction(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    server.script(LIVENESS, Reply(200, envelope(error_code=4207, error_message="No face")))
    first = run_verification(client, images(jpegs))
    assert first.failed_step is VerifyStep.LIVENESS
    second = run_verification(client, images(jpegs), previous=first)
    assert second.verdict is Verdict.VERIFIED
    assert [r.path for r in server.requests] == [LOGIN, FRONT, BACK, LIVENESS, LIVENESS]
    retried = server.requests[-1]
    assert retried.body["transaction_id"] == first.transaction_id == second.transaction_id
    assert retried.body["image"] == b64(jpegs.id_front)


def test_liveness_needs_exactly_three_faces_and_sends_nothing_otherwise(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    front = client.verify_id_front(jpegs.id_front)
    sent = len(server.requests)
    with pytest.raises((ValueError, VlensError)):
        client.verify_liveness(jpegs.id_front, jpegs.faces[:2], transaction_id=front.transaction_id)
    assert len(server.requests) == sent


def test_html_instead_of_json_is_a_service_error(server: StrictVlens, client: VlensClient,
                                                 jpegs: Jpegs) -> None:
    server.script(FRONT, *[Reply(200, b"<html>Bad gateway</html>")] * 3)
    outcome = run_verification(client, images(jpegs))
    assert isinstance(outcome.error, VlensServiceError)
    assert outcome.verdict is not Verdict.VERIFIED


def test_services_are_read_from_data_when_the_top_level_block_is_empty(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    """L57 and S38: ``services`` may sit beside ``data`` or inside it; an empty placeholder in
    one place must not hide the block in the other."""
    tid = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5"
    issue = {"field": "idNumber", "value": "1", "errors": [{"code": 3001, "message": "Invalid"}]}
    server.script(FRONT, Reply(200, envelope(
        {"idFrontData": {"transaction_id": tid},
         "services": {"Validations": {"validation_errors": [issue]}}},
        services={})))
    result = client.verify_id_front(jpegs.id_front)
    assert result.failed
    assert result.services.validation_errors[0].errors[0].message == "Invalid"


def test_liveness_is_never_sent_before_the_id_back(server: StrictVlens, client: VlensClient,
                                                   jpegs: Jpegs) -> None:
    """L51: front and back, in either order, both before liveness."""
    with pytest.raises(ValueError, match="back of the ID"):
        run_verification(client, VerificationImages(jpegs.id_front, None, jpegs.faces))
    assert server.requests == []


def test_no_secret_in_end_user_and_token_objects(server: StrictVlens, client: VlensClient,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    phone = "+201001234567"
    grant = client.login()
    registered = client.register(phone, phone_number_otp=OTP,
                                 phone_number_otp_request_id=OTP_REQUEST_ID,
                                 password=server.user_password)
    signed_in = client.end_user_login(phone, server.user_password)
    link = client.link_user_with_transaction("6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5",
                                             user_token=signed_in.access_token)
    with pytest.raises(VlensError) as wrong:
        client.end_user_login(phone, "not-" + server.user_password)
    server.refuse_all_tokens = True
    with pytest.raises(VlensAuthError) as refused:
        client.link_user_with_transaction("6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5",
                                          user_token=signed_in.access_token)
    assert signed_in.access_token in server.issued  # the token is there, just never shown
    assert_no_secret(server, caplog.text, repr(grant), repr(registered), repr(signed_in),
                     repr(link), str(wrong.value), repr(wrong.value), str(refused.value),
                     repr(refused.value), repr(client))


def test_a_burst_of_calls_stays_under_ten_per_second(server: StrictVlens,
                                                     client: VlensClient) -> None:
    """L20: the strict server flags any 1-second window holding more than 10 requests."""
    started = time.monotonic()
    for _ in range(12):
        client.list_user_images("+201001234567")
    assert len(server.requests) == 13  # one Login, twelve calls
    assert time.monotonic() - started >= 1.0


def test_back_first_then_front_then_liveness_share_one_transaction(
        server: StrictVlens, client: VlensClient, jpegs: Jpegs) -> None:
    """L51: front and back may come in either order; the back then starts the transaction."""
    back = client.verify_id_back(jpegs.id_back, transaction_id=None)
    assert back.transaction_id is not None
    front = client.verify_id_front(jpegs.id_front, transaction_id=back.transaction_id)
    final = client.verify_liveness(jpegs.id_front, jpegs.faces, transaction_id=front.transaction_id)
    assert front.transaction_id == back.transaction_id
    assert final.is_digital_identity_verified is True
    assert "transaction_id" not in server.to(BACK)[0].body
    assert server.to(FRONT)[0].body["transaction_id"] == back.transaction_id
