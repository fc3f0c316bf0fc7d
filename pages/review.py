"""Review: what will be sent, each part retakeable on its own, then submit."""

from __future__ import annotations

import streamlit as st

from components.ui import capture_state, integration, navigation
from components.ui.backend import choose_demo_scenario, chosen_demo_scenario, resolve_backend
from components.ui.captured import STEP_ORDER, CapturedImage, CaptureSet
from components.ui.i18n import t

CARD_THUMB_PX = 240
FACE_THUMB_PX = 200
# Phones: the three face frames stay side by side (Streamlit would stack them) and the page is
# tighter, so "Send for verification" is within two screens.
_REVIEW_CSS = """<style>
[class*="st-key-review_"] [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
[class*="st-key-review_"] [data-testid="stColumn"] { min-width: 0; }
[class*="st-key-review_"] img { max-width: 100%; height: auto; }
@media (max-width: 640px) {
  .st-key-review_id_front img, .st-key-review_id_back img { max-width: 190px; }
  [class*="st-key-review_"] h2 { font-size: 1.15rem; }
  .st-key-review_face [data-testid="stImageCaption"] { display: none; }
}
</style>"""

attempt = navigation.require_consent()
if attempt.sending:  # sent already (another click, a reload): show that run
    navigation.go("verifying")
st.title(t("review.title"), anchor=False)


LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def _size(image: CapturedImage) -> str:
    """e.g. "65 KB · 691×455 px"; the figures isolated left to right, so an Arabic line keeps
    "65 KB" and "691×455" whole."""
    kilobytes = image.image.size / 1000
    return t("review.details", size=f"{LTR_ISOLATE}{kilobytes:.0f} KB{POP_ISOLATE}",
             width=f"{LTR_ISOLATE}{image.image.width}", height=f"{image.image.height}{POP_ISOLATE}")


def _step_block(captures: CaptureSet, step: str) -> None:
    images = captures.for_step(step)
    with st.container(border=True, key=f"review_{step}"):
        st.header(t(f"step.{step}.label"), anchor=False)
        if not captures.complete(step):
            st.warning(t("review.missing", name=t(f"step.{step}.name")))
        if images:
            width = FACE_THUMB_PX if step == "face" else CARD_THUMB_PX
            for column, image in zip(st.columns(len(images)), images, strict=True):
                with column:
                    st.image(image.image.jpeg, caption=_size(image), width=width,
                             alt=t(f"step.{step}.label"))
            span = captures.face_span_s if step == "face" else None
            if span is not None:
                st.write(t("review.face_timing", count=len(images), seconds=f"{span:.2f}"))
            source = images[0].source
            st.caption(t("review.source_camera" if source == "camera" else "review.source_upload"))
            if any(image.overridden for image in images):
                st.warning(t("review.overridden"))
            if any(image.low_resolution for image in images):
                st.warning(t("review.low_resolution"))
        label = t(f"step.{step}.label")
        if st.button(t("review.retake", label=label), key=f"retake_{step}"):
            capture_state.retake(step)
            navigation.go("capture")


def _demo_scenario_selector() -> None:
    """Demo mode only: which answer the embedded simulator gives this session."""
    from components.vlens.simulator import DEMO_SCENARIOS

    labels = {name: t(f"demo_scenario.{name}") for name in DEMO_SCENARIOS}
    names = list(labels)
    chosen = st.selectbox(t("review.demo_scenario"), names,
                          index=names.index(chosen_demo_scenario()), format_func=labels.__getitem__,
                          key="demo_scenario", help=t("review.demo_scenario_help"))
    if chosen is not None and choose_demo_scenario(chosen):
        # Another simulator knows none of the earlier transactions: send every step anew.
        attempt.forget_outcome()


captures = capture_state.current_set()
if captures.empty:
    st.info(t("review.nothing"))
    if st.button(t("review.go_capture"), key="review_go_capture", type="primary"):
        navigation.go("capture")
    st.stop()

st.html(_REVIEW_CSS)
st.write(t("review.intro"))
for step in STEP_ORDER:
    _step_block(captures, step)

missing = captures.missing()
if missing and st.button(t("review.capture_missing"), key="review_capture_missing"):
    navigation.go("capture")
if resolve_backend().demo:
    _demo_scenario_selector()
if st.button(t("review.submit"), key="submit", type="primary", disabled=bool(missing),
             width="stretch"):
    backend = resolve_backend()
    if backend.config is None:
        st.error(t("failure.config"))
    else:
        # Idempotent: a second click, a rerun or a reload joins the run already under way.
        attempt.send(captures, backend.config, demo=backend.demo,
                     recorder=integration.recorder())
        navigation.go("verifying")
