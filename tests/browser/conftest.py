"""Fixtures for real-browser tests: Streamlit servers, Chromium with a fake camera, screenshots."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.browser.chromium import (
    browser_unavailable,
    launch_plain,
    launch_with_camera,
    require_chromium_executable,
)
from tests.browser.screenshots import StepShots
from tests.browser.server import REPO_ROOT, StreamlitServer

ARTIFACTS = REPO_ROOT / "artifacts"
SMOKE_APP = Path(__file__).with_name("webrtc_smoke_app.py")
APP = REPO_ROOT / "app.py"

ServeScript = Callable[[Path, str], StreamlitServer]
LaunchBrowser = Callable[[Path], Browser]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _serve(tmp_dir: Path, script: Path, name: str,
           env: dict[str, str] | None = None) -> StreamlitServer:
    return StreamlitServer(
        script=script,
        log_path=ARTIFACTS / "logs" / f"{name}.log",
        secrets_file=tmp_dir / "secrets.toml",
        env={"VLENS_TEST_NO_ICE": "1", **(env or {})},
    ).start()


def serve_app(tmp_path_factory: pytest.TempPathFactory, name: str,
              env: dict[str, str] | None = None) -> StreamlitServer:
    """The real app in demo mode with extra environment ``env`` (e.g. a demo scenario)."""
    return _serve(tmp_path_factory.mktemp(name), APP, name, env)


@pytest.fixture(scope="module")
def smoke_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The throwaway WebRTC smoke app, served for one test module."""
    server = _serve(tmp_path_factory.mktemp("smoke"), SMOKE_APP, "webrtc-smoke-server")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The real app (demo mode: no Vlens settings, embedded simulator), served for one module."""
    if not APP.exists():
        pytest.fail(f"{APP} does not exist yet", pytrace=False)
    server = _serve(tmp_path_factory.mktemp("app"), APP, "app-server")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver; checks first that a Chromium executable is there at all."""
    require_chromium_executable()
    try:
        manager = sync_playwright()
        instance = manager.start()
    except Exception as exc:  # the driver is missing or cannot run here
        browser_unavailable(f"Playwright's driver did not start: {exc}")
    try:
        yield instance
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def plain_browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Chromium without a camera clip, shared by one module (upload-path tests)."""
    browser = launch_plain(playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def launch_browser(playwright: Playwright) -> Iterator[LaunchBrowser]:
    """Factory: headless Chromium whose camera plays the given Y4M clip; closed after the test."""
    browsers: list[Browser] = []

    def launch(clip: Path) -> Browser:
        browser = launch_with_camera(playwright, clip)
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def clip_file(tmp_path: Path) -> Iterator[Path]:
    """Where a test writes its camera clip (tens of MB); removed after the test."""
    path = tmp_path / "camera.y4m"
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Iterator[StepShots]:
    """Per-step screenshots in artifacts/screenshots/<test name>/; one more if the test fails."""
    recorder = StepShots(ARTIFACTS / "screenshots" / request.node.name)
    yield recorder
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and recorder.page is not None:
        with contextlib.suppress(Exception):  # the page or browser may be gone already
            recorder.take(recorder.page, "failure")
