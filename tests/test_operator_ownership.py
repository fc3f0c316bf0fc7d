"""What an image listing says about a typed transaction id, and which confirmation reasons may
go into the audit log (the operator page's checks, without the page)."""

from __future__ import annotations

from typing import Any

import pytest

from components.ui.operator_ownership import (
    MAX_REASON,
    Ownership,
    confirmation_reason,
    listing_says,
)
from components.vlens.models import UserImages

TX = "3f0c8a52-6b1e-4c55-9d0e-2a7f1b9c4d21"
OTHER = "9a1d2c3b-0000-4000-8000-000000000001"
KEYS = ("idFrontImage", "idBackImage", "livenessImage", "livenessFace01Image",
        "livenessFace02Image", "livenessFace03Image")


def listing(prefix: str = "", **extra: Any) -> UserImages:
    data = {key: f"{prefix}{key}.jpg" for key in KEYS} | extra
    return UserImages.parse(data, {"data": data})


def test_a_listing_of_file_names_only_says_nothing_about_the_transaction() -> None:
    assert listing_says(listing(), TX) is Ownership.UNSTATED


def test_a_listing_that_names_the_transaction_matches_it_in_any_letter_case() -> None:
    assert listing_says(listing(transactionId=TX.upper()), TX) is Ownership.MATCH


def test_a_listing_that_names_another_transaction_is_a_mismatch() -> None:
    assert listing_says(listing(transactionId=OTHER), TX) is Ownership.MISMATCH


def test_file_names_carrying_the_id_match_it() -> None:
    assert listing_says(listing(f"{TX}_"), TX) is Ownership.MATCH


def test_file_names_carrying_another_id_are_a_mismatch() -> None:
    assert listing_says(listing(f"{OTHER}_"), TX) is Ownership.MISMATCH


def test_a_reason_is_kept_on_one_line_without_control_characters() -> None:
    assert confirmation_reason("  ticket\nSUP-1042\x1b[31m  ") == ("ticket SUP-1042 [31m", None)


@pytest.mark.parametrize("reason", ["", "ok", "x" * (MAX_REASON + 1)])
def test_a_reason_too_short_or_too_long_is_refused(reason: str) -> None:
    assert confirmation_reason(reason)[0] is None


@pytest.mark.parametrize("reason", [
    "asked by customer@example.com",
    "customer +20 100 123 4567 called",
    "customer 010-0123-4567 called",
    "ID 29001011234567 checked",
    "customer 00201001234567 called",
    "customer 0020 100 123 4567 called",
    "customer (0020) 100.123.4567 called",
    "customer 20 100 123 4567 called",
    "customer 100 123 4567 called",
    "customer 010–0123–4567 called",
    "customer ٠١٠٠١٢٣٤٥٦٧ called",
])
def test_a_reason_with_an_e_mail_phone_or_national_id_number_is_refused(reason: str) -> None:
    kept, problem = confirmation_reason(reason)
    assert kept is None and problem is not None and "out of the reason" in problem


def test_a_ticket_number_is_an_acceptable_reason() -> None:
    assert confirmation_reason("ticket INC-0012345") == ("ticket INC-0012345", None)


def test_eight_digits_in_a_row_are_refused_even_in_a_ticket_number() -> None:
    """A phone number has no fixed shape once it is spaced out or prefixed with 00: any run of
    eight digits or more (separators taken out) is kept out of the audit log."""
    kept, problem = confirmation_reason("ticket INC-2026-000123")
    assert kept is None and problem is not None and "8 digits or more" in problem
