"""Page frame shared by every screen: RTL layout, demo label, language switch, flow progress."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Final

import streamlit as st

from components.ui.i18n import LANGUAGES, Language, current_language, is_rtl, set_language, t

FLOW: Final[tuple[str, ...]] = ("language", "consent", "capture", "review", "results")

# Streamlit's main column; everything customers read lives inside it.
_RTL_CSS: Final = """
<style>
[data-testid="stMainBlockContainer"], [data-testid="stSidebarContent"] {
  direction: rtl;
  text-align: right;
}
/* Streamlit aligns each element's text to the left explicitly: flip it too. */
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"],
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] * {
  text-align: right !important;
}
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] :is(ul, ol) {
  padding-left: 0;
  padding-right: 1.5em;
  margin-left: 0;
}
/* Plain text (ids in "Details for support", Vlens' values) takes each line's direction from
   its first letter: an id on its own line reads left to right inside the Arabic page. */
[data-testid="stMainBlockContainer"] [data-testid="stText"] { unicode-bidi: plaintext; }
/* Links and ids are left-to-right text: without this a wrapped link shows its hyphens at the
   wrong end of a line. */
[data-testid="stMainBlockContainer"] [data-testid="stCode"] :is(pre, code) {
  direction: ltr;
  text-align: left !important;
  unicode-bidi: isolate;
}
</style>
"""


def apply_direction() -> None:
    """Right-to-left layout for Arabic (injected CSS; left-to-right is Streamlit's default)."""
    if is_rtl():
        st.html(_RTL_CSS)


# Every page: one content width (56rem, the capture page's video beside its guidance), text
# contrast of at least 4.5:1 (Streamlit's captions are #828180 on white,
# 3.88:1), the demo label as a plain note (not an alert), smaller section headings.
_PAGE_CSS: Final = """
<style>
[data-testid="stMainBlockContainer"] { max-width: 56rem; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #575654; }
[data-testid="stWidgetLabel"] p { color: inherit; }
.demo-label {
  border: 1px solid #b08400; background: #fff8e1; color: #3d2e00;
  border-radius: 0.5rem; padding: 0.5rem 0.75rem; margin: 0;
}
[data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem; }
/* Phones: progress line and language switch stay on one row. */
.st-key-page_top [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
.st-key-page_top [data-testid="stColumn"] { min-width: 0; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; padding-bottom: 0.25rem; }
}
[data-testid="stMainBlockContainer"] h3 { font-size: 1.2rem; }
</style>
"""

# The document's language, direction and title for the page shown; on a page change, focus on
# the new page's heading (or ``focus_key``'s element) once it is there, scrolled into view.
_FRAME_JS: Final = """
<script>
(() => {
  const frame = %s;
  const root = document.documentElement;
  root.lang = frame.lang;
  root.dir = frame.dir;
  // Streamlit writes set_page_config's title when it changes (a language switch), possibly after
  // this script: the page's own title is put back whenever something else writes one.
  window.__vlensTitle = frame.title;
  document.title = frame.title;
  if (!window.__vlensTitleKeeper) {
    window.__vlensTitleKeeper = new MutationObserver(() => {
      if (document.title !== window.__vlensTitle) document.title = window.__vlensTitle;
    });
    window.__vlensTitleKeeper.observe(document.head,
      {childList: true, subtree: true, characterData: true});
  }
  // streamlit-webrtc's own buttons (START, STOP, SELECT CAMERA) are capitalised by its theme;
  // the app writes sentence case. Its iframe is same-origin: restyle it once it has loaded.
  if (!window.__vlensSentenceCase) {
    const restyle = iframe => {
      const doc = iframe.contentDocument;
      if (!doc || !doc.head || doc.getElementById('vlens-sentence-case')) return;
      const style = doc.createElement('style');
      style.id = 'vlens-sentence-case';
      style.textContent = 'button { text-transform: none !important; }';
      doc.head.appendChild(style);
    };
    const scan = () => document
      .querySelectorAll('iframe[title="streamlit_webrtc.component.webrtc_streamer"]')
      .forEach(iframe => {
        restyle(iframe);
        if (!iframe.dataset.vlensSentenceCase) {
          iframe.dataset.vlensSentenceCase = '1';
          iframe.addEventListener('load', () => restyle(iframe));
        }
      });
    window.__vlensSentenceCase = new MutationObserver(scan);
    window.__vlensSentenceCase.observe(document.body, {childList: true, subtree: true});
    scan();
  }
  if (window.__vlensPage === frame.page) return;
  window.__vlensPage = frame.page;
  let tries = 0;
  const focus = () => {
    const heading = [...document.querySelectorAll('h1')]
      .find(h => h.textContent.includes(frame.heading));
    const keyed = frame.focusKey ? document.querySelector('.st-key-' + frame.focusKey) : null;
    const target = frame.focusKey ? keyed : heading;
    if (!heading || !target) {
      if (++tries < 100) setTimeout(focus, 100);
      return;
    }
    document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')
      .forEach(el => { el.scrollTop = 0; });
    target.setAttribute('tabindex', '-1');
    target.focus({preventScroll: true});
    target.scrollIntoView({block: 'nearest'});
  };
  focus();
})();
</script>
"""


def page_frame(page: str, heading: str, focus_key: str | None = None) -> None:
    """Contrast fixes, and the document's ``lang``/``dir``/title for ``page``; on a page change,
    focus moves to the page's ``heading`` (an h1's text) or the ``focus_key`` element."""
    st.html(_PAGE_CSS)
    language = current_language()
    titled = page in FLOW or page in ("verifying", "handoff")
    frame = {
        "lang": language,
        "dir": "rtl" if is_rtl() else "ltr",
        "title": f"{t(f'nav.{page}')} · {t('app.title')}" if titled else t("app.title"),
        "page": page,
        "heading": heading,
        "focusKey": focus_key,
    }
    st.html(_FRAME_JS % json.dumps(frame), unsafe_allow_javascript=True)


def demo_label(demo: bool) -> None:
    """The demo-mode note on every page: a plain note, not an alert read out on each page."""
    if demo:
        st.html(f'<p class="demo-label" role="note">{html.escape(t("app.demo_label"))}</p>')


def language_switch() -> None:
    """A small button that flips between English and Arabic, on every page but the first."""
    target: Language = "ar" if current_language() == "en" else "en"
    if st.button(t("app.switch_language"), key="switch_language", type="tertiary"):
        set_language(target)
        st.rerun()


def flow_progress(page: str) -> None:
    """One line saying where the customer is in the flow, e.g. "Photos · 3 of 5"."""
    if page not in FLOW:
        return
    st.caption(t("app.progress", current=t(f"nav.{page}"), step=FLOW.index(page) + 1,
                 total=len(FLOW)))


# Pages shown before the customer's language is known: each block in its own language and
# direction, whatever the page's (Streamlit aligns text explicitly, so alignment is set too).
_DIRECTIONS: Final[dict[str, tuple[str, str]]] = {"en": ("ltr", "left"), "ar": ("rtl", "right")}
# The blocks' lang and dir attributes (screen readers read each in its language), set once the
# blocks are on the page.
_MARK_BLOCKS_JS: Final = """
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


def in_both_languages(key: str, draw: Callable[[Language], None]) -> None:
    """``draw`` in English, then in Arabic, each in a block keyed ``<key>_<language>`` that
    reads in its own language and direction."""
    css = "\n".join(
        f'[data-testid="stMainBlockContainer"] .st-key-{key}_{language} {{ '
        f"direction: {direction}; }}\n"
        f'[data-testid="stMainBlockContainer"] .st-key-{key}_{language} '
        ':is([data-testid="stElementContainer"], [data-testid="stMarkdownContainer"] *) '
        f"{{ text-align: {side} !important; }}"
        for language, (direction, side) in _DIRECTIONS.items())
    st.html(f"<style>\n{css}\n</style>")
    for language in LANGUAGES:
        with st.container(key=f"{key}_{language}"):
            draw(language)
    marks = [[f"{key}_{language}", language, _DIRECTIONS[language][0]] for language in LANGUAGES]
    st.html(_MARK_BLOCKS_JS % json.dumps(marks), unsafe_allow_javascript=True)


def helper_frames_take_no_room(*keys: str) -> None:
    """Let the 0 px helper components keyed ``keys`` (browser facts reported to the server)
    take no room. A component frame is inline, so even a 0 px one took a text line (~26 px);
    and every element has the 1rem gap of its column after it."""
    frames = ", ".join(f".st-key-{key} iframe" for key in keys)
    elements = ", ".join(f".st-key-{key}" for key in keys)
    st.html(f"<style>{frames} {{ display: block; }} {elements} {{ margin-bottom: -1rem; }}</style>")
