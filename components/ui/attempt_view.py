"""What a customer sees when the link's attempt no longer exists (expired, deleted, mistyped)."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from components.ui import navigation, session
from components.ui.i18n import t


def attempt_ended() -> NoReturn:
    """Explain that the attempt has ended and offer to start again; stops the page."""
    st.title(t("attempt.expired.title"), anchor=False)
    st.write(t("attempt.expired.body"))
    if st.button(t("attempt.expired.restart"), key="attempt_restart", type="primary"):
        session.forget_token()
        navigation.go("language")
    st.stop()
