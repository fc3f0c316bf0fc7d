"""Envelopes and demo data the simulator answers with. All personal data is plainly fake."""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response

from .scenario import Scenario

# A well-formed 14-digit national number: 2 (1900s) 900101 (1 Jan 1990) 01 (Cairo) 1234 5;
# serial 1234 ends even, so the card holder is female.
DEMO_ID_NUMBER = "29001010112345"


def envelope(
    data: Any = None,
    *,
    code: int | None = None,
    message: str | None = None,
    status: int = 200,
    services: dict[str, Any] | None = None,
    scenario: Scenario | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {}
    if services is not None:
        if scenario is not None and scenario.services_in_data and isinstance(data, dict):
            data = {**data, "services": services}
        else:
            body["services"] = services
    body.update({"data": data, "error_code": code, "error_message": message,
                 "error_descriptions": None})
    return JSONResponse(body, status_code=status, headers=headers)


def html_page(status: int) -> Response:
    return HTMLResponse("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                        "<body><h1>Bad Gateway</h1><p>nginx</p></body></html>",
                        status_code=status)


def id_front_data(transaction_id: str, extracted: bool) -> dict[str, Any]:
    if not extracted:
        return {"transaction_id": transaction_id}
    return {
        "name": "DEMO PERSON", "first_name": "DEMO", "last_names": "PERSON",
        "name_english": "DEMO PERSON", "first_name_english": "DEMO",
        "last_names_english": "PERSON",
        "address": "1 DEMO STREET", "address_english": "1 DEMO STREET",
        "govern": "CAIRO (DEMO)", "govern_english": "CAIRO (DEMO)",
        "dateOfBirth": "1990-01-01T00:00:00Z", "idNumber": DEMO_ID_NUMBER,
        "gender": "female", "idKey": "DEMO0000", "transaction_id": transaction_id,
    }


def id_back_data(transaction_id: str, extracted: bool) -> dict[str, Any]:
    if not extracted:
        return {"transaction_id": transaction_id}
    return {
        "maritalStatus": "single", "job": "DEMO JOB", "jobTitle": "DEMO",
        "religion": "DEMO", "husbandName": None, "releaseDate": "2020-01-01T00:00:00Z",
        "idExpiry": "2027-01-01T00:00:00Z", "idNumber": DEMO_ID_NUMBER, "gender": "female",
        "transaction_id": transaction_id,
    }


def card_services(scenario: Scenario, *, front: bool) -> dict[str, Any]:
    issues = []
    if front and scenario.validation_errors:
        issues.append({"field": "dateOfBirth", "value": "1990-13-01",
                       "errors": [{"code": "1001", "message": "Invalid date of birth"}]})
    validations_key = "validations" if scenario.lowercase_keys else "Validations"
    return {"classification": {"doc_type": "national_id"},
            validations_key: {"validation_errors": issues}}


def liveness_services(scenario: Scenario) -> dict[str, Any]:
    aml: dict[str, Any] = {"AML_matched": scenario.aml_match}
    if scenario.aml_match:
        aml["data"] = [{"caseNo": "DEMO-0001", "caseYear": "2020",
                        "recordDate": "2020-01-01T00:00:00Z", "fullName": "DEMO PERSON",
                        "idNumber": DEMO_ID_NUMBER, "dateOfBirth": "1990-01-01T00:00:00Z",
                        "score": 0.91}]
    src: dict[str, Any] = {"isValid": not scenario.src_invalid}
    if scenario.src_invalid:
        src.update(errorCode="SRC-DEMO", errorKey="record_not_found",
                   errorMessage="Demo: the authority record could not be matched")
    aml_key, src_key = ("aml", "src") if scenario.lowercase_keys else ("AML", "SRC")
    return {"spoofing": {"fake": scenario.spoof}, "liveness": not scenario.spoof,
            aml_key: aml, src_key: src}


def liveness_data(scenario: Scenario, transaction_id: str, extracted: bool) -> dict[str, Any]:
    completed = not scenario.spoof
    verified = completed and not (scenario.src_invalid or scenario.authority_unverified)
    data: dict[str, Any] = {"isVerificationProcessCompleted": completed,
                            "isDigitalIdentityVerified": verified}
    if extracted:
        data["idFrontData"] = id_front_data(transaction_id, True)
        data["idBackData"] = id_back_data(transaction_id, True)
    return data
