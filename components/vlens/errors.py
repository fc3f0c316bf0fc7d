"""Exceptions by meaning. Every message is safe to show a user: no secret, no payload."""

from __future__ import annotations

from .catalogue import ErrorCategory, ErrorInfo, describe_category, describe_error


class VlensError(Exception):
    """Base of every backend error.

    ``category`` says what kind of action fixes it, ``code`` is the Vlens or HTTP code when
    there is one, ``request_id`` the X-Request-Id of the failed call (for support).
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
    ) -> None:
        super().__init__(message)
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
    """The service could not be reached (DNS, refused connection, connect timeout, reset).

    ``possibly_billed`` is True when the connection broke after a verify request was sent.
    """

    def __init__(
        self,
        message: str,
        *,
        possibly_billed: bool = False,
        request_id: str | None = None,
        message_ar: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id, message_ar=message_ar)
        self.possibly_billed = possibly_billed


class VlensTimeoutError(VlensNetworkError):
    """No answer within the read timeout. A verify request is never resent automatically:
    it may already have been processed and billed; the caller retries with the same images."""


class VlensServiceError(VlensError):
    """The service answered with a 5xx, kept rate-limiting, or sent something unparseable."""


class VlensRateLimitedError(VlensServiceError):
    """HTTP 429 persisted after the allowed retries."""


class VlensRejectedError(VlensError):
    """An operator or end-user call answered with a Vlens error code (e.g. wrong OTP)."""
