"""Response parsing: case-insensitive keys, services beside or inside data, transaction ids."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.vlens.models import (
    Envelope,
    Services,
    StepResult,
    TokenGrant,
    VerifyStep,
    ci_get,
)

# Keys the parser looks for, so generated bodies reach the interesting branches.
KEYS = ["data", "services", "error_code", "error_message", "idFrontData", "transaction_id",
        "spoofing", "fake", "AML", "AML_matched", "SRC", "isValid", "Validations",
        "validation_errors", "errors", "field", "accessToken", "expireInSeconds", "score",
        "isVerificationProcessCompleted", "isDigitalIdentityVerified", "liveness"]

# The official example response of verify/liveness/multi (services beside data).
OFFICIAL_EXAMPLE = {
    "services": {"spoofing": {"fake": False}, "liveness": True, "AML": {"AML_matched": False},
                 "SRC": {"isValid": True}},
    "data": {"isVerificationProcessCompleted": True, "isDigitalIdentityVerified": True},
    "error_code": None,
}


def step(body: dict, status: int = 200) -> StepResult:
    return StepResult.from_envelope(VerifyStep.LIVENESS, Envelope.parse(body, status, "rid"))


def test_official_example_top_level_services() -> None:
    result = step(OFFICIAL_EXAMPLE)
    assert result.error_code is None and not result.failed
    s = result.services
    assert (s.spoofing_fake, s.liveness, s.aml_matched, s.src_valid) == (False, True, False, True)
    assert result.is_verification_process_completed is True
    assert result.is_digital_identity_verified is True
    assert result.raw is OFFICIAL_EXAMPLE


def test_services_nested_in_data_and_other_casing() -> None:
    body = {
        "Data": {"IsVerificationProcessCompleted": True, "isdigitalidentityverified": False,
                 "services": {"Spoofing": {"Fake": True}, "LIVENESS": False,
                              "aml": {"aml_matched": True, "data": [
                                  {"caseNo": "1", "fullName": "X", "score": 0.7}]},
                              "src": {"isvalid": False, "errorCode": 12},
                              "validations": {"validation_errors": [
                                  {"field": "dateOfBirth", "value": "x",
                                   "errors": [{"code": "1001", "message": "bad date"}]}]}}},
        "Error_Code": None,
    }
    result = step(body)
    s = result.services
    assert (s.spoofing_fake, s.liveness, s.aml_matched, s.src_valid) == (True, False, True, False)
    assert s.src_error_code == "12"
    assert s.aml_records[0].full_name == "X" and s.aml_records[0].score == 0.7
    assert s.validation_errors[0].field == "dateOfBirth"
    assert s.validation_errors[0].first_message == "bad date"
    assert result.failed  # validation errors fail the step, as in the official SDK
    assert result.is_digital_identity_verified is False


def test_documented_validations_key() -> None:
    services = Services.parse({"Validations": {"validation_errors": []},
                               "classification": {"doc_type": "national_id"}})
    assert services.validation_errors == () and services.doc_type == "national_id"


def test_transaction_id_sources() -> None:
    assert step({"data": {"idFrontData": {"transaction_id": "a"}}}).transaction_id == "a"
    assert step({"data": {"idBackData": {"transactionId": "b"}}}).transaction_id == "b"
    assert step({"data": {"transaction_id": "c"}}).transaction_id == "c"
    assert step({"data": {"idFrontData": None}}).transaction_id is None


def test_error_envelopes() -> None:
    result = step({"data": None, "error_code": "4206", "error_message": "More than one face"}, 422)
    assert result.error_code == 4206 and result.failed and result.http_status == 422
    assert step({"data": None, "error_code": None, "error_message": "refused"}).failed


def test_ci_get_prefers_exact_key() -> None:
    assert ci_get({"Validations": 1, "validations": 2}, "validations") == 2
    assert ci_get({"Validations": 1}, "validations") == 1
    assert ci_get(None, "x", default=5) == 5



json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), json_values, max_size=6),
       st.sampled_from([200, 400, 415, 422]))
def test_any_json_object_parses_without_raising(body: dict, status: int) -> None:
    result = step(body, status)
    assert result.raw is body
    assert result.error_code is None or isinstance(result.error_code, int)
    assert isinstance(result.failed, bool) and isinstance(result.data, dict)
    TokenGrant.parse(body.get("data"))


@pytest.mark.parametrize(("raw", "parsed"), [("4206", 4206), (" 3011 ", 3011), ("²", None),
                                             ("x", None), (True, None), (None, None)])
def test_error_code_forms(raw: object, parsed: int | None) -> None:
    assert step({"data": None, "error_code": raw}).error_code == parsed


def test_token_grant_numbers() -> None:
    grant = TokenGrant.parse({"accessToken": "t", "expireInSeconds": "3600",
                              "refreshTokenExpireInSeconds": "inf"})
    assert grant is not None and grant.expire_in_seconds == 3600.0
    assert grant.refresh_token_expire_in_seconds is None
    assert TokenGrant.parse({"accessToken": ""}) is None
