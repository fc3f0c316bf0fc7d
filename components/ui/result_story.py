"""What the customer reads for any result or failure, decided in one place.

From a ``VerificationOutcome`` and its service cards: the verdict's words, what happened, the
one next step and the one action that can help (retake a named photo, retry the same photos,
contact support, or nothing), plus the codes and ids that belong in "Details for support", not
in the customer's text. No Streamlit here, so every outcome's wording is testable on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from components.ui.failure_text import failure_text_key
from components.ui.service_cards import CardStatus, ServiceCard, Translate
from components.vlens import ErrorCategory, Verdict, VerificationOutcome

# Problems a resend of the same photos cannot fix (used-up attempts, bundle, expired card).
NO_RETRY = {ErrorCategory.ACCOUNT, ErrorCategory.DOCUMENT}


class Action(StrEnum):
    NONE = "none"  # verified, or a person reviews it: nothing to press
    RETAKE = "retake"  # take one named photo again
    RETRY = "retry"  # send the very same photos again
    SUPPORT = "support"  # nothing the customer can do here


@dataclass(frozen=True)
class ResultStory:
    verdict: Verdict
    title: str
    body: str
    happened: str | None  # may quote Vlens' own text: show it as plain text
    next_step: str | None
    action: Action
    retake_step: str | None  # "id_front", "id_back" or "face" when ``action`` is RETAKE
    support: tuple[str, ...]  # codes and ids, for the "Details for support" section
    possibly_billed: bool = False


def retry_helps(outcome: VerificationOutcome) -> bool:
    """Whether resending the same photos can change the answer: only when Vlens gave no
    answer (network, timeout, outage, rate limit), never for an answer about the photos."""
    if outcome.verdict is not Verdict.INCOMPLETE:
        return False
    return outcome.problem is None or outcome.problem.category not in NO_RETRY


def without_code(text: str, code: int | None) -> str:
    """The catalogue's message without its " (code N)" suffix: codes go to support details."""
    if code is None:
        return text
    for suffix in (f" (code {code})", f" (رمز {code})"):
        text = text.replace(suffix, "")
    return text


def result_story(outcome: VerificationOutcome, cards: list[ServiceCard], t: Translate,
                 language: str) -> ResultStory:
    verdict = outcome.verdict
    title = t(f"verdict.{verdict.value}.title")
    body = t(f"verdict.{verdict.value}.body")
    support = _support(outcome, t)
    problem = outcome.problem
    error = outcome.error
    if verdict is Verdict.VERIFIED:
        return ResultStory(verdict, title, body, None, None, Action.NONE, None, support)
    if error is not None and (problem is None or problem.code is None or not problem.known):
        # Outside Vlens' answer (network, timeout, credentials, outage): our words only.
        helps = retry_helps(outcome)
        if not helps:
            body = t("verdict.incomplete.support")
        return ResultStory(verdict, title, body, t(failure_text_key(error)), None,
                           Action.RETRY if helps else Action.SUPPORT, None, support,
                           possibly_billed=bool(getattr(error, "possibly_billed", False)))
    failed = next((card for card in cards if card.status is CardStatus.FAILED), None)
    if verdict is Verdict.NEEDS_REVIEW:
        # A person looks at it: no retry; a clearer photo only where a check asks for one.
        if failed is not None and failed.retake is not None:
            return ResultStory(verdict, title, body, failed.happened[0], failed.next_step,
                               Action.RETAKE, failed.retake, support)
        review = next((card for card in cards if card.status is CardStatus.REVIEW), None)
        reason = review.happened[0] if review is not None else None
        return ResultStory(verdict, title, body, reason, None, Action.NONE, None, support)
    if problem is not None:
        happened = without_code(problem.message[language], problem.code)
        next_step = problem.next_step[language]
        step: str | None = None
        if problem.retake is not None:
            action, step = Action.RETAKE, problem.retake.value
        elif retry_helps(outcome):
            action = Action.RETRY
        else:
            action = Action.SUPPORT
            if verdict is Verdict.INCOMPLETE:
                body = t("verdict.incomplete.support")
        return ResultStory(verdict, title, body, happened, next_step, action, step, support)
    if failed is not None:
        action = Action.RETAKE if failed.retake is not None else Action.SUPPORT
        return ResultStory(verdict, title, body, failed.happened[0], failed.next_step, action,
                           failed.retake, support)
    action = Action.RETRY if retry_helps(outcome) else Action.SUPPORT
    return ResultStory(verdict, title, body, None, None, action, None, support)


def phone_result_story(verdict: str | None, transaction_id: str | None,
                       t: Translate) -> ResultStory:
    """What the computer says once the customer finished on their phone: the verdict and the
    transaction id only (the details and any next step are on the phone)."""
    known = {item.value: item for item in Verdict}
    shown = known.get(verdict or "", Verdict.INCOMPLETE)
    support = (t("results.transaction", id=transaction_id),) if transaction_id else ()
    return ResultStory(shown, t(f"verdict.{shown.value}.title"), t(f"verdict.{shown.value}.body"),
                       t("handoff.result.on_phone"), None, Action.NONE, None, support)


def _support(outcome: VerificationOutcome, t: Translate) -> tuple[str, ...]:
    lines: list[str] = []
    if outcome.transaction_id:
        lines.append(t("results.transaction", id=outcome.transaction_id))
    code = outcome.problem.code if outcome.problem is not None else None
    if code is None and outcome.error is not None:
        code = outcome.error.code
    if code is not None:
        lines.append(t("results.error_code", code=code))
    for step, request_id in outcome.request_ids.items():
        lines.append(t("results.request_id", step=t(f"api_step.{step.value}"), id=request_id))
    return tuple(lines)
