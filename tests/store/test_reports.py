"""The operator dashboard's figures, computed from privacy-safe rows in the store."""

from __future__ import annotations

import csv
import io

from components.integration import reports
from components.integration.funnel import FunnelEvent, record_events
from components.integration.links import mint_link, open_link, record_minted
from components.integration.results import AttemptContext, record_result
from components.store import Store

DAY = 86400.0
T0 = 1_800_000_000.0  # 2027-01-15


def _attempt(store: Store, attempt: str, names: list[FunnelEvent], at: float) -> None:
    record_events(store, attempt, names, clock=lambda: at)


def test_the_funnel_counts_attempts_reaching_each_stage(store: Store) -> None:
    full = [FunnelEvent("link_opened"), FunnelEvent("consent"),
            FunnelEvent("captured", "id_front"), FunnelEvent("captured", "id_back"),
            FunnelEvent("captured", "face"), FunnelEvent("submitted"),
            FunnelEvent("verdict", "verified")]
    _attempt(store, "a1", full, T0)
    _attempt(store, "a2", full[:3], T0)
    _attempt(store, "a3", [FunnelEvent("consent"), FunnelEvent("captured", "id_front"),
                           FunnelEvent("captured", "id_front")], T0)
    _attempt(store, "old", full, T0 - 40 * DAY)
    stages = {row["stage"]: row["attempts"] for row in reports.funnel(store, since=T0 - DAY)}
    assert stages == {"link_opened": 2, "consent": 3, "captured:id_front": 3,
                      "captured:id_back": 1, "captured:face": 1, "submitted": 1, "verdict": 1}


def test_step_medians_top_codes_and_fallback_rates(store: Store) -> None:
    for n, (seconds, hint) in enumerate([(10.0, "too_far"), (20.0, "too_far"), (60.0, "glare")]):
        events = [FunnelEvent("step_time", "id_front", seconds), FunnelEvent("hint", hint),
                  FunnelEvent("submitted")]
        if n == 0:
            events += [FunnelEvent("manual_capture", "id_front"),
                       FunnelEvent("upload_fallback", "face")]
        if n == 2:
            events.append(FunnelEvent("error", "4207"))
        _attempt(store, f"a{n}", events, T0)
    since = T0 - DAY
    assert reports.median_step_seconds(store, since=since) == [
        {"step": "id_front", "median_s": 20.0, "samples": 3}]
    assert reports.top_codes(store, "hint", since=since) == [
        {"code": "too_far", "count": 2}, {"code": "glare", "count": 1}]
    assert reports.top_codes(store, "error", since=since) == [{"code": "4207", "count": 1}]
    assert reports.fallback_rates(store, since=since) == {"manual_capture": 0.333,
                                                          "upload_fallback": 0.333}


def test_hand_offs_count_codes_shown_opened_on_a_phone_and_finished_there(store: Store) -> None:
    started, opened = FunnelEvent("handoff", "started"), FunnelEvent("handoff", "opened")
    finished = FunnelEvent("handoff", "finished")
    _attempt(store, "shown-only", [started], T0)
    _attempt(store, "opened", [started, opened], T0)
    _attempt(store, "finished-twice", [started, opened, finished, finished], T0)
    # Opened on the phone, then taken back: the computer's own verdict is not "finished there".
    _attempt(store, "taken-back", [started, opened, FunnelEvent("verdict", "verified")], T0)
    _attempt(store, "no-phone", [FunnelEvent("verdict", "verified")], T0)
    assert reports.handoffs(store, since=T0 - DAY) == {"started": 4, "opened": 3, "finished": 1}


def test_verifications_per_day_links_and_the_results_export(store: Store) -> None:
    minted = mint_link("a-link-secret-for-tests-only", "cust-1",
                       public_url="https://v.example.com", clock=lambda: T0)
    record_minted(store, minted.claims)
    unused = mint_link("a-link-secret-for-tests-only", "cust-2",
                       public_url="https://v.example.com", expires_in_s=3600, clock=lambda: T0)
    record_minted(store, unused.claims)
    claims = open_link(store, minted.token, "a-link-secret-for-tests-only", clock=lambda: T0)
    context = AttemptContext.new(claims.reference, claims.link_id)
    for day, verdict in ((0, "verified"), (0, "not_verified"), (1, "verified")):
        record_result(store, {"verdict": verdict, "transaction_id": f"tx{day}{verdict}",
                              "completed": True, "error_code": None, "findings": [],
                              "request_ids": {"id_front": "r1"}},
                      context, webhooks=True, clock=lambda d=day: T0 + d * DAY)
    per_day = reports.verifications_per_day(store, since=T0 - DAY)
    assert [(r["day"], r["verdict"], r["verifications"]) for r in per_day] == [
        ("2027-01-15", "not_verified", 1), ("2027-01-15", "verified", 1),
        ("2027-01-16", "verified", 1)]
    states = {row["reference"]: row["state"] for row in reports.links(store, now=T0 + 2 * DAY)}
    assert states == {"cust-1": "completed", "cust-2": "expired"}
    exported = list(csv.DictReader(io.StringIO(
        reports.to_csv(reports.results_export(store, since=T0 - DAY)).decode())))
    assert [row["reference"] for row in exported] == ["cust-1"] * 3
    assert exported[0]["request_ids"] == "id_front=r1"
    assert {row["status"] for row in reports.deliveries(store)} == {"pending"}


def test_csv_cells_that_would_be_spreadsheet_formulas_are_quoted_as_text() -> None:
    data = reports.to_csv([{"reference": "=HYPERLINK(\"http://evil\")", "n": 1}])
    assert b"'=HYPERLINK" in data
