"""run_verification against the simulator: verdicts, image-driven errors, step events, retries."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from components.vlens import (
    ErrorCategory,
    Finding,
    Retake,
    StepEvent,
    StepPhase,
    Verdict,
    VerificationImages,
    VerifyStep,
    VlensClient,
    run_verification,
)
from components.vlens.simulator import Scenario, Simulator
from tests import imagery
from tests.conftest import Jpegs

Start = Callable[..., Simulator]
ClientFor = Callable[..., VlensClient]


def test_verified_with_events_and_request_ids(simulator: Simulator, client_for: ClientFor,
                                              images: VerificationImages) -> None:
    events: list[StepEvent] = []
    outcome = run_verification(client_for(simulator), images, get_extracted_data=True,
                               on_step=events.append)
    assert outcome.verdict is Verdict.VERIFIED and outcome.verified and outcome.completed
    assert outcome.problem is None and outcome.findings == ()
    assert [(e.step, e.phase) for e in events] == [
        (step, phase) for step in VerifyStep for phase in (StepPhase.STARTED, StepPhase.SUCCEEDED)]
    sent_ids = [r.headers["x-request-id"] for r in simulator.requests_to("verify")]
    assert list(outcome.request_ids.values()) == sent_ids
    assert outcome.steps[VerifyStep.LIVENESS].id_front_data["idNumber"] == "29001010112345"
    summary = outcome.to_dict()
    assert summary["verified"] is True and set(summary["steps"]) == {"id_front", "id_back",
                                                                     "liveness"}
    assert summary["steps"]["liveness"]["services"]["liveness"] is True
    assert "faces" not in str(summary) and repr(images).startswith("VerificationImages(id_front=")


@pytest.mark.parametrize(("scenario", "verdict", "finding", "category"), [
    (Scenario(aml_match=True), Verdict.NEEDS_REVIEW, Finding.AML_MATCH, ErrorCategory.REVIEW),
    (Scenario(src_invalid=True), Verdict.NEEDS_REVIEW, Finding.SRC_INVALID,
     ErrorCategory.REVIEW),
    (Scenario(spoof=True), Verdict.NOT_VERIFIED, Finding.SPOOF, ErrorCategory.RETAKE_FACE),
    (Scenario(authority_unverified=True), Verdict.NOT_VERIFIED, Finding.AUTHORITY_NOT_VERIFIED,
     ErrorCategory.REVIEW),
])
def test_service_findings(start_simulator: Start, client_for: ClientFor,
                          images: VerificationImages, scenario: Scenario, verdict: Verdict,
                          finding: Finding, category: ErrorCategory) -> None:
    outcome = run_verification(client_for(start_simulator(scenario)), images)
    assert outcome.verdict is verdict
    assert outcome.findings[0] is finding
    assert outcome.problem is not None and outcome.problem.category is category
    assert outcome.failed_step is None and len(outcome.steps) == 3


def test_aml_match_is_worded_neutrally(start_simulator: Start, client_for: ClientFor,
                                       images: VerificationImages) -> None:
    outcome = run_verification(client_for(start_simulator(Scenario(aml_match=True))), images)
    assert outcome.steps[VerifyStep.LIVENESS].services.aml_records[0].full_name == "DEMO PERSON"
    assert outcome.problem is not None
    for text in (*outcome.problem.message.values(), *outcome.problem.next_step.values()):
        for word in ("AML", "sanction", "launder", "match", "list"):
            assert word.lower() not in text.lower()


def test_validation_errors_stop_the_flow_for_review(start_simulator: Start,
                                                    client_for: ClientFor,
                                                    images: VerificationImages) -> None:
    simulator = start_simulator(Scenario(validation_errors=True))
    outcome = run_verification(client_for(simulator), images)
    assert outcome.verdict is Verdict.NEEDS_REVIEW
    assert outcome.failed_step is VerifyStep.ID_FRONT
    assert outcome.findings == (Finding.VALIDATION_ERRORS,)
    assert outcome.problem is not None and outcome.problem.retake is Retake.ID_FRONT
    assert outcome.steps[VerifyStep.ID_FRONT].services.validation_errors[0].field == "dateOfBirth"
    assert not simulator.requests_to("id/back")


@pytest.mark.parametrize("scenario", [Scenario(services_in_data=True),
                                      Scenario(lowercase_keys=True, aml_match=True)])
def test_services_layout_and_casing_variants(start_simulator: Start, client_for: ClientFor,
                                             images: VerificationImages,
                                             scenario: Scenario) -> None:
    outcome = run_verification(client_for(start_simulator(scenario)), images)
    live = outcome.steps[VerifyStep.LIVENESS].services
    assert live.liveness is True and live.aml_matched is scenario.aml_match
    expected = Verdict.NEEDS_REVIEW if scenario.aml_match else Verdict.VERIFIED
    assert outcome.verdict is expected


@pytest.mark.parametrize(("face_name", "code"), [("no_face", 4207), ("two_faces", 4206)])
def test_bad_face_pictures_then_retake(simulator: Simulator, client_for: ClientFor,
                                       jpegs: Jpegs, face_name: str, code: int) -> None:
    bad = getattr(jpegs, face_name)
    first = VerificationImages(jpegs.id_front, jpegs.id_back, (jpegs.faces[0], bad, jpegs.faces[2]))
    client = client_for(simulator)
    outcome = run_verification(client, first)
    assert outcome.verdict is Verdict.NOT_VERIFIED
    assert outcome.steps[VerifyStep.LIVENESS].error_code == code
    assert outcome.problem is not None and outcome.problem.retake is Retake.FACE
    retaken = VerificationImages(jpegs.id_front, jpegs.id_back, jpegs.faces)
    second = run_verification(client, retaken, previous=outcome)
    assert second.verdict is Verdict.VERIFIED
    assert second.reused == {VerifyStep.ID_FRONT, VerifyStep.ID_BACK}
    assert len(simulator.requests_to("id/front")) == 1


def test_identical_faces_are_rejected(simulator: Simulator, client_for: ClientFor,
                                      jpegs: Jpegs) -> None:
    same = VerificationImages(jpegs.id_front, jpegs.id_back, (jpegs.faces[0],) * 3)
    outcome = run_verification(client_for(simulator), same)
    assert outcome.steps[VerifyStep.LIVENESS].error_code == 4209


def test_no_card_on_front_then_retake_restarts_the_transaction(
    simulator: Simulator, client_for: ClientFor, jpegs: Jpegs
) -> None:
    wall = imagery.jpeg(imagery.no_face_frame(1280, 720))
    client = client_for(simulator)
    outcome = run_verification(client, VerificationImages(wall, jpegs.id_back, jpegs.faces))
    assert outcome.verdict is Verdict.NOT_VERIFIED and outcome.failed_step is VerifyStep.ID_FRONT
    assert outcome.steps[VerifyStep.ID_FRONT].error_code == 3011
    assert outcome.problem is not None and outcome.problem.retake is Retake.ID_FRONT
    assert outcome.transaction_id is None
    second = run_verification(client, VerificationImages(jpegs.id_front, jpegs.id_back,
                                                         jpegs.faces), previous=outcome)
    assert second.verified and second.reused == frozenset()


def test_changed_front_image_is_not_reused(simulator: Simulator, client_for: ClientFor,
                                           jpegs: Jpegs) -> None:
    client = client_for(simulator)
    first = run_verification(client, VerificationImages(jpegs.id_front, jpegs.id_back,
                                                        jpegs.faces))
    other_front = imagery.jpeg(imagery.card_in_frame(imagery.id_card_front(), seed=3))
    second = run_verification(client, VerificationImages(other_front, jpegs.id_back, jpegs.faces),
                              previous=first)
    assert second.verified and second.reused == frozenset()
    assert second.transaction_id != first.transaction_id


def test_images_are_validated_up_front(jpegs: Jpegs) -> None:
    with pytest.raises(ValueError, match="three"):
        VerificationImages(jpegs.id_front, jpegs.id_back, jpegs.faces[:2])
    with pytest.raises(ValueError):
        VerificationImages(b"", jpegs.id_back, jpegs.faces)
