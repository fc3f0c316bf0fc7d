"""The app's pages and how to move between them.

URL paths differ from the file names on purpose: Streamlit treats a ``pages/`` folder as legacy
auto-discovered pages until ``st.navigation`` has run once, and a URL (or ``switch_page``
target) matching a file name would then run that file without app.py's frame (no demo label,
no right-to-left layout). Switching always goes through the ``st.Page`` objects built here.
"""

from __future__ import annotations

from typing import Final, NoReturn

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from components.ui import session
from components.ui.attempt import Attempt
from components.ui.i18n import t

# name -> (file, url path); the first one is the default page.
PAGES: Final[dict[str, tuple[str, str]]] = {
    "language": ("pages/language.py", ""),
    "consent": ("pages/consent.py", "agree"),
    "capture": ("pages/capture.py", "photos"),
    "review": ("pages/review.py", "check"),
    "verifying": ("pages/verifying.py", "sending"),
    "results": ("pages/results.py", "result"),
    "handoff": ("pages/handoff.py", "phone"),  # the computer, while the phone takes over
}


def page(name: str) -> StreamlitPage:
    path, url_path = PAGES[name]
    if not url_path:
        return st.Page(path, title=t(f"nav.{name}"), default=True)
    return st.Page(path, title=t(f"nav.{name}"), url_path=url_path)


def customer_pages() -> dict[str, StreamlitPage]:
    return {name: page(name) for name in PAGES}


def go(name: str) -> NoReturn:
    """Switch to page ``name`` now (ends this script run), keeping the attempt's token (and
    any other parameter) in the URL."""
    st.switch_page(page(name), query_params=session.url_params())


def require_consent() -> Attempt:
    """The attempt of a page that needs consent; otherwise stop the page and offer the way to
    give it."""
    attempt = session.current()
    if attempt is not None and attempt.consent:
        return attempt
    st.info(t("consent.missing"))
    if st.button(t("consent.go"), key="go_consent", type="primary"):
        go("consent")
    st.stop()
