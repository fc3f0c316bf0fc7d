"""Who may open the operator page: individual operators, never a shared password.

Two ways in, read from secrets:
- OIDC (recommended): Streamlit's ``[auth]`` section (``st.login``) together with ``[operator]
  allowed_emails``. Sign-in alone is not enough: an identity provider vouches for who someone
  is, not for whether they are staff. Throttling and second factors are the provider's.
- ``[operator.accounts]``: one entry per operator, ``name = "scrypt$…"`` (made with
  ``vlens-verify operator-hash``). Failures are throttled per account and client address, with
  ceilings that slow a guesser rotating addresses but never lock an operator out at an address
  they signed in from before (components/ui/sign_in_throttle.py); the address comes from
  forwarded headers only as far as ``[operator] trusted_proxy_hops`` says
  (components/ui/client_address.py).
Nothing configured means nobody gets in; a shared ``password_sha256`` is refused with a message.
The unlock lives in the browser session only; every sign-in, refusal and action is logged with
the operator's name (components/ui/operator_audit.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

import streamlit as st

from components.operator_accounts import (
    HashFormatError,
    PasswordHash,
    burn_time_like_a_check,
    parse_hash,
    password_matches,
)
from components.ui.client_address import client_address
from components.ui.operator_audit import audit
from components.ui.sign_in_throttle import SignInThrottle

SECTION: Final = "operator"
UNLOCKED_KEY: Final = "operator.unlocked_as"
REFUSED_KEY: Final = "operator.refused"
UNKNOWN_ACCOUNT: Final = "*unknown*"  # all unknown names share one throttle bucket
MAX_NAME_CHARS: Final = 64
MAX_PROXY_HOPS: Final = 5
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")

THROTTLE: Final = SignInThrottle()


class AuthMode(StrEnum):
    ACCOUNTS = "accounts"
    OIDC = "oidc"
    NONE = "none"


@dataclass(frozen=True)
class OperatorAccess:
    """The operator settings from secrets, without any hash in ``repr``."""

    mode: AuthMode
    accounts: Mapping[str, PasswordHash] = field(default_factory=dict, repr=False)
    allowed_emails: frozenset[str] = frozenset()
    trusted_proxy_hops: int = 0
    hosts: frozenset[str] = frozenset()  # when set, the page is served only on these host names
    problem: str | None = None  # a configuration mistake to show (names keys, never values)


def normalise_name(text: str) -> str:
    return text.strip().lower()[:MAX_NAME_CHARS + 1]


def operator_access(secrets: Mapping[str, Any] | None) -> OperatorAccess:
    """How the page is protected, from ``[operator]`` and ``[auth]``; OIDC wins when both exist."""
    section = _section(secrets, SECTION)
    problems: list[str] = []
    hops = _proxy_hops(section.get("trusted_proxy_hops", 0), problems)
    hosts = frozenset(str(h).strip().lower() for h in section.get("hosts", ()) or ()
                      if str(h).strip())
    if "password_sha256" in section:
        problems.append("[operator] password_sha256 (one shared password) is no longer "
                        "accepted: give each operator an account in [operator.accounts]")
    emails = frozenset(str(e).strip().lower() for e in section.get("allowed_emails", ()) or ()
                       if str(e).strip())
    if _section(secrets, "auth"):
        if not emails:
            problems.append("[operator] allowed_emails lists nobody")
        return OperatorAccess(AuthMode.OIDC, allowed_emails=emails, trusted_proxy_hops=hops,
                              hosts=hosts, problem="; ".join(problems) or None)
    accounts: dict[str, PasswordHash] = {}
    for raw_name, encoded in _section(section, "accounts").items():
        name = normalise_name(str(raw_name))
        if not _NAME.fullmatch(name):
            problems.append("an [operator.accounts] name is not 1-64 letters, digits or ._@-")
            continue
        try:
            accounts[name] = parse_hash(str(encoded))
        except HashFormatError as exc:
            problems.append(f"an [operator.accounts] entry is {exc} (make one with "
                            "vlens-verify operator-hash)")
    mode = AuthMode.ACCOUNTS if accounts else AuthMode.NONE
    return OperatorAccess(mode, accounts=accounts, trusted_proxy_hops=hops, hosts=hosts,
                          problem="; ".join(problems) or None)


def email_allowed(email: str | None, allowed: frozenset[str]) -> bool:
    return bool(email) and str(email).strip().lower() in allowed


def _proxy_hops(raw: Any, problems: list[str]) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= MAX_PROXY_HOPS:
        return raw
    problems.append(f"[operator] trusted_proxy_hops must be a whole number 0-{MAX_PROXY_HOPS}; "
                    "no forwarded header is believed")
    return 0


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


def operator_secrets() -> Mapping[str, Any]:
    """The ``[operator]`` section (for other operator settings such as ``[operator.vlens]``)."""
    return _section(_secrets(), SECTION)


def current_client(hops: int) -> str:
    """This browser's address as far as it can be trusted (components/ui/client_address.py)."""
    address = st.context.ip_address  # not a str under AppTest's mock
    headers = st.context.headers
    pairs = [(name, value) for name in headers for value in headers.get_all(name)]
    return client_address(address if isinstance(address, str) else None, pairs, hops)


def request_host() -> str:
    """The host name this browser asked for (the websocket handshake's Host), without port."""
    host = st.context.headers.get("Host") or ""
    return host.strip().lower().rsplit(":", 1)[0] if not host.startswith("[") else host.lower()


def require_operator() -> str:
    """Render the sign-in step and stop the page unless an operator is signed in.

    Returns who is signed in (account name or OIDC e-mail) for the audit log.
    """
    access = operator_access(_secrets())
    if access.hosts and request_host() not in access.hosts:
        # Streamlit switches pages over the websocket, so a proxy rule on the /operator path
        # alone cannot keep visitors of the customers' host name out: the page checks too.
        audit("?", "page refused", reason="host not in [operator] hosts",
              client=current_client(access.trusted_proxy_hops))
        st.error("The operator page is not available at this address.")
        st.stop()
    unlocked = st.session_state.get(UNLOCKED_KEY)
    if access.mode is AuthMode.ACCOUNTS and unlocked in access.accounts:
        return str(unlocked)
    if access.mode is AuthMode.OIDC:
        return _require_oidc(access)
    if access.mode is AuthMode.ACCOUNTS:
        _password_form(access)
    else:
        _refuse_unconfigured(access)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the script run


def sign_out(who: str) -> None:
    """Lock the page again for this browser session (and end the SSO login, if any)."""
    st.session_state.pop(UNLOCKED_KEY, None)
    audit(who, "signed out")
    if operator_access(_secrets()).mode is AuthMode.OIDC and st.user.get("is_logged_in"):
        st.logout()


def _refuse_unconfigured(access: OperatorAccess) -> None:
    st.error("The operator page is locked: no operator sign-in is configured.")
    if access.problem:
        st.warning(f"Configuration problem: {access.problem}.")
    st.markdown(
        "Ask whoever runs this deployment to set up single sign-on (an OIDC `[auth]` section "
        "with `[operator] allowed_emails`) or give each operator an account in "
        "`[operator.accounts]` (`vlens-verify operator-hash` makes the entry). "
        "See docs/deployment.md, \"Operator review page\"."
    )


def _password_form(access: OperatorAccess) -> None:
    st.subheader("Operator sign-in")
    if access.problem:
        st.warning(f"Configuration problem: {access.problem}.")
    refused = st.session_state.pop(REFUSED_KEY, None)
    if refused:
        st.error(refused)
    with st.form("operator_login", clear_on_submit=True):
        typed_name = st.text_input("Operator name", key="operator_name")
        candidate = st.text_input("Password", type="password", key="operator_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        st.info("This page is for staff. Sign in with your own operator account.")
        return
    name = normalise_name(typed_name or "")
    account = name if name in access.accounts else UNKNOWN_ACCOUNT
    client = current_client(access.trusted_proxy_hops)
    wait = THROTTLE.wait_s(account, client)
    if wait > 0:
        audit(account, "sign-in paused", client=client, wait_s=round(wait))
        st.session_state[REFUSED_KEY] = (
            f"Too many failed sign-ins. Try again in {max(round(wait), 1)} seconds.")
        st.rerun()
    stored = access.accounts.get(account)
    if stored is not None and password_matches(candidate or "", stored):
        st.session_state[UNLOCKED_KEY] = account
        THROTTLE.succeeded(account, client)
        audit(account, "signed in", method="password", client=client)
    else:
        if stored is None:
            burn_time_like_a_check(candidate or "")
        failures = THROTTLE.failed(account, client)
        # An unknown name is not logged as typed: it may be a password typed into the wrong box.
        audit(account if stored is not None else UNKNOWN_ACCOUNT, "sign-in refused",
              client=client, failures=failures)
        st.session_state[REFUSED_KEY] = "Wrong operator name or password. Check both and try again."
    st.rerun()


def _require_oidc(access: OperatorAccess) -> str:
    if not st.user.get("is_logged_in"):
        st.subheader("Operator sign-in")
        st.info("This page is for staff. Sign in with your organisation account.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    email = st.user.get("email")
    if not email_allowed(email if isinstance(email, str) else None, access.allowed_emails):
        audit(str(email or "?"), "sign-in refused", method="oidc",
              reason="not in [operator] allowed_emails")
        st.error("Your account may not open the operator page. Ask an administrator to add "
                 "it to the allowed operators, or sign out and use another account.")
        if access.problem:
            st.warning(f"Configuration problem: {access.problem}.")
        if st.button("Sign out"):
            st.logout()
        st.stop()
    if st.session_state.get(UNLOCKED_KEY) != email:
        st.session_state[UNLOCKED_KEY] = email
        audit(str(email), "signed in", method="oidc")
    return str(email)
