"""Translation lookup: ``t(key, **kwargs)`` in the language chosen for this session."""

from __future__ import annotations

import logging
from typing import Final, Literal

from components.ui import strings_ar, strings_en

Language = Literal["en", "ar"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "ar")
CATALOGUES: Final[dict[Language, dict[str, str]]] = {
    "en": strings_en.STRINGS,
    "ar": strings_ar.STRINGS,
}
_log = logging.getLogger(__name__)


def translate(language: Language, key: str, **kwargs: object) -> str:
    """The text for ``key`` in ``language`` (English if missing there), placeholders filled.

    An unknown key is logged and shown as the key itself rather than breaking the page; the
    i18n tests make sure every key used by the app exists in both catalogues.
    """
    text = CATALOGUES[language].get(key) or strings_en.STRINGS.get(key)
    if text is None:
        _log.warning("missing UI text %r", key)
        return key
    return text.format(**kwargs) if kwargs else text


def current_language() -> Language:
    """The attempt's language; before there is an attempt, the one chosen in this session."""
    from components.ui import session

    attempt = session.current()
    if attempt is not None:
        return attempt.language
    return session.language_before_attempt() or "en"


def set_language(language: Language) -> None:
    from components.ui import session

    attempt = session.current()
    if attempt is not None:
        attempt.language = language
    session.remember_language(language)


def is_rtl() -> bool:
    return current_language() == "ar"


def t(key: str, **kwargs: object) -> str:
    """The text for ``key`` in this session's language."""
    return translate(current_language(), key, **kwargs)
