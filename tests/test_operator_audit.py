"""The operator audit line as plain text: every value stays one field, whatever it contains."""

from __future__ import annotations

import json
import logging
import re

import pytest

from components.ui.operator_audit import audit

TX = "3f0c8a52-6b1e-4c55-9d0e-2a7f1b9c4d21"
_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"()]+)')


def plain_line(caplog: pytest.LogCaptureFixture) -> str:
    (record,) = [r for r in caplog.records if r.name == "vlens.operator"]
    return record.getMessage()


def fields_read_back(line: str) -> dict[str, object]:
    """The details as a reader of the plain-text log splits them: key=value, quoted values
    JSON-decoded."""
    details = line[line.index(" (") + 2:line.rindex(")")]
    return {key: json.loads(value) if value.startswith('"') else value
            for key, value in _FIELD.findall(details)}


def test_a_reason_that_looks_like_more_fields_stays_one_value_in_the_plain_text_log(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vlens.operator")
    forged = "ticket 1 operator=bob confirmed_by_operator=True"
    audit("alice", "confirmed a transaction is the customer's", transaction_id=TX,
          reason=forged)
    assert fields_read_back(plain_line(caplog)) == {"transaction_id": TX, "reason": forged}


def test_a_value_with_a_line_break_or_quote_cannot_start_another_log_line(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vlens.operator")
    forged = 'x"\noperator bob: viewed images (images=6)'
    audit("alice", "transaction refused", reason=forged)
    line = plain_line(caplog)
    assert "\n" not in line
    assert fields_read_back(line) == {"reason": forged}


def test_an_operator_name_with_spaces_is_quoted_in_the_plain_text_log(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vlens.operator")
    audit("eve (x=1)", "sign-in refused", method="oidc")
    assert plain_line(caplog) == 'operator "eve (x=1)": sign-in refused (method=oidc)'
