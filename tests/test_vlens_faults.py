"""Fault matrix over real HTTP: every case ends with the documented behaviour, the images still
in hand, and a retry with ``previous`` that reuses what already succeeded."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest

from components.vlens import (
    ErrorCategory,
    Retake,
    StepEvent,
    StepPhase,
    Verdict,
    VerificationImages,
    VerificationOutcome,
    VerifyStep,
    VlensAuthError,
    VlensClient,
    VlensNetworkError,
    VlensRateLimitedError,
    VlensServiceError,
    VlensTimeoutError,
    run_verification,
)
from components.vlens.simulator import Fault, ForcedError, Scenario, Simulator
from tests.conftest import Jpegs
from tests.upstream_server import ScriptedServer

FRONT, BACK, LIVE = "verify/id/front", "verify/id/back", "verify/liveness/multi"
Start = Callable[..., Simulator]
ClientFor = Callable[..., VlensClient]


def retry_succeeds(client: VlensClient, first: VerificationOutcome, simulator: Simulator,
                   reused: set[VerifyStep]) -> VerificationOutcome:
    """Retry with the very images the failed run kept; steps in ``reused`` are not resent."""
    sent_before = {step: len(simulator.requests_to(path))
                   for step, path in zip(VerifyStep, (FRONT, BACK, LIVE), strict=True)}
    second = run_verification(client, first.images, previous=first)
    assert second.verdict is Verdict.VERIFIED, second.to_dict()
    assert second.reused == reused
    for step, path in zip(VerifyStep, (FRONT, BACK, LIVE), strict=True):
        extra = len(simulator.requests_to(path)) - sent_before[step]
        assert extra == (0 if step in reused else 1), step
    if reused:
        assert second.transaction_id == first.transaction_id
    return second


def test_http_500_is_a_service_error_not_retried(start_simulator: Start, client_for: ClientFor,
                                                 images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(BACK, status=500),)))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.INCOMPLETE and outcome.failed_step is VerifyStep.ID_BACK
    assert isinstance(outcome.error, VlensServiceError) and outcome.error.code == 500
    assert outcome.problem is not None and outcome.problem.category is ErrorCategory.SERVICE
    assert outcome.images is images
    assert len(simulator.requests_to(BACK)) == 1
    assert outcome.request_ids[VerifyStep.ID_BACK] == outcome.error.request_id
    retry_succeeds(client, outcome, simulator, reused={VerifyStep.ID_FRONT})


def test_503_once_then_success_is_retried(start_simulator: Start, client_for: ClientFor,
                                          images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(FRONT, status=503),)))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.VERIFIED
    first, second = simulator.requests_to(FRONT)
    assert first.headers["x-request-id"] == second.headers["x-request-id"]  # same logical call


def test_429_honours_retry_after(start_simulator: Start, client_for: ClientFor,
                                 images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(LIVE, status=429, retry_after="1"),)))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.VERIFIED
    first, second = simulator.requests_to(LIVE)
    assert second.received_at - first.received_at >= 0.95


def test_persistent_429_gives_up_after_three_attempts(start_simulator: Start,
                                                      client_for: ClientFor,
                                                      images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(FRONT, status=429, times=5),)))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.INCOMPLETE
    assert isinstance(outcome.error, VlensRateLimitedError)
    assert "try again in 60 s" in str(outcome.error)  # no Retry-After given: a minute
    assert len(simulator.requests_to(FRONT)) == 3
    # Two injected 429s remain: the next run's first attempt meets one, its retry the other.
    retry = run_verification(client, outcome.images, previous=outcome)
    assert retry.verdict is Verdict.VERIFIED and len(simulator.requests_to(FRONT)) == 6


def test_read_timeout_is_never_resent(start_simulator: Start, client_for: ClientFor,
                                      images: VerificationImages) -> None:
    # Image checks off so that only the injected stall can exceed the short timeout.
    simulator = start_simulator(Scenario(faults=(Fault(LIVE, status=None, delay_s=1.2),),
                                         check_images=False))
    client = client_for(simulator, timeout_s=0.5)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.INCOMPLETE and outcome.failed_step is VerifyStep.LIVENESS
    assert isinstance(outcome.error, VlensTimeoutError)
    assert outcome.error.possibly_billed
    assert len(simulator.requests_to(LIVE)) == 1  # exactly one request: no automatic resend
    assert outcome.to_dict()["error"]["possibly_billed"] is True
    time.sleep(0.9)  # let the stalled request finish on the simulator
    assert len(simulator.requests_to(LIVE)) == 1
    patient = client_for(simulator)  # the user retries (any timeout will do now)
    retry_succeeds(patient, outcome, simulator, reused={VerifyStep.ID_FRONT, VerifyStep.ID_BACK})


def test_unreachable_service_is_a_network_error(client_for: ClientFor, simulator: Simulator,
                                                images: VerificationImages) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client = client_for(simulator, base_url=dead_url)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.INCOMPLETE
    assert isinstance(outcome.error, VlensNetworkError)
    assert not isinstance(outcome.error, VlensTimeoutError)
    assert "3 attempts" in str(outcome.error) and outcome.images is images


def test_long_retry_after_is_reported_not_waited(start_simulator: Start, client_for: ClientFor,
                                                 images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(FRONT, status=429, retry_after="120"),)))
    started = time.monotonic()
    outcome = run_verification(client_for(simulator), images)
    assert time.monotonic() - started < 5
    assert isinstance(outcome.error, VlensRateLimitedError)
    assert "try again in 120 s" in str(outcome.error)
    assert len(simulator.requests_to(FRONT)) == 1


def test_html_instead_of_json(start_simulator: Start, client_for: ClientFor,
                              images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(FRONT, status=200, html=True),)))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.INCOMPLETE
    assert isinstance(outcome.error, VlensServiceError)
    assert "not JSON" in str(outcome.error) and "text/html" in str(outcome.error)
    retry_succeeds(client, outcome, simulator, reused=set())


@pytest.mark.parametrize(("status", "kind"), [(502, VlensServiceError),
                                              (504, VlensTimeoutError)])
def test_a_gateway_error_on_a_verify_step_is_possibly_billed_and_not_resent(
    start_simulator: Start, client_for: ClientFor, images: VerificationImages, status: int,
    kind: type[Exception],
) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(BACK, status=status, html=True,
                                                       times=3),)))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    assert isinstance(outcome.error, kind) and outcome.error.code == status
    assert outcome.error.possibly_billed and outcome.to_dict()["error"]["possibly_billed"]
    assert len(simulator.requests_to(BACK)) == 1  # a gateway may answer after Vlens billed
    second = run_verification(client, outcome.images, previous=outcome)  # the customer retries
    assert isinstance(second.error, kind) and len(simulator.requests_to(BACK)) == 2


def test_html_bad_gateway_on_a_read_is_retried_then_reported(
    start_simulator: Start, client_for: ClientFor
) -> None:
    path = "GetUserDigitalIdentityImages"
    simulator = start_simulator(Scenario(faults=(Fault(path, status=502, html=True, times=3),)))
    with pytest.raises(VlensServiceError) as caught:
        client_for(simulator).list_user_images("+201001234567")
    assert caught.value.code == 502 and not caught.value.possibly_billed
    assert len(simulator.requests_to(path)) == 3


@pytest.mark.parametrize(("step", "path", "code", "verdict", "category", "retake"), [
    ("liveness", LIVE, 4206, Verdict.NOT_VERIFIED, ErrorCategory.RETAKE_FACE, Retake.FACE),
    ("id_back", BACK, 3011, Verdict.NOT_VERIFIED, ErrorCategory.RETAKE_CARD, Retake.ID_BACK),
    ("id_front", FRONT, 4002, Verdict.INCOMPLETE, ErrorCategory.ACCOUNT, None),
    ("id_back", BACK, 5000, Verdict.INCOMPLETE, ErrorCategory.SERVICE, None),
])
def test_http_200_error_code_of_each_category(
    start_simulator: Start, client_for: ClientFor, images: VerificationImages, step: str,
    path: str, code: int, verdict: Verdict, category: ErrorCategory, retake: Retake | None,
) -> None:
    simulator = start_simulator(Scenario(forced_errors={step: ForcedError(code, times=1)}))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    failed = VerifyStep(step)
    assert outcome.verdict is verdict and outcome.failed_step is failed
    assert outcome.error is None  # an envelope error is a result, not an exception
    result = outcome.steps[failed]
    assert result.http_status == 200 and result.error_code == code
    assert outcome.problem is not None and outcome.problem.code == code
    assert (outcome.problem.category, outcome.problem.retake) == (category, retake)
    assert outcome.to_dict()["steps"][step]["error_code"] == code
    assert outcome.images is images
    earlier = {s for s in VerifyStep if list(VerifyStep).index(s) < list(VerifyStep).index(failed)}
    retry_succeeds(client, outcome, simulator, reused=earlier)


def test_http_200_auth_code_logs_in_again_once(start_simulator: Start, client_for: ClientFor,
                                               images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(forced_errors={"id_back": ForcedError(403, times=1)}))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.VERIFIED
    assert len(simulator.requests_to("Login")) == 2 and len(simulator.requests_to(BACK)) == 2


def test_http_200_auth_code_persisting_is_an_auth_error(start_simulator: Start,
                                                        client_for: ClientFor,
                                                        images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(forced_errors={"id_front": ForcedError(401)}))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.INCOMPLETE and outcome.failed_step is VerifyStep.ID_FRONT
    assert isinstance(outcome.error, VlensAuthError) and outcome.error.code == 401
    assert outcome.problem is not None and outcome.problem.category is ErrorCategory.AUTH
    assert len(simulator.requests_to("Login")) == 2 and len(simulator.requests_to(FRONT)) == 2
    assert outcome.images is images


def test_error_code_in_http_422_body(start_simulator: Start, client_for: ClientFor,
                                     images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(forced_errors={
        "id_front": ForcedError(5002, http_status=422, times=1)}))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.NOT_VERIFIED
    assert outcome.steps[VerifyStep.ID_FRONT].http_status == 422
    assert outcome.problem is not None and outcome.problem.retake is Retake.ID_FRONT


def test_token_refreshed_before_expiry(start_simulator: Start, client_for: ClientFor,
                                       images: VerificationImages) -> None:
    # Image checks off: the timing below must not depend on how busy the machine is.
    simulator = start_simulator(Scenario(token_ttl_s=1.0, check_images=False))

    def wait_past_expiry(event: StepEvent) -> None:
        if (event.phase, event.step) == (StepPhase.SUCCEEDED, VerifyStep.ID_FRONT):
            time.sleep(1.0)

    outcome = run_verification(client_for(simulator), images, on_step=wait_past_expiry)
    assert outcome.verdict is Verdict.VERIFIED
    assert len(simulator.requests_to("Login")) == 1
    assert len(simulator.requests_to("RefreshToken")) == 1
    assert all(len(simulator.requests_to(p)) == 1 for p in (FRONT, BACK, LIVE))  # no 403 seen


def test_token_expired_mid_flow_logs_in_again(start_simulator: Start, client_for: ClientFor,
                                              images: VerificationImages) -> None:
    # The simulator advertises a day but stops accepting the token after 1 s.
    simulator = start_simulator(Scenario(token_ttl_s=1.0, advertised_ttl_s=86400,
                                         check_images=False))

    def wait_past_expiry(event: StepEvent) -> None:
        if (event.phase, event.step) == (StepPhase.SUCCEEDED, VerifyStep.ID_FRONT):
            time.sleep(1.1)

    outcome = run_verification(client_for(simulator), images, on_step=wait_past_expiry)
    assert outcome.verdict is Verdict.VERIFIED
    assert len(simulator.requests_to("Login")) == 2
    assert len(simulator.requests_to(BACK)) == 2  # refused once with 403, then resent


def test_token_refused_again_after_relogin_is_an_auth_error(
    start_simulator: Start, client_for: ClientFor, images: VerificationImages
) -> None:
    simulator = start_simulator(Scenario(token_ttl_s=0.0, advertised_ttl_s=86400))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.INCOMPLETE
    assert isinstance(outcome.error, VlensAuthError) and outcome.error.code == 403
    assert outcome.problem is not None and outcome.problem.category is ErrorCategory.AUTH
    assert len(simulator.requests_to("Login")) == 2 and len(simulator.requests_to(FRONT)) == 2
    assert outcome.images is images


def test_http_500_naming_a_card_code_is_a_step_result(start_simulator: Start,
                                                      client_for: ClientFor,
                                                      images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(FRONT, status=500, code=7001),)))
    client = client_for(simulator)
    outcome = run_verification(client, images)
    assert outcome.verdict is Verdict.NOT_VERIFIED and outcome.error is None
    assert outcome.steps[VerifyStep.ID_FRONT].error_code == 7001
    assert outcome.problem is not None and outcome.problem.retake is Retake.ID_FRONT
    retry_succeeds(client, outcome, simulator, reused=set())


def test_bodyless_415_is_a_step_result(start_simulator: Start, client_for: ClientFor,
                                      images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(LIVE, status=415, empty=True),)))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.NOT_VERIFIED
    live = outcome.steps[VerifyStep.LIVENESS]
    assert (live.http_status, live.error_code, live.raw) == (415, 415, {})
    assert outcome.problem is not None and outcome.problem.retake is Retake.FACE


def test_bodyless_200_is_a_service_error(start_simulator: Start, client_for: ClientFor,
                                         images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(faults=(Fault(BACK, status=200, empty=True),)))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.INCOMPLETE
    assert isinstance(outcome.error, VlensServiceError) and "not JSON" in str(outcome.error)


def test_connection_dropped_after_sending(simulator: Simulator, client_for: ClientFor,
                                          jpegs: Jpegs) -> None:
    server = ScriptedServer(lambda connection: None)  # reads each request, closes unanswered
    try:
        client = client_for(simulator, base_url=server.base_url, username=None, password=None,
                            access_token="pre-issued")
        with pytest.raises(VlensNetworkError) as caught:
            client.verify_id_front(jpegs.id_front)
        assert caught.value.possibly_billed and server.requests == 1  # not resent
        with pytest.raises(VlensNetworkError) as listing:
            client.list_user_images("+201001234567")  # a read: safe to resend
        assert not listing.value.possibly_billed and server.requests == 4
    finally:
        server.close()
