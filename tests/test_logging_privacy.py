"""Logs of full verifications carry what support needs and nothing personal or secret.

Real HTTP to the simulator, real images (a real face), the whole flow through
``run_verification``, every logger in the process captured at DEBUG as JSON lines. The scan
looks for the demo OCR name and ID number, AML record fields, a validation value, base64 image
prefixes, the API key, the service password and every token the simulator issued.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from components.observability import StepTimer, configure_logging, log_verification
from components.vlens.client import VlensClient
from components.vlens.flow import (
    StepEvent,
    StepPhase,
    Verdict,
    VerificationImages,
    VerificationOutcome,
    run_verification,
)
from components.vlens.models import VerifyStep
from components.vlens.simulator import Fault, Scenario, Simulator
from tests import imagery

DEMO_NAME = "DEMO PERSON"
DEMO_ID_NUMBER = "29001010112345"
BASE64_PREFIXES = ("/9j/", "iVBOR")


pytestmark = pytest.mark.usefixtures("restore_root_logger")


@dataclass
class Run:
    outcome: VerificationOutcome
    logged: str
    event: dict[str, Any]
    forbidden: dict[str, str]  # what must not appear -> why


def images() -> VerificationImages:
    return VerificationImages(
        id_front=imagery.jpeg(imagery.card_in_frame(imagery.id_card_front())),
        id_back=imagery.jpeg(imagery.card_in_frame(imagery.id_card_back(), seed=1)),
        faces=tuple(imagery.jpeg(imagery.face_frame(seed=s)) for s in (1, 2, 3)),
    )


def full_run(**knobs: object) -> Run:
    """One verification with fresh random credentials, logged as JSON at DEBUG."""
    scenario = Scenario(api_key=f"key-{secrets.token_hex(12)}",
                        password=f"pw-{secrets.token_hex(12)}", **knobs)  # type: ignore[arg-type]
    out = io.StringIO()
    configure_logging(None, {"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}, stream=out)
    with Simulator(scenario) as simulator, VlensClient(simulator.demo_config()) as client:
        timer = StepTimer()
        outcome = run_verification(client, images(), get_extracted_data=True, on_step=timer)
        event = log_verification(outcome, latencies_ms=timer.latencies_ms, demo=True)
        tokens = [*simulator.state.tokens, *simulator.state.refresh_tokens]
    forbidden = {
        DEMO_NAME: "OCR / AML name",
        DEMO_ID_NUMBER: "national ID number",
        scenario.api_key: "API key",
        scenario.password: "service password",
        **{prefix: "base64 image" for prefix in BASE64_PREFIXES},
        **{token: "token" for token in tokens},
    }
    return Run(outcome, out.getvalue(), event, forbidden)


def assert_clean(run: Run) -> None:
    leaks = [why for needle, why in run.forbidden.items() if needle in run.logged]
    assert not leaks, f"found in the logs: {leaks}"


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_verified_run_logs_its_trail_and_nothing_personal_or_secret() -> None:
    run = full_run()
    assert run.outcome.verdict is Verdict.VERIFIED
    # The responses really carried personal data: the scan below is not vacuous.
    assert DEMO_NAME in json.dumps(run.outcome.steps[VerifyStep.LIVENESS].data)
    assert len(run.forbidden) >= 7  # name, id number, key, password, 2 prefixes, >= 1 token
    assert_clean(run)

    lines = json_lines(run.logged)
    assert any(line["logger"] == "components.vlens.http" for line in lines)
    (event,) = [line for line in lines if line.get("event") == "verification"]
    assert {k: event[k] for k in run.event} == json.loads(json.dumps(run.event))
    assert event["verdict"] == "verified"
    assert event["transaction_id"] == run.outcome.transaction_id
    assert event["request_ids"] == {s.value: r for s, r in run.outcome.request_ids.items()}
    steps = event["steps"]
    assert isinstance(steps, list)
    assert [s["step"] for s in steps] == ["id_front", "id_back", "liveness"]
    assert all(isinstance(s["latency_ms"], float) and s["latency_ms"] > 0 for s in steps)
    assert all(s["http_status"] == 200 and s["error_code"] is None for s in steps)


def test_review_case_logs_codes_but_not_aml_records_or_validation_values() -> None:
    run = full_run(aml_match=True)
    assert run.outcome.verdict is Verdict.NEEDS_REVIEW
    assert "aml_match" in json.dumps(run.event["findings"])
    run.forbidden.update({"DEMO-0001": "AML case number", "1990-01-01": "date of birth"})
    assert_clean(run)

    flagged = full_run(validation_errors=True)
    assert flagged.outcome.verdict is Verdict.NEEDS_REVIEW
    (front,) = [s for s in flagged.event["steps"] if s["step"] == "id_front"]
    assert front["validation_codes"] == ["1001"]
    flagged.forbidden["1990-13-01"] = "validation value"
    assert_clean(flagged)


def test_failed_run_logs_the_error_code_and_no_secret() -> None:
    run = full_run(faults=(Fault(path="liveness/multi", status=500, times=5),))
    assert run.outcome.verdict is Verdict.INCOMPLETE
    assert run.event["failed_step"] == "liveness"
    assert run.event["exception"] == "VlensServiceError"
    assert run.event["error_code"] == 500
    assert_clean(run)
    (event,) = [line for line in json_lines(run.logged) if line.get("event") == "verification"]
    assert event["level"] == "WARNING"


def test_each_answered_call_is_logged_when_it_ends_even_if_the_run_is_then_interrupted() -> None:
    """A Ctrl-C or a stopping process after the front was answered (and billed) still leaves
    its request id and transaction id in the log: the per-call line does not wait for the end."""
    out = io.StringIO()
    configure_logging(None, {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}, stream=out)

    def interrupt_when_the_back_starts(event: StepEvent) -> None:
        if event.step is VerifyStep.ID_BACK and event.phase is StepPhase.STARTED:
            raise KeyboardInterrupt

    with Simulator(Scenario()) as simulator, VlensClient(simulator.demo_config()) as client:
        with pytest.raises(KeyboardInterrupt):
            run_verification(client, images(), get_extracted_data=True,
                             on_step=StepTimer(then=interrupt_when_the_back_starts))
        billed = [request for request in simulator.state.requests if "verify" in request.path]
    calls = [line for line in json_lines(out.getvalue()) if line.get("event") == "vlens_call"]
    assert len(billed) == 1 and len(calls) == 1
    (front,) = calls
    assert front["step"] == "id_front" and front["outcome"] == "succeeded" and front["answered"]
    assert front["request_id"] and front["transaction_id"]
    assert front["http_status"] == 200 and front["latency_ms"] > 0
    assert not any(line.get("event") == "verification" for line in json_lines(out.getvalue()))
    assert DEMO_NAME not in out.getvalue() and DEMO_ID_NUMBER not in out.getvalue()


def test_a_possibly_billed_call_without_an_answer_is_logged_as_such() -> None:
    run = full_run(faults=(Fault(path="verify/id/front", status=504),))
    (front,) = [line for line in json_lines(run.logged) if line.get("event") == "vlens_call"]
    assert front["step"] == "id_front" and front["outcome"] == "failed"
    assert front["possibly_billed"] is True
    assert_clean(run)
