"""The attempt registry: unguessable tokens, bounded size, expiry that releases everything, and
pages that resume an attempt from the URL (a reload) or explain an ended one."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components.ui.attempt_registry import REGISTRY, AttemptRegistry
from components.ui.session import TOKEN_PARAM
from tests.app_harness import APP, attempt_of, capture_everything, fake_camera, simulator, start_app


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_tokens_are_long_random_and_distinct() -> None:
    registry = AttemptRegistry()
    tokens = set()
    for _ in range(50):
        attempt = registry.open("en")
        assert attempt is not None
        tokens.add(attempt.token)
    assert len(tokens) == 50
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, URL-safe base64


def test_a_full_registry_refuses_new_attempts_until_old_ones_expire() -> None:
    clock = Clock()
    registry = AttemptRegistry(max_attempts=3, idle_s=60, clock=clock)
    kept = [registry.open("en") for _ in range(3)]
    assert all(kept)
    assert registry.open("en") is None and len(registry) == 3
    clock.now += 61
    assert registry.open("ar") is not None and len(registry) == 1


def test_an_idle_attempt_expires_and_is_closed_but_a_visited_one_lives_on() -> None:
    clock = Clock()
    registry = AttemptRegistry(idle_s=60, lifetime_s=600, clock=clock)
    idle, visited = registry.open("en"), registry.open("en")
    assert idle is not None and visited is not None
    idle.consent = True
    for _ in range(3):
        clock.now += 40
        assert registry.find(visited.token) is visited
    assert registry.find(idle.token) is None
    assert idle.closed and not idle.consent
    clock.now += 600  # past the lifetime, however often visited
    assert registry.find(visited.token) is None and visited.closed


def test_unknown_tokens_find_nothing() -> None:
    registry = AttemptRegistry()
    attempt = registry.open("en")
    assert attempt is not None
    assert registry.find(attempt.token[:-1]) is None
    assert registry.find("") is None
    registry.close(attempt.token)
    assert registry.find(attempt.token) is None and attempt.closed


def reopen(token: str, page: str) -> AppTest:
    """The same URL opened in a new browser session (a reload or a restored tab)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[TOKEN_PARAM] = token
    at.run()  # registers the app's pages
    at.switch_page(page).run()
    at._page_hash = ""
    return at


def test_a_reload_resumes_the_review_in_the_customers_language() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app("ar")
        capture_everything(at, camera)
        token = attempt_of(at).token
        again = reopen(token, "pages/review.py")
        assert not again.exception
        assert again.title[0].value == "راجع صورك"
        assert not again.button(key="submit").disabled


def test_an_ended_attempt_explains_itself_and_offers_to_start_again() -> None:
    with simulator(), fake_camera():
        at = start_app()
        token = attempt_of(at).token
        REGISTRY.close(token)  # as expiry does
        again = reopen(token, "pages/capture.py")
        assert again.title[0].value == "This session has ended"
        again.button(key="attempt_restart").click().run()
        assert TOKEN_PARAM not in again.query_params
        assert again.button(key="language_en")
