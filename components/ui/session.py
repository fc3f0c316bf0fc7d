"""The bridge between a Streamlit session and the customer's ``Attempt``.

The attempt lives in the process's ``AttemptRegistry``; the page URL carries its token
(``?attempt=…``), so a reload or a restored tab resumes it, in its language. Nothing else of
the attempt is kept in ``st.session_state``; only a one-off message for the next page is.
"""

from __future__ import annotations

from typing import Final, Literal

import streamlit as st

from components.ui.attempt import Attempt
from components.ui.attempt_registry import REGISTRY
from components.ui.i18n import Language

TOKEN_PARAM: Final = "attempt"
FLASH: Final = "flash_message"
LANGUAGE: Final = "ui_language"  # before an attempt exists, and after one is deleted

TokenState = Literal["none", "live", "unknown"]


def _token() -> str | None:
    token = st.query_params.get(TOKEN_PARAM)
    return token or None


def current() -> Attempt | None:
    """This page's attempt, or None (no token in the URL, or one that expired)."""
    token = _token()
    return REGISTRY.find(token) if token is not None else None


def token_state() -> TokenState:
    """Whether the URL names no attempt, a live one, or one unknown here (expired, deleted,
    mistyped)."""
    token = _token()
    if token is None:
        return "none"
    return "live" if REGISTRY.find(token) is not None else "unknown"


def begin(language: Language) -> Attempt | None:
    """A new attempt for this page, its token put in the URL; None when the service is full."""
    attempt = REGISTRY.open(language)
    if attempt is not None:
        st.query_params[TOKEN_PARAM] = attempt.token
    return attempt


def url_params() -> dict[str, str]:
    """The query parameters a page switch keeps (the attempt's token among them)."""
    return {key: st.query_params[key] for key in st.query_params}


def forget_token() -> None:
    st.query_params.pop(TOKEN_PARAM, None)


def consent_given() -> bool:
    attempt = current()
    return attempt is not None and attempt.consent


def language_before_attempt() -> Language | None:
    value = st.session_state.get(LANGUAGE)
    return value if value in ("en", "ar") else None


def remember_language(language: Language) -> None:
    st.session_state[LANGUAGE] = language


def clear_attempt() -> None:
    """"Start over": forget every capture and result (keeps language and consent)."""
    attempt = current()
    if attempt is not None:
        attempt.start_over()


def delete_everything() -> None:
    """Close the attempt (captures, results, consent); only the language is remembered, and
    the business link that admitted the customer: a new attempt holds it, so the page that
    confirms the deletion is not refused because the link is used up."""
    attempt = current()
    if attempt is not None:
        remember_language(attempt.language)
        REGISTRY.close(attempt.token)
    forget_token()
    if attempt is not None and attempt.integration.link_digest is not None:
        successor = begin(attempt.language)
        if successor is not None:
            successor.integration = attempt.integration.carried_over()


def flash(key: str) -> None:
    """Queue a one-off message (an i18n key) for the next page shown."""
    st.session_state[FLASH] = key


def take_flash() -> str | None:
    return st.session_state.pop(FLASH, None)
