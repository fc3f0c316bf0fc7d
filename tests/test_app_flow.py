"""The main customer paths in AppTest against the simulator over real HTTP: camera frames from
the fixture imagery go through the app's real video-frame callback and capture engine, the
images are sent to the simulator, and the results page is read back."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
from unittest.mock import patch

from streamlit.testing.v1 import AppTest

from components.ui.attempt_registry import REGISTRY
from components.ui.captured import CaptureSet
from components.ui.session import TOKEN_PARAM
from components.vlens.simulator.scenario import ForcedError, Scenario
from components.vlens.simulator.server import Simulator, embedded_simulator
from tests.app_harness import (
    FakeStreamer,
    attempt_of,
    capture_everything,
    capture_step,
    demo_mode,
    fake_camera,
    page_text,
    send,
    simulator,
    start_app,
)

ID_NUMBER = "29001010112345"


def reach_review(at: AppTest, camera: FakeStreamer) -> None:
    capture_everything(at, camera)
    # The last capture moves the customer on by itself.
    assert at.title[0].value == "Check your photos", page_text(at)


def submit(at: AppTest) -> None:
    send(at)
    assert not at.exception
    assert at.title[0].value == "Your result", page_text(at)


def sent(at: AppTest) -> CaptureSet:
    value = attempt_of(at).sent
    assert isinstance(value, CaptureSet)
    return value


def received_hashes(sim: Simulator) -> dict[str, list[str]]:
    """SHA-256 of every base64 image field the simulator received, per field name."""
    received: dict[str, list[str]] = {}
    for request in sim.requests_to("DigitalIdentity/verify"):
        for name in ("image", "face_1", "face_2", "face_3"):
            blob = request.body.get(name) if isinstance(request.body, dict) else None
            if blob is not None:
                received.setdefault(f"{request.path.rsplit('/', 1)[-1]}.{name}", []).append(
                    blob.sha256)
    return received


def b64_hash(jpeg: bytes) -> str:
    return hashlib.sha256(base64.b64encode(jpeg)).hexdigest()


def test_verified_from_camera_to_results() -> None:
    with simulator() as sim, fake_camera() as camera:
        at = start_app()
        reach_review(at, camera)
        text = page_text(at)
        assert "Missing:" not in text
        assert re.search(r"3 frames in 0\.\d\d s", text)
        # Figures isolated left to right (whole in an Arabic line too).
        assert re.search("\u2066\\d+ KB\u2069 · \u2066\\d+×\\d+\u2069 px", text)
        assert not at.button(key="submit").disabled

        submit(at)
        assert at.success[0].value.startswith("**Verified**")
        text = page_text(at)
        for title in ("Real person and real card", "Liveness", "Compliance screening",
                      "Official record check", "Final checks"):
            assert title in text
        assert "All verification steps passed: Yes" in text
        # Extracted data: the national ID number stays masked until the customer asks.
        assert ID_NUMBER not in text and "••••••••••••45" in text
        at.toggle(key="show_id_number").set_value(True).run()
        assert ID_NUMBER in page_text(at)
        # What the simulator received is exactly what the session says it sent.
        images = sent(at)
        hashes = received_hashes(sim)
        assert hashes["front.image"] == [b64_hash(images.id_front.image.jpeg)]  # type: ignore[union-attr]
        assert hashes["multi.face_1"] == [b64_hash(images.faces[0].image.jpeg)]


def test_spoofing_is_explained_with_a_retake_of_the_face() -> None:
    with simulator(Scenario(spoof=True)), fake_camera() as camera:
        at = start_app()
        reach_review(at, camera)
        submit(at)
        assert at.error[0].value.startswith("**Not verified**")
        text = page_text(at)
        assert "The images looked like a photo of a screen or a printed picture." in text
        at.button(key="result_retake").click().run()
        assert at.title[0].value == "Take your photos"
        assert at.header[0].value == "Step 3 of 3: your face"


def test_an_aml_match_is_worded_neutrally_as_needs_review() -> None:
    with simulator(Scenario(aml_match=True)), fake_camera() as camera:
        at = start_app()
        reach_review(at, camera)
        submit(at)
        assert at.warning[0].value.startswith("**Needs review**")
        text = page_text(at)
        assert "needs a manual review by our team" in text
        lowered = text.lower()
        for word in ("sanction", " list", "matched", "aml"):
            assert word not in lowered, word
        assert "DEMO-0001" not in text and "0.91" not in text  # screening record details


def test_no_face_error_leads_to_a_face_retake_and_the_cards_are_not_sent_again() -> None:
    scenario = Scenario(forced_errors={"liveness": ForcedError(code=4207, times=1)})
    with simulator(scenario) as sim, fake_camera() as camera:
        at = start_app()
        reach_review(at, camera)
        submit(at)
        assert at.error[0].value.startswith("**Not verified**")
        text = page_text(at)
        assert "No face was detected." in text and "(code 4207)" not in text
        assert "Code 4207" in text  # under "Details for support"
        assert "retry_submission" not in [button.key for button in at.button]
        at.button(key="result_retake").click().run()
        assert at.header[0].value == "Step 3 of 3: your face"

        capture_step(at, camera, "face")
        assert at.title[0].value == "Check your photos"
        submit(at)
        assert at.success[0].value.startswith("**Verified**")
        hashes = received_hashes(sim)
        assert len(hashes["front.image"]) == 1 and len(hashes["back.image"]) == 1
        assert len(hashes["multi.face_1"]) == 2
        assert hashes["multi.face_1"][0] != hashes["multi.face_1"][1]  # a new face triple


def test_network_failure_then_retry_sends_the_very_same_images() -> None:
    with simulator() as sim, fake_camera() as camera:
        at = start_app()
        reach_review(at, camera)
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        with patch.dict(os.environ, {"VLENS_BASE_URL": dead_url}):
            submit(at)
        assert at.warning[0].value.startswith("**Could not complete**")
        assert "your photos are kept" in page_text(at).lower()
        before = [image.image.sha256 for image in sent(at).images()]
        assert sim.requests_to("DigitalIdentity/verify") == []

        send(at, "retry_submission")
        assert at.success[0].value.startswith("**Verified**")
        images = sent(at)
        assert [image.image.sha256 for image in images.images()] == before
        hashes = received_hashes(sim)
        assert hashes["front.image"] == [b64_hash(images.id_front.image.jpeg)]  # type: ignore[union-attr]
        assert hashes["back.image"] == [b64_hash(images.id_back.image.jpeg)]  # type: ignore[union-attr]
        assert [hashes[f"multi.face_{i}"][0] for i in (1, 2, 3)] == [
            b64_hash(face.image.jpeg) for face in images.faces]


def test_in_demo_mode_delete_my_data_also_empties_the_simulator() -> None:
    demo = embedded_simulator()
    with demo_mode(), fake_camera() as camera:
        before = set(demo.state.transactions)
        at = start_app()
        reach_review(at, camera)
        submit(at)
        (transaction_id,) = set(demo.state.transactions) - before
        assert demo.state.transaction(transaction_id).images  # type: ignore[union-attr]
        at.button(key="delete_data").click().run()
        at.button(key="delete_confirmed").click().run()
        assert at.title[0].value == "Before we start"
    # Fetching the images back by transaction id now finds nothing.
    assert demo.state.transaction(transaction_id) is None


def test_start_over_and_delete_my_data() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app()
        reach_review(at, camera)
        submit(at)
        at.button(key="start_over").click().run()
        assert at.title[0].value == "Take your photos"
        assert at.header[0].value == "Step 1 of 3: front of your ID"

        reach_review(at, camera)
        submit(at)
        token = attempt_of(at).token
        at.button(key="delete_data").click().run()
        assert at.title[0].value == "Your result"  # asked to confirm first
        at.button(key="delete_confirmed").click().run()
        assert at.title[0].value == "Before we start"
        assert at.success[0].value == "Your photos and results have been deleted from this session."
        assert REGISTRY.find(token) is None and TOKEN_PARAM not in at.query_params
        assert at.button(key="consent_continue").disabled
