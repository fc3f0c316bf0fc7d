"""Text that comes from Vlens (names, addresses, record-check and validation messages) reaches
the customer as plain text: a hostile or intercepted answer cannot make the results page load
a remote image or show a link (issue 10, item 7). Vlens' fixed English words are translated."""

from __future__ import annotations

from components.vlens import VerifyStep, run_verification
from tests.test_results_consistency import (
    IMAGES,
    VERIFIED_FLAGS,
    CannedVlens,
    answer,
    results_page,
)

BEACON = "![x](http://beacon.example/b.png)"
LINK = "[link](http://evil.example/)"
IMG = '<img src="http://beacon.example/i.png">'
HOSTILE = f"{BEACON} {LINK} {IMG}"


def hostile_outcome():  # type: ignore[no-untyped-def]
    validations = {"validation_errors": [{"field": "dateOfBirth", "value": "x", "errors": [
        {"code": "E1", "message": HOSTILE}]}]}
    front = answer(VerifyStep.ID_FRONT,
                   {"SRC": {"isValid": False, "errorMessage": HOSTILE},
                    "Validations": validations},
                   data={"idFrontData": {"name": HOSTILE, "address": HOSTILE,
                                         "idNumber": "29001010112345"}})
    return run_verification(CannedVlens({VerifyStep.ID_FRONT: front}), IMAGES,
                            get_extracted_data=True)


def test_hostile_vlens_text_is_shown_as_plain_text_never_as_markdown() -> None:
    outcome = hostile_outcome()
    at = results_page(outcome)
    markdown = "\n".join(str(element.value) for kind in ("markdown", "caption", "success",
                                                          "warning", "error", "info")
                         for element in at.get(kind))
    for fragment in ("beacon.example", "evil.example", "<img"):
        assert fragment not in markdown, fragment
    plain = "\n".join(str(element.value) for element in at.get("text"))
    assert plain.count(BEACON) >= 3 and LINK in plain and IMG in plain  # shown, verbatim
    for element in at.get("markdown"):
        assert not element.proto.allow_html, element.value


def test_fixed_words_from_vlens_are_shown_in_the_customers_language() -> None:
    front = answer(VerifyStep.ID_FRONT, data={"idFrontData": {
        "name": "DEMO PERSON", "gender": "female", "maritalStatus": "single"}})
    outcome = run_verification(CannedVlens({
        VerifyStep.ID_FRONT: front, VerifyStep.ID_BACK: answer(VerifyStep.ID_BACK),
        VerifyStep.LIVENESS: answer(VerifyStep.LIVENESS, {"liveness": True}, VERIFIED_FLAGS),
    }), IMAGES, get_extracted_data=True)
    plain = "\n".join(str(element.value) for element in results_page(outcome, "ar").get("text"))
    assert "أنثى" in plain and "female" not in plain and "single" not in plain
    assert "DEMO PERSON" in plain  # names stay as sent
