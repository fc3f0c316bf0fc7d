"""First screen: choose English or Arabic (both labels shown in their own language)."""

from __future__ import annotations

import streamlit as st

from components.ui import navigation, session
from components.ui.i18n import Language, set_language, translate

st.title(f"{translate('en', 'language.title')} · {translate('ar', 'language.title')}", anchor=False)
st.write(translate("en", "language.intro"))
st.markdown(f'<p dir="rtl">{translate("ar", "language.intro")}</p>', unsafe_allow_html=True)


def _choose(language: Language) -> None:
    set_language(language)
    if session.current() is None and session.begin(language) is None:
        st.error(translate(language, "attempt.busy"))
        return
    navigation.go("consent")


english, arabic = st.columns(2)
with english:
    if st.button(translate("en", "language.english"), key="language_en", type="primary",
                 width="stretch"):
        _choose("en")
with arabic:
    if st.button(translate("ar", "language.arabic"), key="language_ar", type="primary",
                 width="stretch"):
        _choose("ar")
