"""Typed views of Vlens responses. Each keeps the raw JSON; keys are matched case-insensitively
(``Validations`` and ``validations``, ``transaction_id`` and ``transactionId`` are the same key)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class VerifyStep(StrEnum):
    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    LIVENESS = "liveness"


def _norm(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def ci_get(mapping: Any, *keys: str, default: Any = None) -> Any:
    """The value under the first of ``keys`` present in ``mapping``, ignoring case and ``_``."""
    if not isinstance(mapping, Mapping):
        return default
    for key in keys:
        if key in mapping:
            return mapping[key]
    wanted = {_norm(k) for k in keys}
    for key, value in mapping.items():
        if isinstance(key, str) and _norm(key) in wanted:
            return value
    return default


def ci_path(mapping: Any, *path: str) -> Any:
    """Follow ``path`` through nested mappings case-insensitively; None when any link is missing."""
    node = mapping
    for key in path:
        node = ci_get(node, key)
        if node is None:
            return None
    return node


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int):
        return bool(value)
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_float(value: Any) -> float | None:
    """A number from a JSON number or numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    return number if number is not None and math.isfinite(number) else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Envelope:
    """``{"data", "error_code", "error_message", "error_descriptions"}`` as received."""

    http_status: int
    data: Any
    error_code: int | None
    error_message: str | None
    error_descriptions: Any
    raw: dict[str, Any] = field(repr=False)
    request_id: str

    @classmethod
    def parse(cls, body: dict[str, Any], http_status: int, request_id: str) -> Envelope:
        return cls(
            http_status=http_status,
            data=ci_get(body, "data"),
            error_code=_int(ci_get(body, "error_code", "errorCode")),
            error_message=_str(ci_get(body, "error_message", "errorMessage")) or None,
            error_descriptions=ci_get(body, "error_descriptions", "errorDescriptions"),
            raw=body,
            request_id=request_id,
        )

    @property
    def data_dict(self) -> dict[str, Any]:
        return dict(self.data) if isinstance(self.data, Mapping) else {}


@dataclass(frozen=True)
class ValidationMessage:
    code: str | None
    message: str | None


@dataclass(frozen=True)
class ValidationIssue:
    field: str | None
    value: Any
    errors: tuple[ValidationMessage, ...]

    @property
    def first_message(self) -> str | None:
        return self.errors[0].message if self.errors else None


@dataclass(frozen=True)
class AmlRecord:
    case_no: str | None
    case_year: str | None
    record_date: str | None
    full_name: str | None
    id_number: str | None
    date_of_birth: str | None
    score: float | None
    raw: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Services:
    """The ``services`` block. Fields are None when the step did not report them."""

    spoofing_fake: bool | None = None
    liveness: bool | None = None
    aml_matched: bool | None = None
    aml_records: tuple[AmlRecord, ...] = ()
    src_valid: bool | None = None
    src_error_code: str | None = None
    src_error_key: str | None = None
    src_error_message: str | None = None
    validation_errors: tuple[ValidationIssue, ...] = ()
    doc_type: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def present(self) -> bool:
        return bool(self.raw)

    @classmethod
    def parse(cls, block: Any) -> Services:
        if not isinstance(block, Mapping):
            return cls()
        aml = ci_get(block, "AML")
        src = ci_get(block, "SRC")
        return cls(
            spoofing_fake=_bool(ci_path(block, "spoofing", "fake")),
            liveness=_bool(ci_get(block, "liveness")),
            aml_matched=_bool(ci_get(aml, "AML_matched", "matched")),
            aml_records=tuple(_aml_record(r) for r in _list(ci_get(aml, "data"))),
            src_valid=_bool(ci_get(src, "isValid")),
            src_error_code=_str(ci_get(src, "errorCode")),
            src_error_key=_str(ci_get(src, "errorKey")),
            src_error_message=_str(ci_get(src, "errorMessage")),
            validation_errors=_validation_issues(block),
            doc_type=_str(ci_path(block, "classification", "doc_type")),
            raw=dict(block),
        )


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _aml_record(row: Any) -> AmlRecord:
    return AmlRecord(
        case_no=_str(ci_get(row, "caseNo")),
        case_year=_str(ci_get(row, "caseYear")),
        record_date=_str(ci_get(row, "recordDate")),
        full_name=_str(ci_get(row, "fullName")),
        id_number=_str(ci_get(row, "idNumber")),
        date_of_birth=_str(ci_get(row, "dateOfBirth")),
        score=as_float(ci_get(row, "score")),
        raw=dict(row) if isinstance(row, Mapping) else {},
    )


def _validation_issues(block: Mapping[str, Any]) -> tuple[ValidationIssue, ...]:
    validations = ci_get(block, "Validations", "validations")
    rows = ci_get(validations, "validation_errors")
    if rows is None and isinstance(validations, list):
        rows = validations
    issues = []
    for row in _list(rows):
        messages = tuple(
            ValidationMessage(_str(ci_get(e, "code")), _str(ci_get(e, "message")))
            for e in _list(ci_get(row, "errors"))
        )
        issues.append(ValidationIssue(_str(ci_get(row, "field")), ci_get(row, "value"), messages))
    return tuple(issues)


def extract_transaction_id(data: Any) -> str | None:
    """``data.idFrontData.transaction_id``, else ``data.idBackData.transaction_id``, else
    ``data.transaction_id``."""
    for path in (("idFrontData", "transaction_id"), ("idBackData", "transaction_id"),
                 ("transaction_id",)):
        value = ci_path(data, *path)
        if isinstance(value, str) and value:
            return value
    return None


@dataclass(frozen=True)
class StepResult:
    """One verification step's answer. An envelope error is a result, not an exception."""

    step: VerifyStep | None  # None for LinkUserWithExistingTransaction
    http_status: int
    error_code: int | None
    error_message: str | None
    error_descriptions: Any
    services: Services
    data: dict[str, Any]
    transaction_id: str | None
    request_id: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_envelope(cls, step: VerifyStep | None, env: Envelope) -> StepResult:
        # The published example puts `services` beside `data`; other answers nest it in `data`
        # (an empty or null block in one place does not hide the other).
        services = ci_get(env.raw, "services") or ci_get(env.data, "services")
        return cls(
            step=step,
            http_status=env.http_status,
            error_code=env.error_code,
            error_message=env.error_message,
            error_descriptions=env.error_descriptions,
            services=Services.parse(services),
            data=env.data_dict,
            transaction_id=extract_transaction_id(env.data),
            request_id=env.request_id,
            raw=env.raw,
        )

    @property
    def failed(self) -> bool:
        """Failed as the official SDK sees it: an error code or message, or validation errors."""
        return (self.error_code is not None or self.error_message is not None
                or bool(self.services.validation_errors))

    @property
    def is_verification_process_completed(self) -> bool | None:
        return _bool(ci_get(self.data, "isVerificationProcessCompleted"))

    @property
    def is_digital_identity_verified(self) -> bool | None:
        return _bool(ci_get(self.data, "isDigitalIdentityVerified"))

    @property
    def id_front_data(self) -> dict[str, Any]:
        value = ci_get(self.data, "idFrontData")
        return dict(value) if isinstance(value, Mapping) else {}

    @property
    def id_back_data(self) -> dict[str, Any]:
        value = ci_get(self.data, "idBackData")
        return dict(value) if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class TokenGrant:
    """Answer of credentials Login / RefreshToken."""

    access_token: str = field(repr=False)
    expire_in_seconds: float
    refresh_token: str | None = field(default=None, repr=False)
    refresh_token_expire_in_seconds: float | None = None

    @classmethod
    def parse(cls, data: Any) -> TokenGrant | None:
        token = ci_get(data, "accessToken")
        if not isinstance(token, str) or not token:
            return None
        expires = as_float(ci_get(data, "expireInSeconds"))
        refresh = ci_get(data, "newRefreshToken") or ci_get(data, "refreshToken")
        return cls(
            access_token=token,
            expire_in_seconds=expires if expires is not None else 86400.0,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            refresh_token_expire_in_seconds=as_float(
                ci_get(data, "refreshTokenExpireInSeconds")
            ),
        )


@dataclass(frozen=True)
class EndUserSession:
    """An end user's token from DigitalIdentity Register or Login."""

    access_token: str = field(repr=False)
    expire_in_seconds: float | None
    is_digital_identity_verified: bool | None
    user: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class UserImages:
    """File names from GetUserDigitalIdentityImages (pass them to ``get_step_image``)."""

    id_front_image: str | None
    id_back_image: str | None
    liveness_image: str | None
    liveness_face01_image: str | None
    liveness_face02_image: str | None
    liveness_face03_image: str | None
    raw: dict[str, Any] = field(repr=False)
    transaction_id: str | None = None  # when the answer names the verification they belong to

    @classmethod
    def parse(cls, data: Any, raw: dict[str, Any]) -> UserImages:
        def name(key: str) -> str | None:
            return _str(ci_get(data, key)) or None

        return cls(
            id_front_image=name("idFrontImage"),
            id_back_image=name("idBackImage"),
            liveness_image=name("livenessImage"),
            liveness_face01_image=name("livenessFace01Image"),
            liveness_face02_image=name("livenessFace02Image"),
            liveness_face03_image=name("livenessFace03Image"),
            raw=raw,
            transaction_id=name("transactionId"),
        )


@dataclass(frozen=True)
class ApiResult:
    """A call whose ``data`` has no documented shape (kept as received)."""

    data: Any
    request_id: str
    raw: dict[str, Any] = field(repr=False)
