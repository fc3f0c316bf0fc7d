"""Hand-off links: opened once, by one phone, within ten minutes; the computer sees the phone's
progress and result through the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from dataclasses import replace
from types import SimpleNamespace
from typing import cast
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from components.integration import reports
from components.integration.handoff import (
    HEARTBEAT_S,
    OPEN_WITHIN_S,
    QUERY_PARAMETER,
    QUIET_AFTER_S,
    HandoffRefused,
    HandoffStatus,
    PhoneClaim,
    StartedHandoff,
    cancel_handoff,
    claim_handoff,
    handoff_state,
    phone_heard,
    report_progress,
    start_handoff,
)
from components.integration.results import AttemptContext
from components.store import Store
from components.ui.handoff_side import PhoneHandoff
from components.vlens import Verdict, VerificationOutcome

SECRET = "a-link-secret-for-tests-only"
T0 = 1_800_000_000.0
CONTEXT = AttemptContext("attempt-1", "cust-42", "link-1", "https://shop.example.com/done")


def _start(store: Store, at: float = T0) -> tuple[StartedHandoff, str]:
    started = start_handoff(store, SECRET, language="ar", context=CONTEXT,
                            public_url="https://verify.example.com/", clock=lambda: at)
    token = parse_qs(urlsplit(started.url).query)[QUERY_PARAMETER][0]
    return started, token


def _status(store: Store, started: StartedHandoff, at: float) -> HandoffStatus:
    state = handoff_state(store, started.handoff_id, clock=lambda: at)
    assert state is not None
    return state.status


def _refusal(store: Store, token: str, at: float, secret: str | None = SECRET) -> str:
    with pytest.raises(HandoffRefused) as refused:
        claim_handoff(store, token, secret, clock=lambda: at)
    return refused.value.reason


def test_the_first_device_to_open_the_link_continues_the_attempt_in_its_language(
        store: Store) -> None:
    started, token = _start(store)
    assert started.url.startswith("https://verify.example.com/?handoff=")
    assert _status(store, started, T0 + 1) is HandoffStatus.WAITING
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 30)
    assert (claim.language, claim.context) == ("ar", CONTEXT)
    assert _status(store, started, T0 + 31) is HandoffStatus.CONNECTED
    assert token not in repr(started) and claim.device not in repr(claim)


def test_a_third_device_is_refused_while_the_phone_is_working(store: Store) -> None:
    _, token = _start(store)
    claim_handoff(store, token, SECRET, clock=lambda: T0 + 30)
    assert _refusal(store, token, T0 + 40) == "other_device"


def test_the_link_is_refused_as_used_once_the_phone_has_a_result(store: Store) -> None:
    _, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 30)
    assert report_progress(store, claim, HandoffStatus.DONE, verdict="verified",
                           transaction_id="tx-9", clock=lambda: T0 + 90)
    assert _refusal(store, token, T0 + 100) == "used"


def test_a_link_not_opened_within_ten_minutes_expires_for_both_devices(store: Store) -> None:
    started, token = _start(store)
    assert started.expires_at == T0 + OPEN_WITHIN_S
    assert _status(store, started, T0 + OPEN_WITHIN_S - 1) is HandoffStatus.WAITING
    assert _status(store, started, T0 + OPEN_WITHIN_S) is HandoffStatus.EXPIRED
    assert _refusal(store, token, T0 + OPEN_WITHIN_S) == "expired"


def test_tampered_foreign_and_garbage_tokens_are_refused(store: Store) -> None:
    _, token = _start(store)
    body, signature = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature
    assert _refusal(store, forged, T0) == "tampered"
    assert _refusal(store, token, T0, secret="another-secret-of-16-chars") == "tampered"
    assert _refusal(store, "not-a-token", T0) == "malformed"
    assert _refusal(store, token, T0, secret=None) == "not_configured"


def test_the_computer_sees_the_phone_progress_forward_to_the_result(store: Store) -> None:
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    seen = []
    for at, status in enumerate((HandoffStatus.CAPTURING, HandoffStatus.VERIFYING,
                                 HandoffStatus.CAPTURING, HandoffStatus.DONE), start=20):
        assert report_progress(store, claim, status, verdict="not_verified",
                               transaction_id="tx-7", clock=lambda at=at: T0 + at)
        seen.append(_status(store, started, T0 + at))
    # A late "capturing" (a rerun) never takes the computer back.
    assert seen == [HandoffStatus.CAPTURING, HandoffStatus.VERIFYING, HandoffStatus.VERIFYING,
                    HandoffStatus.DONE]
    state = handoff_state(store, started.handoff_id, clock=lambda: T0 + 60)
    assert state is not None
    assert (state.verdict, state.transaction_id) == ("not_verified", "tx-7")
    # Long after the ten minutes to open it, the result stays readable.
    assert _status(store, started, T0 + 3 * OPEN_WITHIN_S) is HandoffStatus.DONE


def test_a_later_result_from_the_phone_replaces_the_first_one_on_the_computer(
        store: Store) -> None:
    """The phone's first try ended without an answer (an outage); it sent again and got one."""
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    assert report_progress(store, claim, HandoffStatus.DONE, verdict="unavailable",
                           clock=lambda: T0 + 20)
    assert report_progress(store, claim, HandoffStatus.VERIFYING, clock=lambda: T0 + 30)
    assert _status(store, started, T0 + 30) is HandoffStatus.DONE  # the computer keeps a result
    assert report_progress(store, claim, HandoffStatus.DONE, verdict="verified",
                           transaction_id="tx-8", clock=lambda: T0 + 40)
    state = handoff_state(store, started.handoff_id, clock=lambda: T0 + 50)
    assert state is not None
    assert (state.status, state.verdict, state.transaction_id) == (
        HandoffStatus.DONE, "verified", "tx-8")


def test_the_computer_learns_whether_the_phone_recorded_the_result_for_the_business(
        store: Store) -> None:
    started, token = _start(store)
    phone = PhoneHandoff(store, claim_handoff(store, token, SECRET, clock=lambda: T0 + 10))

    def recorded_as_seen(outcome_id: str, recorded: bool | None) -> bool | None:
        outcome = cast(VerificationOutcome,
                       SimpleNamespace(verdict=Verdict.VERIFIED, transaction_id=outcome_id))
        phone.finished(outcome, recorded=recorded)
        state = handoff_state(store, started.handoff_id)
        assert state is not None and state.transaction_id == outcome_id
        return state.result_recorded

    assert recorded_as_seen("tx-1", False) is False  # the store refused it on the phone
    assert recorded_as_seen("tx-2", True) is True  # sent again, and recorded this time
    assert recorded_as_seen("tx-3", None) is None  # a later result says it for itself


def test_reports_without_the_phone_secret_change_nothing(store: Store) -> None:
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    impostor = replace(claim, device="guessed")
    assert not report_progress(store, impostor, HandoffStatus.DONE, verdict="verified",
                               clock=lambda: T0 + 20)
    assert _status(store, started, T0 + 20) is HandoffStatus.CONNECTED
    with pytest.raises(ValueError):
        report_progress(store, claim, HandoffStatus.CANCELLED)


def test_a_cancelled_hand_off_refuses_the_link_and_stops_the_phone(store: Store) -> None:
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    assert cancel_handoff(store, started.handoff_id, clock=lambda: T0 + 20)
    assert _status(store, started, T0 + 21) is HandoffStatus.CANCELLED
    assert not report_progress(store, claim, HandoffStatus.CAPTURING, clock=lambda: T0 + 22)
    assert _refusal(store, token, T0 + 23) == "cancelled"
    assert not cancel_handoff(store, started.handoff_id, clock=lambda: T0 + 24)


def test_a_result_cannot_be_cancelled_afterwards(store: Store) -> None:
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    report_progress(store, claim, HandoffStatus.DONE, verdict="verified", clock=lambda: T0 + 20)
    assert not cancel_handoff(store, started.handoff_id, clock=lambda: T0 + 30)
    assert _status(store, started, T0 + 31) is HandoffStatus.DONE


def test_the_computer_cannot_take_the_attempt_back_once_the_phone_is_verifying(
        store: Store) -> None:
    """The phone's photos are on their way to the service: one attempt gets one result."""
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    assert report_progress(store, claim, HandoffStatus.VERIFYING, clock=lambda: T0 + 20)
    assert not cancel_handoff(store, started.handoff_id, clock=lambda: T0 + 21)
    assert report_progress(store, claim, HandoffStatus.DONE, verdict="verified",
                           transaction_id="tx-1", clock=lambda: T0 + 30)
    assert _status(store, started, T0 + 31) is HandoffStatus.DONE


def test_a_phone_taken_back_before_it_sends_sends_nothing(store: Store) -> None:
    started, token = _start(store)
    phone = PhoneHandoff(store, claim_handoff(store, token, SECRET, clock=lambda: T0 + 10))
    assert cancel_handoff(store, started.handoff_id)
    assert phone.sending() is False
    assert _status(store, started, T0 + 20) is HandoffStatus.CANCELLED


def _quiet(store: Store, started: StartedHandoff, at: float) -> bool:
    state = handoff_state(store, started.handoff_id, clock=lambda: at)
    assert state is not None
    return state.phone_quiet(at)


def test_the_computer_flags_a_phone_not_heard_from_for_over_a_minute(store: Store) -> None:
    started, token = _start(store)
    assert not _quiet(store, started, T0 + 5 * QUIET_AFTER_S)  # no phone yet: "waiting"
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    assert not _quiet(store, started, T0 + 10 + QUIET_AFTER_S - 1)
    assert _quiet(store, started, T0 + 10 + QUIET_AFTER_S)
    # Its page is still open (a heartbeat) or it reports progress: no longer quiet.
    assert phone_heard(store, claim, clock=lambda: T0 + 100)
    assert not _quiet(store, started, T0 + 100 + QUIET_AFTER_S - 1)
    assert report_progress(store, claim, HandoffStatus.CAPTURING, clock=lambda: T0 + 200)
    assert not _quiet(store, started, T0 + 200 + QUIET_AFTER_S - 1)
    assert _quiet(store, started, T0 + 200 + QUIET_AFTER_S)
    # A rerun reporting no news is a sign of life too.
    assert report_progress(store, claim, HandoffStatus.CONNECTED, clock=lambda: T0 + 300)
    assert not _quiet(store, started, T0 + 300 + QUIET_AFTER_S - 1)
    # Verifying goes on on the server without the phone: never flagged.
    assert report_progress(store, claim, HandoffStatus.VERIFYING, clock=lambda: T0 + 400)
    assert not _quiet(store, started, T0 + 400 + 10 * QUIET_AFTER_S)


def test_a_heartbeat_without_the_phone_secret_or_after_a_take_back_is_refused(
        store: Store) -> None:
    started, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 10)
    assert not phone_heard(store, replace(claim, device="guessed"), clock=lambda: T0 + 100)
    assert _quiet(store, started, T0 + 10 + QUIET_AFTER_S)
    assert cancel_handoff(store, started.handoff_id, clock=lambda: T0 + 110)
    assert not phone_heard(store, claim, clock=lambda: T0 + 120)


def test_the_phone_writes_its_heartbeat_once_per_interval_and_reads_in_between(
        store: Store) -> None:
    started, token = _start(store)
    ticks = [T0 + 100]
    phone = PhoneHandoff(store, claim_handoff(store, token, SECRET, clock=lambda: T0),
                         clock=lambda: ticks[0])

    def seen_at() -> float | None:
        state = handoff_state(store, started.handoff_id)
        assert state is not None
        return state.phone_seen_at

    assert phone.still_handed_off()
    assert seen_at() == T0 + 100
    ticks[0] += HEARTBEAT_S - 1
    assert phone.still_handed_off()
    assert seen_at() == T0 + 100  # within the interval: only read
    ticks[0] += 1
    assert phone.still_handed_off()
    assert seen_at() == T0 + 100 + HEARTBEAT_S
    assert cancel_handoff(store, started.handoff_id)
    assert not phone.still_handed_off()  # read between heartbeats: the take-back is seen
    assert not phone.still_handed_off()


def test_of_two_devices_opening_the_link_together_exactly_one_gets_it(store: Store) -> None:
    _, token = _start(store)
    claims: list[PhoneClaim] = []
    reasons: list[str] = []
    barrier = threading.Barrier(4)

    def open_it() -> None:
        barrier.wait()
        try:
            claims.append(claim_handoff(store, token, SECRET, clock=lambda: T0 + 5))
        except HandoffRefused as refused:
            reasons.append(refused.reason)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(claims) == 1 and reasons == ["other_device"] * 3


def test_the_store_keeps_neither_the_token_nor_the_phone_secret(store: Store) -> None:
    _, token = _start(store)
    claim = claim_handoff(store, token, SECRET, clock=lambda: T0 + 5)
    with store.begin() as conn:
        stored = " ".join(str(value) for row in conn.execute(select(store.tables.handoffs))
                          for value in row)
    assert token not in stored and token.split(".")[1] not in stored
    assert claim.device not in stored


def test_a_result_on_the_phone_is_counted_as_finished_there_under_the_computers_attempt(
        store: Store) -> None:
    started, token = _start(store)
    phone = PhoneHandoff(store, claim_handoff(store, token, SECRET, clock=lambda: T0 + 10))
    outcome = cast(VerificationOutcome,
                   SimpleNamespace(verdict=Verdict.VERIFIED, transaction_id="tx-9"))
    phone.finished(outcome)
    state = handoff_state(store, started.handoff_id)
    assert state is not None and (state.status, state.verdict) == (HandoffStatus.DONE, "verified")
    assert reports.handoffs(store, since=0)["finished"] == 1
    events = store.tables.events
    with store.begin() as conn:
        attempts = {row.attempt_id for row in conn.execute(
            select(events.c.attempt_id).where(events.c.name == "handoff"))}
    assert attempts == {CONTEXT.attempt_id}
