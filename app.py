"""Identity verification: the Streamlit entry point (``streamlit run app.py``).

Registers the pages, frames every page (language direction, demo label, language switch,
progress) and runs the one the customer is on. The navigation menu is hidden: customers follow
the guided flow, and each page sends them on.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from components.observability import configure_logging
from components.ui import handoff, integration, navigation, session
from components.ui.attempt_view import attempt_ended
from components.ui.backend import app_secrets, resolve_backend
from components.ui.i18n import t, translate
from components.ui.layout import (
    apply_direction,
    demo_label,
    flow_progress,
    language_switch,
    page_frame,
)
from components.upload_answers import keep_awaited_answers_through_reruns
from components.upload_memory import keep_uploads_in_memory

configure_logging(app_secrets(), os.environ)  # idempotent: one handler however often it runs
keep_uploads_in_memory(st.get_option("server.maxUploadSize"))  # no upload spooled to disk
keep_awaited_answers_through_reruns()  # a rerun never loses where to upload a chosen file

CUSTOMER_PAGES = navigation.customer_pages()
pages = list(CUSTOMER_PAGES.values())

# ---- Operator page (hidden from customers) -------------------------------------------------
# pages/operator.py is registered here but never listed: the navigation menu is hidden for
# everyone, no customer page links to it, and it is reached only by typing its URL (/operator),
# where the page itself asks for operator credentials.
OPERATOR_PAGE = Path(__file__).parent / "pages" / "operator.py"
if OPERATOR_PAGE.exists():
    pages.append(st.Page("pages/operator.py", title="Operator", url_path="operator"))
# ---------------------------------------------------------------------------------------------

current = st.navigation(pages, position="hidden")
page_name = next((name for name, page in CUSTOMER_PAGES.items()
                  if page.url_path == current.url_path), "operator")
# One width for every page, set once per run (components/ui/layout.py caps it): the capture
# page has room for the self-view beside the guidance, and nothing jumps between pages.
st.set_page_config(page_title=t("app.title"), page_icon="🪪", layout="wide")
backend = resolve_backend()

apply_direction()
ended = page_name != "operator" and session.token_state() == "unknown"
# Each page's h1, where focus goes on a page change (results: the verdict itself).
HEADINGS = {
    "language": translate("en", "language.title"),
    "consent": t("consent.title"),
    "capture": t("capture.title"),
    "review": t("review.title"),
    "verifying": t("verifying.title"),
    "results": t("results.title"),
    "handoff": t("handoff.title"),
}
if ended:
    page_frame("ended", t("attempt.expired.title"))
elif page_name in HEADINGS:
    page_frame(page_name, HEADINGS[page_name],
               focus_key="verdict" if page_name == "results" else None)
if page_name != "language":
    with st.container(key="page_top"):
        heading, switch = st.columns([4, 1], vertical_alignment="center")
        with heading:
            flow_progress(page_name)
        with switch:
            language_switch()
demo_label(backend.demo)
if backend.problem:
    st.error(t("app.config_error", detail=backend.problem))
handoff.admit(page_name)  # ?handoff= continues a computer's attempt on this phone
handoff.phone_heartbeat()  # a phone tells its computer it is still there
integration.gate(page_name)  # ?link= admits (or refuses) the customer; links-required policy

if ended:
    attempt_ended()  # stops the page: an expired, deleted or mistyped link explains itself
current.run()
