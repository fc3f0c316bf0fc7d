"""Verifying…: the three checks of the run under way, with progress and elapsed time; the
results open by themselves when it ends. Reloading or clicking here never sends anything."""

from __future__ import annotations

import streamlit as st

from components.ui import navigation
from components.ui.i18n import t
from components.ui.submission import STEPS, Submission

POLL_S = 0.5

attempt = navigation.require_consent()
submission = attempt.submission
if submission is None:  # nothing was sent in this attempt
    navigation.go("review" if attempt.outcome is None else "results")
if submission.done:
    navigation.go("results")

st.title(t("verifying.title"), anchor=False)
st.write(t("verifying.intro"))


def _line(step_index: int, run: Submission) -> str:
    progress = run.progress()
    step = STEPS[step_index]
    name = t(f"api_step.{step.value}")
    if step in progress.finished:
        state = t("verifying.step_done")
    elif step == progress.current:
        state = t("verifying.step_running")
    elif step == progress.failed:
        state = t("verifying.step_failed")
    else:
        state = t("verifying.step_waiting")
    return t("verifying.step_line", index=step_index + 1, total=len(STEPS), name=name,
             state=state)


@st.fragment(run_every=POLL_S)
def _progress(run: Submission) -> None:
    progress = run.progress()
    if progress.done:
        st.rerun(scope="app")  # the page opens the results
    st.progress(progress.fraction, text=t("verifying.progress", done=len(progress.finished),
                                          total=len(STEPS)))
    st.markdown("\n".join(f"- {_line(index, run)}" for index in range(len(STEPS))))
    st.caption(t("verifying.elapsed", seconds=f"{progress.elapsed_s:.0f}"))


_progress(submission)
