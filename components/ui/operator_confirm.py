"""On the operator page: is a typed transaction the looked-up customer's, and if the listing
cannot say, has the operator confirmed it (with a reason for the audit log)?

The page shows the images itself; this module decides (components.ui.operator_ownership),
refuses with an audited reason, or holds a confirmation form until the operator confirms.
docs/security.md "The customer's transaction" says what each listing shape guarantees.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Final

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.integration.results import RecordedVerification, recorded_verification
from components.ui import integration
from components.ui.operator_audit import audit
from components.ui.operator_ownership import (
    MAX_REASON,
    Ownership,
    confirmation_reason,
    listing_says,
)
from components.vlens.models import UserImages

log = logging.getLogger("vlens.integration")

CONFIRM_KEY: Final = "operator.confirm"  # RecordedVerification awaiting the operator


def confirm_keys(transaction_id: str) -> tuple[str, str]:
    """The widget keys of the tick box and the reason for ``transaction_id``: a confirmation
    form for another transaction is a new form, never one already ticked."""
    return (f"operator_confirm_checked.{transaction_id}",
            f"operator_confirm_reason.{transaction_id}")


def refuse(who: str, transaction_id: str, reason: str, message: str, advice: str) -> None:
    audit(who, "transaction refused", transaction_id=transaction_id, reason=reason)
    st.error(message)
    st.caption(advice)


def recorded_by_this_app(transaction_id: str) -> tuple[RecordedVerification | None, bool]:
    """(this app's record of the verification, whether the store could be read)."""
    rt = integration.runtime()
    if rt is None:
        return None, False
    try:
        return recorded_verification(rt.store, transaction_id), True
    except SQLAlchemyError as exc:  # never the URL: it may carry a password
        log.error("operator page: verification records unreadable: %s", type(exc).__name__)
        return None, False


def check_transaction(images: UserImages, who: str, transaction_id: str) -> bool:
    """True when the listing ties ``transaction_id`` to this customer (show it now); otherwise
    refuse, or hold a confirmation for ``confirm_section`` (see operator_ownership)."""
    said = listing_says(images, transaction_id)
    if said is Ownership.MATCH:
        return True
    if said is Ownership.MISMATCH:
        refuse(who, transaction_id, "not this customer's",
               "This transaction is not one of this customer's verifications: no images are "
               "shown.",
               "Check the transaction id on the customer's receipt, or look up the customer it "
               "belongs to.")
        return False
    recorded, readable = recorded_by_this_app(transaction_id)
    if not readable:
        refuse(who, transaction_id, "records unavailable",
               "This app's verification records cannot be read right now: no images are shown.",
               "Vlens' list of the customer's images does not say which verification they "
               "belong to, so the page needs those records. Try again later.")
    elif recorded is None:
        refuse(who, transaction_id, "not recorded by this app",
               "This transaction is not a verification made through this app: no images are "
               "shown.",
               "Vlens' list of the customer's images does not say which verification they "
               "belong to, so the page only shows verifications this app recorded. Check the "
               "transaction id on the customer's receipt.")
    else:
        st.session_state[CONFIRM_KEY] = recorded
    return False


def pending_confirmation() -> RecordedVerification | None:
    pending = st.session_state.get(CONFIRM_KEY)
    return pending if isinstance(pending, RecordedVerification) else None


def confirm_section(who: str, recorded: RecordedVerification) -> bool:
    """Ask the operator to confirm they checked the id themselves; True once they did (the
    confirmation and its reason audited): the page then shows the images."""
    transaction_id = recorded.transaction_id
    when = datetime.fromtimestamp(recorded.recorded_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    st.warning("Confirm before the images are shown: Vlens' list of this customer's images "
               "does not say which verification they belong to, so the app cannot check that "
               "this transaction is this customer's.")
    st.caption(f"Transaction {transaction_id} is a verification made through this app "
               f"(recorded {when}, verdict: {recorded.verdict}). Check this id on the "
               "customer's receipt or against their identity. Your confirmation and reason go "
               "into the audit log under your name.")
    checked_key, reason_key = confirm_keys(transaction_id)
    with st.form("operator_confirm"):
        checked = st.checkbox("I checked this transaction id on the customer's receipt or "
                              "against their identity", key=checked_key)
        typed = st.text_input(f"Reason (for example the support ticket; {MAX_REASON} "
                              "characters at most, no personal data)", key=reason_key)
        confirmed = st.form_submit_button("Confirm and show images")
    if not confirmed:
        return False
    if not checked:
        st.error("Tick the box to confirm that you checked the transaction id.")
        return False
    reason, problem = confirmation_reason(typed or "")
    if reason is None:
        st.error(str(problem))
        return False
    audit(who, "confirmed a transaction is the customer's", transaction_id=transaction_id,
          reason=reason)
    return True
