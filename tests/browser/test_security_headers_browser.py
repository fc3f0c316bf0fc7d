"""The real app behind the shipped Caddyfile (real Caddy), in Chromium: the security headers
(CSP with frame-ancestors, nosniff, no-referrer, HSTS) must not break anything the customer
uses. The app loads, the camera component's iframe renders and streams through WebRTC, and the
browser reports no Content-Security-Policy violation; the operator host serves the operator
page to an allowed address."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import ConsoleMessage

from tests import imagery
from tests.browser.camera import WebrtcCamera
from tests.browser.conftest import LaunchBrowser
from tests.browser.journey import (
    accept_consent,
    choose_english,
    en,
    wait_for_heading,
)
from tests.browser.server import StreamlitServer
from tests.caddy_proxy import shipped_caddy
from tests.clips import write_y4m

pytestmark = pytest.mark.browser


def test_the_app_works_under_the_proxys_security_headers(
        launch_browser: LaunchBrowser, app_server: StreamlitServer, clip_file: Path,
        tmp_path: Path) -> None:
    frame: np.ndarray = imagery.no_face_frame()
    clip = clip_file
    write_y4m(clip, [frame] * 30)
    page = launch_browser(clip).new_page()
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    with shipped_caddy(tmp_path, app_server.port, operator_allow="127.0.0.1/32 ::1/128") as proxy:
        first = page.goto(f"http://{proxy.customer_host}/")
        assert first is not None
        assert "frame-ancestors 'self'" in first.headers["content-security-policy"]
        wait_for_heading(page, f"{en('language.title')} ·")
        choose_english(page)
        wait_for_heading(page, en("consent.title"))
        accept_consent(page)
        wait_for_heading(page, en("capture.title"))
        WebrtcCamera(page).start()
        page.goto(f"http://{proxy.operator_host}/operator")
        wait_for_heading(page, "Operator review")
    assert violations == []
