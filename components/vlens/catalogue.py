"""Every documented Vlens error code: what it means for the customer and what to do next.

``describe_error(code, step)`` never fails: unknown codes get a generic message that still
shows the code, so support can look it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

Language = Literal["en", "ar"]


class ErrorCategory(StrEnum):
    """What kind of action resolves an error."""

    RETAKE_FACE = "retake_face"
    RETAKE_CARD = "retake_card"
    ACCOUNT = "account"  # the tenant's bundle or billing; the customer cannot fix it
    SERVICE = "service"  # the service, the network or this app; try again later
    AUTH = "auth"  # the app's credentials; an operator must fix them
    DOCUMENT = "document"  # this card cannot be accepted at all (e.g. expired); no retake helps
    REVIEW = "review"  # not an error code: a result a person has to look at


class Retake(StrEnum):
    """Which capture to redo; values match ``components.capture.Step``."""

    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    FACE = "face"


@dataclass(frozen=True)
class ErrorInfo:
    code: int | None
    category: ErrorCategory
    message: MappingProxyType[str, str]  # {"en": ..., "ar": ...}
    next_step: MappingProxyType[str, str]
    retake: Retake | None
    known: bool = True

    def text(self, language: str = "en") -> str:
        """Message and next step in one line, in ``language`` (English if unknown)."""
        lang = language if language in self.message else "en"
        return f"{self.message[lang]} {self.next_step[lang]}"


@dataclass(frozen=True)
class _Entry:
    category: ErrorCategory
    en: str
    ar: str
    retake: Retake | None = None  # default capture to redo when the step does not decide it
    per_step: bool = False  # about whichever image the failing step sent


_F, _B, _FACE = Retake.ID_FRONT, Retake.ID_BACK, Retake.FACE
_CARD, _FACE_C = ErrorCategory.RETAKE_CARD, ErrorCategory.RETAKE_FACE
_ACC, _SVC, _AUTH = ErrorCategory.ACCOUNT, ErrorCategory.SERVICE, ErrorCategory.AUTH
_DOC = ErrorCategory.DOCUMENT

_CATALOGUE: dict[int, _Entry] = {
    400: _Entry(_SVC, "The request was incomplete or an image could not be read.",
                "الطلب غير مكتمل أو تعذرت قراءة إحدى الصور."),
    401: _Entry(_AUTH, "The app's Vlens credentials were refused.",
                "تم رفض بيانات اعتماد التطبيق لدى Vlens."),
    403: _Entry(_AUTH, "The app's access to Vlens has expired or is missing.",
                "انتهت صلاحية وصول التطبيق إلى Vlens أو أنه غير موجود."),
    415: _Entry(_CARD, "The picture format is not supported (only JPEG or PNG).",
                "صيغة الصورة غير مدعومة (JPEG أو PNG فقط).", _F, per_step=True),
    422: _Entry(_SVC, "The service could not process the request.",
                "تعذر على الخدمة معالجة الطلب."),
    500: _Entry(_SVC, "The verification service had an internal error.",
                "حدث خطأ داخلي في خدمة التحقق."),
    1001: _Entry(_CARD, "The date of birth on the card could not be read correctly.",
                 "تعذرت قراءة تاريخ الميلاد على البطاقة بشكل صحيح.", _F),
    1050: _Entry(_CARD, "The picture is not clear enough to read the text.",
                 "الصورة غير واضحة بما يكفي لقراءة النص.", _F, per_step=True),
    3001: _Entry(_CARD, "The national ID number could not be validated.",
                 "تعذر التحقق من الرقم القومي.", _F),
    3002: _Entry(_CARD, "The birth date on the card could not be validated.",
                 "تعذر التحقق من تاريخ الميلاد على البطاقة.", _F),
    3003: _Entry(_CARD, "The governorate on the card could not be validated.",
                 "تعذر التحقق من المحافظة المدونة على البطاقة.", _F),
    3004: _Entry(_CARD, "The card number could not be validated.",
                 "تعذر التحقق من رقم البطاقة.", _F),
    3005: _Entry(_CARD, "The gender on the card could not be validated.",
                 "تعذر التحقق من النوع المدون على البطاقة.", _B),
    3006: _Entry(_CARD, "The issue date on the card could not be validated.",
                 "تعذر التحقق من تاريخ الإصدار على البطاقة.", _B),
    3007: _Entry(_CARD, "The birth date on the card was read in the wrong format.",
                 "تمت قراءة تاريخ الميلاد على البطاقة بصيغة خاطئة.", _F),
    3008: _Entry(_CARD, "The issue date on the card was read in the wrong format.",
                 "تمت قراءة تاريخ الإصدار على البطاقة بصيغة خاطئة.", _B),
    3009: _Entry(_CARD, "The expiry date on the card was read in the wrong format.",
                 "تمت قراءة تاريخ الانتهاء على البطاقة بصيغة خاطئة.", _B),
    3010: _Entry(_DOC, "This ID card has expired.", "انتهت صلاحية بطاقة الرقم القومي هذه."),
    3011: _Entry(_CARD, "No ID card was found in the picture.",
                 "لم يتم العثور على بطاقة في الصورة.", _F, per_step=True),
    # 3012 is not in the published table; treated like its neighbours (inferred).
    3012: _Entry(_CARD, "The card details could not be validated.",
                 "تعذر التحقق من بيانات البطاقة.", _F, per_step=True),
    3013: _Entry(_CARD, "The machine-readable zone could not be validated.",
                 "تعذر التحقق من المنطقة المقروءة آلياً.", _B),
    3101: _Entry(_CARD, "The ID numbers on the front and back do not match.",
                 "الرقم القومي على الوجه الأمامي لا يطابق الرقم على الظهر.", _B),
    3102: _Entry(_CARD, "The name on the ID card does not match the car licence.",
                 "الاسم على البطاقة لا يطابق الاسم على رخصة السيارة.", _F),
    4001: _Entry(_ACC, "The service bundle key is not valid.", "مفتاح الباقة غير صالح."),
    4002: _Entry(_ACC, "The service bundle needs to be recharged.", "الباقة تحتاج إلى إعادة شحن."),
    4003: _Entry(_ACC, "The number of allowed attempts has been used up.",
                 "تم استنفاد عدد المحاولات المسموح بها."),
    4004: _Entry(_ACC, "This check is not included in the service bundle.",
                 "هذه الخدمة غير مشمولة في الباقة."),
    4005: _Entry(_ACC, "The service bundle is disabled.", "الباقة معطلة."),
    4206: _Entry(_FACE_C, "More than one face was seen.", "تم رصد أكثر من وجه.", _FACE),
    4207: _Entry(_FACE_C, "No face was detected.", "لم يتم اكتشاف أي وجه.", _FACE),
    4208: _Entry(_FACE_C, "No face was detected.", "لم يتم اكتشاف أي وجه.", _FACE),
    4209: _Entry(_FACE_C, "The face pictures need to be captured again.",
                 "يجب التقاط صور الوجه مرة أخرى.", _FACE),
    5000: _Entry(_SVC, "The verification service reported a general error.",
                 "أبلغت خدمة التحقق عن خطأ عام."),
    5001: _Entry(_CARD, "This document type is not supported.", "نوع المستند هذا غير مدعوم.",
                 _F, per_step=True),
    5002: _Entry(_CARD, "The picture is larger than 5 MB.", "حجم الصورة أكبر من 5 ميجابايت.",
                 _F, per_step=True),
    5003: _Entry(_CARD, "The picture is larger than 25 megapixels.",
                 "دقة الصورة أكبر من 25 ميجابكسل.", _F, per_step=True),
    7000: _Entry(_CARD, "The card could not be processed.", "تعذرت معالجة البطاقة.",
                 _F, per_step=True),
    7001: _Entry(_CARD, "The front of the card could not be processed.",
                 "تعذرت معالجة الوجه الأمامي للبطاقة.", _F),
    7002: _Entry(_CARD, "The back of the card could not be processed.",
                 "تعذرت معالجة ظهر البطاقة.", _B),
    # 7003-7005 are not in the published table (other document types; inferred).
    7003: _Entry(_CARD, "The document could not be processed.", "تعذرت معالجة المستند.",
                 _F, per_step=True),
    7004: _Entry(_CARD, "The document could not be processed.", "تعذرت معالجة المستند.",
                 _F, per_step=True),
    7005: _Entry(_CARD, "The document could not be processed.", "تعذرت معالجة المستند.",
                 _F, per_step=True),
    7006: _Entry(_CARD, "The passport could not be processed.", "تعذرت معالجة جواز السفر.", _F),
}

_NEXT_STEP: dict[ErrorCategory | Retake, tuple[str, str]] = {
    Retake.ID_FRONT: (
        "Retake the front of your ID: hold it flat, fill the frame, avoid glare.",
        "أعد تصوير الوجه الأمامي للبطاقة: أمسكها مستوية واملأ الإطار وتجنب الانعكاس.",
    ),
    Retake.ID_BACK: (
        "Retake the back of your ID: hold it flat, fill the frame, avoid glare.",
        "أعد تصوير ظهر البطاقة: أمسكها مستوية واملأ الإطار وتجنب الانعكاس.",
    ),
    Retake.FACE: (
        "Retake your face: only you in view, face the camera in good light.",
        "أعد تصوير وجهك: أنت فقط أمام الكاميرا، في إضاءة جيدة.",
    ),
    ErrorCategory.ACCOUNT: (
        "Trying again will not help now. Please contact support.",
        "لن تفيد إعادة المحاولة الآن. يُرجى التواصل مع الدعم.",
    ),
    ErrorCategory.DOCUMENT: (
        "Use a valid, current Egyptian national ID card and take all the photos again.",
        "استخدم بطاقة رقم قومي مصرية سارية وحالية وأعد التقاط جميع الصور.",
    ),
    ErrorCategory.SERVICE: (
        "Your pictures are kept; try again in a moment.",
        "تم الاحتفاظ بصورك؛ حاول مرة أخرى بعد قليل.",
    ),
    ErrorCategory.AUTH: (
        "Your pictures are kept; the operator must fix the app's Vlens settings.",
        "تم الاحتفاظ بصورك؛ يجب على المشغل إصلاح إعدادات Vlens في التطبيق.",
    ),
    ErrorCategory.REVIEW: (
        "Our team will review your application and contact you; nothing more is needed now.",
        "سيراجع فريقنا طلبك ويتواصل معك؛ لا يلزمك فعل شيء الآن.",
    ),
}


class Finding(StrEnum):
    """Why a verification that ran to the end (or stopped without an error code) is not a pass."""

    VALIDATION_ERRORS = "validation_errors"
    STEP_REFUSED = "step_refused"  # an error message without a code
    SPOOF = "spoof"
    LIVENESS_FAILED = "liveness_failed"
    AML_MATCH = "aml_match"
    SRC_INVALID = "src_invalid"
    NOT_COMPLETED = "not_completed"
    AUTHORITY_NOT_VERIFIED = "authority_not_verified"


# AML and SRC are worded neutrally on purpose: telling a person they matched a screening list
# can break tipping-off rules.
_FINDINGS: dict[Finding, tuple[ErrorCategory, str, str]] = {
    Finding.VALIDATION_ERRORS: (ErrorCategory.REVIEW,
                                "Some details read from your ID card could not be validated.",
                                "تعذر التحقق من بعض البيانات المقروءة من بطاقتك."),
    Finding.STEP_REFUSED: (ErrorCategory.RETAKE_CARD, "The picture was not accepted.",
                           "لم يتم قبول الصورة."),
    Finding.SPOOF: (ErrorCategory.RETAKE_FACE,
                    "The face check could not confirm a live person in front of the camera.",
                    "لم يتمكن فحص الوجه من التأكد من وجود شخص حقيقي أمام الكاميرا."),
    Finding.LIVENESS_FAILED: (ErrorCategory.RETAKE_FACE, "The face check did not pass.",
                              "لم يجتز فحص الوجه."),
    Finding.AML_MATCH: (ErrorCategory.REVIEW, "Your application needs a routine manual review.",
                        "يحتاج طلبك إلى مراجعة يدوية اعتيادية."),
    Finding.SRC_INVALID: (ErrorCategory.REVIEW, "Your application needs a routine manual review.",
                          "يحتاج طلبك إلى مراجعة يدوية اعتيادية."),
    Finding.NOT_COMPLETED: (ErrorCategory.RETAKE_FACE,
                            "The checks could not confirm your identity from these pictures.",
                            "لم تتمكن الفحوص من تأكيد هويتك من هذه الصور."),
    Finding.AUTHORITY_NOT_VERIFIED: (ErrorCategory.REVIEW,
                                     "Your details could not be confirmed with the official "
                                     "records.",
                                     "تعذر تأكيد بياناتك مع السجلات الرسمية."),
}


# Next steps that differ from the finding's category default.
_FINDING_NEXT_STEP: dict[Finding, tuple[str, str]] = {
    Finding.AUTHORITY_NOT_VERIFIED: (
        "Check that your ID card is current and valid, then contact support with your "
        "transaction id.",
        "تأكد من أن بطاقتك حالية وسارية، ثم تواصل مع الدعم مع ذكر رقم العملية.",
    ),
}
_CARD_SPOOF = ("The picture of your ID card looked like a copy: a photo of a screen or a printout.",
               "بدت صورة بطاقتك كنسخة: صورة لشاشة أو لورقة مطبوعة.")


def describe_finding(finding: Finding, step: str | None = None) -> ErrorInfo:
    """Customer text for a ``Finding``; ``step`` (the step that reported it) decides which
    picture to retake, if any: a spoof seen on a card step asks for that card again."""
    category, en, ar = _FINDINGS[finding]
    retake: Retake | None = None
    if finding is Finding.SPOOF and step in _CARD_STEPS:
        (en, ar), category = _CARD_SPOOF, ErrorCategory.RETAKE_CARD
        retake = _CARD_STEPS[step or ""]
    elif category is ErrorCategory.RETAKE_FACE or (
        finding is Finding.STEP_REFUSED and step == "liveness"
    ):
        category, retake = ErrorCategory.RETAKE_FACE, Retake.FACE
    elif category is ErrorCategory.RETAKE_CARD or finding is Finding.VALIDATION_ERRORS:
        retake = _CARD_STEPS.get(step or "", Retake.ID_FRONT)
    en_next, ar_next = _FINDING_NEXT_STEP.get(finding) or _NEXT_STEP[
        retake if retake is not None else category]
    return ErrorInfo(None, category, MappingProxyType({"en": en, "ar": ar}),
                     MappingProxyType({"en": en_next, "ar": ar_next}), retake)

_CARD_STEPS = {"id_front": Retake.ID_FRONT, "id_back": Retake.ID_BACK}


def documented_codes() -> tuple[int, ...]:
    """All codes the catalogue knows, ascending."""
    return tuple(sorted(_CATALOGUE))


def describe_error(code: int | None, step: str | None = None) -> ErrorInfo:
    """Describe ``code`` for the customer. ``step`` is the verification step that failed
    (``id_front``, ``id_back`` or ``liveness``): it decides which picture to retake when the
    code itself does not (e.g. 3011 card not detected, 5002 picture too large)."""
    entry = _CATALOGUE.get(code) if code is not None else None
    if entry is None:
        return _unknown(code)
    category, retake = entry.category, entry.retake
    if entry.per_step and step == "liveness":
        category, retake = ErrorCategory.RETAKE_FACE, Retake.FACE
    elif category is ErrorCategory.RETAKE_CARD and step in _CARD_STEPS:
        retake = _CARD_STEPS[step]
    en_next, ar_next = _NEXT_STEP[retake if retake is not None else category]
    return ErrorInfo(
        code=code,
        category=category,
        message=MappingProxyType(
            {"en": f"{entry.en} (code {code})", "ar": f"{entry.ar} (رمز {code})"}
        ),
        next_step=MappingProxyType({"en": en_next, "ar": ar_next}),
        retake=retake,
    )


def describe_category(category: ErrorCategory, en: str, ar: str) -> ErrorInfo:
    """An ``ErrorInfo`` for a failure that has no Vlens code (network, timeout, bad reply)."""
    en_next, ar_next = _NEXT_STEP[category]
    return ErrorInfo(
        code=None,
        category=category,
        message=MappingProxyType({"en": en, "ar": ar}),
        next_step=MappingProxyType({"en": en_next, "ar": ar_next}),
        retake=None,
    )


def _unknown(code: int | None) -> ErrorInfo:
    shown = "unknown" if code is None else str(code)
    info = describe_category(
        ErrorCategory.SERVICE,
        f"The verification service returned an unexpected error (code {shown}).",
        f"أعادت خدمة التحقق خطأ غير متوقع (رمز {shown}).",
    )
    return ErrorInfo(info.code if code is None else code, info.category, info.message,
                     info.next_step, None, known=False)
