"""The English and Arabic catalogues cover the same texts, and every text the app asks for."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from components.capture.hints import Hint, Step
from components.ui.extracted import FIELDS
from components.ui.i18n import translate
from components.ui.navigation import PAGES
from components.ui.strings_ar import STRINGS as AR
from components.ui.strings_en import STRINGS as EN
from components.vlens import Verdict, VerifyStep

ROOT = Path(__file__).resolve().parents[1]
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
# Keys whose text is the same in both languages on purpose (names of the languages themselves).
SAME_IN_BOTH = {"language.english", "language.arabic"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_english_key_has_an_arabic_text_and_the_reverse() -> None:
    assert sorted(set(EN) - set(AR)) == []
    assert sorted(set(AR) - set(EN)) == []


@pytest.mark.parametrize("key", sorted(EN))
def test_both_languages_use_the_same_placeholders(key: str) -> None:
    assert placeholders(EN[key]) == placeholders(AR[key])


def has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", text)))


WORDED = sorted(
    k for k in EN if has_words(EN[k]) and k not in SAME_IN_BOTH | {"app.switch_language"}
)


@pytest.mark.parametrize("key", WORDED)
def test_arabic_texts_are_written_in_arabic(key: str) -> None:
    assert ARABIC_LETTER.search(AR[key]), f"{key} has no Arabic letters: {AR[key]!r}"
    assert AR[key] != EN[key]


@pytest.mark.parametrize("hint", list(Hint))
def test_every_capture_hint_code_has_a_text(hint: Hint) -> None:
    assert f"hint.{hint.value}" in EN
    assert f"hint.{hint.value}" in AR


@pytest.mark.parametrize("step", list(Step))
def test_every_step_has_a_name_a_label_and_instructions(step: Step) -> None:
    for part in ("name", "label", "instructions"):
        assert f"step.{step.value}.{part}" in EN


def test_every_text_key_the_app_asks_for_exists() -> None:
    sources = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"),
               *(ROOT / "components" / "ui").glob("*.py")]
    used = set()
    for source in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z_.]+)["']""", source.read_text()))
    assert used, "no t(...) calls found: the scan is broken"
    assert sorted(used - set(EN)) == []


def test_placeholders_are_filled_and_unknown_keys_show_the_key() -> None:
    assert translate("ar", "capture.face_progress", count=2) == "صور الوجه: 2 من 3"
    assert translate("en", "capture.step_heading", index=2, total=3,
                     name=EN["step.id_back.name"]) == "Step 2 of 3: back of your ID"
    assert translate("en", "no.such_key") == "no.such_key"


@pytest.mark.parametrize("catalogue", [EN, AR], ids=["en", "ar"])
def test_screening_texts_never_mention_sanctions_or_lists(catalogue: dict[str, str]) -> None:
    aml = " ".join(text for key, text in catalogue.items() if key.startswith("card.aml."))
    for word in ("sanction", "list", "match", "عقوب", "قائم", "تطابق"):
        assert word not in aml.lower()


def test_every_key_built_at_run_time_exists() -> None:
    """Keys the app assembles from values (verdicts, API steps, pages, extracted fields)."""
    built = [f"verdict.{v.value}.{part}" for v in Verdict for part in ("title", "body")]
    built += [f"api_step.{step.value}" for step in VerifyStep]
    built += [f"nav.{name}" for name in PAGES]
    built += [f"extracted.field.{field}" for field in FIELDS]
    assert [key for key in built if key not in EN] == []
