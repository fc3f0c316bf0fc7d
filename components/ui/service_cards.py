"""Explain each check Vlens returned: what it means, what happened, the next step.

Pure functions over a ``VerificationOutcome`` (no Streamlit), so the wording is testable on its own.
AML outcomes are worded neutrally ("needs review"): telling a customer they matched a
screening list can break tipping-off rules, so list details are never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from components.vlens import Finding, VerificationOutcome
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
# Unicode first-strong isolate: text Vlens sends keeps its own direction inside Arabic sentences.
_ISOLATE = "\u2068{}\u2069"


def service_cards(outcome: VerificationOutcome, t: Translate) -> list[ServiceCard]:
    """One card per service that came back. A card shows the worst any step reported, read
    from the same findings the verdict was judged on, so the two cannot disagree."""
    results = list(outcome.steps.values())
    found = {finding: outcome.finding_steps.get(finding) for finding in outcome.findings}
    checks = [card for card in (
        _spoofing(results, found, t), _liveness(results, found, t), _aml(results, found, t),
        _src(results, found, t), _validations(results, t), _classification(results, t),
    ) if card is not None]
    # Vlens' overall flags only when nothing else explains the answer: beside a failed check
    # (or when a step never answered) "not confirmed with the authorities" would contradict a
    # passed record check and blame the wrong thing.
    explained = outcome.error is not None or any(
        card.status is not CardStatus.PASSED for card in checks)
    flags = None if explained else _flags(outcome, t)
    return checks + ([flags] if flags is not None else [])


Found = Mapping[Finding, VerifyStep | None]


def _reported(results: Sequence[StepResult], pick: Callable[[StepResult], object]) -> bool:
    return any(pick(result) is not None for result in results)


def _latest(
    results: Sequence[StepResult], pick: Callable[[StepResult], object]
) -> StepResult | None:
    for result in reversed(results):
        if pick(result) is not None:
            return result
    return None


def _spoofing(results: Sequence[StepResult], found: Found, t: Translate) -> ServiceCard | None:
    if not _reported(results, lambda r: r.services.spoofing_fake):
        return None
    fake = Finding.SPOOF in found
    spoof_step = found.get(Finding.SPOOF)
    card_step = _CARD_RETAKE.get(spoof_step) if spoof_step is not None else None
    next_step = t("results.nothing_to_do")
    if fake:
        next_step = t("card.spoofing.next_card") if card_step else t("card.spoofing.next")
    return ServiceCard(
        key="spoofing", title=t("card.spoofing.title"), means=t("card.spoofing.means"),
        happened=(t("card.spoofing.fail" if fake else "card.spoofing.pass"),),
        next_step=next_step,
        status=CardStatus.FAILED if fake else CardStatus.PASSED,
        retake=(card_step or "face") if fake else None,
    )


def _liveness(results: Sequence[StepResult], found: Found, t: Translate) -> ServiceCard | None:
    if not _reported(results, lambda r: r.services.liveness):
        return None
    live = Finding.LIVENESS_FAILED not in found
    return ServiceCard(
        key="liveness", title=t("card.liveness.title"), means=t("card.liveness.means"),
        happened=(t("card.liveness.pass" if live else "card.liveness.fail"),),
        next_step=t("results.nothing_to_do") if live else t("card.liveness.next"),
        status=CardStatus.PASSED if live else CardStatus.FAILED,
        retake=None if live else "face",
    )


def _aml(results: Sequence[StepResult], found: Found, t: Translate) -> ServiceCard | None:
    if not _reported(results, lambda r: r.services.aml_matched):
        return None
    review = Finding.AML_MATCH in found
    return ServiceCard(
        key="aml", title=t("card.aml.title"), means=t("card.aml.means"),
        happened=(t("card.aml.review" if review else "card.aml.clear"),),
        next_step=t("card.aml.next_review") if review else t("results.nothing_to_do"),
        status=CardStatus.REVIEW if review else CardStatus.PASSED,
    )


def _src(results: Sequence[StepResult], found: Found, t: Translate) -> ServiceCard | None:
    """The authority record check: a mismatch goes to a person, no retake (the verdict is
    "needs review"; retaking photos rarely changes an official record)."""
    if not _reported(results, lambda r: r.services.src_valid):
        return None
    valid = Finding.SRC_INVALID not in found
    happened = [t("card.src.pass" if valid else "card.src.fail")]
    details = [r.services.src_error_message for r in results
               if r.services.src_valid is False and r.services.src_error_message]
    if details:
        happened.append(t("card.src.detail", message=_ISOLATE.format(details[0])))
    return ServiceCard(
        key="src", title=t("card.src.title"), means=t("card.src.means"),
        happened=tuple(happened),
        next_step=t("results.nothing_to_do") if valid else t("card.src.next"),
        status=CardStatus.PASSED if valid else CardStatus.REVIEW,
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
                lines.append(t("card.validations.field", field=_field_label(issue.field, t),
                               message=_ISOLATE.format(message)))
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


def _field_label(field: str | None, t: Translate) -> str:
    """The field's name in the customer's language when the app knows it, else Vlens' key."""
    if not field:
        return "?"
    key = f"extracted.field.{field}"
    label = t(key)
    return label if label != key else _ISOLATE.format(field)


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


def _flags(outcome: VerificationOutcome, t: Translate) -> ServiceCard | None:
    results = list(outcome.steps.values())
    result = _latest(results, lambda r: r.is_verification_process_completed)
    if result is None:
        result = _latest(results, lambda r: r.is_digital_identity_verified)
    if result is None:
        return None
    completed = bool(result.is_verification_process_completed)
    verified = bool(result.is_digital_identity_verified)

    def yes_no(flag: bool) -> str:
        return t("common.yes" if flag else "common.no")

    passed = completed and verified and outcome.verified
    if passed:
        next_step = t("results.nothing_to_do")
    elif completed and not verified:
        next_step = t("card.flags.next_authority")
    else:
        next_step = t("card.flags.next_incomplete")
    return ServiceCard(
        key="flags", title=t("card.flags.title"), means=t("card.flags.means"),
        happened=(t("card.flags.completed", value=yes_no(completed)),
                  t("card.flags.verified", value=yes_no(verified))),
        next_step=next_step,
        status=CardStatus.PASSED if passed else CardStatus.INFO,
    )
