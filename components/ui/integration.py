"""The app's side of the business integration: admitting a customer by link (or refusing),
the links-required policy, funnel events, recording the result, and "Back to <business>".

Call sites: app.py (``gate``), pages/capture.py (``observe_capture``), pages/review.py and
pages/results.py (``recorder()`` handed to ``Attempt.send``; the submission's worker thread calls
it), pages/results.py (``back_to_business``, ``back_with_result``, ``with_reference``). What
the integration knows of an attempt (its ``AttemptContext``, the link that admitted it, consent
time, funnel events noted) is the attempt's ``IntegrationState``, so a reload resumes it with the
business's reference, and a link the attempt already holds is not opened (refused) again.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.integration.config import IntegrationConfig, load_integration_config
from components.integration.funnel import FunnelEvent, record_events
from components.integration.links import LinkRefused, open_link
from components.integration.results import AttemptContext, record_result, result_record
from components.integration.return_token import return_url_with_result
from components.integration.runtime import Runtime, get_runtime
from components.ui import session
from components.ui.attempt import IntegrationState
from components.ui.backend import app_secrets, resolve_backend
from components.ui.captured import STEP_ORDER, CaptureSet
from components.ui.i18n import Language, current_language, t, translate
from components.ui.layout import in_both_languages
from components.vlens.errors import ConfigError
from components.vlens.flow import VerificationOutcome

log = logging.getLogger("vlens.integration")

LAST_HINT: Final = "integration.last_hint"
LINK_PARAMETER: Final = "link"
MAX_HINT_EVENTS = 40
BACK_STYLE = ("display:inline-block;padding:0.5rem 1rem;border-radius:0.5rem;"
              "background:#ff4b4b;color:#fff;text-decoration:none;font-weight:600")


def _runtime_or_problem() -> tuple[Runtime | None, str | None]:
    try:
        return get_runtime(_config()), None
    except ConfigError as exc:  # names keys, never values
        return None, str(exc)
    except SQLAlchemyError as exc:  # never the URL: it may carry a password
        log.error("integration store unavailable: %s", type(exc).__name__)
        return None, "the integration database cannot be reached"


def runtime() -> Runtime | None:
    """This process's store and worker, or None when the [integration] settings are broken
    or the database is away (``gate`` shows the problem)."""
    return _runtime_or_problem()[0]


def _config() -> IntegrationConfig:
    return load_integration_config(app_secrets(), os.environ, demo=resolve_backend().demo)


def _state() -> IntegrationState | None:
    attempt = session.current()
    return attempt.integration if attempt is not None else None


def context() -> AttemptContext:
    """This attempt's context (self-service: no reference until a link admits one); before
    there is an attempt, a blank one."""
    state = _state()
    return state.context if state is not None else AttemptContext.new()


def adopt_context(handed_over: AttemptContext) -> None:
    """This page's attempt continues another device's attempt (a phone hand-off): the same
    attempt id, reference and link, so the result is recorded once, for the business's
    customer."""
    attempt = session.current()
    if attempt is not None:
        attempt.integration = IntegrationState(handed_over)


def current_reference() -> str | None:
    return context().reference


def note(*events: FunnelEvent, once: bool = True) -> None:
    """Record funnel events for this attempt (each name/detail once unless ``once=False``)."""
    rt = runtime()
    state = _state()
    if rt is None or state is None:
        return
    fresh = [e for e in events if not once or f"{e.name}:{e.detail}" not in state.noted]
    if not fresh:
        return
    try:
        record_events(rt.store, state.context.attempt_id, fresh)
    except SQLAlchemyError:
        log.exception("funnel events not recorded")
        return
    state.noted.update(f"{e.name}:{e.detail}" for e in fresh)


def stop_in_both_languages(title_key: str, body_key: str, show: Any, icon: str) -> NoReturn:
    """A stop page in English and Arabic: it comes before the customer chose a language."""
    def draw(language: Language) -> None:
        st.header(translate(language, title_key), anchor=False)
        show(translate(language, body_key), icon=icon)

    in_both_languages("link_page", draw)
    st.stop()


def _refusal(reason: str) -> None:
    stop_in_both_languages("link.refused.title", f"link.refused.{reason}", st.error,
                           ":material/link_off:")


def _admit(rt: Runtime, token: str) -> None:
    """Open the ``?link=`` token for this page's attempt (a new one when there is none), or
    stop with the refusal. An attempt that already holds the link resumes without opening it
    again: after a reload of the results page the link is used up, but it is this attempt's."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    attempt = session.current()
    if attempt is not None and attempt.integration.link_digest == digest:
        return
    try:
        claims = open_link(rt.store, token, rt.config.link_secret)
    except LinkRefused as refused:
        log.info("verification link refused: %s", refused.reason)
        _refusal(refused.reason)
    except SQLAlchemyError:
        log.exception("verification link could not be checked")
        st.error(t("app.config_error", detail="database"))
        st.stop()
    if attempt is None:
        attempt = session.begin(current_language())
        if attempt is None:
            st.error(t("attempt.busy"))
            st.stop()
    attempt.integration = IntegrationState(
        AttemptContext.new(claims.reference, claims.link_id, claims.return_url), digest)
    log.info("verification link opened (reference %s)", claims.reference)
    note(FunnelEvent("link_opened"))


def gate(page_name: str) -> None:
    """Before a customer page runs: admit a ``?link=`` token (or refuse it with a clear page),
    enforce the links-required policy, note consent. An ended attempt's page (app.py) comes
    first: the customer starts again from there."""
    rt, problem = _runtime_or_problem()  # also shares the Vlens rate limit (PostgreSQL)
    if page_name == "operator":
        return
    if rt is None:
        st.error(t("app.config_error", detail=problem))
        st.stop()
    assert rt is not None
    if session.token_state() == "unknown":
        return
    token = st.query_params.get(LINK_PARAMETER)
    if token:
        _admit(rt, token)
    if rt.config.links_required and context().link_id is None:
        stop_in_both_languages("link.required.title", "link.required.body", st.info,
                               ":material/link:")
    attempt = session.current()
    if attempt is not None and attempt.consent and attempt.integration.consent_at is None:
        attempt.integration.consent_at = time.time()
        note(FunnelEvent("consent"))


def observe_capture(merged: CaptureSet, hint: str) -> None:
    """From the capture page's status tick: note each step done and each new hint shown."""
    for step in STEP_ORDER:
        if merged.complete(step):
            note(FunnelEvent("captured", step))
    if st.session_state.get(LAST_HINT) != hint:
        st.session_state[LAST_HINT] = hint
        count = st.session_state.get(LAST_HINT + ".count", 0)
        if count < MAX_HINT_EVENTS:
            st.session_state[LAST_HINT + ".count"] = count + 1
            note(FunnelEvent("hint", hint), once=False)


def _epoch(iso: str) -> float | None:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def capture_timings(sent: CaptureSet, consent_at: float | None) -> dict[str, float]:
    """Seconds each step took, from the previous step's capture (the first from consent)."""
    timings: dict[str, float] = {}
    previous = consent_at
    for step in STEP_ORDER:
        images = sent.for_step(step)
        times = [_epoch(image.captured_at) for image in images]
        known = [value for value in times if value is not None]
        if not known:
            continue
        done = max(known)
        if previous is not None and done >= previous:
            timings[step] = done - previous
        previous = done
    return timings


def _capture_events(sent: CaptureSet, timings: Mapping[str, float]) -> list[FunnelEvent]:
    events = [FunnelEvent("step_time", step, value) for step, value in timings.items()]
    for step in STEP_ORDER:
        images = sent.for_step(step)
        if any(image.overridden for image in images):
            events.append(FunnelEvent("manual_capture", step))
        if any(image.source == "upload" for image in images):
            events.append(FunnelEvent("upload_fallback", step))
    return events


class Recorder:
    """Records a finished verification from the submission's worker thread (no Streamlit
    there): result + webhook event in one transaction, then the funnel events. Built in the
    script thread by ``recorder()`` with everything it needs."""

    def __init__(self, rt: Runtime, attempt: AttemptContext, consent_at: float | None) -> None:
        self.rt = rt
        self.attempt = attempt
        self.consent_at = consent_at
        self.failed_for: set[int] = set()  # id() of outcomes that could not be recorded

    @property
    def reference(self) -> str | None:
        return self.attempt.reference

    def __call__(self, outcome: VerificationOutcome, sent: CaptureSet,
                 latencies_ms: Mapping[str, float], demo: bool) -> bool:
        """Record ``outcome`` for the business; False when the store refused it."""
        timings = capture_timings(sent, self.consent_at)
        record = result_record(outcome, self.attempt, latencies_ms=latencies_ms,
                               capture_timings_s=timings, demo=demo, finished_at=time.time())
        try:
            record_result(self.rt.store, record, self.attempt,
                          webhooks=self.rt.config.webhooks_enabled)
        except SQLAlchemyError:
            log.exception("verification result not recorded (reference %s)",
                          self.attempt.reference)
            self.failed_for.add(id(outcome))
            return False
        self.rt.wake_worker()
        events = [*_capture_events(sent, timings), FunnelEvent("submitted"),
                  FunnelEvent("verdict", outcome.verdict.value)]
        if outcome.problem is not None and outcome.problem.code is not None:
            events.append(FunnelEvent("error", str(outcome.problem.code)))
        try:
            record_events(self.rt.store, self.attempt.attempt_id, events)
        except SQLAlchemyError:
            log.exception("funnel events not recorded")
        return True


def recorder() -> Recorder | None:
    """What the submission calls when the verification ends (None: integration unavailable)."""
    rt = runtime()
    state = _state()
    if rt is None or state is None:
        return None
    made = state.recorder = Recorder(rt, state.context, state.consent_at)
    return made


def business_name(config: IntegrationConfig, return_url: str | None) -> str:
    if config.business_name:
        return config.business_name
    host = urlsplit(return_url).hostname if return_url else None
    return host or t("link.business_default")


def back_to_business(outcome: VerificationOutcome) -> None:
    """The "Back to <business>" button with a signed, short-lived result token."""
    state = _state()
    last = state.recorder if state is not None else None
    not_recorded = last is not None and id(outcome) in last.failed_for
    back_with_result(outcome.verdict.value, outcome.transaction_id, not_recorded=not_recorded)


def back_with_result(verdict: str, transaction_id: str | None, *,
                     not_recorded: bool = False) -> None:
    """The business's reference and the way back to it with this result (also on the computer
    once the customer finished on their phone); a warning when the result could not be
    recorded for the business."""
    rt = runtime()
    attempt = context()
    if rt is None:
        return
    business = business_name(rt.config, attempt.return_url)
    if attempt.reference:
        st.caption(t("link.reference", business=business, reference=attempt.reference))
    if not_recorded:
        st.warning(t("link.not_passed_on", business=business))
    if not attempt.return_url or not rt.config.link_secret:
        return
    url = return_url_with_result(
        attempt.return_url, rt.config.link_secret, reference=attempt.reference,
        verdict=verdict, transaction_id=transaction_id,
        now=time.time(), ttl_s=rt.config.return_token_ttl_s)
    # An anchor in this tab (st.link_button opens a new one): the customer goes back.
    st.markdown(
        f'<a href="{html.escape(url)}" target="_self" title="'
        f'{html.escape(t("link.back_help", business=business))}" style="{BACK_STYLE}">'
        f'{html.escape(t("link.back", business=business))}</a>', unsafe_allow_html=True)


def with_reference(receipt: dict[str, Any]) -> dict[str, Any]:
    """The receipt with the business's reference (when a link admitted the customer)."""
    reference = current_reference()
    return {**receipt, "reference": reference} if reference else receipt
