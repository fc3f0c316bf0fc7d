"""Operator views of the integration: dashboard (charts), webhook deliveries with resend,
verification links and their state, CSV exports. Staff-only (pages/operator.py signs in)."""

from __future__ import annotations

import logging
import time

import pandas as pd
import streamlit as st

from components.integration import reports
from components.integration.outbox import STATUSES, resend, status_counts
from components.integration.runtime import Runtime
from components.store import Store
from components.ui.integration import runtime

log = logging.getLogger("vlens.operator")
DAYS = (7, 30, 90)


def show() -> None:
    st.subheader("3. Business integration")
    rt = runtime()
    if rt is None:
        st.error("The [integration] settings are incomplete or the database is unreachable; "
                 "see the app log.")
        return
    st.caption(f"Store: {rt.store.dialect}" + (" (in memory: cleared on restart)"
                                               if rt.config.store.in_memory else "")
               + " · Webhooks: " + ("on" if rt.config.webhooks_enabled else "off")
               + " · Links: " + ("required" if rt.config.links_required else "optional"))
    days = st.segmented_control("Period (days)", DAYS, default=30, key="operator_days") or 30
    since = time.time() - days * 86400
    dashboard, deliveries, links = st.tabs(["Dashboard", "Webhook deliveries", "Links"])
    with dashboard:
        _dashboard(rt.store, since)
    with deliveries:
        _deliveries(rt)
    with links:
        _links(rt.store)


def _dashboard(store: Store, since: float) -> None:
    per_day = reports.verifications_per_day(store, since=since)
    if not per_day:
        st.info("No verification finished in this period yet.")
    else:
        frame = pd.DataFrame(per_day).pivot_table(index="day", columns="verdict",
                                                  values="verifications", fill_value=0)
        st.markdown("**Verifications per day**")
        st.bar_chart(frame)
    st.markdown("**Funnel** (attempts reaching each stage)")
    funnel = pd.DataFrame(reports.funnel(store, since=since)).set_index("stage")
    st.bar_chart(funnel, horizontal=True)
    left, right = st.columns(2)
    with left:
        st.markdown("**Median time per capture step (s)**")
        steps = reports.median_step_seconds(store, since=since)
        if steps:
            st.bar_chart(pd.DataFrame(steps).set_index("step")["median_s"])
        else:
            st.caption("No timed captures yet.")
        rates = reports.fallback_rates(store, since=since)
        for name, label in (("manual_capture", "Manual capture"),
                            ("upload_fallback", "Upload fallback")):
            value = rates[name]
            st.metric(f"{label} rate", "–" if value is None else f"{value:.0%}")
        phone = reports.handoffs(store, since=since)
        st.markdown("**Continued on a phone**")
        st.caption(f"Codes shown: {phone['started']} · opened on a phone: {phone['opened']} · "
                   f"finished there: {phone['finished']}")
    with right:
        for name, label in (("hint", "Most frequent hints"),
                            ("error", "Most frequent error codes")):
            st.markdown(f"**{label}**")
            rows = reports.top_codes(store, name, since=since)
            if rows:
                st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            else:
                st.caption("None yet.")
    exports = st.columns(2)
    exports[0].download_button(
        "Export results (CSV)", reports.to_csv(reports.results_export(store, since=since)),
        file_name="verification-results.csv", mime="text/csv", key="export_results")
    exports[1].download_button(
        "Export deliveries (CSV)", reports.to_csv(reports.deliveries(store)),
        file_name="webhook-deliveries.csv", mime="text/csv", key="export_deliveries")


def _deliveries(rt: Runtime) -> None:
    counts = status_counts(rt.store)
    columns = st.columns(len(STATUSES))
    for column, status in zip(columns, STATUSES, strict=True):
        column.metric(status.capitalize(), counts[status])
    chosen = st.selectbox("Show", ["all", *STATUSES], key="operator_delivery_status")
    rows = reports.deliveries(rt.store, None if chosen == "all" else chosen)
    if not rows:
        st.caption("No webhook events.")
        return
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with st.form("operator_resend"):
        event_id = st.selectbox("Event to send again", [row["event_id"] for row in rows])
        if st.form_submit_button("Resend") and event_id:
            if resend(rt.store, event_id, now=time.time()):
                rt.wake_worker()
                log.info("operator queued webhook %s again", event_id)
                st.success(f"{event_id} is queued again.")
            else:
                st.error(f"{event_id} no longer exists.")


def _links(store: Store) -> None:
    rows = reports.links(store, now=time.time())
    if not rows:
        st.caption("No verification links minted or opened yet (`vlens-verify link --ref …`).")
        return
    states = pd.Series([row["state"] for row in rows]).value_counts()
    st.bar_chart(states, horizontal=True)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.download_button("Export links (CSV)", reports.to_csv(rows),
                       file_name="verification-links.csv", mime="text/csv", key="export_links")
