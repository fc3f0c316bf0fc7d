"""One clear next action per outcome: the story the results page tells, decided in one place."""

from __future__ import annotations

from components.ui.i18n import translate
from components.ui.result_story import Action, ResultStory, result_story
from components.ui.service_cards import service_cards
from components.vlens import VerificationOutcome, VerifyStep, run_verification
from components.vlens.errors import VlensServiceError
from tests.test_results_consistency import IMAGES, CannedVlens, answer, verify


def story(outcome: VerificationOutcome, language: str = "en") -> ResultStory:
    def t(key: str, **kwargs: object) -> str:
        return translate(language, key, **kwargs)  # type: ignore[arg-type]
    return result_story(outcome, service_cards(outcome, t), t, language)


def test_a_verified_result_asks_for_nothing() -> None:
    told = story(verify(live={"liveness": True}))
    assert told.action is Action.NONE and told.happened is None


def test_a_fake_card_asks_for_that_photo_again_not_a_retry() -> None:
    told = story(verify(front={"spoofing": {"fake": True}}, live={"liveness": True}))
    assert told.action is Action.RETAKE and told.retake_step == "id_front"


def test_a_failed_liveness_asks_for_the_face_again() -> None:
    told = story(verify(front={"liveness": False}, live={"liveness": True}))
    assert told.action is Action.RETAKE and told.retake_step == "face"


def test_a_review_asks_for_nothing_and_offers_no_retry() -> None:
    told = story(verify(front={"AML": {"AML_matched": True}}, live={"liveness": True}))
    assert told.action is Action.NONE


def test_an_outage_offers_a_retry_in_our_words_with_the_code_for_support_only() -> None:
    error = VlensServiceError("upstream said 503 Service Unavailable", code=503)
    outcome = run_verification(CannedVlens({VerifyStep.ID_FRONT: error}), IMAGES)
    for language in ("en", "ar"):
        told = story(outcome, language)
        assert told.action is Action.RETRY
        assert told.happened == translate(language, "failure.service")  # type: ignore[arg-type]
        assert "503" not in f"{told.body} {told.happened}"
        assert any("503" in line for line in told.support)
    cards = service_cards(outcome, lambda key, **kw: translate("en", key, **kw))
    assert [card.key for card in cards] == []  # nothing was checked: no cards at all


def test_a_known_code_is_explained_without_the_code_in_the_text() -> None:
    front = answer(VerifyStep.ID_FRONT, error_code=4207)
    outcome = run_verification(CannedVlens({VerifyStep.ID_FRONT: front}), IMAGES)
    told = story(outcome)
    assert told.happened is not None and "4207" not in told.happened
    assert translate("en", "results.error_code", code=4207) in told.support
