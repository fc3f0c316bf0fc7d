"""Who may open the operator page.

Two ways in, read from secrets:
- ``[operator] password_sha256``: the SHA-256 (hex) of the operator password. The typed password
  is hashed and compared with ``hmac.compare_digest``; after ``MAX_FAILURES`` wrong tries from
  one client address (or 20 from all addresses) within ``LOCKOUT_S`` seconds, the form rests;
  the count lives in the server process, so reloading the page does not reset it.
- an OIDC ``[auth]`` section (Streamlit's ``st.login``) together with ``[operator] allowed_emails``:
  only those addresses get in. Sign-in alone is not enough: an identity provider vouches for
  who someone is, not for whether they are staff.
Nothing configured means nobody gets in. The unlock lives in the browser session only.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import streamlit as st

from components.ui.sign_in_throttle import SignInThrottle

SECTION: Final = "operator"
UNLOCKED_KEY: Final = "operator.unlocked_as"
WRONG_KEY: Final = "operator.wrong_password"
MAX_FAILURES: Final = 5
LOCKOUT_S: Final = 60.0

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
THROTTLE: Final = SignInThrottle(per_client=MAX_FAILURES, overall=4 * MAX_FAILURES,
                                 window_s=LOCKOUT_S)
log = logging.getLogger("vlens.operator")


class AuthMode(StrEnum):
    PASSWORD = "password"
    OIDC = "oidc"
    NONE = "none"


@dataclass(frozen=True)
class OperatorAccess:
    """The operator settings from secrets, without any secret value in ``repr``."""

    mode: AuthMode
    password_sha256: str | None = None
    allowed_emails: frozenset[str] = frozenset()
    problem: str | None = None  # a configuration mistake to show (names keys, never values)

    def __repr__(self) -> str:
        return f"OperatorAccess(mode={self.mode.value}, emails={len(self.allowed_emails)})"


def operator_access(secrets: Mapping[str, Any] | None) -> OperatorAccess:
    """How the page is protected, from ``[operator]`` and ``[auth]``; OIDC wins when both exist."""
    section = _section(secrets, SECTION)
    emails = frozenset(str(e).strip().lower() for e in section.get("allowed_emails", ()) or ()
                       if str(e).strip())
    if _section(secrets, "auth"):
        problem = None if emails else "[operator] allowed_emails lists nobody"
        return OperatorAccess(AuthMode.OIDC, allowed_emails=emails, problem=problem)
    expected = str(section.get("password_sha256", "") or "").strip().lower()
    if not expected:
        return OperatorAccess(AuthMode.NONE)
    if not _SHA256_HEX.fullmatch(expected):
        return OperatorAccess(AuthMode.NONE,
                              problem="[operator] password_sha256 is not a 64-digit hex SHA-256")
    return OperatorAccess(AuthMode.PASSWORD, password_sha256=expected)


def password_matches(candidate: str, expected_sha256: str) -> bool:
    """Constant-time comparison of the candidate's SHA-256 with the configured one."""
    digest = hashlib.sha256(candidate.encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest.encode("ascii"), expected_sha256.strip().lower().encode())


def email_allowed(email: str | None, allowed: frozenset[str]) -> bool:
    return bool(email) and str(email).strip().lower() in allowed


def _section(secrets: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    if secrets is None:
        return {}
    try:
        value = secrets.get(name)
    except (KeyError, FileNotFoundError):
        return {}
    return value if isinstance(value, Mapping) else {}


def _secrets() -> Mapping[str, Any] | None:
    return st.secrets if st.secrets.load_if_toml_exists() else None


def require_operator() -> str:
    """Render the sign-in step and stop the page unless an operator is signed in.

    Returns who is signed in ("password" or the operator's e-mail) for audit lines.
    """
    access = operator_access(_secrets())
    unlocked = st.session_state.get(UNLOCKED_KEY)
    if access.mode is AuthMode.PASSWORD and unlocked == "password":
        return "password"
    if access.mode is AuthMode.OIDC:
        return _require_oidc(access)
    if access.mode is AuthMode.PASSWORD:
        _password_form(access)
    else:
        _refuse_unconfigured(access)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the script run


def sign_out() -> None:
    """Lock the page again for this browser session (and end the SSO login, if any)."""
    st.session_state.pop(UNLOCKED_KEY, None)
    if operator_access(_secrets()).mode is AuthMode.OIDC and st.user.get("is_logged_in"):
        st.logout()


def _refuse_unconfigured(access: OperatorAccess) -> None:
    st.error("The operator page is locked: no operator sign-in is configured.")
    if access.problem:
        st.warning(f"Configuration problem: {access.problem}.")
    st.markdown(
        "Ask whoever runs this deployment to add an `[operator] password_sha256` to the app's "
        "secrets, or an OIDC `[auth]` section with `[operator] allowed_emails`. "
        "See docs/deployment.md, \"Operator review page\"."
    )


def _password_form(access: OperatorAccess) -> None:
    assert access.password_sha256 is not None
    address = st.context.ip_address  # None on localhost; not a str under AppTest's mock
    client = address if isinstance(address, str) and address else "unknown"
    st.subheader("Operator sign-in")
    wait = THROTTLE.wait_s(client)
    if wait > 0:
        st.error(f"Too many wrong passwords. Try again in {max(round(wait), 1)} seconds.")
        return
    if st.session_state.pop(WRONG_KEY, False):
        st.error("Wrong password. Check it and try again.")
    with st.form("operator_login", clear_on_submit=True):
        candidate = st.text_input("Operator password", type="password", key="operator_password")
        submitted = st.form_submit_button("Unlock", type="primary")
    if not submitted:
        st.info("This page is for staff. Enter the operator password to continue.")
        return
    if password_matches(candidate or "", access.password_sha256):
        st.session_state[UNLOCKED_KEY] = "password"
        THROTTLE.succeeded(client)
        log.info("operator unlocked the review page (password)")
    else:
        failures = THROTTLE.failed(client)
        st.session_state[WRONG_KEY] = True
        log.warning("operator sign-in refused: wrong password (%d in a row)", failures)
    st.rerun()


def _require_oidc(access: OperatorAccess) -> str:
    if not st.user.get("is_logged_in"):
        st.subheader("Operator sign-in")
        st.info("This page is for staff. Sign in with your organisation account.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    email = st.user.get("email")
    if access.problem or not email_allowed(email if isinstance(email, str) else None,
                                           access.allowed_emails):
        log.warning("operator sign-in refused: account not in [operator] allowed_emails")
        st.error("Your account may not open the operator page. Ask an administrator to add "
                 "it to the allowed operators, or sign out and use another account.")
        if access.problem:
            st.warning(f"Configuration problem: {access.problem}.")
        if st.button("Sign out"):
            st.logout()
        st.stop()
    return str(email)
