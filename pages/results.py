"""Results: the verdict, one explained card per check, extracted data, retry/start over/delete."""

from __future__ import annotations

import html

import streamlit as st

from components.ui import capture_state, navigation, session
from components.ui.backend import resolve_backend
from components.ui.extracted import MASKED_FIELD, extracted_fields, mask_id_number
from components.ui.failure_text import failure_text_key
from components.ui.i18n import current_language, t
from components.ui.receipt import build_receipt, receipt_json
from components.ui.service_cards import CardStatus, ServiceCard, service_cards
from components.vlens import ErrorCategory, Verdict, VerificationOutcome
from components.vlens.errors import VlensError

attempt = navigation.require_consent()
if attempt.sending:  # a retry under way (another tab, a reload): show its progress
    navigation.go("verifying")
st.title(t("results.title"))

VERDICT_STYLE = {
    Verdict.VERIFIED: (st.success, ":material/verified_user:"),
    Verdict.NOT_VERIFIED: (st.error, ":material/cancel:"),
    Verdict.NEEDS_REVIEW: (st.warning, ":material/manage_search:"),
    Verdict.INCOMPLETE: (st.warning, ":material/warning:"),
}
NUMERIC_FIELDS = {"idNumber", "dateOfBirth", "releaseDate", "idExpiry"}
# Problems a resend of the same photos cannot fix (used-up attempts, bundle, expired card).
NO_RETRY = {ErrorCategory.ACCOUNT, ErrorCategory.DOCUMENT}
STATUS_ICON = {
    CardStatus.PASSED: ":material/check_circle:",
    CardStatus.FAILED: ":material/cancel:",
    CardStatus.REVIEW: ":material/manage_search:",
    CardStatus.INFO: ":material/info:",
}


def _retake_button(step: str, key: str) -> None:
    if st.button(t("results.retake", label=t(f"step.{step}.label")), key=key, type="primary"):
        capture_state.retake(step)
        navigation.go("capture")


def _verdict(outcome: VerificationOutcome) -> None:
    show, icon = VERDICT_STYLE[outcome.verdict]
    value = outcome.verdict.value
    body = t(f"verdict.{value}.body")
    if outcome.verdict is Verdict.INCOMPLETE and not _retry_helps(outcome):
        body = t("verdict.incomplete.support")  # the usual body promises a retry
    show(f"**{t(f'verdict.{value}.title')}**  \n{body}", icon=icon)
    if outcome.transaction_id:
        st.caption(t("results.transaction", id=outcome.transaction_id))


def _failure(error: VlensError) -> None:
    """A failure outside Vlens' answer (network, timeout, credentials, outage), in the
    customer's words: the transport's own message is for the logs, not for them."""
    st.markdown(f"**{t('results.what_happened')}:** {t(failure_text_key(error))}")
    if getattr(error, "possibly_billed", False):
        st.markdown(t("failure.possibly_billed"))
    if error.code is not None:
        st.caption(t("results.error_code", code=error.code))


def _problem(outcome: VerificationOutcome) -> None:
    """The first thing that stopped or failed the verification, with the way forward."""
    problem = outcome.problem
    if problem is None:
        return
    language = current_language()
    with st.container(border=True, key="results_problem"):
        if outcome.failed_step is not None:
            st.subheader(t(f"api_step.{outcome.failed_step.value}"))
        # An error with a documented Vlens code keeps the catalogue's text; others are ours.
        if outcome.error is not None and (problem.code is None or not problem.known):
            _failure(outcome.error)
            return
        st.markdown(f"**{t('results.what_happened')}:** {problem.message[language]}")
        st.markdown(f"**{t('results.next_step')}:** {problem.next_step[language]}")
        if problem.retake is not None:
            _retake_button(problem.retake.value, "problem_retake")


def _retry_helps(outcome: VerificationOutcome) -> bool:
    """Whether resending the same photos can change the answer."""
    if outcome.verdict is Verdict.VERIFIED:
        return False
    return outcome.problem is None or outcome.problem.category not in NO_RETRY


def _card(card: ServiceCard) -> None:
    with st.container(border=True, key=f"card_{card.key}"):
        st.markdown(f"#### {STATUS_ICON[card.status]} {card.title}")
        st.markdown(f"**{t('results.what_it_means')}:** {card.means}")
        st.markdown(f"**{t('results.what_happened')}:** " + "  \n".join(card.happened))
        st.markdown(f"**{t('results.next_step')}:** {card.next_step}")
        if card.retake is not None and card.status is not CardStatus.PASSED:
            _retake_button(card.retake, f"card_retake_{card.key}")


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
            # <bdi> keeps Latin names readable inside Arabic (right-to-left) text; numbers and
            # dates (digits and dots only, no strong direction of their own) read left to right.
            direction = ' dir="ltr"' if field in NUMERIC_FIELDS else ""
            lines.append(f"**{t(f'extracted.field.{field}')}:** "
                         f"<bdi{direction}>{html.escape(shown)}</bdi>")
        st.markdown("  \n".join(lines), unsafe_allow_html=True)


def _actions(outcome: VerificationOutcome) -> None:
    sent = attempt.sent
    retry = False
    with st.container(horizontal=True, key="result_actions"):
        if _retry_helps(outcome) and sent is not None:
            retry = st.button(t("results.retry"), key="retry_submission", type="primary")
        if st.button(t("results.start_over"), key="start_over"):
            session.clear_attempt()
            navigation.go("capture")
        if st.button(t("results.delete"), key="delete_data"):
            session.delete_everything()
            session.flash("consent.deleted")
            navigation.go("consent")
    if retry and sent is not None:
        backend = resolve_backend()
        if backend.config is None:
            st.error(t("failure.config"))
            return
        # The same images again: steps that already succeeded with them are reused, not resent.
        attempt.send(sent, backend.config, demo=backend.demo)
        navigation.go("verifying")


def _receipt(outcome: VerificationOutcome) -> None:
    sent = attempt.sent
    if sent is not None:
        receipt = build_receipt(
            sent,
            demo=resolve_backend().demo,
            verdict=outcome.verdict.value,
            transaction_id=outcome.transaction_id,
            requests=[(step.value, request_id,
                       outcome.steps[step].error_code if step in outcome.steps else None)
                      for step, request_id in outcome.request_ids.items()],
        )
        st.download_button(t("results.receipt"), data=receipt_json(receipt),
                           file_name="verification-receipt.json", mime="application/json",
                           key="download_receipt", help=t("results.receipt_help"))
        st.caption(t("results.receipt_help"))


outcome = attempt.outcome
if outcome is None:
    st.info(t("results.none"))
    if st.button(t("review.go_capture"), key="results_go_capture", type="primary"):
        navigation.go("capture")
    st.stop()

_verdict(outcome)
_problem(outcome)
_actions(outcome)
for card in service_cards(outcome, t):
    _card(card)
_extracted(outcome)
_receipt(outcome)
