"""Review and results details: retaking one part, the manual capture override, the receipt,
validation messages per field and the masked ID number."""

from __future__ import annotations

import json

from components.ui.captured import CaptureSet
from components.ui.extracted import extracted_fields, mask_id_number
from components.ui.receipt import build_receipt, receipt_json
from components.vlens.simulator.scenario import Scenario
from tests.app_harness import (
    attempt_of,
    capture_everything,
    capture_step,
    engine_of,
    fake_camera,
    page_text,
    send,
    simulator,
    start_app,
)
from tests.clips import FPS
from tests.imagery import background, blurred, card_in_frame, id_card_front


def test_one_part_is_retaken_on_its_own() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app()
        capture_everything(at, camera)
        engine = engine_of(at)
        front_before = engine.snapshot().captures["id_front"][0]
        at.button(key="retake_id_back").click().run()
        assert at.title[0].value == "Take your photos"
        assert at.header[0].value == "Step 2 of 3: back of your ID"
        text = page_text(at)
        assert "ID front: done" in text and "Face: done" in text and "ID back: to do" in text

        capture_step(at, camera, "id_back")
        assert at.title[0].value == "Check your photos"
        assert engine.snapshot().captures["id_front"][0] is front_before  # not taken again
        assert "Missing:" not in page_text(at)


def test_manual_capture_is_offered_after_a_while_and_recorded_as_overridden() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app()
        assert "manual_capture" not in [button.key for button in at.button]
        # 20 s of stream time with no card in sight, two frames a second.
        camera.feed((background(640, 480, seed=i) for i in range(40)), every=FPS // 2)
        at.run()
        assert "Having trouble? You can take the photo now." in page_text(at)
        # Nothing to photograph: the button says why and takes nothing.
        assert at.button(key="manual_capture").proto.disabled
        assert "Can't take the photo yet: Hold your ID card inside the frame." in page_text(at)
        # A card the automatic checks refuse (blurred) can be taken by hand.
        card = id_card_front()
        camera.feed(blurred(card_in_frame(card, 960, 540, fill=0.7, seed=i), 3) for i in range(3))
        at.run()
        at.button(key="manual_capture").click().run()
        at.run()
        assert at.header[0].value == "Step 2 of 3: back of your ID"
        capture_step(at, camera, "id_back")
        capture_step(at, camera, "face")
        assert at.title[0].value == "Check your photos"
        assert "Taken manually: the automatic quality checks were skipped." in page_text(at)


def test_the_receipt_lists_what_was_sent_without_images_or_secrets() -> None:
    with simulator() as sim, fake_camera() as camera:
        at = start_app()
        capture_everything(at, camera)
        send(at)
        assert at.get("download_button")[0].proto.label == "Download receipt (JSON)"
        sent: CaptureSet = attempt_of(at).sent
        outcome = attempt_of(at).outcome
        receipt = build_receipt(
            sent, demo=False, verdict=outcome.verdict.value,
            transaction_id=outcome.transaction_id,
            requests=[(step.value, rid, None) for step, rid in outcome.request_ids.items()])
        data = receipt_json(receipt)
        parsed = json.loads(data)
        assert [image["sha256"] for image in parsed["images"]] == [
            image.image.sha256 for image in sent.images()]
        assert [image["step"] for image in parsed["images"]] == [
            "id_front", "id_back", "face", "face", "face"]
        assert all(image["bytes"] > 1000 and image["width"] > 0 and image["captured_at"]
                   for image in parsed["images"])
        front = parsed["images"][0]  # the camera's frame size and the card's width in it
        assert front["camera_frame"] == {"width": 960, "height": 540}
        assert front["card_width_px"] > 600 and front["low_resolution"] is False
        assert parsed["transaction_id"] == outcome.transaction_id
        assert {r["request_id"] for r in parsed["requests"]} == {
            r.headers["x-request-id"] for r in sim.requests_to("DigitalIdentity/verify")}
        assert 0 < parsed["face_frames_span_s"] <= 0.5
        text = data.decode()
        config = sim.demo_config()
        for secret in (config.api_key, config.password or "", "/9j/"):  # "/9j/" opens base64 JPEG
            assert secret not in text


def test_validation_errors_are_listed_per_field_with_their_messages() -> None:
    with simulator(Scenario(validation_errors=True)), fake_camera() as camera:
        at = start_app()
        capture_everything(at, camera)
        send(at)
        assert at.warning[0].value.startswith("**Needs review**")
        text = page_text(at)
        assert "Some fields did not pass:" in text
        assert "Date of birth:" in text and "dateOfBirth" not in text  # the field's label
        assert at.button(key="result_retake").label == "Retake ID front"


def test_national_id_number_is_masked_until_shown() -> None:
    assert mask_id_number("29001010112345") == "••••••••••••45"
    front = {"idNumber": "29001010112345", "dateOfBirth": "1990-01-01T00:00:00Z"}
    fields = extracted_fields([front, {"idNumber": "ignored", "job": "ENGINEER"}])
    assert fields == [("dateOfBirth", "1990-01-01"), ("idNumber", "29001010112345"),
                      ("job", "ENGINEER")]
