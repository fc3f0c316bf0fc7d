"""Consent: what is captured, where it goes, what is kept; nothing proceeds without the tick."""

from __future__ import annotations

import streamlit as st

from components.ui import navigation, session
from components.ui.i18n import current_language, t

st.title(t("consent.title"), anchor=False)
flashed = session.take_flash()
if flashed:
    st.success(t(flashed))

st.write(t("consent.intro"))
st.markdown("\n".join(f"- {t(key)}" for key in
                      ("consent.item_front", "consent.item_back", "consent.item_face")))
st.write(t("consent.where"))
st.write(t("consent.keep"))
st.write(t("consent.camera"))

agreed = st.checkbox(t("consent.checkbox"), key="consent_checkbox",
                     value=session.consent_given())
if not agreed:
    if session.consent_given():
        # Unticking takes the consent back: the camera analysis stops and everything captured
        # or received in this attempt is forgotten, as with "Delete my data now".
        session.delete_everything()
    st.caption(t("consent.required"))

back, forward = st.columns(2)
with back:
    if st.button(t("common.back"), key="consent_back"):
        navigation.go("language")
with forward:
    if st.button(t("consent.continue"), key="consent_continue", type="primary",
                 disabled=not agreed):
        attempt = session.current() or session.begin(current_language())
        if attempt is None:
            st.error(t("attempt.busy"))
        else:
            attempt.consent = True
            navigation.go("capture")
