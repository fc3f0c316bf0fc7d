"""Nothing secret or image-like reaches the logs, errors, reprs or JSON summaries."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import time
from collections.abc import Callable

import pytest

from components.vlens import (
    VerificationImages,
    VlensClient,
    VlensRejectedError,
    VlensServiceError,
    run_verification,
)
from components.vlens.simulator import DEMO_OTP, Fault, Scenario, Simulator
from tests.conftest import Jpegs

API_KEY = "ak-LIVE-7f3c9e1d2b"
PASSWORD = "pw-Secret-91af"
USER_PASSWORD = "User-Secret-55"


def test_full_run_logs_no_secret_and_no_payload(
    start_simulator: Callable[..., Simulator], client_for: Callable[..., VlensClient],
    images: VerificationImages, jpegs: Jpegs, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, urllib3 included
    simulator = start_simulator(Scenario(
        api_key=API_KEY, password=PASSWORD, token_ttl_s=0.8, advertised_ttl_s=86400,
        faults=(Fault("verify/id/back", status=503), Fault("verify/id/front", status=200,
                                                            html=True)),
    ))
    client = client_for(simulator)
    failed = run_verification(client, images)  # HTML answer on the front
    assert isinstance(failed.error, VlensServiceError)
    time.sleep(0.9)  # the token expires: the next call is refused and the client logs in again
    outcome = run_verification(client, images, previous=failed)  # 503 then success on the back
    assert outcome.verified

    phone = "+201001230000"
    otp_id = client.register_step_verify_phone(phone).data["phoneNumberOtpRequestId"]
    user = client.register(phone, phone_number_otp=DEMO_OTP, phone_number_otp_request_id=otp_id,
                           password=USER_PASSWORD)
    session = client.end_user_login(phone, USER_PASSWORD)

    secrets = {API_KEY, PASSWORD, USER_PASSWORD, user.access_token, session.access_token}
    secrets |= set(simulator.state.tokens) | set(simulator.state.refresh_tokens)
    assert len(simulator.requests_to("Login")) >= 2  # the re-login path was exercised
    payloads = [base64.b64encode(image).decode()[:32]
                for image in (jpegs.id_front, jpegs.id_back, *jpegs.faces)]

    exposed = "\n".join([
        caplog.text,
        *(str(record.args) for record in caplog.records),
        json.dumps(failed.to_dict(), default=str), json.dumps(outcome.to_dict(), default=str),
        str(failed.error), repr(failed), repr(outcome), repr(client), repr(client.config),
        repr(user), repr(session), repr(images),
    ])
    assert "vlens POST /api/DigitalIdentity/verify/liveness/multi -> 200" in caplog.text
    for secret in secrets:
        assert secret not in exposed
    for payload in payloads:
        assert payload not in exposed
    assert "/9j/" not in exposed  # the start of any base64 JPEG


def test_a_customer_lookup_at_debug_level_logs_no_phone_number(
    simulator: Simulator, client_for: Callable[..., VlensClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # [logging] level = "DEBUG": urllib3 logs each request line
    with contextlib.suppress(VlensRejectedError):  # no such customer on the simulator
        client_for(simulator).list_user_images("+201001234567")
    lines = "\n".join(record.getMessage() for record in caplog.records)
    assert "GetUserDigitalIdentityImages?<query hidden>" in lines  # urllib3's line, redacted
    assert "201001234567" not in lines and "emailOrPhoneNumber" not in lines
