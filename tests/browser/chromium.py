"""Launch Debian's Chromium with a fake camera, or explain why a browser test cannot run.

In CI (env ``CI`` set to a true value) a browser that cannot start fails the test; elsewhere the
test is skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, Error, Playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"

QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> Path:
    return Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def browser_unavailable(reason: str) -> NoReturn:
    """Fail in CI, skip elsewhere."""
    if running_in_ci():
        pytest.fail(f"browser test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def fake_camera_flags(clip: Path) -> list[str]:
    """Chromium flags that grant camera access and play ``clip`` (Y4M, looped) as the camera."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
        *QUIET_FLAGS,
    ]


def require_chromium_executable() -> Path:
    executable = chromium_path()
    if not os.access(executable, os.X_OK):
        browser_unavailable(
            f"no Chromium executable at {executable} (install Debian's chromium or set "
            "CHROMIUM_PATH)"
        )
    return executable


def launch_with_camera(playwright: Playwright, clip: Path) -> Browser:
    """Headless Chromium whose only camera plays ``clip``."""
    return _launch(playwright, fake_camera_flags(clip))


def launch_plain(playwright: Playwright) -> Browser:
    """Headless Chromium with Chromium's own fake camera (a test pattern), permission granted."""
    return _launch(playwright, ["--use-fake-ui-for-media-stream",
                                "--use-fake-device-for-media-stream", *QUIET_FLAGS])


def launch_with_cameras(playwright: Playwright, count: int) -> Browser:
    """Headless Chromium listing ``count`` fake cameras (test patterns), permission granted:
    a phone's front and rear cameras."""
    return _launch(playwright, ["--use-fake-ui-for-media-stream",
                                f"--use-fake-device-for-media-stream=device-count={count}",
                                *QUIET_FLAGS])


def launch_without_camera(playwright: Playwright) -> Browser:
    """Headless Chromium with no camera at all, as on a desktop without a webcam."""
    return _launch(playwright, list(QUIET_FLAGS))


def _launch(playwright: Playwright, args: list[str]) -> Browser:
    executable = require_chromium_executable()
    try:
        return playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=args,
            timeout=60_000,
        )
    except Error as exc:
        detail = "\n".join(str(exc).strip().splitlines()[:6]) or repr(exc)
        browser_unavailable(f"Chromium at {executable} did not start: {detail}")
