"""Plain-text summary of a verification outcome, step by step and service by service."""

from __future__ import annotations

from .errors import VlensAuthError, VlensError, VlensNetworkError, VlensTimeoutError
from .flow import Verdict, VerificationOutcome
from .models import Services, StepResult, VerifyStep

STEP_TITLES = {VerifyStep.ID_FRONT: "ID front", VerifyStep.ID_BACK: "ID back",
               VerifyStep.LIVENESS: "Liveness"}
VERDICT_TITLES = {
    Verdict.VERIFIED: "VERIFIED",
    Verdict.NOT_VERIFIED: "NOT VERIFIED",
    Verdict.NEEDS_REVIEW: "NEEDS REVIEW",
    Verdict.INCOMPLETE: "COULD NOT COMPLETE",
}


def failure_kind(error: VlensError) -> str:
    """``auth``, ``network`` or ``service``: what went wrong, in one word."""
    if isinstance(error, VlensAuthError):
        return "auth"
    if isinstance(error, VlensNetworkError | VlensTimeoutError):
        return "network"
    return "service"


def service_lines(services: Services) -> list[str]:
    lines = []
    if services.doc_type is not None:
        lines.append(f"document type: {services.doc_type}")
    if services.validation_errors:
        for issue in services.validation_errors:
            lines.append(f"validation: {issue.field or '?'}: {issue.first_message or 'invalid'}")
    elif "validations" in {k.lower() for k in services.raw}:
        lines.append("validation: no errors")
    if services.spoofing_fake is not None:
        lines.append("spoofing: " + ("suspected" if services.spoofing_fake else "not suspected"))
    if services.liveness is not None:
        lines.append("liveness: " + ("passed" if services.liveness else "failed"))
    if services.aml_matched is not None:
        # Neutral wording on purpose (tipping-off rules): never "sanctions hit".
        lines.append("screening: " + ("needs review" if services.aml_matched else "clear"))
    if services.src_valid is not None:
        lines.append("authority record: " + ("valid" if services.src_valid else "not confirmed"))
    return lines


def step_line(step: VerifyStep, result: StepResult, reused: bool) -> str:
    if result.error_code is not None:
        status = f"error {result.error_code}"
    elif result.failed:
        status = "refused"
    else:
        status = "ok" + (" (reused)" if reused else "")
    return f"{STEP_TITLES[step]:<9} {status:<14} request {result.request_id}"


def summary_lines(outcome: VerificationOutcome, language: str = "en") -> list[str]:
    lines: list[str] = []
    for step, result in outcome.steps.items():
        lines.append(step_line(step, result, step in outcome.reused))
        lines += [f"    {line}" for line in service_lines(result.services)]
    if outcome.error is not None and outcome.failed_step is not None:
        kind = failure_kind(outcome.error)
        lines.append(f"{STEP_TITLES[outcome.failed_step]:<9} {kind + ' failure':<14} "
                     f"request {outcome.error.request_id or '-'}")
    if outcome.transaction_id:
        lines.append(f"transaction {outcome.transaction_id}")
    lines.append(f"Result: {VERDICT_TITLES[outcome.verdict]}")
    if outcome.error is not None:
        lines.append(f"  {failure_kind(outcome.error)} failure: {outcome.error}")
        if getattr(outcome.error, "possibly_billed", False):
            lines.append("  The request may already have been processed; retry with the same "
                         "pictures.")
    if outcome.problem is not None:
        lang = language if language in outcome.problem.message else "en"
        if outcome.error is None:
            lines.append(f"  {outcome.problem.message[lang]}")
        lines.append(f"  Next: {outcome.problem.next_step[lang]}")
    return lines
