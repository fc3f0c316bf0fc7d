"""Results: the verdict, what happened and the one next action, the checks, the details read
from the card, and "Details for support". Wording comes from ``result_story``; everything that
comes from Vlens (names, addresses, messages) is shown as plain text, never as markdown."""

from __future__ import annotations

import streamlit as st

from components.integration.handoff import HandoffState
from components.ui import capture_state, integration, navigation, session
from components.ui.backend import resolve_backend
from components.ui.extracted import MASKED_FIELD, extracted_fields, mask_id_number
from components.ui.handoff_side import DesktopHandoff
from components.ui.i18n import CATALOGUES, current_language, t
from components.ui.receipt import build_receipt, receipt_json
from components.ui.result_story import Action, ResultStory, phone_result_story, result_story
from components.ui.service_cards import ServiceCard, service_cards
from components.vlens import Verdict, VerificationOutcome
from components.vlens.simulator import forget_demo_transaction

attempt = navigation.require_consent()
if attempt.sending:  # a retry under way (another tab, a reload): show its progress
    navigation.go("verifying")
st.title(t("results.title"), anchor=False)

VERDICT_BOX = {
    Verdict.VERIFIED: st.success,
    Verdict.NOT_VERIFIED: st.error,
    Verdict.NEEDS_REVIEW: st.warning,
    Verdict.INCOMPLETE: st.warning,
}
NUMERIC_FIELDS = {"idNumber", "dateOfBirth", "releaseDate", "idExpiry"}
# Unicode isolates: a value keeps its own direction inside a sentence of the other direction
# (left-to-right isolate for numbers and dates, first-strong isolate for names and addresses).
LTR_ISOLATE, FIRST_STRONG_ISOLATE, POP_ISOLATE = "\u2066", "\u2068", "\u2069"
CONFIRM_DELETE = "results_confirm_delete"
PHONE_RESULT_POLL_S = 5.0  # the computer looks for a newer result from the phone this often


def _labelled(label: str, text: str) -> None:
    """A bold label of ours, then text that may quote Vlens, as plain text (no markdown)."""
    st.markdown(f"**{label}:**")
    st.text(text)


def _story(story: ResultStory) -> None:
    with st.container(key="verdict"):
        VERDICT_BOX[story.verdict](f"**{story.title}**  \n{story.body}")
    if story.happened:
        _labelled(t("results.what_happened"), story.happened)
    if story.possibly_billed:
        st.write(t("failure.possibly_billed"))
    if story.next_step:
        _labelled(t("results.next_step"), story.next_step)


def _actions(story: ResultStory) -> None:
    """The one primary action that can help, then start over and delete."""
    with st.container(horizontal=True, key="result_actions"):
        if story.action is Action.RETAKE and story.retake_step is not None:
            label = t(f"step.{story.retake_step}.label")
            if st.button(t("results.retake", label=label), key="result_retake", type="primary"):
                capture_state.retake(story.retake_step)
                navigation.go("capture")
        if story.action is Action.RETRY and attempt.sent is not None and st.button(
                t("results.retry"), key="retry_submission", type="primary"):
            backend = resolve_backend()
            if backend.config is None:
                st.error(t("failure.config"))
            else:
                # The same images again: steps that already passed with them are reused.
                attempt.send(attempt.sent, backend.config, demo=backend.demo,
                             recorder=integration.recorder())
                navigation.go("verifying")
        if st.button(t("results.start_over"), key="start_over"):
            session.clear_attempt()
            navigation.go("capture")
        if st.button(t("results.delete"), key="delete_data"):
            st.session_state[CONFIRM_DELETE] = True
    if st.session_state.get(CONFIRM_DELETE):
        _confirm_delete()


def _confirm_delete() -> None:
    with st.container(border=True, key="delete_confirmation"):
        st.write(t("results.delete_confirm"))
        with st.container(horizontal=True):
            if st.button(t("results.delete_yes"), key="delete_confirmed"):
                st.session_state.pop(CONFIRM_DELETE, None)
                forget_demo_transaction(attempt.outcome.transaction_id if attempt.outcome else None)
                session.delete_everything()
                session.flash("consent.deleted")
                navigation.go("consent")
            if st.button(t("results.delete_no"), key="delete_cancelled"):
                st.session_state.pop(CONFIRM_DELETE, None)
                st.rerun()


def _card(card: ServiceCard) -> None:
    with st.container(border=True, key=f"card_{card.key}"):
        st.subheader(t("results.card_heading", title=card.title,
                       status=t(f"card.status.{card.status.value}")), anchor=False)
        st.markdown(f"**{t('results.what_it_means')}:** {card.means}")
        _labelled(t("results.what_happened"), "\n".join(card.happened))


def _known_value(value: str) -> str:
    """Vlens' fixed English words (gender, marital status) in the customer's language; any
    other value as sent."""
    key = f"extracted.value.{value.strip().lower()}"
    return t(key) if key in CATALOGUES["en"] else value


def _extracted(outcome: VerificationOutcome) -> None:
    parts = [part for result in outcome.steps.values()
             for part in (result.id_front_data, result.id_back_data)]
    fields = extracted_fields(parts)
    if not fields:
        return
    with st.expander(t("extracted.title"), expanded=True, key="extracted"):
        show_id = st.toggle(t("extracted.show_id"), key="show_id_number", value=False)
        lines = []
        for field, value in fields:
            shown = value if field != MASKED_FIELD or show_id else mask_id_number(value)
            shown = _known_value(shown)
            isolate = LTR_ISOLATE if field in NUMERIC_FIELDS else FIRST_STRONG_ISOLATE
            lines.append(f"{t(f'extracted.field.{field}')}: {isolate}{shown}{POP_ISOLATE}")
        st.text("\n".join(lines))  # Vlens' values: plain text, never markdown or HTML


def _support(outcome: VerificationOutcome, story: ResultStory) -> None:
    with st.expander(t("results.support_details"), key="support_details"):
        if story.support:
            st.text("\n".join(story.support))
        sent = attempt.sent
        if sent is None:
            return
        receipt = build_receipt(
            sent,
            demo=resolve_backend().demo,
            verdict=outcome.verdict.value,
            transaction_id=outcome.transaction_id,
            requests=[(step.value, request_id,
                       outcome.steps[step].error_code if step in outcome.steps else None)
                      for step, request_id in outcome.request_ids.items()],
        )
        receipt = integration.with_reference(receipt)
        st.download_button(t("results.receipt"), data=receipt_json(receipt),
                           file_name="verification-receipt.json", mime="application/json",
                           key="download_receipt")
        st.caption(t("results.receipt_help"))


def _phone_result() -> bool:
    """The computer, once the customer finished on their phone: the verdict and transaction
    id from the store (nothing personal travels there); False without such a result."""
    side = attempt.handoff
    if not isinstance(side, DesktopHandoff):
        return False
    state = side.state()
    if state is None or state.verdict is None:
        return False
    story = phone_result_story(state.verdict, state.transaction_id, t)
    _story(story)
    integration.back_with_result(state.verdict, state.transaction_id,
                                 not_recorded=state.result_recorded is False)
    with st.container(key="phone_result_support"):
        st.text("\n".join(story.support))
    _actions(story)
    _watch_phone_result(side, _as_shown(state))
    return True


def _as_shown(state: HandoffState) -> tuple[str | None, str | None, bool | None]:
    """What of the phone's result this page shows: a change to any of it redraws the page."""
    return state.verdict, state.transaction_id, state.result_recorded


@st.fragment(run_every=PHONE_RESULT_POLL_S)
def _watch_phone_result(side: DesktopHandoff,
                        shown: tuple[str | None, str | None, bool | None]) -> None:
    """A later result from the phone (it sent again, or recorded it this time) replaces the
    one shown here."""
    state = side.state()
    if state is not None and _as_shown(state) != shown:
        st.rerun(scope="app")


outcome = attempt.outcome
if outcome is None and _phone_result():
    st.stop()
if outcome is None:
    st.info(t("results.none"))
    if st.button(t("review.go_capture"), key="results_go_capture", type="primary"):
        navigation.go("capture")
    st.stop()

cards = service_cards(outcome, t)
story = result_story(outcome, cards, t, current_language())
_story(story)
integration.back_to_business(outcome)
_actions(story)
if cards:
    st.header(t("results.checks_heading"), anchor=False)
    for card in cards:
        _card(card)
_extracted(outcome)
_support(outcome, story)
