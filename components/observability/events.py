"""The per-verification log event, built from an allow-list of non-personal fields.

Only the fields named here are read: request ids, transaction id, per-step HTTP status, error
and validation codes, latencies, the verdict and finding codes. Names, ID numbers, addresses,
dates of birth, AML records, validation *values*, images, tokens and keys are never copied in,
so they cannot leak even when a response carries them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from components.vlens.flow import StepEvent, StepPhase, VerificationOutcome
from components.vlens.models import StepResult

from .logsetup import EVENT_ATTR

VERIFICATION_LOGGER = "vlens.verification"
EVENT_NAME = "verification"
CALL_EVENT_NAME = "vlens_call"


class StepTimer:
    """An ``on_step`` callback for ``run_verification`` that measures each step's latency and
    logs every call Vlens answered (or may have billed) the moment it ends.

    The per-call line is what remains when the run never finishes (the process stops, a
    Ctrl-C in the CLI): the whole-verification line comes only at the end.
    ``StepTimer(then=ui_callback)`` also forwards every event, so the UI keeps its own callback.
    """

    def __init__(self, then: Callable[[StepEvent], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 logger: logging.Logger | None = None) -> None:
        self._then = then
        self._clock = clock
        self._logger = logger or logging.getLogger(VERIFICATION_LOGGER)
        self._started: dict[str, float] = {}
        self.latencies_ms: dict[str, float] = {}

    def __call__(self, event: StepEvent) -> None:
        step = event.step.value
        if event.phase is StepPhase.STARTED:
            self._started[step] = self._clock()
        elif event.phase in (StepPhase.SUCCEEDED, StepPhase.FAILED) and step in self._started:
            self.latencies_ms[step] = round(1000 * (self._clock() - self._started.pop(step)), 1)
        call = call_event(event, self.latencies_ms.get(step))
        if call is not None:
            self._logger.info("vlens call %s answered", step, extra={EVENT_ATTR: call})
        if self._then is not None:
            self._then(event)


def call_event(event: StepEvent, latency_ms: float | None = None) -> dict[str, Any] | None:
    """The allow-listed fields of one ended Vlens call that was answered or may have been
    billed; None for other events (started, reused, surely never reached Vlens)."""
    if event.phase not in (StepPhase.SUCCEEDED, StepPhase.FAILED):
        return None
    result, error = event.result, event.error
    possibly_billed = bool(getattr(error, "possibly_billed", False))
    if result is None and not possibly_billed:
        return None
    return {
        "event": CALL_EVENT_NAME,
        "step": event.step.value,
        "outcome": event.phase.value,
        "request_id": result.request_id if result is not None else None,
        "transaction_id": result.transaction_id if result is not None else None,
        "http_status": result.http_status if result is not None else None,
        "error_code": result.error_code if result is not None else None,
        "exception": type(error).__name__ if error is not None else None,
        "answered": result is not None,
        "possibly_billed": possibly_billed,
        "latency_ms": latency_ms,
    }


def _validation_codes(result: StepResult) -> list[str]:
    """Codes of failed validations only: the ``value`` beside them is the customer's data."""
    return [str(message.code)
            for issue in result.services.validation_errors
            for message in issue.errors if message.code is not None]


def verification_event(
    outcome: VerificationOutcome,
    *,
    latencies_ms: dict[str, float] | None = None,
    demo: bool | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """The allow-listed fields describing ``outcome`` (``reference``: the business's own
    customer reference from a verification link, when one admitted the customer)."""
    latencies = latencies_ms or {}
    steps = [
        {
            "step": step.value,
            "request_id": result.request_id,
            "http_status": result.http_status,
            "error_code": result.error_code,
            "validation_codes": _validation_codes(result),
            "reused": step in outcome.reused,
            "latency_ms": latencies.get(step.value),
        }
        for step, result in outcome.steps.items()
    ]
    error = outcome.error
    event: dict[str, Any] = {
        "event": EVENT_NAME,
        "verdict": outcome.verdict.value,
        "transaction_id": outcome.transaction_id,
        "request_ids": {step.value: rid for step, rid in outcome.request_ids.items()},
        "steps": steps,
        "failed_step": outcome.failed_step.value if outcome.failed_step else None,
        "findings": [finding.value for finding in outcome.findings],
        "error_code": outcome.problem.code if outcome.problem else None,
        "error_category": outcome.problem.category.value if outcome.problem else None,
        "exception": type(error).__name__ if error is not None else None,
        "possibly_billed": bool(getattr(error, "possibly_billed", False)),
        "total_latency_ms": round(sum(latencies.values()), 1) if latencies else None,
    }
    if demo is not None:
        event["demo"] = demo
    if reference is not None:
        event["reference"] = reference
    return event


def log_verification(
    outcome: VerificationOutcome,
    *,
    latencies_ms: dict[str, float] | None = None,
    demo: bool | None = None,
    logger: logging.Logger | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """Log one line for a finished verification; return the fields that were logged."""
    event = verification_event(outcome, latencies_ms=latencies_ms, demo=demo,
                               reference=reference)
    level = logging.INFO if outcome.completed else logging.WARNING
    (logger or logging.getLogger(VERIFICATION_LOGGER)).log(
        level, "verification %s", event["verdict"], extra={EVENT_ATTR: event})
    return event
