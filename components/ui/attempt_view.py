"""What a customer sees when the link's attempt no longer exists (expired, deleted, mistyped).

Said in English and in Arabic, each block in its own language and direction: the attempt that
knew the customer's language is gone, and a restored tab is a new session (English by default).
"""

from __future__ import annotations

from typing import Final, NoReturn

import streamlit as st

from components.ui import navigation, session
from components.ui.i18n import Language, set_language, translate
from components.ui.layout import in_both_languages

RESTART_KEYS: Final[dict[str, str]] = {"en": "attempt_restart", "ar": "attempt_restart_ar"}
def _block(language: Language) -> None:
    st.title(translate(language, "attempt.expired.title"), anchor=False)
    st.write(translate(language, "attempt.expired.body"))
    if st.button(translate(language, "attempt.expired.restart"), key=RESTART_KEYS[language],
                 type="primary"):
        set_language(language)  # the language page follows in the one chosen here
        session.forget_token()
        navigation.go("language")


def attempt_ended() -> NoReturn:
    """Explain, in both languages, that the attempt has ended and offer to start again; stops
    the page."""
    in_both_languages("attempt_ended", _block)
    st.stop()
