"""HTTP transport: timeouts, rate limiting, retries with backoff, and safe logging.

Retries (at most ``RetryPolicy.attempts`` sends) happen on connection failures and on HTTP
429/502/503/504, honouring ``Retry-After``. A read timeout is never retried: the request may
already have been processed (and, for a verify step, billed). When ``resend_safe`` is False
(verify POSTs) a connection that breaks after the request was sent is not retried either.
Logs carry method, path, status, timing and request id only: never headers, query or bodies.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .errors import VlensNetworkError, VlensTimeoutError
from .ratelimit import RateLimiter

log = logging.getLogger("components.vlens.http")

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 30.0  # a longer Retry-After is reported instead of waited for

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Exponential delay after failed ``attempt`` (1-based), with +-50 % jitter."""
        delay = self.base_delay_s * 2 ** (attempt - 1)
        return min(self.max_delay_s, delay * (0.5 + rand()))


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: dict[str, Any] | None  # the JSON object, or None when the answer was not one
    content_type: str
    request_id: str
    retry_after_s: float | None
    attempts: int


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout_s: float,
        read_timeout_s: float,
        limiter: RateLimiter,
        retry: RetryPolicy = RetryPolicy(),
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeouts = (connect_timeout_s, read_timeout_s)
        self._limiter = limiter
        self._retry = retry
        self._session = session or requests.Session()
        self._sleep = sleep

    def close(self) -> None:
        self._session.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        request_id: str,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        resend_safe: bool = True,
    ) -> HttpReply:
        data = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        url = self.base_url + path
        for attempt in range(1, self._retry.attempts + 1):
            last = attempt == self._retry.attempts
            self._limiter.acquire()
            started = time.monotonic()
            try:
                response = self._session.request(
                    method, url, headers=dict(headers), data=data, params=params,
                    timeout=self._timeouts, allow_redirects=False,
                )
            except requests.exceptions.ConnectTimeout:
                failure = "the connection timed out"
                if last:
                    raise self._unreachable(failure, request_id) from None
            except requests.exceptions.ReadTimeout:
                log.warning("vlens %s %s: no answer within %g s (request %s, not resent)",
                            method, path, self._timeouts[1], request_id)
                raise VlensTimeoutError(
                    f"Vlens did not answer within {self._timeouts[1]:g} s",
                    possibly_billed=not resend_safe,
                    request_id=request_id,
                    message_ar=f"لم تستجب خدمة Vlens خلال {self._timeouts[1]:g} ثانية",
                ) from None
            except requests.exceptions.ConnectionError as exc:
                before_send = _failed_before_send(exc)
                failure = "the connection was refused" if before_send else "the connection broke"
                if not before_send and not resend_safe:
                    log.warning("vlens %s %s: connection broke after sending (request %s, "
                                "not resent)", method, path, request_id)
                    raise VlensNetworkError(
                        "The connection to Vlens broke while the request was being processed",
                        possibly_billed=True, request_id=request_id,
                        message_ar="انقطع الاتصال بخدمة Vlens أثناء معالجة الطلب",
                    ) from None
                if last:
                    raise self._unreachable(failure, request_id) from None
            except requests.exceptions.RequestException:
                raise self._unreachable("the request could not be sent", request_id) from None
            else:
                reply = _reply(response, request_id, attempt)
                log.info("vlens %s %s -> %d in %.0f ms (request %s, attempt %d)", method, path,
                         reply.status, 1000 * (time.monotonic() - started), request_id, attempt)
                if reply.status not in RETRY_STATUSES or last:
                    return reply
                delay = reply.retry_after_s
                if delay is not None and delay > self._retry.max_retry_after_s:
                    return reply
                self._sleep(delay if delay is not None else self._retry.backoff(attempt))
                continue
            log.info("vlens %s %s: %s (request %s, attempt %d); retrying", method, path,
                     failure, request_id, attempt)
            self._sleep(self._retry.backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable(self, failure: str, request_id: str) -> VlensNetworkError:
        return VlensNetworkError(
            f"Vlens could not be reached: {failure} after {self._retry.attempts} attempts",
            request_id=request_id,
            message_ar="تعذر الوصول إلى خدمة Vlens؛ تحقق من الاتصال بالإنترنت",
        )


def _failed_before_send(exc: requests.exceptions.ConnectionError) -> bool:
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", inner)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _reply(response: requests.Response, request_id: str, attempt: int) -> HttpReply:
    content_type = response.headers.get("Content-Type", "")
    body: dict[str, Any] | None = None
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        body = parsed
    return HttpReply(
        status=response.status_code,
        body=body,
        content_type=content_type.split(";")[0].strip(),
        request_id=request_id,
        retry_after_s=parse_retry_after(response.headers.get("Retry-After")),
        attempts=attempt,
    )


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
