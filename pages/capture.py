"""Capture: live camera with guidance, steps advancing by themselves; upload path underneath."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from components.capture.hints import Hint
from components.ui import capture_state, handoff, integration, navigation
from components.ui.camera import (
    camera_on,
    front_camera_offered,
    live_camera,
    picture_missing,
    switch_to_front_camera,
)
from components.ui.captured import FACES_NEEDED, STEP_ORDER
from components.ui.i18n import t
from components.ui.upload import upload_fallback

navigation.require_consent()
handoff.note_capturing()  # a phone continuing a computer's attempt: "taking photos" there
st.title(t("capture.title"), anchor=False)


def _hint_box(text: str) -> None:
    """The live hint, announced by screen readers whenever it changes."""
    st.markdown(
        f'<div role="status" aria-live="polite" class="capture-hint" '
        f'style="font-size:1.15rem;font-weight:600;padding:0.5rem 0">{html.escape(text)}</div>',
        unsafe_allow_html=True,
    )


STATUS_POLL_S = 0.5  # the live hint's refresh while the camera runs


def capture_status(stream: Any) -> None:
    """The engine's state: step, hint, face progress, manual capture, checklist."""
    engine = capture_state.engine()
    state = engine.snapshot()
    started = camera_on(stream)
    hint = capture_state.live_hint(state)
    too_large = hint is Hint.FRAME_TOO_LARGE  # pictures arrive, but none can be analysed
    no_picture = picture_missing(started, state.analysed_frames)
    if no_picture and not too_large:
        st.warning(t("capture.no_picture"))
    merged = capture_state.current_set(state)
    integration.observe_capture(merged, str(hint))
    missing = merged.missing()
    if not missing:
        st.success(t("capture.done"))
        captures = capture_state.work()
        if captures.in_progress:
            captures.in_progress = False
            navigation.go("review")  # all captures just landed: move on by ourselves
        if st.button(t("capture.review_button"), key="capture_review", type="primary",
                     width="stretch"):
            navigation.go("review")
        return
    capture_state.work().in_progress = True
    step = missing[0]
    st.header(t("capture.step_heading", index=STEP_ORDER.index(step) + 1,
                total=len(STEP_ORDER), name=t(f"step.{step}.name")), anchor=False)
    with st.container(key="capture_instructions"):
        st.write(t(f"step.{step}.instructions"))
    with st.container(key="capture_hint_heading"):
        st.caption(t("capture.hint_heading"))
    # "Starting the camera…" only once the customer pressed Start.
    _hint_box(t(f"hint.{hint}") if started else t("capture.press_start"))
    if front_camera_offered(stream, step):  # a phone still on the rear camera of the card
        with st.container(key="capture_front_camera"):
            st.info(t("capture.front_camera_hint"))
            if st.button(t("capture.front_camera_button"), key="capture_switch_front",
                         type="primary", width="stretch"):
                switch_to_front_camera()
                st.rerun()  # the whole page: the camera sits outside this fragment
    if step == "face":
        count = state.face_progress if str(state.step) == "face" else len(merged.faces)
        st.progress(count / FACES_NEEDED, text=t("capture.face_progress", count=count))
    if state.manual_capture_offered or no_picture or too_large:
        handoff.offer_after_trouble()  # capturing here keeps failing: the phone may do better
    if state.manual_capture_offered:
        with st.container(key="capture_manual_note"):
            st.caption(t("capture.manual_offered"))
        blocked = state.manual_hint  # nothing to photograph yet: say what is missing
        if blocked is not None:
            st.caption(t("capture.manual_blocked", reason=t(f"hint.{blocked}")))
        if st.button(t("capture.manual_button"), key="manual_capture",
                     disabled=blocked is not None):
            engine.capture_now()
    with st.container(key="capture_checklist"):
        st.markdown("\n".join(
            "- " + t("capture.checklist_done" if merged.complete(s)
                     else "capture.checklist_todo", name=t(f"step.{s}.label"))
            for s in STEP_ORDER
        ))


# Phones (narrow screens): step, live hint, manual button and the whole video in the first
# screen. The step's longer instructions, the camera help and the checklist are left out there:
# the live hint says what to do now, and the upload section below keeps the longer help.
st.html("""<style>
/* Component frames are inline: no text line's descender under the video's frame. */
.st-key-capture_video iframe { display: block; }
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has(.st-key-capture_video) { flex-direction: column-reverse; }
  .st-key-capture_help, .st-key-capture_hint_heading, .st-key-capture_checklist,
  .st-key-capture_manual_note, .st-key-capture_instructions { display: none; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.35rem; }
  [data-testid="stMainBlockContainer"] h2 { font-size: 1.2rem; }
  .demo-label { font-size: 0.8rem; padding: 0.3rem 0.5rem; }
}
</style>""")
video, status = st.columns([3, 2], gap="medium")
with video, st.container(key="capture_video"):
    with st.container(key="capture_help"):
        st.caption(t("capture.camera_help"))
    first_missing = next(iter(capture_state.current_set().missing()), None)
    stream = live_camera(capture_state.frame_callback(), first_missing)
    handoff.offer()  # "Use your phone instead"; up front when there is no usable camera
upload_fallback()  # shown under the camera, handled first so the status below is current
with status:
    # A fragment polling twice a second while the camera runs. Before Start and after Stop
    # nothing changes the status but a full rerun (Start, Stop, an upload), so it does not
    # poll: each poll is a script run and websocket messages (~0.8 CPU-s a minute).
    st.fragment(capture_status, run_every=STATUS_POLL_S if camera_on(stream) else None)(stream)
