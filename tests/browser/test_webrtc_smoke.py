"""WebRTC in headless Chromium on this machine, independent of the app: fake camera -> aiortc ->
server-side processing -> video back in the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.camera import WEBRTC_IFRAME, WebrtcCamera
from tests.browser.conftest import LaunchBrowser
from tests.browser.screenshots import StepShots
from tests.browser.server import StreamlitServer
from tests.clips import write_face_clip

pytestmark = pytest.mark.browser

# Average colour of the marker's inner 32x32 pixels, read back from the <video> in the page.
MARKER_RGB_JS = """v => {
    const canvas = document.createElement("canvas");
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(v, 0, 0);
    const data = ctx.getImageData(8, 8, 32, 32).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
        sum[0] += data[i]; sum[1] += data[i + 1]; sum[2] += data[i + 2];
    }
    return sum.map(s => s / (data.length / 4));
}"""


def test_fake_camera_round_trips_through_the_server(
    launch_browser: LaunchBrowser, smoke_server: StreamlitServer, shots: StepShots, clip_file: Path
) -> None:
    clip = write_face_clip(clip_file, seconds=2.0)
    page = shots.watch(launch_browser(clip).new_page(viewport={"width": 1000, "height": 900}))
    page.goto(smoke_server.url)
    page.wait_for_selector(WEBRTC_IFRAME, timeout=30_000)
    shots.take(page, "loaded")

    camera = WebrtcCamera(page)
    camera.start()
    shots.take(page, "streaming")

    state = camera.video_state()
    assert state is not None
    assert (state["width"], state["height"]) == (640, 480), "the clip's size, not a default"

    video = camera.frame.locator("video").first
    camera.wait_until(
        lambda: _is_green(video.evaluate(MARKER_RGB_JS)),
        "the server's one-face marker (green) in the returned video",
        timeout_s=20,
    )
    shots.take(page, "marker-green")
    assert camera.is_streaming(), "frames stopped arriving"


def _is_green(rgb: list[float]) -> bool:
    red, green, blue = rgb
    return green > 180 and red < 90 and blue < 90
