"""Error catalogue: every documented code has a category, English and Arabic text, a next step."""

from __future__ import annotations

import re

import pytest

from components.vlens import ErrorCategory, Retake, describe_error
from components.vlens.catalogue import documented_codes

DOCUMENTED = [400, 401, 403, 415, 422, 500, 1001, 1050, *range(3001, 3014), 3101, 3102,
              *range(4001, 4006), *range(4206, 4210), *range(5000, 5004), *range(7000, 7007)]
ARABIC = re.compile(r"[\u0600-\u06FF]")
ERROR_CATEGORIES = {ErrorCategory.RETAKE_FACE, ErrorCategory.RETAKE_CARD, ErrorCategory.ACCOUNT,
                    ErrorCategory.SERVICE, ErrorCategory.AUTH, ErrorCategory.DOCUMENT}


def test_every_documented_code_is_catalogued() -> None:
    assert set(DOCUMENTED) <= set(documented_codes())


@pytest.mark.parametrize("code", DOCUMENTED)
def test_entry_is_complete_in_both_languages(code: int) -> None:
    info = describe_error(code)
    assert info.known and info.code == code
    assert info.category in ERROR_CATEGORIES
    assert str(code) in info.message["en"] and str(code) in info.message["ar"]
    assert ARABIC.search(info.message["ar"]) and ARABIC.search(info.next_step["ar"])
    assert not ARABIC.search(info.message["en"]) and info.next_step["en"]
    retake_categories = {ErrorCategory.RETAKE_FACE, ErrorCategory.RETAKE_CARD}
    assert (info.retake is not None) == (info.category in retake_categories)


@pytest.mark.parametrize(("code", "category", "retake"), [
    (4206, ErrorCategory.RETAKE_FACE, Retake.FACE),
    (4207, ErrorCategory.RETAKE_FACE, Retake.FACE),
    (4209, ErrorCategory.RETAKE_FACE, Retake.FACE),
    (3011, ErrorCategory.RETAKE_CARD, Retake.ID_FRONT),
    (7002, ErrorCategory.RETAKE_CARD, Retake.ID_BACK),
    (3010, ErrorCategory.DOCUMENT, None),  # expired: no retake makes it valid
    (4002, ErrorCategory.ACCOUNT, None),
    (4003, ErrorCategory.ACCOUNT, None),
    (5000, ErrorCategory.SERVICE, None),
    (401, ErrorCategory.AUTH, None),
    (403, ErrorCategory.AUTH, None),
])
def test_categories(code: int, category: ErrorCategory, retake: Retake | None) -> None:
    info = describe_error(code)
    assert (info.category, info.retake) == (category, retake)


def test_the_failing_step_decides_which_picture_to_retake() -> None:
    assert describe_error(3011, "id_back").retake is Retake.ID_BACK
    assert describe_error(3011, "id_front").retake is Retake.ID_FRONT
    too_big_face = describe_error(5002, "liveness")
    assert (too_big_face.category, too_big_face.retake) == (ErrorCategory.RETAKE_FACE, Retake.FACE)
    assert describe_error(415, "liveness").retake is Retake.FACE
    assert "back" in describe_error(1050, "id_back").next_step["en"]


def test_unknown_code_still_shows_the_code() -> None:
    info = describe_error(9876)
    assert not info.known and info.category is ErrorCategory.SERVICE
    assert "9876" in info.message["en"] and "9876" in info.message["ar"]
    assert info.next_step["en"] and info.retake is None
    assert "9876" in info.text("ar") and "9876" in info.text("fr")  # unknown language -> English
