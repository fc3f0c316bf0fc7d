"""Page frame shared by every screen: RTL layout, demo label, language switch, flow progress."""

from __future__ import annotations

from typing import Final

import streamlit as st

from components.ui.i18n import Language, current_language, is_rtl, set_language, t

FLOW: Final[tuple[str, ...]] = ("language", "consent", "capture", "review", "results")

# Streamlit's main column; everything customers read lives inside it.
_RTL_CSS: Final = """
<style>
[data-testid="stMainBlockContainer"], [data-testid="stSidebarContent"] {
  direction: rtl;
  text-align: right;
}
/* Streamlit aligns each element's text to the left explicitly: flip it too. */
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] * {
  text-align: right !important;
}
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] :is(ul, ol) {
  padding-left: 0;
  padding-right: 1.5em;
  margin-left: 0;
}
</style>
"""


def apply_direction() -> None:
    """Right-to-left layout for Arabic (injected CSS; left-to-right is Streamlit's default)."""
    if is_rtl():
        st.html(_RTL_CSS)


def demo_label(demo: bool) -> None:
    if demo:
        st.warning(t("app.demo_label"), icon=":material/science:")


def language_switch() -> None:
    """A small button that flips between English and Arabic, on every page but the first."""
    target: Language = "ar" if current_language() == "en" else "en"
    if st.button(t("app.switch_language"), key="switch_language", type="tertiary"):
        set_language(target)
        st.rerun()


def flow_progress(page: str) -> None:
    """One line saying where the customer is in the flow, e.g. "Photos · 3 of 5"."""
    if page not in FLOW:
        return
    st.caption(t("app.progress", current=t(f"nav.{page}"), step=FLOW.index(page) + 1,
                 total=len(FLOW)))
