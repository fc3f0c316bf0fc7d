"""The customer's path through the app, step by step, as Playwright actions on the page.

Texts come from the app's English catalogue, so the tests assert exactly what a customer reads.
Widgets are found by the ``key=`` the app gives them (Streamlit renders it as ``.st-key-<key>``).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from components.ui.strings_ar import STRINGS as STRINGS_AR
from components.ui.strings_en import STRINGS

PAGE_LOAD_MS = 30_000


def en(key: str, **fields: object) -> str:
    """The English text the app shows for ``key``."""
    return STRINGS[key].format(**fields) if fields else STRINGS[key]


def say(language: str, key: str, **fields: object) -> str:
    """The text the app shows for ``key`` in ``language`` ("en" or "ar")."""
    text = (STRINGS_AR if language == "ar" else STRINGS).get(key) or STRINGS[key]
    return text.format(**fields) if fields else text


def keyed(page: Page, key: str) -> Locator:
    """The element container of the widget created with ``key=key``."""
    return page.locator(f".st-key-{key}")


def text(page: Page, value: str) -> Locator:
    return page.get_by_text(value, exact=False)


def shows(page: Page, value: str) -> bool:
    """Whether ``value`` is on screen right now."""
    found = text(page, value)
    return found.count() > 0 and found.first.is_visible()


def assert_no_app_error(page: Page) -> None:
    """Fail at once, with the error's text, when the app shows a Python exception."""
    error = page.locator('[data-testid="stException"]')
    if error.count() > 0:
        raise AssertionError(f"the app shows an exception: {error.first.inner_text()[:1500]}")


def showing(page: Page, value: str) -> Callable[[], bool]:
    """A condition for ``WebrtcCamera.wait_until``: ``value`` is on screen (app errors fail)."""

    def condition() -> bool:
        assert_no_app_error(page)
        return shows(page, value)

    return condition


def wait_for_heading(page: Page, value: str, timeout_ms: int = PAGE_LOAD_MS) -> None:
    """Wait for a page's title; an exception shown by the app fails at once."""
    heading = page.get_by_role("heading", name=value)
    error = page.locator('[data-testid="stException"]')
    expect(heading.or_(error).first).to_be_visible(timeout=timeout_ms)
    assert_no_app_error(page)
    expect(heading.first).to_be_visible()


def expect_demo_label(page: Page) -> None:
    expect(text(page, en("app.demo_label")).first).to_be_visible(timeout=PAGE_LOAD_MS)


def open_app(page: Page, url: str) -> None:
    """Load the app; it opens on the language choice."""
    page.goto(url)
    wait_for_heading(page, f"{en('language.title')} ·")


def choose_english(page: Page) -> None:
    choose_language(page, "en")


def choose_language(page: Page, language: str) -> None:
    label = say(language, "language.english" if language == "en" else "language.arabic")
    keyed(page, f"language_{language}").get_by_role("button", name=label).click()


def accept_consent(page: Page, language: str = "en") -> None:
    proceed = keyed(page, "consent_continue").get_by_role(
        "button", name=say(language, "consent.continue"))
    expect(proceed).to_be_disabled()
    keyed(page, "consent_checkbox").get_by_text(say(language, "consent.checkbox")).click()
    # The rerun may briefly show the old, disabled button beside the new one.
    enabled = keyed(page, "consent_continue").locator("button:not([disabled])")
    expect(enabled).to_have_count(1)
    enabled.click()


def go_to_review(page: Page, timeout_s: float = 30.0, language: str = "en") -> None:
    """Once every photo is taken, reach the review page.

    The app moves on by itself right after the last capture and otherwise offers a "Review
    photos" button; which of the two happens depends on timing, so either way is followed.
    """
    review_title = page.get_by_role("heading", name=say(language, "review.title"))
    button = keyed(page, "capture_review").get_by_role("button")
    deadline = time.monotonic() + timeout_s
    while not (review_title.count() > 0 and review_title.first.is_visible()):
        assert_no_app_error(page)
        if time.monotonic() > deadline:
            raise AssertionError(f"the review page did not open within {timeout_s:.0f} s")
        if button.count() > 0:
            with contextlib.suppress(PlaywrightError):  # the page may switch under the click
                button.first.click(timeout=2_000)
        time.sleep(0.3)
    wait_for_heading(page, say(language, "review.title"))


def step_heading(index: int, key: str) -> str:
    return en("capture.step_heading", index=index, total=3, name=en(f"step.{key}.name"))


FACE_TIMING = re.compile(
    re.escape(en("review.face_timing", count=3, seconds="@")).replace("@", r"\d+(\.\d+)?")
)


def write_upload_files(folder: Path) -> dict[str, Path]:
    """A card front and back photo and a selfie video, as a customer without a camera has."""
    from tests.clips import selfie_video
    from tests.imagery import card_in_frame, id_card_back, id_card_front, jpeg

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "id_front": (folder / "front.jpg",
                     jpeg(card_in_frame(id_card_front(), 1600, 1200, fill=0.7))),
        "id_back": (folder / "back.jpg",
                    jpeg(card_in_frame(id_card_back(), 1600, 1200, fill=0.7, seed=2))),
        "face": (folder / "selfie.mp4", selfie_video()),
    }
    for path, data in files.values():
        path.write_bytes(data)
    return {step: path for step, (path, _) in files.items()}


def upload_everything(page: Page, files: dict[str, Path], language: str = "en") -> None:
    """Upload both card sides and the selfie video; the app then opens the review by itself."""
    for step in ("id_front", "id_back", "face"):
        uploader = keyed(page, f"upload_{step}")
        uploader.locator('input[type="file"]').set_input_files(files[step])
        if step != "face":
            # Inside the (folded) upload section: on the page, not necessarily in view.
            added = say(language, "upload.added", name=say(language, f"step.{step}.label"))
            expect(text(page, added).first).to_be_attached(timeout=PAGE_LOAD_MS)
    go_to_review(page, timeout_s=60.0, language=language)


def choose_option(page: Page, key: str, label: str, tries: int = 5) -> None:
    """Pick ``label`` in the select box created with ``key=key``, as a keyboard user does:
    type its name (the list shows only what matches, so a long list need not scroll), then
    choose it. A rerun that redraws the box can swallow the typing, so it is typed again until
    the option shows."""
    box = keyed(page, key).get_by_role("combobox")
    option = page.get_by_role("option", name=label)
    for _ in range(tries):
        box.fill(label)
        try:
            option.click(timeout=3_000)
        except PlaywrightError:
            page.keyboard.press("Escape")
            continue
        expect(box).to_have_value(label, timeout=PAGE_LOAD_MS)
        return
    raise AssertionError(f"the option {label!r} of {key!r} never showed")


def to_capture(page: Page, url: str, language: str = "en") -> None:
    """From the app's first page to the capture page: the language, then consent."""
    open_app(page, url)
    choose_language(page, language)
    wait_for_heading(page, say(language, "consent.title"))
    accept_consent(page, language)
    wait_for_heading(page, say(language, "capture.title"))


def review_by_upload(page: Page, url: str, files: dict[str, Path], language: str = "en") -> None:
    """From the app's first page to the review, every photo uploaded (a customer without a
    camera)."""
    to_capture(page, url, language)
    upload_everything(page, files, language)


def double_click(page: Page, target: Locator, gap_ms: int = 200, touch: bool = False) -> None:
    """Two clicks (or taps) at the same spot ``gap_ms`` apart, as an impatient customer does:
    the second lands on whatever is there by then."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None, "the button is not on screen"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for index in range(2):
        if touch:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
        if index == 0:
            page.wait_for_timeout(gap_ms)
