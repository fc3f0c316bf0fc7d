"""Operator review page (staff only, hidden from the customer navigation).

Find a customer's verification images by phone or e-mail, view each one, and link a key-only
transaction to a customer account. Locked unless an operator signs in (components.ui.operator_auth);
every action is audited under the operator's name. Calls Vlens as ``[operator.vlens]`` when that
least-privilege account is configured, else as the app's ``[vlens]`` account. Text from Vlens is
shown with ``st.text`` (never parsed as markdown or HTML). A typed transaction id is shown only
when the listing ties it to the customer, or when this app recorded it and the operator
confirms it (components.ui.operator_confirm; docs/security.md "The customer's transaction").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Final, TypeVar

import streamlit as st

from components.ui import operator_dashboard
from components.ui.backend import Backend, resolve_backend
from components.ui.operator_audit import audit
from components.ui.operator_auth import operator_secrets, require_operator, sign_out
from components.ui.operator_confirm import (
    CONFIRM_KEY,
    check_transaction,
    confirm_section,
    pending_confirmation,
)
from components.ui.operator_ownership import EMAIL, image_names
from components.vlens.catalogue import describe_error
from components.vlens.client import VlensClient
from components.vlens.config import VlensConfig, load_config
from components.vlens.errors import (
    ConfigError,
    VlensAuthError,
    VlensError,
    VlensNetworkError,
    VlensRejectedError,
)
from components.vlens.models import StepResult, UserImages

T = TypeVar("T")

IMAGES_KEY: Final = "operator.images"  # (lookup, UserImages)
SHOWN_KEY: Final = "operator.shown"  # (transaction id, [(label, bytes)])

_PHONE = re.compile(r"\+[1-9]\d{7,14}")


def normalise_lookup(text: str) -> str | None:
    """An E.164 phone number or an e-mail address; Egyptian local mobiles (01…) get +20."""
    value = text.strip()
    if "@" in value:
        return value.lower() if EMAIL.fullmatch(value) else None
    digits = re.sub(r"[\s\-().]", "", value)
    if re.fullmatch(r"01\d{9}", digits):
        digits = "+20" + digits[1:]
    return digits if _PHONE.fullmatch(digits) else None


def valid_transaction_id(text: str) -> str | None:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        return None


def upstream_text(label: str, text: str | None) -> None:
    """Text that came from Vlens, shown as it is: never markdown, never HTML."""
    if text:
        st.text(f"{label}: {text}")


def explain(exc: VlensError, *, what: str) -> None:
    """Say what went wrong and what to do, by kind of failure (no stack trace)."""
    if isinstance(exc, VlensAuthError):
        st.error("Forbidden or expired.")
        st.caption("If this is about the customer's session, ask them to sign in again and use "
                   "their new token. Otherwise the operator's Vlens account lacks operator "
                   "rights or its credentials are wrong: check [operator.vlens] (or [vlens]).")
    elif isinstance(exc, VlensRejectedError) and exc.code in (404, 400, 422):
        st.warning(f"Not found: Vlens has no {what} for what you entered.")
        st.caption("Check the phone number, e-mail or transaction id (the customer's receipt "
                   "lists the transaction id).")
    elif isinstance(exc, VlensNetworkError):
        st.error("Vlens could not be reached.")
        st.caption("Try again in a minute.")
    else:
        st.error(f"Vlens could not provide the {what}.")
        st.caption("Try again; if it keeps failing, give support the request id below.")
    upstream_text("Details", str(exc))


def call(action: Callable[[VlensClient], T], config: VlensConfig, *, what: str) -> T | None:
    try:
        with VlensClient(config) as client:
            return action(client)
    except VlensError as exc:
        explain(exc, what=what)
        return None


def operator_config(backend: Backend) -> tuple[VlensConfig | None, str | None]:
    """The Vlens account for this page: ``[operator.vlens]`` when set (least privilege: it
    only needs the image and link rights), else the app's own; (None, problem) when broken."""
    section = operator_secrets().get("vlens")
    if isinstance(section, Mapping) and section:
        try:
            return load_config({"vlens": section}, {}), None
        except ConfigError as exc:
            return None, f"[operator.vlens]: {exc}"
    if backend.config is None:
        return None, f"{backend.problem}. Fix the [vlens] secrets and reload"
    return backend.config, None


def lookup_section(config: VlensConfig, who: str) -> None:
    st.subheader("1. Find a customer's verification images")
    with st.form("operator_lookup"):
        typed = st.text_input("Customer phone (+20…) or e-mail", key="operator_lookup_value")
        submitted = st.form_submit_button("Find images")
    if submitted:
        lookup = normalise_lookup(typed or "")
        st.session_state.pop(SHOWN_KEY, None)
        st.session_state.pop(CONFIRM_KEY, None)
        if lookup is None:
            st.session_state.pop(IMAGES_KEY, None)
            st.error("Enter a phone number in international form (+201012345678) or an e-mail "
                     "address.")
            return
        wanted: str = lookup
        found = call(lambda c: c.list_user_images(wanted), config, what="verification images")
        audit(who, "looked up a customer's images",
              result="found" if found is not None and image_names(found) else "none")
        if found is None:
            st.session_state.pop(IMAGES_KEY, None)
            return
        st.session_state[IMAGES_KEY] = (lookup, found)
    held = st.session_state.get(IMAGES_KEY)
    if held is None:
        return
    lookup, images = held
    names = image_names(images)
    st.text(f"Customer: {lookup}")  # typed text: shown as it is
    if not names:
        st.warning("Not found: Vlens holds no verification images for this customer.")
        return
    st.success(f"{len(names)} image(s) on file for this customer: "
               + ", ".join(label for label, _ in names))
    show_images_section(config, images, who)


def _image_getter(transaction_id: str, file_name: str) -> Callable[[VlensClient], bytes]:
    return lambda client: client.get_step_image(transaction_id, file_name)


def fetch_images(config: VlensConfig, images: UserImages, who: str, transaction_id: str,
                 **details: object) -> bool:
    """Download every listed image of ``transaction_id`` and keep them for display."""
    shown: list[tuple[str, bytes]] = []
    for label, name in image_names(images):
        image = call(_image_getter(transaction_id, name), config, what=f"{label} image")
        if image is None:
            return False
        shown.append((label, image))
    audit(who, "viewed images", images=len(shown), transaction_id=transaction_id, **details)
    st.session_state[SHOWN_KEY] = (transaction_id, shown)
    return True


def show_images_section(config: VlensConfig, images: UserImages, who: str) -> None:
    with st.form("operator_show"):
        typed = st.text_input("Transaction id of the verification (from the customer's receipt "
                              "or the verification log line)", key="operator_show_tx")
        submitted = st.form_submit_button("Show images")
    if submitted:
        st.session_state.pop(SHOWN_KEY, None)
        st.session_state.pop(CONFIRM_KEY, None)
        transaction_id = valid_transaction_id(typed or "")
        if transaction_id is None:
            st.error("A transaction id looks like 3f0c8a52-6b1e-4c55-9d0e-2a7f1b9c4d21.")
            return
        if check_transaction(images, who, transaction_id):
            fetch_images(config, images, who, transaction_id)
    pending = pending_confirmation()
    if pending is not None and confirm_section(who, pending) and fetch_images(
            config, images, who, pending.transaction_id, confirmed_by_operator=True):
        st.session_state.pop(CONFIRM_KEY, None)
        st.rerun()
    held = st.session_state.get(SHOWN_KEY)
    if held is None:
        return
    transaction_id, shown = held
    st.caption(f"Transaction {transaction_id}")
    columns = st.columns(3)
    for index, (label, image) in enumerate(shown):
        with columns[index % 3]:
            st.image(image, caption=label, width="stretch")
    if st.button("Hide images"):
        st.session_state.pop(SHOWN_KEY, None)
        st.rerun()


def link_section(config: VlensConfig, who: str) -> None:
    st.subheader("2. Link a key-only transaction to a customer")
    st.caption("For verifications that ran before the customer signed in. Needs the customer's "
               "current access token (from their signed-in session).")
    with st.form("operator_link", clear_on_submit=True):
        typed_tx = st.text_input("Transaction id", key="operator_link_tx")
        user_token = st.text_input("Customer access token", type="password",
                                   key="operator_link_token")
        extracted = st.checkbox("Return the extracted ID data", key="operator_link_extracted")
        submitted = st.form_submit_button("Link transaction")
    if not submitted:
        return
    transaction_id = valid_transaction_id(typed_tx or "")
    if transaction_id is None:
        st.error("A transaction id looks like 3f0c8a52-6b1e-4c55-9d0e-2a7f1b9c4d21.")
        return
    if not (user_token or "").strip():
        st.error("Paste the customer's access token: Vlens links the transaction to the account "
                 "that token belongs to.")
        return
    result = call(lambda c: c.link_user_with_transaction(
        transaction_id, user_token=user_token.strip(), get_extracted_data=extracted),
        config, what="transaction")
    if result is not None:
        show_link_result(transaction_id, result, who)


def show_link_result(transaction_id: str, result: StepResult, who: str) -> None:
    audit(who, "linked a transaction", transaction_id=transaction_id,
          result="refused" if result.failed else "linked")
    if result.error_code is not None:
        info = describe_error(result.error_code)
        if result.error_code in (401, 403):
            st.error(f"Forbidden or expired: {info.text()} (code {result.error_code})")
        elif result.error_code in (404, 400, 422):
            st.warning(f"Not found: Vlens has no such transaction to link "
                       f"(code {result.error_code}). Check the transaction id.")
        else:
            st.error(f"Vlens refused the link: {info.text()} (code {result.error_code})")
        upstream_text("Vlens said", result.error_message)
        return
    if result.failed:
        st.error("Vlens refused the link.")
        upstream_text("Vlens said", result.error_message or "validation errors")
        return
    st.success(f"Transaction {transaction_id} is now linked to the customer's account.")
    flags = {
        "Verification process completed": result.is_verification_process_completed,
        "Digital identity verified": result.is_digital_identity_verified,
    }
    for name, value in flags.items():
        st.write(f"{name}: {'yes' if value else 'no' if value is False else 'not reported'}")
    if result.id_front_data or result.id_back_data:
        with st.expander("Extracted ID data"):
            st.json({"idFrontData": result.id_front_data, "idBackData": result.id_back_data})


def main() -> None:
    st.title("Operator review")
    who = require_operator()
    backend = resolve_backend()
    config, problem = operator_config(backend)
    if config is None:
        st.error("The Vlens settings are incomplete.")
        st.text(str(problem))
        return
    top = st.columns([4, 1])
    top[0].text(f"Signed in ({who})" + (" · Demo mode: Vlens simulator" if config.demo
                                         else ""))
    if top[1].button("Sign out"):
        for key in (IMAGES_KEY, SHOWN_KEY, CONFIRM_KEY):
            st.session_state.pop(key, None)
        sign_out(who)
        st.rerun()
    lookup_section(config, who)
    st.divider()
    link_section(config, who)
    st.divider()
    operator_dashboard.show()  # links, webhook deliveries, dashboard (issue 11)


main()
