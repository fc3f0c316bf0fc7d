"""Explain each check Vlens returned: what it means, what happened, the next step.

Pure functions over ``StepResult``s (no Streamlit), so the wording is testable on its own.
AML outcomes are worded neutrally ("needs review"): telling a customer they matched a
screening list can break tipping-off rules, so list details are never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from components.vlens.models import StepResult, VerifyStep

Translate = Callable[..., str]


class CardStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    REVIEW = "review"
    INFO = "info"


@dataclass(frozen=True)
class ServiceCard:
    key: str
    title: str
    means: str
    happened: tuple[str, ...]
    next_step: str
    status: CardStatus
    retake: str | None = None  # a capture step value ("id_front", "id_back", "face")


_CARD_RETAKE = {VerifyStep.ID_FRONT: "id_front", VerifyStep.ID_BACK: "id_back"}


def service_cards(results: Sequence[StepResult], t: Translate) -> list[ServiceCard]:
    """One card per service that came back; when several steps report one, the latest wins."""
    builders = (_spoofing, _liveness, _aml, _src, _validations, _classification, _flags)
    return [card for build in builders if (card := build(results, t)) is not None]


def _latest(
    results: Sequence[StepResult], pick: Callable[[StepResult], object]
) -> StepResult | None:
    for result in reversed(results):
        if pick(result) is not None:
            return result
    return None


def _spoofing(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    result = _latest(results, lambda r: r.services.spoofing_fake)
    if result is None:
        return None
    fake = bool(result.services.spoofing_fake)
    return ServiceCard(
        key="spoofing", title=t("card.spoofing.title"), means=t("card.spoofing.means"),
        happened=(t("card.spoofing.fail" if fake else "card.spoofing.pass"),),
        next_step=t("card.spoofing.next") if fake else t("results.nothing_to_do"),
        status=CardStatus.FAILED if fake else CardStatus.PASSED,
        retake="face" if fake else None,
    )


def _liveness(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    result = _latest(results, lambda r: r.services.liveness)
    if result is None:
        return None
    live = bool(result.services.liveness)
    return ServiceCard(
        key="liveness", title=t("card.liveness.title"), means=t("card.liveness.means"),
        happened=(t("card.liveness.pass" if live else "card.liveness.fail"),),
        next_step=t("results.nothing_to_do") if live else t("card.liveness.next"),
        status=CardStatus.PASSED if live else CardStatus.FAILED,
        retake=None if live else "face",
    )


def _aml(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    result = _latest(results, lambda r: r.services.aml_matched)
    if result is None:
        return None
    review = bool(result.services.aml_matched)
    return ServiceCard(
        key="aml", title=t("card.aml.title"), means=t("card.aml.means"),
        happened=(t("card.aml.review" if review else "card.aml.clear"),),
        next_step=t("card.aml.next_review") if review else t("results.nothing_to_do"),
        status=CardStatus.REVIEW if review else CardStatus.PASSED,
    )


def _src(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    result = _latest(results, lambda r: r.services.src_valid)
    if result is None:
        return None
    valid = bool(result.services.src_valid)
    happened = [t("card.src.pass" if valid else "card.src.fail")]
    if not valid and result.services.src_error_message:
        happened.append(t("card.src.detail", message=result.services.src_error_message))
    return ServiceCard(
        key="src", title=t("card.src.title"), means=t("card.src.means"),
        happened=tuple(happened),
        next_step=t("results.nothing_to_do") if valid else t("card.src.next"),
        status=CardStatus.PASSED if valid else CardStatus.REVIEW,
        retake=None if valid else "id_front",
    )


def _validations(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    reported = [r for r in results if _has_validations(r)]
    if not reported:
        return None
    lines: list[str] = []
    retake: str | None = None
    for result in reported:
        for issue in result.services.validation_errors:
            messages = [e.message for e in issue.errors if e.message] or [issue.first_message or ""]
            for message in messages:
                lines.append(t("card.validations.field", field=issue.field or "?", message=message))
            if retake is None and result.step in _CARD_RETAKE:
                retake = _CARD_RETAKE[result.step]
    if not lines:
        return ServiceCard(
            key="validations", title=t("card.validations.title"),
            means=t("card.validations.means"), happened=(t("card.validations.pass"),),
            next_step=t("results.nothing_to_do"), status=CardStatus.PASSED,
        )
    return ServiceCard(
        key="validations", title=t("card.validations.title"), means=t("card.validations.means"),
        happened=(t("card.validations.fail"), *lines), next_step=t("card.validations.next"),
        status=CardStatus.FAILED, retake=retake or "id_front",
    )


def _has_validations(result: StepResult) -> bool:
    raw = {key.lower() for key in result.services.raw}
    return "validations" in raw or bool(result.services.validation_errors)


def _classification(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    result = _latest(results, lambda r: r.services.doc_type)
    if result is None or result.services.doc_type is None:
        return None
    doc_type = result.services.doc_type
    national = doc_type.lower() == "national_id"
    shown = t("card.classification.national_id") if national else doc_type
    return ServiceCard(
        key="classification", title=t("card.classification.title"),
        means=t("card.classification.means"),
        happened=(t("card.classification.value", doc_type=shown),),
        next_step=t("results.nothing_to_do") if national else t("card.classification.next_other"),
        status=CardStatus.PASSED if national else CardStatus.FAILED,
        retake=None if national else "id_front",
    )


def _flags(results: Sequence[StepResult], t: Translate) -> ServiceCard | None:
    result = _latest(results, lambda r: r.is_verification_process_completed)
    if result is None:
        result = _latest(results, lambda r: r.is_digital_identity_verified)
    if result is None:
        return None
    completed = bool(result.is_verification_process_completed)
    verified = bool(result.is_digital_identity_verified)

    def yes_no(flag: bool) -> str:
        return t("common.yes" if flag else "common.no")

    return ServiceCard(
        key="flags", title=t("card.flags.title"), means=t("card.flags.means"),
        happened=(t("card.flags.completed", value=yes_no(completed)),
                  t("card.flags.verified", value=yes_no(verified))),
        next_step=t("results.nothing_to_do") if completed and verified
        else t("card.flags.next_incomplete"),
        status=CardStatus.PASSED if completed and verified else CardStatus.INFO,
    )
