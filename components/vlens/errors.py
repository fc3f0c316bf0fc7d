"""Exceptions by meaning. Every message is safe to show a user: no secret, no payload."""

from __future__ import annotations

from .catalogue import ErrorCategory, ErrorInfo, describe_category, describe_error


class VlensError(Exception):
    """Base of every backend error.

    ``category`` says what kind of action fixes it, ``code`` is the Vlens or HTTP code when
    there is one, ``request_id`` the X-Request-Id of the failed call (for support).
    ``possibly_billed``: the request may have been processed (and billed) although its answer
    was lost (a timeout, a 502/504 from a gateway, a connection or answer cut off); it is never
    resent automatically.
    """

    default_category = ErrorCategory.SERVICE

    def __init__(
        self,
        message: str,
        *,
        category: ErrorCategory | None = None,
        code: int | None = None,
        request_id: str | None = None,
        message_ar: str | None = None,
        possibly_billed: bool = False,
    ) -> None:
        super().__init__(message)
        self.possibly_billed = possibly_billed
        self.message = message
        self.message_ar = message_ar or message
        self.category = category or self.default_category
        self.code = code
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None and f"code {self.code}" not in self.message:
            parts.append(f"(code {self.code})")
        if self.request_id:
            parts.append(f"[request {self.request_id}]")
        return " ".join(parts)

    def info(self, step: str | None = None) -> ErrorInfo:
        """What to tell the customer: the catalogue entry for ``code`` when known."""
        if self.code is not None:
            described = describe_error(self.code, step)
            if described.known:
                return described
        return describe_category(self.category, self.message, self.message_ar)


class ConfigError(VlensError):
    """The Vlens configuration is incomplete or invalid (names keys, never values)."""

    default_category = ErrorCategory.AUTH


class VlensAuthError(VlensError):
    """Credentials or token refused, even after logging in again."""

    default_category = ErrorCategory.AUTH


class VlensNetworkError(VlensError):
    """The service could not be reached (DNS, refused connection, connect timeout, reset), or
    the connection broke (``possibly_billed`` when that was after a verify request was sent)."""


class VlensTimeoutError(VlensNetworkError):
    """No whole answer within the deadline (or a gateway's 504). A verify request is never
    resent automatically: it may already have been processed and billed; the customer retries
    with the same images."""


class VlensServiceError(VlensError):
    """The service answered with a 5xx, kept rate-limiting, or sent something unparseable."""


class VlensRateLimitedError(VlensServiceError):
    """HTTP 429 persisted after the allowed retries."""


class VlensRejectedError(VlensError):
    """An operator or end-user call answered with a Vlens error code (e.g. wrong OTP)."""
