"""Customer wording for failures outside Vlens' answer (network, timeout, credentials, outage).

The transport's own message is for the logs; the customer reads one of these texts, the same in
the live submission status and on the results page.
"""

from __future__ import annotations

from components.vlens.errors import (
    ConfigError,
    VlensAuthError,
    VlensError,
    VlensNetworkError,
    VlensServiceError,
    VlensTimeoutError,
)

# Most specific class first.
FAILURE_TEXT: tuple[tuple[type[VlensError], str], ...] = (
    (VlensTimeoutError, "failure.timeout"),
    (VlensNetworkError, "failure.network"),
    (ConfigError, "failure.config"),
    (VlensAuthError, "failure.auth"),
    (VlensServiceError, "failure.service"),
)


def failure_text_key(error: VlensError) -> str:
    """The i18n key of the customer text for ``error``."""
    return next((key for kind, key in FAILURE_TEXT if isinstance(error, kind)), "failure.unknown")
