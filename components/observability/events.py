"""The per-verification log event, built from an allow-list of non-personal fields.

Nothing is copied wholesale from a response: names, ID numbers, addresses, dates of birth, AML
records, validation *values*, images, tokens and keys never reach the event, because only the
fields named below are read. Error codes and request ids are what support needs to trace a case.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from .logsetup import EVENT_ATTR

VERIFICATION_LOGGER = "vlens.verification"
EVENT_NAME = "verification"


def _text(value: Any) -> str | None:
    """Enum values and ids as plain strings; anything else that is not a scalar id is dropped."""
    if value is None:
        return None
    raw = getattr(value, "value", value)
    return raw if isinstance(raw, str) else None


def _code(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _validation_codes(services: Any) -> list[str]:
    """Codes of the failed validations (the code only: ``value`` holds the customer's data)."""
    codes: list[str] = []
    for issue in getattr(services, "validation_errors", ()) or ():
        for message in getattr(issue, "errors", ()) or ():
            code = getattr(message, "code", None)
            if isinstance(code, str | int) and not isinstance(code, bool):
                codes.append(str(code))
    return codes


def step_fields(result: Any, latency_ms: float | None = None) -> dict[str, Any]:
    """One step's allow-listed fields."""
    fields: dict[str, Any] = {
        "step": _text(getattr(result, "step", None)),
        "request_id": _text(getattr(result, "request_id", None)),
        "http_status": _code(getattr(result, "http_status", None)),
        "error_code": _code(getattr(result, "error_code", None)),
        "validation_codes": _validation_codes(getattr(result, "services", None)),
    }
    if latency_ms is not None:
        fields["latency_ms"] = round(float(latency_ms), 1)
    return fields


def verification_event(
    outcome: Any,
    steps: Iterable[Any],
    *,
    latencies_ms: Mapping[str, float] | None = None,
    error_code: int | None = None,
    error_kind: str | None = None,
    demo: bool | None = None,
) -> dict[str, Any]:
    """The event's fields for ``outcome`` and its step results (all allow-listed)."""
    latencies = dict(latencies_ms or {})
    step_list = [
        step_fields(result, latencies.get(_text(getattr(result, "step", None)) or ""))
        for result in steps
    ]
    request_ids = [s["request_id"] for s in step_list if s["request_id"]]
    event: dict[str, Any] = {
        "event": EVENT_NAME,
        "verdict": _text(getattr(outcome, "verdict", None)),
        "transaction_id": _text(getattr(outcome, "transaction_id", None)),
        "request_ids": request_ids,
        "steps": step_list,
        "error_code": error_code,
        "error_kind": error_kind,
    }
    if latencies:
        event["total_latency_ms"] = round(sum(latencies.values()), 1)
    if demo is not None:
        event["demo"] = demo
    return event


def log_verification(
    outcome: Any,
    steps: Iterable[Any],
    *,
    latencies_ms: Mapping[str, float] | None = None,
    error_code: int | None = None,
    error_kind: str | None = None,
    demo: bool | None = None,
    logger: logging.Logger | None = None,
) -> dict[str, Any]:
    """Log one line for a finished verification and return the fields that were logged."""
    event = verification_event(outcome, steps, latencies_ms=latencies_ms, error_code=error_code,
                               error_kind=error_kind, demo=demo)
    (logger or logging.getLogger(VERIFICATION_LOGGER)).info(
        "verification %s", event["verdict"] or "unknown", extra={EVENT_ATTR: event}
    )
    return event
