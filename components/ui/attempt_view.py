"""What a customer sees when the link's attempt no longer exists (expired, deleted, mistyped).

Said in English and in Arabic, each block in its own language and direction: the attempt that
knew the customer's language is gone, and a restored tab is a new session (English by default).
"""

from __future__ import annotations

import json
from typing import Final, NoReturn

import streamlit as st

from components.ui import navigation, session
from components.ui.i18n import LANGUAGES, Language, set_language, translate

BLOCK_KEY: Final = "attempt_ended_{language}"
RESTART_KEYS: Final[dict[str, str]] = {"en": "attempt_restart", "ar": "attempt_restart_ar"}
DIRECTIONS: Final[dict[str, tuple[str, str]]] = {"en": ("ltr", "left"), "ar": ("rtl", "right")}

# Each block reads in its own direction whatever the page's (Streamlit aligns text explicitly).
_BLOCK_CSS: Final = "<style>\n" + "\n".join(
    f'[data-testid="stMainBlockContainer"] .st-key-attempt_ended_{language} {{ '
    f"direction: {direction}; }}\n"
    f'[data-testid="stMainBlockContainer"] .st-key-attempt_ended_{language} '
    ':is([data-testid="stElementContainer"], [data-testid="stMarkdownContainer"] *) '
    f"{{ text-align: {side} !important; }}"
    for language, (direction, side) in DIRECTIONS.items()) + "\n</style>"

# The blocks' lang and dir attributes (screen readers read each in its language), set once the
# blocks are on the page.
_BLOCK_JS: Final = """
<script>
(() => {
  const blocks = %s;
  let tries = 0;
  const mark = () => {
    const found = blocks.map(([key, lang, dir]) => [document.querySelector('.st-key-' + key),
                                                    lang, dir]);
    if (found.some(([element]) => !element)) {
      if (++tries < 100) setTimeout(mark, 100);
      return;
    }
    found.forEach(([element, lang, dir]) => { element.lang = lang; element.dir = dir; });
  };
  mark();
})();
</script>
"""


def _block(language: Language) -> None:
    with st.container(key=BLOCK_KEY.format(language=language)):
        st.title(translate(language, "attempt.expired.title"), anchor=False)
        st.write(translate(language, "attempt.expired.body"))
        if st.button(translate(language, "attempt.expired.restart"),
                     key=RESTART_KEYS[language], type="primary"):
            set_language(language)  # the language page follows in the one chosen here
            session.forget_token()
            navigation.go("language")


def attempt_ended() -> NoReturn:
    """Explain, in both languages, that the attempt has ended and offer to start again; stops
    the page."""
    st.html(_BLOCK_CSS)
    for language in LANGUAGES:
        _block(language)
    marks = [[BLOCK_KEY.format(language=language), language, DIRECTIONS[language][0]]
             for language in LANGUAGES]
    st.html(_BLOCK_JS % json.dumps(marks), unsafe_allow_javascript=True)
    st.stop()
