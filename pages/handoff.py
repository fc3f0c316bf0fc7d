"""Continue on your phone (the computer): the QR code and link, the phone's progress updating
by itself, then the result page; or take the attempt back and take the photos here."""

from __future__ import annotations

import html
import time
from typing import NoReturn

import streamlit as st

from components.integration.handoff import OPEN_WITHIN_S, HandoffState, HandoffStatus
from components.ui import handoff, navigation, session
from components.ui.handoff_side import DesktopHandoff
from components.ui.i18n import t

POLL_S = 1.0
STAGES = (HandoffStatus.WAITING, HandoffStatus.CONNECTED, HandoffStatus.CAPTURING,
          HandoffStatus.VERIFYING, HandoffStatus.DONE)

attempt = navigation.require_consent()
if not isinstance(attempt.handoff, DesktopHandoff):  # none (taken back), or this is the phone
    navigation.go("capture")
side: DesktopHandoff = attempt.handoff
first = side.state()
if first is not None and first.status is HandoffStatus.DONE:
    navigation.go("results")
if side.language != attempt.language and (first is None or first.status in (
        HandoffStatus.WAITING, HandoffStatus.EXPIRED)):
    handoff.start_on_phone()  # the language was switched before the phone came: a new code
st.title(t("handoff.title"), anchor=False)


def _back_to_capture() -> NoReturn:
    attempt.handoff = None
    navigation.go("capture")


def _take_back() -> None:
    if side.end():
        _back_to_capture()
    st.info(t("handoff.too_late_to_take_back"))  # the phone is sending: its result comes here


def _progress(state: HandoffState) -> None:
    """The current stage, announced when it changes, and the stages as a list."""
    status = state.status
    st.markdown(f'<div role="status" aria-live="polite" class="handoff-status" '
                f'style="font-size:1.15rem;font-weight:600;padding:0.25rem 0">'
                f'{html.escape(t(f"handoff.status.{status.value}"))}</div>',
                unsafe_allow_html=True)
    if status in STAGES:
        now = STAGES.index(status)
        st.markdown("\n".join(
            "- " + t("handoff.stage_done" if index < now else
                     "handoff.stage_now" if index == now else "handoff.stage_next",
                     name=t(f"handoff.stage.{stage.value}"))
            for index, stage in enumerate(STAGES)))


@st.fragment(run_every=POLL_S)
def _live_status() -> None:
    """Reads the phone's progress from the store every second (any replica can serve it)."""
    session.current()  # a visit: the computer's attempt is not dropped as idle meanwhile
    state = side.state()
    if state is None:
        st.caption(t("handoff.status_unknown"))
        return
    if state.status is HandoffStatus.DONE:
        st.rerun(scope="app")  # the page opens the result
    if state.status is HandoffStatus.CANCELLED:  # taken back elsewhere (another tab)
        _back_to_capture()
    _progress(state)
    if state.status is HandoffStatus.EXPIRED or state.phone_quiet(time.time()):
        st.warning(t("handoff.expired" if state.status is HandoffStatus.EXPIRED
                     else "handoff.phone_quiet"))
        if st.button(t("handoff.new_code"), key="handoff_new_code", type="primary"):
            handoff.start_on_phone()
    # Once the phone is sending its photos, the attempt is the phone's: one attempt, one result.
    if state.status is not HandoffStatus.VERIFYING and st.button(
            t("handoff.cancel"), key="handoff_cancel"):
        _take_back()


code, status = st.columns([1, 1], gap="large")
with code, st.container(key="handoff_code"):
    st.write(t("handoff.intro"))
    handoff.show_code(side.started.url)
    st.caption(t("handoff.rules", minutes=round(OPEN_WITHIN_S / 60)))
with status, st.container(key="handoff_progress"):
    st.subheader(t("handoff.status_heading"), anchor=False)
    _live_status()
