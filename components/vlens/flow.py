"""The three-step verification (ID front -> ID back -> liveness) in one transaction.

``run_verification`` never raises for API or network failures: the outcome carries the error and
the very same images, so a retry (``previous=outcome``) resends nothing that already succeeded.

Verdicts (our judgement, applied in this order):
- INCOMPLETE: the run could not finish: auth, network, timeout, 5xx, unparseable answers, or an
  error code of category account/service/auth (e.g. 4002 bundle needs recharge).
- NOT_VERIFIED: a step returned an error code about the customer's pictures or card
  (4206, 3011, 3010 expired card, ...), a step was refused without a code, spoofing was
  suspected, liveness failed, or the last step reports ``isVerificationProcessCompleted``
  false or ``isDigitalIdentityVerified`` false (``AUTHORITY_NOT_VERIFIED``, worded as "could
  not be confirmed", not as an accusation).
- NEEDS_REVIEW: a step passed with validation errors (the SDK treats these as a failure; a
  retake is offered, and if it persists an operator decides), an AML list match or an invalid
  SRC authority record. These need a person, and AML must never be shown as a sanctions hit.
  Service findings count from any step, not only the last one (``service_findings``).
- VERIFIED: ``isVerificationProcessCompleted`` and ``isDigitalIdentityVerified`` both true on the
  last step, and none of the above.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from .catalogue import ErrorCategory, ErrorInfo, Finding, describe_error, describe_finding
from .errors import VlensError, VlensServiceError
from .models import StepResult, VerifyStep

# Error categories that end in NOT_VERIFIED (the customer's pictures or card); others INCOMPLETE.
_CUSTOMER_CATEGORIES = {ErrorCategory.RETAKE_CARD, ErrorCategory.RETAKE_FACE,
                        ErrorCategory.DOCUMENT}


class Verdict(StrEnum):
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    NEEDS_REVIEW = "needs_review"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, repr=False)
class VerificationImages:
    """What ``run_verification`` sends: JPEG/PNG bytes, kept in memory only."""

    id_front: bytes
    id_back: bytes | None
    faces: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not self.id_front or (self.id_back is not None and not self.id_back):
            raise ValueError("ID card images must be non-empty bytes")
        if len(self.faces) != 3 or not all(self.faces):
            raise ValueError("exactly three non-empty face images are needed")

    def __repr__(self) -> str:
        back = "none" if self.id_back is None else f"{len(self.id_back)} B"
        faces = ", ".join(f"{len(f)} B" for f in self.faces)
        return (f"VerificationImages(id_front={len(self.id_front)} B, id_back={back}, "
                f"faces=[{faces}])")

    def fingerprint(self, step: VerifyStep) -> str:
        """SHA-256 over the images ``step`` sends (decides whether a step can be reused)."""
        parts: tuple[bytes, ...]
        if step is VerifyStep.ID_FRONT:
            parts = (self.id_front,)
        elif step is VerifyStep.ID_BACK:
            parts = (self.id_back or b"",)
        else:
            parts = (self.id_front, *self.faces)
        digest = hashlib.sha256()
        for part in parts:
            digest.update(len(part).to_bytes(8, "big") + part)
        return digest.hexdigest()


class StepPhase(StrEnum):
    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REUSED = "reused"


@dataclass(frozen=True)
class StepEvent:
    step: VerifyStep
    phase: StepPhase
    result: StepResult | None = None
    error: VlensError | None = None


@dataclass(frozen=True)
class VerificationOutcome:
    verdict: Verdict
    steps: Mapping[VerifyStep, StepResult]  # in run order, reused ones included
    reused: frozenset[VerifyStep]
    transaction_id: str | None
    findings: tuple[Finding, ...]
    problem: ErrorInfo | None  # what to tell the customer when not verified
    failed_step: VerifyStep | None
    error: VlensError | None
    request_ids: Mapping[VerifyStep, str]
    images: VerificationImages = field(repr=False)
    # The step each finding came from (first step that reported it), when one did.
    finding_steps: Mapping[Finding, VerifyStep] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VERIFIED

    @property
    def completed(self) -> bool:
        """Vlens gave an answer on every step that ran (the verdict is not INCOMPLETE)."""
        return self.verdict is not Verdict.INCOMPLETE

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (no images, no secrets)."""
        return {
            "verdict": self.verdict.value,
            "verified": self.verified,
            "transaction_id": self.transaction_id,
            "steps": {
                step.value: {
                    "http_status": r.http_status,
                    "error_code": r.error_code,
                    "error_message": r.error_message,
                    "services": dict(r.services.raw),
                    "data": r.data,
                    "request_id": r.request_id,
                    "reused": step in self.reused,
                }
                for step, r in self.steps.items()
            },
            "request_ids": {step.value: rid for step, rid in self.request_ids.items()},
            "findings": [f.value for f in self.findings],
            "failed_step": self.failed_step.value if self.failed_step else None,
            "problem": _problem_dict(self.problem),
            "error": None if self.error is None else {
                "type": type(self.error).__name__,
                "message": str(self.error),
                "category": self.error.category.value,
                "code": self.error.code,
                "possibly_billed": bool(getattr(self.error, "possibly_billed", False)),
            },
        }


class StepClient(Protocol):
    """The part of ``VlensClient`` the flow uses."""

    def verify_id_front(self, image: bytes, *, get_extracted_data: bool = ...) -> StepResult: ...

    def verify_id_back(self, image: bytes, *, transaction_id: str | None,
                       get_extracted_data: bool = ...) -> StepResult: ...

    def verify_liveness(self, id_front_image: bytes, faces: tuple[bytes, ...], *,
                        transaction_id: str | None, get_extracted_data: bool = ...
                        ) -> StepResult: ...


def run_verification(
    client: StepClient,
    images: VerificationImages,
    *,
    get_extracted_data: bool = False,
    previous: VerificationOutcome | None = None,
    on_step: Callable[[StepEvent], None] | None = None,
) -> VerificationOutcome:
    """Run front -> back -> liveness, stopping at the first failed step (see module docstring).

    Raises ``ValueError`` before sending anything when ``images.id_back`` is missing: Vlens
    needs both ID sides before the liveness step (vlens-api.md, "both before liveness").
    """
    if images.id_back is None:
        raise ValueError("the back of the ID is needed: Vlens checks both sides before liveness")
    run = _Run(images, on_step or (lambda event: None))
    plan = [VerifyStep.ID_FRONT, VerifyStep.ID_BACK, VerifyStep.LIVENESS]
    chain_reused = True  # a step is reusable only if every step before it was reused too
    for step in plan:
        prior = _reusable(previous, images, step) if chain_reused else None
        if prior is not None:
            run.reuse(step, prior)
            continue
        chain_reused = False
        run.emit(StepEvent(step, StepPhase.STARTED))
        try:
            result = _call(client, step, images, run.transaction_id, get_extracted_data)
        except VlensError as exc:
            run.emit(StepEvent(step, StepPhase.FAILED, error=exc))
            return run.outcome(Verdict.INCOMPLETE, step, exc.info(step.value), error=exc)
        run.record(step, result)
        if step is VerifyStep.ID_FRONT:
            run.transaction_id = result.transaction_id
        if result.failed:
            run.emit(StepEvent(step, StepPhase.FAILED, result=result))
            return _failed_step(run, step, result)
        if run.transaction_id is None:
            error = VlensServiceError("Vlens did not return a transaction id for the ID front",
                                      request_id=result.request_id)
            run.emit(StepEvent(step, StepPhase.FAILED, result=result, error=error))
            return run.outcome(Verdict.INCOMPLETE, step, error.info(), error=error)
        run.emit(StepEvent(step, StepPhase.SUCCEEDED, result=result))
    return _final_verdict(run)


def outcome_so_far(
    images: VerificationImages, completed: Mapping[VerifyStep, StepResult]
) -> VerificationOutcome:
    """An INCOMPLETE outcome holding the steps that already succeeded for ``images``.

    For a run cut off part-way (the caller saves it after every step): passed as ``previous``
    to the next run, it spares resending, and paying for, the steps already done.
    """
    front = completed.get(VerifyStep.ID_FRONT)
    return VerificationOutcome(
        verdict=Verdict.INCOMPLETE, steps=dict(completed), reused=frozenset(),
        transaction_id=front.transaction_id if front is not None else None, findings=(),
        problem=None, failed_step=None, error=None,
        request_ids={step: result.request_id for step, result in completed.items()},
        images=images,
    )


class _Run:
    def __init__(self, images: VerificationImages, emit: Callable[[StepEvent], None]) -> None:
        self.images = images
        self.emit = emit
        self.results: dict[VerifyStep, StepResult] = {}
        self.reused: set[VerifyStep] = set()
        self.request_ids: dict[VerifyStep, str] = {}
        self.transaction_id: str | None = None

    def record(self, step: VerifyStep, result: StepResult) -> None:
        self.results[step] = result
        self.request_ids[step] = result.request_id

    def reuse(self, step: VerifyStep, prior: StepResult) -> None:
        self.record(step, prior)
        self.reused.add(step)
        if step is VerifyStep.ID_FRONT:
            self.transaction_id = prior.transaction_id
        self.emit(StepEvent(step, StepPhase.REUSED, result=prior))

    def outcome(
        self,
        verdict: Verdict,
        failed_step: VerifyStep | None,
        problem: ErrorInfo | None,
        *,
        findings: tuple[Finding, ...] = (),
        error: VlensError | None = None,
        finding_steps: Mapping[Finding, VerifyStep] | None = None,
    ) -> VerificationOutcome:
        request_ids = dict(self.request_ids)
        if error is not None and error.request_id and failed_step is not None:
            request_ids[failed_step] = error.request_id
        return VerificationOutcome(
            verdict=verdict, steps=dict(self.results), reused=frozenset(self.reused),
            transaction_id=self.transaction_id, findings=findings, problem=problem,
            failed_step=failed_step, error=error, request_ids=request_ids, images=self.images,
            finding_steps=dict(finding_steps or {}),
        )


def _call(
    client: StepClient,
    step: VerifyStep,
    images: VerificationImages,
    transaction_id: str | None,
    get_extracted_data: bool,
) -> StepResult:
    if step is VerifyStep.ID_FRONT:
        return client.verify_id_front(images.id_front, get_extracted_data=get_extracted_data)
    if step is VerifyStep.ID_BACK:
        assert images.id_back is not None
        return client.verify_id_back(images.id_back, transaction_id=transaction_id,
                                     get_extracted_data=get_extracted_data)
    return client.verify_liveness(images.id_front, images.faces, transaction_id=transaction_id,
                                  get_extracted_data=get_extracted_data)


def _reusable(
    previous: VerificationOutcome | None, images: VerificationImages, step: VerifyStep
) -> StepResult | None:
    if previous is None or previous.transaction_id is None:
        return None
    prior = previous.steps.get(step)
    if prior is None or prior.failed:
        return None
    if previous.images.fingerprint(step) != images.fingerprint(step):
        return None
    return prior


def service_findings(results: Iterable[StepResult]) -> dict[Finding, VerifyStep]:
    """The worst each service reported on any step (a fake, a failed liveness, an AML match, an
    invalid SRC record), each with the first step that reported it. The verdict and the results
    page's cards both read this, so they cannot disagree."""
    found: dict[Finding, VerifyStep] = {}
    for result in results:
        services = result.services
        for finding, present in (
            (Finding.SPOOF, services.spoofing_fake is True),
            (Finding.LIVENESS_FAILED, services.liveness is False),
            (Finding.AML_MATCH, services.aml_matched is True),
            (Finding.SRC_INVALID, services.src_valid is False),
        ):
            if present and result.step is not None:
                found.setdefault(finding, result.step)
    return found


def _failed_step(run: _Run, step: VerifyStep, result: StepResult) -> VerificationOutcome:
    earlier = service_findings(run.results.values())
    if result.error_code is not None:
        info = describe_error(result.error_code, step.value)
        customer = info.category in _CUSTOMER_CATEGORIES
        verdict = Verdict.NOT_VERIFIED if customer else Verdict.INCOMPLETE
        return run.outcome(verdict, step, info, findings=tuple(earlier), finding_steps=earlier)
    finding = Finding.STEP_REFUSED if result.error_message is not None else (
        Finding.VALIDATION_ERRORS)
    steps = {finding: step, **earlier}
    spoofed = next((f for f in (Finding.SPOOF, Finding.LIVENESS_FAILED) if f in earlier), None)
    if finding is Finding.VALIDATION_ERRORS and spoofed is not None:
        # A fake or failed face outweighs a field to review: the verdict follows the worst.
        return run.outcome(Verdict.NOT_VERIFIED, step,
                           describe_finding(spoofed, earlier[spoofed].value),
                           findings=tuple(steps), finding_steps=steps)
    verdict = Verdict.NOT_VERIFIED if finding is Finding.STEP_REFUSED else Verdict.NEEDS_REVIEW
    return run.outcome(verdict, step, describe_finding(finding, step.value),
                       findings=tuple(steps), finding_steps=steps)


def _final_verdict(run: _Run) -> VerificationOutcome:
    steps = service_findings(run.results.values())
    final = run.results[VerifyStep.LIVENESS]
    completed = final.is_verification_process_completed is True
    identity_verified = final.is_digital_identity_verified is True
    if not completed:
        steps[Finding.NOT_COMPLETED] = VerifyStep.LIVENESS
    elif not identity_verified:
        steps[Finding.AUTHORITY_NOT_VERIFIED] = VerifyStep.LIVENESS
    unique = tuple(steps)

    for verdict, group in (
        (Verdict.NOT_VERIFIED, (Finding.SPOOF, Finding.LIVENESS_FAILED)),
        (Verdict.NEEDS_REVIEW, (Finding.AML_MATCH, Finding.SRC_INVALID)),
        (Verdict.NOT_VERIFIED, (Finding.NOT_COMPLETED, Finding.AUTHORITY_NOT_VERIFIED)),
    ):
        first = next((f for f in unique if f in group), None)
        if first is not None:
            return run.outcome(verdict, None, describe_finding(first, steps[first].value),
                               findings=unique, finding_steps=steps)
    return run.outcome(Verdict.VERIFIED, None, None, findings=unique, finding_steps=steps)


def _problem_dict(info: ErrorInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "code": info.code,
        "category": info.category.value,
        "message": dict(info.message),
        "next_step": dict(info.next_step),
        "retake": info.retake.value if info.retake else None,
    }
