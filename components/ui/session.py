"""Session-state helpers: everything one customer's session holds, in memory only."""

from __future__ import annotations

from typing import Any, Final

import streamlit as st

CONSENT: Final = "consent_given"
FLASH: Final = "flash_message"

# Keys that belong to a verification attempt; cleared by "Start over" and "Delete my data now".
_ATTEMPT_PREFIX: Final = "attempt."


def consent_given() -> bool:
    return bool(st.session_state.get(CONSENT, False))


def give_consent() -> None:
    st.session_state[CONSENT] = True


def withdraw_consent() -> None:
    st.session_state[CONSENT] = False


def attempt_get(name: str, default: Any = None) -> Any:
    """A value of the current verification attempt (captures, engine, outcome, …)."""
    return st.session_state.get(_ATTEMPT_PREFIX + name, default)


def attempt_set(name: str, value: Any) -> None:
    st.session_state[_ATTEMPT_PREFIX + name] = value


def attempt_pop(name: str) -> Any:
    return st.session_state.pop(_ATTEMPT_PREFIX + name, None)


def clear_attempt() -> None:
    """Forget every capture and result of this session (keeps language and consent)."""
    for key in [k for k in st.session_state if str(k).startswith(_ATTEMPT_PREFIX)]:
        del st.session_state[key]


def delete_everything() -> None:
    """Drop all session data except the chosen language; consent must be given again."""
    from components.ui.i18n import current_language, set_language

    language = current_language()
    for key in list(st.session_state):
        del st.session_state[key]
    set_language(language)


def flash(key: str) -> None:
    """Queue a one-off message (an i18n key) for the next page shown."""
    st.session_state[FLASH] = key


def take_flash() -> str | None:
    return st.session_state.pop(FLASH, None)
