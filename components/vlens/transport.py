"""HTTP transport: deadlines, rate limiting, retries with backoff, and safe logging.

At most one billable call per customer action. Retries (at most ``RetryPolicy.attempts`` sends)
happen on connection failures and on HTTP 429/502/503/504, honouring ``Retry-After``, except
that a request that may already have been processed is never resent:

- a read that passes the deadline (any call: the answer may be on its way);
- for requests that are not ``resend_safe`` (verify POSTs, Register, Link): a 502 or 504 (a
  gateway gave up or broke, possibly after Vlens did the work), a connection that breaks after
  the request was sent, and an answer cut off after its headers. These raise with
  ``possibly_billed=True``: the outcome is unknown, the customer decides to retry.

Each attempt has one overall deadline (``deadline_s``, from the moment it starts until the last
byte of the answer), not a per-read timeout: an answer dripped a byte at a time cannot keep a
call open longer. Answers are read up to ``MAX_ANSWER_BYTES``.
Logs carry method, path, status, timing and request id only: never headers, query or bodies.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from .errors import VlensError, VlensNetworkError, VlensServiceError, VlensTimeoutError
from .ratelimit import Limiter

log = logging.getLogger("components.vlens.http")


class _QueryRedactor(logging.Filter):
    """Drops query strings from urllib3's own log lines.

    At DEBUG urllib3 logs every request line, query included, and Vlens takes the customer's
    phone number or email in the query of GetUserDigitalIdentityImages (vlens-api.md: a GET
    with ``emailOrPhoneNumber``; no body to move it to)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
        record.msg = _without_query(record.msg)
        return True


def _without_query(value: Any) -> Any:
    if isinstance(value, str) and "?" in value:
        return value.split("?", 1)[0] + "?<query hidden>"
    return value


for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    if not any(isinstance(f, _QueryRedactor) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_QueryRedactor())

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# A gateway's answer after the request went through: Vlens may have done (and billed) the work.
OUTCOME_UNKNOWN_STATUSES = frozenset({502, 504})
MAX_ANSWER_BYTES = 32_000_000  # GetStepImage carries a <= 5 MB image as base64; nothing is more
_CHUNK = 65_536


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

    @property
    def longest_pause_s(self) -> float:
        """The longest wait between two attempts."""
        return max(self.max_delay_s, self.max_retry_after_s)


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: dict[str, Any] | None  # the JSON object, or None when the answer was not one
    content_type: str
    request_id: str
    retry_after_s: float | None
    attempts: int


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _DeadlinePassed(Exception):
    """The attempt's deadline passed before the whole answer arrived."""


class _CutOff(Exception):
    """The answer's headers arrived, then the connection ended before its body did."""


class _TooLarge(Exception):
    """The answer is larger than ``MAX_ANSWER_BYTES``."""


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout_s: float,
        deadline_s: float,
        limiter: Limiter,
        retry: RetryPolicy = RetryPolicy(),
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._connect_timeout_s = min(connect_timeout_s, deadline_s)
        self._deadline_s = deadline_s
        self._limiter = limiter
        self._retry = retry
        self._session = session or requests.Session()
        self._sleep = sleep

    def close(self) -> None:
        self._session.close()

    @property
    def longest_call_s(self) -> float:
        """How long one ``send`` can take: each attempt's limiter wait and deadline, and the
        pauses between attempts."""
        attempts = self._retry.attempts
        return (attempts * (self._limiter.longest_wait_s + self._deadline_s)
                + (attempts - 1) * self._retry.longest_pause_s)

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | Callable[[], Mapping[str, str]],
        request_id: str,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        resend_safe: bool = True,
    ) -> HttpReply:
        """Send the request (and resend it when that is safe; see the module docstring).

        ``headers`` may be a function: it is called after the rate limiter's wait, so a token
        it puts in them is as fresh as can be.
        """
        data = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        url = self.base_url + path
        for attempt in range(1, self._retry.attempts + 1):
            last = attempt == self._retry.attempts
            self._limiter.acquire()
            sent_headers = dict(headers() if callable(headers) else headers)
            started = time.monotonic()
            try:
                answer = self._exchange(method, url, sent_headers, data, params)
            except requests.exceptions.ConnectTimeout:
                failure = "the connection timed out"
                if last:
                    raise self._unreachable(failure, request_id) from None
            except (requests.exceptions.ReadTimeout, _DeadlinePassed):
                log.warning("vlens %s %s: no whole answer within %g s (request %s, not resent)",
                            method, path, self._deadline_s, request_id)
                raise VlensTimeoutError(
                    f"Vlens did not answer within {self._deadline_s:g} s",
                    possibly_billed=not resend_safe,
                    request_id=request_id,
                    message_ar=f"لم تستجب خدمة Vlens خلال {self._deadline_s:g} ثانية",
                ) from None
            except _TooLarge:
                raise VlensServiceError(
                    f"Vlens sent an answer larger than {MAX_ANSWER_BYTES // 1_000_000} MB",
                    request_id=request_id,
                    message_ar="أرسلت خدمة Vlens رداً أكبر من المسموح",
                ) from None
            except (requests.exceptions.ConnectionError, _CutOff) as exc:
                cut_off = isinstance(exc, _CutOff)
                before_send = isinstance(exc, requests.exceptions.ConnectionError) and (
                    _failed_before_send(exc))
                failure = ("the answer was cut off" if cut_off else
                           "the connection was refused" if before_send else
                           "the connection broke")
                if not before_send and not resend_safe:
                    log.warning("vlens %s %s: %s after sending (request %s, not resent)",
                                method, path, failure, request_id)
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
                reply = _reply(answer, request_id, attempt)
                log.info("vlens %s %s -> %d in %.0f ms (request %s, attempt %d)", method, path,
                         reply.status, 1000 * (time.monotonic() - started), request_id, attempt)
                if not resend_safe and reply.status in OUTCOME_UNKNOWN_STATUSES:
                    log.warning("vlens %s %s: HTTP %d from a gateway; the outcome is unknown "
                                "(request %s, not resent)", method, path, reply.status,
                                request_id)
                    raise _outcome_unknown(reply)
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

    def _exchange(self, method: str, url: str, headers: dict[str, str], data: bytes | None,
                  params: Mapping[str, str] | None) -> _Answer:
        """One request and its whole answer, within the deadline.

        Runs on a helper thread: the caller gets control back at the deadline even while the
        server still drips bytes (a per-read timeout restarts with every byte).
        """
        deadline = time.monotonic() + self._deadline_s
        outcome: list[_Answer | BaseException] = []
        responses: list[requests.Response] = []

        def fetch() -> None:
            try:
                outcome.append(self._fetch(method, url, headers, data, params, deadline,
                                           responses))
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=fetch, name="vlens-http", daemon=True)
        worker.start()
        worker.join(self._deadline_s + 0.2)  # the worker's own timeouts usually end it first
        if not outcome:
            for response in responses:  # stop the dripping read; the worker then ends
                _abort(response)
            raise _DeadlinePassed
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def _fetch(self, method: str, url: str, headers: dict[str, str], data: bytes | None,
               params: Mapping[str, str] | None, deadline: float,
               responses: list[requests.Response]) -> _Answer:
        timeout = (self._connect_timeout_s, max(0.01, deadline - time.monotonic()))
        response = self._session.request(method, url, headers=headers, data=data, params=params,
                                         timeout=timeout, allow_redirects=False, stream=True)
        responses.append(response)
        with response:
            body = bytearray()
            try:
                for chunk in response.iter_content(_CHUNK):
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise _TooLarge
                    if time.monotonic() > deadline:
                        raise _DeadlinePassed
            except (requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError,
                    requests.exceptions.ConnectionError) as exc:
                if time.monotonic() > deadline:
                    raise _DeadlinePassed from exc
                raise _CutOff from exc
        return _Answer(response.status_code, response.headers, bytes(body))

    def _unreachable(self, failure: str, request_id: str) -> VlensNetworkError:
        return VlensNetworkError(
            f"Vlens could not be reached: {failure} after {self._retry.attempts} attempts",
            request_id=request_id,
            message_ar="تعذر الوصول إلى خدمة Vlens؛ تحقق من الاتصال بالإنترنت",
        )


def _outcome_unknown(reply: HttpReply) -> VlensError:
    """A 502/504 to a request that must not be resent: possibly processed and billed."""
    if reply.status == 504:
        return VlensTimeoutError(
            "A gateway in front of Vlens gave up waiting for the answer (HTTP 504)",
            possibly_billed=True, code=504, request_id=reply.request_id,
            message_ar="انتهت مهلة انتظار رد خدمة Vlens",
        )
    return VlensServiceError(
        "A gateway in front of Vlens could not pass the answer on (HTTP 502)",
        possibly_billed=True, code=502, request_id=reply.request_id,
        message_ar="تعذر على خدمة Vlens إتمام الطلب بسبب خطأ في الخادم",
    )


def _abort(response: requests.Response) -> None:
    """Shut the response's socket so a read blocked on it returns (best effort)."""
    connection = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _failed_before_send(exc: requests.exceptions.ConnectionError) -> bool:
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", inner)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _reply(answer: _Answer, request_id: str, attempt: int) -> HttpReply:
    content_type = answer.headers.get("Content-Type", "")
    body: dict[str, Any] | None = None
    try:
        parsed = json.loads(answer.body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        body = parsed
    return HttpReply(
        status=answer.status,
        body=body,
        content_type=content_type.split(";")[0].strip(),
        request_id=request_id,
        retry_after_s=parse_retry_after(answer.headers.get("Retry-After")),
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
