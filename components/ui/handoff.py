""""Continue on your phone", the Streamlit side: the offer on the computer's capture page (more
prominent when the computer has no usable camera or capturing keeps failing), starting a
hand-off, the QR code and copy-link button, admitting the phone (``?handoff=``), and the
phone's own checks. The hand-off's rules and store live in
``components.integration.handoff``; each device's side in ``components.ui.handoff_side``.

The token is in the link only: it is never logged, and the phone's URL drops it once used.
"""

from __future__ import annotations

import html
import logging
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit

import segno
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.integration.config import DEFAULT_PUBLIC_URL
from components.integration.funnel import FunnelEvent
from components.integration.handoff import (
    HEARTBEAT_S,
    QUERY_PARAMETER,
    HandoffRefused,
    claim_handoff,
    start_handoff,
)
from components.ui import integration, navigation, session
from components.ui.attempt import Attempt
from components.ui.handoff_side import DesktopHandoff, PhoneHandoff
from components.ui.i18n import Language, set_language, t
from components.ui.layout import helper_frames_take_no_room

log = logging.getLogger("vlens.handoff")

QR_SCALE: Final = 6  # pixels per module: sharp on screen, decodable from a screenshot
OFFER_KEY: Final = "handoff_offer"
PROBE_KEY: Final = "camera_probe"
CameraCheck = str  # "ok", "none" (no camera, or no camera API) or "denied"

# Asks the browser, without opening the camera, whether it has one and may use it; asks again
# when the permission changes (the customer refused the camera prompt).
_PROBE_JS: Final = """
export default function({ setStateValue }) {
  const report = async () => {
    let cameras = 0;
    let denied = false;
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      cameras = devices.filter(d => d.kind === 'videoinput').length;
    } catch (e) { cameras = 0; }
    try {
      const permission = await navigator.permissions.query({ name: 'camera' });
      denied = permission.state === 'denied';
      permission.onchange = report;
    } catch (e) { /* no permissions API: judge by the devices */ }
    setStateValue('camera', cameras === 0 ? 'none' : (denied ? 'denied' : 'ok'));
  };
  report();
}
"""

_COPY_HTML: Final = """<div class="copy-link"><button type="button"></button>
<span role="status" aria-live="polite"></span></div>"""
_COPY_CSS: Final = """
.copy-link { display: flex; gap: 0.75rem; align-items: center; font-family: inherit; }
.copy-link button { font: inherit; padding: 0.4rem 0.9rem; border-radius: 0.5rem;
  border: 1px solid #8a8a8a; background: #fff; color: #1f1f1f; cursor: pointer; }
.copy-link button:focus-visible { outline: 2px solid #1f6feb; outline-offset: 2px; }
.copy-link span { color: #1f1f1f; }
"""
_COPY_JS: Final = """
export default function({ parentElement, data }) {
  const button = parentElement.querySelector('button');
  const status = parentElement.querySelector('[role=status]');
  button.textContent = data.label;
  button.onclick = async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(data.url);
      copied = true;
    } catch (e) {
      const area = document.createElement('textarea');
      area.value = data.url;
      document.body.appendChild(area);
      area.select();
      try { copied = document.execCommand('copy'); } catch (e2) { copied = false; }
      area.remove();
    }
    status.textContent = copied ? data.copied : data.failed;
  };
}
"""

_camera_probe = st.components.v2.component("vlens_camera_probe", js=_PROBE_JS)
_copy_button = st.components.v2.component("vlens_copy_link", html=_COPY_HTML, css=_COPY_CSS,
                                          js=_COPY_JS)

# Phones never see the offer (they are the phone); nor do narrow screens.
_OFFER_CSS: Final = """<style>
@media (max-width: 640px) { [class*="st-key-handoff_offer"] { display: none; } }
</style>"""


def qr_data_uri(url: str) -> str:
    """The link as a QR code (PNG data URI; error correction M, 4-module quiet zone)."""
    code = segno.make(url, error="m", micro=False)
    return str(code.png_data_uri(scale=QR_SCALE, border=4, dark="#000000", light="#ffffff"))


def _public_url(configured: str) -> str:
    """Where the phone reaches this service: ``public_url`` when set, else the address the
    computer's browser uses (its scheme, host and the app's base path)."""
    if configured != DEFAULT_PUBLIC_URL:
        return configured
    seen = urlsplit(st.context.url or DEFAULT_PUBLIC_URL)
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{seen.scheme}://{seen.netloc}" + (f"/{base}" if base else "")


def _is_phone(attempt: Attempt | None) -> bool:
    return attempt is not None and isinstance(attempt.handoff, PhoneHandoff)


def start_on_phone() -> NoReturn:
    """Start a hand-off of this attempt (ending any earlier one) and show its code."""
    attempt = navigation.require_consent()
    rt = integration.runtime()
    if rt is None or not rt.config.link_secret:
        st.error(t("handoff.unavailable"))
        st.stop()
    if attempt.handoff is not None:
        if not attempt.handoff.end():  # the phone is already sending its photos: follow it
            navigation.go("handoff")
        attempt.handoff = None
    try:
        started = start_handoff(rt.store, rt.config.link_secret, language=attempt.language,
                                context=integration.context(),
                                public_url=_public_url(rt.config.public_url))
    except SQLAlchemyError as exc:
        log.warning("hand-off not started: %s", type(exc).__name__)
        st.error(t("handoff.unavailable"))
        st.stop()
    attempt.handoff = DesktopHandoff(rt.store, started, attempt.language)
    integration.note(FunnelEvent("handoff", "started"))
    navigation.go("handoff")


def _offer_button(key: str, primary: bool) -> None:
    if st.button(t("handoff.offer.button"), key=key, icon=":material/smartphone:",
                 type="primary" if primary else "secondary"):
        start_on_phone()


def offer() -> None:
    """On the computer's capture page: "Use your phone instead", with the reason up front
    when this browser has no camera or may not use it."""
    if _is_phone(session.current()):
        return
    st.html(_OFFER_CSS)
    with st.container(key=OFFER_KEY):
        result: Any = _camera_probe(key=PROBE_KEY, default={"camera": None},
                                    on_camera_change=lambda: None, height=0)
        helper_frames_take_no_room(PROBE_KEY)
        check: CameraCheck | None = getattr(result, "camera", None)
        if check in ("none", "denied"):
            st.info(t(f"handoff.offer.{check}"), icon=":material/smartphone:")
            _offer_button("handoff_offer_start", primary=True)
        else:
            st.caption(t("handoff.offer.hint"))
            _offer_button("handoff_offer_start", primary=False)


def offer_after_trouble() -> None:
    """In the capture status, once capturing here keeps failing (manual capture offered, or
    no picture from the camera)."""
    if _is_phone(session.current()):
        return
    with st.container(key="handoff_offer_trouble"):
        st.caption(t("handoff.offer.trouble"))
        _offer_button("handoff_offer_trouble_start", primary=False)


def show_code(started_url: str) -> None:
    """The QR code, the link as text and the copy-link button."""
    st.html(f'<img src="{qr_data_uri(started_url)}" alt="{html.escape(t("handoff.qr_alt"))}" '
            'style="image-rendering:pixelated;max-width:100%;height:auto" '
            'class="handoff-qr">')
    st.caption(t("handoff.link_label"))
    st.code(started_url, language=None, wrap_lines=True)
    _copy_button(key="handoff_copy", data={"url": started_url, "label": t("handoff.copy"),
                                           "copied": t("handoff.copied"),
                                           "failed": t("handoff.copy_failed")})


def _refused(reason: str) -> NoReturn:
    log.info("hand-off link refused: %s", reason)
    integration.stop_in_both_languages("handoff.refused.title", f"handoff.refused.{reason}",
                                       st.error, ":material/phonelink_erase:")


def admit(page_name: str) -> None:
    """Before a customer page runs: a ``?handoff=`` link makes this device the phone of
    another device's attempt (or is refused with a clear page); a phone whose hand-off the
    computer took back is told so."""
    if page_name == "operator":
        return
    token = st.query_params.get(QUERY_PARAMETER)
    if not token:
        _stop_if_taken_back()
        return
    rt = integration.runtime()
    if rt is None:
        return  # the integration gate explains the broken settings
    try:
        claim = claim_handoff(rt.store, token, rt.config.link_secret)
    except HandoffRefused as refused:
        _refused(refused.reason)
    except SQLAlchemyError as exc:
        log.warning("hand-off link not checked: %s", type(exc).__name__)
        st.error(t("handoff.unavailable"))
        st.stop()
    st.query_params.pop(QUERY_PARAMETER, None)  # a reload continues by the attempt token
    language: Language = "ar" if claim.language == "ar" else "en"
    session.forget_token()
    attempt = session.begin(language)
    if attempt is None:
        st.error(t("attempt.busy"))
        st.stop()
    attempt.handoff = PhoneHandoff(rt.store, claim)
    set_language(language)
    integration.adopt_context(claim.context)
    integration.note(FunnelEvent("handoff", "opened"))
    log.info("hand-off opened on a phone")
    navigation.go("consent")  # consent is confirmed on the phone too


def _stop_if_taken_back() -> None:
    attempt = session.current()
    if attempt is None or not isinstance(attempt.handoff, PhoneHandoff):
        return
    if attempt.handoff.still_handed_off():
        return
    st.title(t("handoff.taken_back.title"), anchor=False)
    st.info(t("handoff.taken_back.body"))
    session.delete_everything()
    st.stop()


def phone_heartbeat() -> None:
    """On a phone continuing a computer's attempt: every ``HEARTBEAT_S``, whatever page it is
    on (reading the consent, reviewing photos), it tells the computer it is still there, and
    learns at once when the computer took the attempt back."""
    if _is_phone(session.current()):
        st.fragment(_phone_beat, run_every=HEARTBEAT_S)()


def _phone_beat() -> None:
    attempt = session.current()
    if (attempt is not None and isinstance(attempt.handoff, PhoneHandoff)
            and not attempt.handoff.still_handed_off()):
        st.rerun(scope="app")  # admit() tells the customer


def note_capturing() -> None:
    """The phone's capture page opened: the computer shows "taking photos"."""
    attempt = session.current()
    if attempt is not None and isinstance(attempt.handoff, PhoneHandoff):
        attempt.handoff.capturing()
