"""Plain-text summary of a verification outcome, step by step and service by service, in
English or Arabic (the CLI's ``--language``). Codes and ids stay as they are."""

from __future__ import annotations

from .errors import VlensAuthError, VlensError, VlensNetworkError, VlensTimeoutError
from .flow import Verdict, VerificationOutcome
from .models import Services, StepResult, VerifyStep

STEP_TITLES: dict[str, dict[VerifyStep, str]] = {
    "en": {VerifyStep.ID_FRONT: "ID front", VerifyStep.ID_BACK: "ID back",
           VerifyStep.LIVENESS: "Liveness"},
    "ar": {VerifyStep.ID_FRONT: "وجه البطاقة", VerifyStep.ID_BACK: "ظهر البطاقة",
           VerifyStep.LIVENESS: "التحقق من الوجه"},
}
VERDICT_TITLES: dict[str, dict[Verdict, str]] = {
    "en": {Verdict.VERIFIED: "VERIFIED", Verdict.NOT_VERIFIED: "NOT VERIFIED",
           Verdict.NEEDS_REVIEW: "NEEDS REVIEW", Verdict.INCOMPLETE: "COULD NOT COMPLETE"},
    "ar": {Verdict.VERIFIED: "تم التحقق", Verdict.NOT_VERIFIED: "لم يتم التحقق",
           Verdict.NEEDS_REVIEW: "بحاجة إلى مراجعة", Verdict.INCOMPLETE: "تعذّر الإكمال"},
}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ok": "ok", "reused": "ok (reused)", "refused": "refused", "error": "error {code}",
        "request": "request", "transaction": "transaction", "result": "Result", "next": "Next",
        "failure": "{kind} failure", "auth": "auth", "network": "network", "service": "service",
        "billed": "The request may already have been processed; retry with the same pictures.",
        "doc_type": "document type", "validation": "validation", "invalid": "invalid",
        "no_errors": "no errors", "spoofing": "spoofing", "suspected": "suspected",
        "not_suspected": "not suspected", "liveness": "liveness", "passed": "passed",
        "failed": "failed", "screening": "screening", "needs_review": "needs review",
        "clear": "clear", "authority": "authority record", "valid": "valid",
        "not_confirmed": "not confirmed",
    },
    "ar": {
        "ok": "تم", "reused": "تم (مُعاد استخدامه)", "refused": "مرفوض", "error": "خطأ {code}",
        "request": "الطلب", "transaction": "رقم العملية", "result": "النتيجة",
        "next": "الخطوة التالية", "failure": "عطل {kind}", "auth": "في الدخول",
        "network": "في الشبكة", "service": "في الخدمة",
        "billed": "ربما تمت معالجة الطلب بالفعل؛ أعد المحاولة بالصور نفسها.",
        "doc_type": "نوع المستند", "validation": "التحقق من البيانات", "invalid": "غير صالح",
        "no_errors": "لا أخطاء", "spoofing": "التزوير", "suspected": "مشتبه به",
        "not_suspected": "غير مشتبه به", "liveness": "الحضور الفعلي", "passed": "ناجح",
        "failed": "لم ينجح", "screening": "الفحص", "needs_review": "بحاجة إلى مراجعة",
        "clear": "سليم", "authority": "سجل الجهة الرسمية", "valid": "صالح",
        "not_confirmed": "غير مؤكد",
    },
}


def _words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def _step(step: VerifyStep, language: str) -> str:
    return STEP_TITLES.get(language, STEP_TITLES["en"])[step]


def failure_kind(error: VlensError) -> str:
    """``auth``, ``network`` or ``service``: what went wrong, in one word."""
    if isinstance(error, VlensAuthError):
        return "auth"
    if isinstance(error, VlensNetworkError | VlensTimeoutError):
        return "network"
    return "service"


def service_lines(services: Services, language: str = "en") -> list[str]:
    w = _words(language)

    def line(topic: str, value: str) -> str:
        return f"{w[topic]}: {value}"

    lines = []
    if services.doc_type is not None:
        lines.append(line("doc_type", str(services.doc_type)))
    if services.validation_errors:
        for issue in services.validation_errors:
            lines.append(line("validation",
                              f"{issue.field or '?'}: {issue.first_message or w['invalid']}"))
    elif "validations" in {k.lower() for k in services.raw}:
        lines.append(line("validation", w["no_errors"]))
    if services.spoofing_fake is not None:
        lines.append(line("spoofing", w["suspected" if services.spoofing_fake
                                        else "not_suspected"]))
    if services.liveness is not None:
        lines.append(line("liveness", w["passed" if services.liveness else "failed"]))
    if services.aml_matched is not None:
        # Neutral wording on purpose (tipping-off rules): never "sanctions hit".
        lines.append(line("screening", w["needs_review" if services.aml_matched else "clear"]))
    if services.src_valid is not None:
        lines.append(line("authority", w["valid" if services.src_valid else "not_confirmed"]))
    return lines


def step_line(step: VerifyStep, result: StepResult, reused: bool, language: str = "en") -> str:
    w = _words(language)
    if result.error_code is not None:
        status = w["error"].format(code=result.error_code)
    elif result.failed:
        status = w["refused"]
    else:
        status = w["reused" if reused else "ok"]
    return f"{_step(step, language):<9} {status:<14} {w['request']} {result.request_id}"


def summary_lines(outcome: VerificationOutcome, language: str = "en") -> list[str]:
    w = _words(language)
    lines: list[str] = []
    for step, result in outcome.steps.items():
        lines.append(step_line(step, result, step in outcome.reused, language))
        lines += [f"    {line}" for line in service_lines(result.services, language)]
    failure = (w["failure"].format(kind=w[failure_kind(outcome.error)])
               if outcome.error is not None else "")
    if outcome.error is not None and outcome.failed_step is not None:
        lines.append(f"{_step(outcome.failed_step, language):<9} {failure:<14} "
                     f"{w['request']} {outcome.error.request_id or '-'}")
    if outcome.transaction_id:
        lines.append(f"{w['transaction']} {outcome.transaction_id}")
    verdict = VERDICT_TITLES.get(language, VERDICT_TITLES["en"])[outcome.verdict]
    lines.append(f"{w['result']}: {verdict}")
    if outcome.error is not None:
        lines.append(f"  {failure}: {outcome.error}")
        if getattr(outcome.error, "possibly_billed", False):
            lines.append(f"  {w['billed']}")
    if outcome.problem is not None:
        lang = language if language in outcome.problem.message else "en"
        if outcome.error is None:
            lines.append(f"  {outcome.problem.message[lang]}")
        lines.append(f"  {w['next']}: {outcome.problem.next_step[lang]}")
    return lines
