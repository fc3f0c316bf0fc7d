"""The results page tells one story: the verdict, the problem box and every service card agree,
whichever step reported a finding. Step answers are parsed from Vlens envelopes exactly as the
client parses them; the page is driven in AppTest (real simulator over HTTP where a submission is
needed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamlit.testing.v1 import AppTest

from components.ui.i18n import translate
from components.ui.service_cards import CardStatus, ServiceCard, service_cards
from components.vlens import (
    ErrorCategory,
    Finding,
    Retake,
    Verdict,
    VerificationImages,
    VerificationOutcome,
    VerifyStep,
    describe_error,
    run_verification,
)
from components.vlens.errors import VlensError, VlensNetworkError, VlensTimeoutError
from components.vlens.models import Envelope, StepResult
from components.vlens.simulator.scenario import ForcedError, Scenario
from tests.app_harness import (
    attempt_of,
    capture_everything,
    fake_camera,
    page_text,
    send,
    simulator,
    start_app,
    visit,
)

IMAGES = VerificationImages(b"front", b"back", (b"face-1", b"face-2", b"face-3"))
VERIFIED_FLAGS = {"isVerificationProcessCompleted": True, "isDigitalIdentityVerified": True}


def answer(step: VerifyStep, services: Mapping[str, Any] | None = None,
           data: Mapping[str, Any] | None = None, error_code: int | None = None) -> StepResult:
    """A step's answer, parsed from the envelope Vlens sends."""
    body = {"data": {"transaction_id": "tx-42", **(data or {})}, "error_code": error_code,
            "error_message": None, "error_descriptions": None, "services": dict(services or {})}
    return StepResult.from_envelope(step, Envelope.parse(body, 200, f"req-{step.value}"))


class CannedVlens:
    """Answers each verification step with a prepared envelope (or raises a prepared error)."""

    def __init__(self, answers: Mapping[VerifyStep, StepResult | VlensError]) -> None:
        self.answers = answers

    def _give(self, step: VerifyStep) -> StepResult:
        given = self.answers[step]
        if isinstance(given, VlensError):
            raise given
        return given

    def verify_id_front(self, image: bytes, *, get_extracted_data: bool = False) -> StepResult:
        return self._give(VerifyStep.ID_FRONT)

    def verify_id_back(self, image: bytes, *, transaction_id: str | None,
                       get_extracted_data: bool = False) -> StepResult:
        return self._give(VerifyStep.ID_BACK)

    def verify_liveness(self, id_front_image: bytes, faces: tuple[bytes, ...], *,
                        transaction_id: str | None, get_extracted_data: bool = False
                        ) -> StepResult:
        return self._give(VerifyStep.LIVENESS)


def verify(front: Mapping[str, Any] | None = None, back: Mapping[str, Any] | None = None,
           live: Mapping[str, Any] | None = None,
           live_data: Mapping[str, Any] = VERIFIED_FLAGS) -> VerificationOutcome:
    client = CannedVlens({
        VerifyStep.ID_FRONT: answer(VerifyStep.ID_FRONT, front),
        VerifyStep.ID_BACK: answer(VerifyStep.ID_BACK, back),
        VerifyStep.LIVENESS: answer(VerifyStep.LIVENESS, live, live_data),
    })
    return run_verification(client, IMAGES)


def cards(outcome: VerificationOutcome, language: str = "en") -> dict[str, ServiceCard]:
    def t(key: str, **kwargs: object) -> str:
        return translate(language, key, **kwargs)  # type: ignore[arg-type]
    return {card.key: card for card in service_cards(outcome, t)}


def results_page(outcome: VerificationOutcome, language: str = "en") -> AppTest:
    """The results page showing ``outcome``."""
    with fake_camera():  # the app opens on the capture page first
        at = start_app(language)
    attempt_of(at).outcome = outcome
    visit(at, "pages/results.py")
    assert not at.exception
    return at


def test_spoof_on_the_front_only_fails_the_card_and_asks_for_the_front_again() -> None:
    outcome = verify(front={"spoofing": {"fake": True}},
                     live={"spoofing": {"fake": False}, "liveness": True})
    assert outcome.verdict is Verdict.NOT_VERIFIED
    at = results_page(outcome)
    assert at.error[0].value.startswith("**Not verified**")
    assert at.button(key="result_retake").label == "Retake ID front"
    assert "Retake your face" not in page_text(at)

    shown = cards(outcome)
    assert shown["spoofing"].status is CardStatus.FAILED
    assert shown["spoofing"].retake == "id_front"
    assert "face" not in shown["spoofing"].next_step.lower()
    assert "flags" not in shown  # the failed check explains it; no contradicting card
    assert outcome.problem is not None and outcome.problem.retake is Retake.ID_FRONT
    assert "face" not in outcome.problem.next_step["en"].lower()


def test_an_aml_match_on_the_front_only_is_a_review_on_the_card_too() -> None:
    outcome = verify(front={"AML": {"AML_matched": True}}, live={"AML": {"AML_matched": False},
                                                               "liveness": True})
    assert outcome.verdict is Verdict.NEEDS_REVIEW
    assert translate("en", "card.aml.clear") not in page_text(results_page(outcome))
    aml = cards(outcome)["aml"]
    assert aml.status is CardStatus.REVIEW
    assert aml.happened != (translate("en", "card.aml.clear"),)


def test_a_failed_liveness_anywhere_fails_the_liveness_card() -> None:
    outcome = verify(front={"liveness": False}, live={"liveness": True})
    assert outcome.verdict is Verdict.NOT_VERIFIED
    assert translate("en", "card.liveness.fail") in page_text(results_page(outcome))
    assert cards(outcome)["liveness"].status is CardStatus.FAILED


def test_an_invalid_official_record_is_a_review_with_nothing_to_retake() -> None:
    outcome = verify(front={"SRC": {"isValid": False, "errorMessage": "Record not found."}},
                     live={"SRC": {"isValid": True}, "liveness": True})
    assert outcome.verdict is Verdict.NEEDS_REVIEW
    at = results_page(outcome)
    assert any(warning.value.startswith("**Needs review**") for warning in at.warning)
    assert not [button for button in at.button if button.label.startswith("Retake")]
    assert translate("en", "card.src.fail") in page_text(at)

    src = cards(outcome)["src"]
    assert src.status is CardStatus.REVIEW and src.retake is None
    assert "retake" not in src.next_step.lower()


def test_identity_not_confirmed_by_the_authority_says_what_to_do() -> None:
    outcome = verify(live={"liveness": True},
                     live_data={"isVerificationProcessCompleted": True,
                                "isDigitalIdentityVerified": False})
    assert outcome.verdict is Verdict.NOT_VERIFIED
    assert outcome.problem is not None
    assert "nothing more is needed" not in page_text(results_page(outcome))
    for text in (outcome.problem.next_step["en"], cards(outcome)["flags"].next_step):
        assert "contact support" in text.lower() and "nothing more is needed" not in text, text
    assert "الدعم" in cards(outcome, "ar")["flags"].next_step


def test_an_expired_card_asks_for_a_valid_card_not_a_retake() -> None:
    info = describe_error(3010, "id_back")
    assert info.retake is None
    assert "valid" in info.next_step["en"] and "Retake" not in info.next_step["en"]
    client = CannedVlens({VerifyStep.ID_FRONT: answer(VerifyStep.ID_FRONT),
                          VerifyStep.ID_BACK: answer(VerifyStep.ID_BACK, error_code=3010)})
    outcome = run_verification(client, IMAGES)
    assert outcome.verdict is Verdict.NOT_VERIFIED
    assert outcome.problem is not None and outcome.problem.retake is None


def test_card_field_problems_use_the_field_label_and_isolate_vlens_text() -> None:
    validations = {"validation_errors": [{"field": "dateOfBirth", "value": "x", "errors": [
        {"code": "E1", "message": "Invalid date."}]}]}
    client = CannedVlens({VerifyStep.ID_FRONT: answer(VerifyStep.ID_FRONT,
                                                      {"Validations": validations})})
    outcome = run_verification(client, IMAGES)
    lines = cards(outcome, "ar")["validations"].happened
    assert "dateOfBirth" not in " ".join(lines)
    assert any(translate("ar", "extracted.field.dateOfBirth") in line
               and "\u2068Invalid date.\u2069" in line for line in lines), lines


def test_a_timeout_after_sending_says_the_photos_may_have_arrived() -> None:
    error = VlensTimeoutError("read timed out after 30 s", possibly_billed=True)
    outcome = run_verification(CannedVlens({VerifyStep.ID_FRONT: error}), IMAGES)
    at = results_page(outcome)
    text = page_text(at)
    assert "read timed out" not in text
    assert translate("en", "failure.timeout") in text
    assert translate("en", "failure.possibly_billed") in text


def test_a_network_failure_is_worded_for_the_customer() -> None:
    error = VlensNetworkError("Connection refused by 127.0.0.1:1")
    outcome = run_verification(CannedVlens({VerifyStep.ID_FRONT: error}), IMAGES)
    text = page_text(results_page(outcome, "ar"))
    assert "Connection refused" not in text
    assert translate("ar", "failure.network") in text
    assert translate("ar", "failure.possibly_billed") not in text


def test_used_up_attempts_offer_support_not_another_retry() -> None:
    scenario = Scenario(forced_errors={"id_front": ForcedError(code=4003, times=1)})
    with simulator(scenario), fake_camera() as camera:
        at = start_app()
        capture_everything(at, camera)
        send(at)
        assert at.title[0].value == "Your result", page_text(at)
        text = page_text(at)
        assert "(code 4003)" not in text and "Code 4003" in text  # in the support details
        assert "contact support" in text.lower()
        assert not [button for button in at.button if button.key == "retry_submission"]
        assert translate("en", "verdict.incomplete.body") not in text
        assert describe_error(4003).category is ErrorCategory.ACCOUNT


def test_a_fake_card_outweighs_a_field_to_review_on_the_same_step() -> None:
    validations = {"validation_errors": [{"field": "idNumber", "errors": [{"message": "Bad."}]}]}
    front = answer(VerifyStep.ID_FRONT, {"Validations": validations, "spoofing": {"fake": True}})
    outcome = run_verification(CannedVlens({VerifyStep.ID_FRONT: front}), IMAGES)
    assert outcome.verdict is Verdict.NOT_VERIFIED and outcome.failed_step is VerifyStep.ID_FRONT
    assert outcome.problem is not None and outcome.problem.retake is Retake.ID_FRONT
    assert set(outcome.findings) >= {Finding.SPOOF, Finding.VALIDATION_ERRORS}
    assert outcome.finding_steps[Finding.SPOOF] is VerifyStep.ID_FRONT
    assert cards(outcome)["spoofing"].status is CardStatus.FAILED
