"""Each page of the app in AppTest: language, consent, capture (camera wiring, hints, RTL),
review and results guards, and the demo label on every page."""

from __future__ import annotations

import os
from unittest.mock import patch

from streamlit.testing.v1 import AppTest

from components.ui.attempt_registry import REGISTRY
from components.ui.session import TOKEN_PARAM
from components.ui.strings_ar import STRINGS as AR
from components.ui.strings_en import STRINGS as EN
from tests import imagery
from tests.app_harness import (
    APP,
    FakeStreamer,
    attempt_of,
    demo_mode,
    fake_camera,
    page_text,
    simulator,
    start_app,
    visit,
)


def test_language_page_offers_both_languages_and_leads_to_consent() -> None:
    with simulator():
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert at.button(key="language_en").label == "English"
        assert at.button(key="language_ar").label == "العربية"
        at.button(key="language_en").click().run()
        assert at.title[0].value == "Before we start"


def test_consent_is_required_before_anything_else() -> None:
    with simulator(), fake_camera():
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.button(key="language_en").click().run()
        assert at.button(key="consent_continue").disabled
        text = page_text(at)
        assert "Vlens" in text and "keeps nothing after your session" in text
        # Going straight to a later page without consent shows the way back, not the camera.
        visit(at, "pages/capture.py")
        assert at.info[0].value == "Please read and accept the consent first."
        assert at.button(key="go_consent")
        at.button(key="go_consent").click().run()
        at.checkbox(key="consent_checkbox").check().run()
        assert not at.button(key="consent_continue").disabled
        at.button(key="consent_continue").click().run()
        assert at.title[0].value == "Take your photos"
        # Unticking on the consent page takes the consent back: the camera is closed again.
        visit(at, "pages/consent.py")
        at.checkbox(key="consent_checkbox").uncheck().run()
        visit(at, "pages/capture.py")
        assert at.info[0].value == "Please read and accept the consent first."


def test_capture_page_wires_the_camera_for_phones_and_tests() -> None:
    with simulator(), fake_camera() as camera, patch.dict(os.environ, {"VLENS_TEST_NO_ICE": "1"}):
        at = start_app()
        assert not at.exception
        assert at.title[0].value == "Take your photos"
        call = camera.last
        assert call["mode"].name == "SENDRECV"
        assert call["media_stream_constraints"] == {
            "video": {"facingMode": {"ideal": "environment"},  # a phone's rear camera: the card
                      "width": {"ideal": 1280},
                      "frameRate": {"ideal": 15}},  # what the engine analyses
            "audio": False}
        attrs = call["video_html_attrs"]
        assert attrs["aria-label"].startswith("Your camera picture")  # the video is named
        assert attrs["playsInline"] and attrs["muted"] and attrs["autoPlay"]
        assert attrs["controls"] is False
        assert call["rtc_configuration"] == {"iceServers": []}
        assert call["translations"]["start"] == "Start"
        assert "Upload instead" in call["translations"]["device_access_denied"]
        assert at.header[0].value == "Step 1 of 3: front of your ID"
        hint = next(m.value for m in at.markdown if 'role="status"' in m.value)
        # Nobody pressed Start: the hint says to, not "Starting the camera…".
        assert 'aria-live="polite"' in hint and "Press Start to turn on the camera." in hint
        camera.playing = True
        at.run()
        hint = next(m.value for m in at.markdown if 'role="status"' in m.value)
        assert "Starting the camera" in hint


def test_ice_servers_come_from_the_webrtc_secrets_when_present() -> None:
    with simulator(), fake_camera() as camera:
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["webrtc"] = {"ice_servers": [{"urls": ["turn:turn.example.org:3478"],
                                                 "username": "u", "credential": "c"}]}
        at.run()
        at.button(key="language_en").click().run()
        at.checkbox(key="consent_checkbox").check().run()
        at.button(key="consent_continue").click().run()
        assert camera.last["rtc_configuration"] == {"iceServers": [
            {"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "c"}]}


def test_without_ice_settings_streamlit_webrtc_discovers_servers_itself() -> None:
    with simulator(), fake_camera() as camera:
        os.environ.pop("VLENS_TEST_NO_ICE", None)
        start_app()
        assert camera.last["rtc_configuration"] is None


def test_arabic_turns_the_page_right_to_left_and_translates_everything() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app("ar")
        assert at.title[0].value == "التقاط الصور"
        assert at.header[0].value == "الخطوة 1 من 3: وجه البطاقة"
        assert camera.last["translations"]["start"] == "ابدأ"
        styles = [element.proto.body for element in at.get("html")]
        assert any("direction: rtl" in body for body in styles)
        at.button(key="switch_language").click().run()
        assert at.title[0].value == "Take your photos"
        assert not any("direction: rtl" in element.proto.body for element in at.get("html"))


def test_an_ended_attempt_restored_in_a_new_tab_is_explained_in_english_and_arabic() -> None:
    with simulator(), fake_camera():
        token = attempt_of(start_app("ar")).token
        REGISTRY.close(token)  # as expiry does
        restored = AppTest.from_file(APP, default_timeout=60)  # a new session: English default
        restored.query_params[TOKEN_PARAM] = token
        restored.run()
        restored.switch_page("pages/capture.py").run()
        text = page_text(restored)
        assert [title.value for title in restored.title] == [EN["attempt.expired.title"],
                                                             AR["attempt.expired.title"]]
        assert EN["attempt.expired.body"] in text and AR["attempt.expired.body"] in text
        assert [button.label for button in restored.button
                if button.key.startswith("attempt_restart")] == [
            EN["attempt.expired.restart"], AR["attempt.expired.restart"]]
        marks = " ".join(element.proto.body for element in restored.get("html"))
        assert '["attempt_ended_ar", "ar", "rtl"]' in marks  # lang and dir of each block
        assert '["attempt_ended_en", "en", "ltr"]' in marks
        restored.button(key="attempt_restart_ar").click().run()
        assert TOKEN_PARAM not in restored.query_params
        assert restored.session_state["ui_language"] == "ar"


def demo_labelled(at: AppTest) -> bool:
    """Whether the page shows the demo-mode note (a plain note, not an alert)."""
    return any("Demo mode: nothing is really verified" in element.proto.body
               and 'role="note"' in element.proto.body for element in at.get("html"))


def test_demo_mode_is_labelled_on_every_page() -> None:
    with demo_mode(), fake_camera():
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert demo_labelled(at)
        at.button(key="language_en").click().run()
        assert demo_labelled(at)
        at.checkbox(key="consent_checkbox").check().run()
        at.button(key="consent_continue").click().run()
        assert demo_labelled(at)
        assert not any("Demo mode" in w.value for w in at.warning)  # not an alert
        for page in ("pages/review.py", "pages/results.py"):
            visit(at, page)
            assert demo_labelled(at), page


def test_a_configured_service_is_not_labelled_demo() -> None:
    with simulator():
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not demo_labelled(at)


def test_review_and_results_say_what_to_do_when_nothing_is_there_yet() -> None:
    with simulator(), fake_camera():
        at = start_app()
        visit(at, "pages/review.py")
        assert at.info[0].value == "No photos have been taken yet."
        at.button(key="review_go_capture").click().run()
        assert at.title[0].value == "Take your photos"
        visit(at, "pages/results.py")
        assert at.info[0].value == "No verification has been run yet."


def test_a_connected_camera_that_delivers_no_picture_is_pointed_to_the_upload() -> None:
    with simulator(), fake_camera() as camera, patch(
            "components.ui.camera.NO_PICTURE_AFTER_S", 0.0):
        at = start_app()
        camera.playing = True  # Start pressed, but no frame ever arrives
        at.run()
        at.run()
        assert at.warning[-1].value.startswith("The camera is on but no picture reaches us.")
        camera.show("id_front", 1.0)  # frames flow: the warning goes
        at.run()
        assert not any("no picture reaches us" in w.value for w in at.warning)


def live_hint(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'role="status"' in m.value)


def send_frames_too_large(at: AppTest, camera: FakeStreamer) -> None:
    """Start pressed; the camera sends 1440p frames (over the analysis budget) for a second of
    stream time, which is also the time their arrivals are judged by (the fake camera's clock):
    a slow rerun does not age them out of the 2 s window."""
    camera.playing = True
    at.run()
    camera.feed([imagery.face_frame(2560, 1440, face_frac=0.3)] * 15)
    at.run()


def test_a_camera_sending_pictures_too_large_to_check_is_told_to_choose_another_or_upload(
        ) -> None:
    with simulator(), fake_camera() as camera:
        at = start_app()
        send_frames_too_large(at, camera)
        assert ("Your camera sends a picture too large to check here. Choose another camera "
                "with “Select camera”, or use “Upload instead” below.") in live_hint(at)


def test_the_too_large_picture_hint_is_in_arabic_for_an_arabic_customer() -> None:
    with simulator(), fake_camera() as camera:
        at = start_app("ar")
        send_frames_too_large(at, camera)
        assert "الكاميرا ترسل صورة أكبر من أن نفحصها هنا" in live_hint(at)


def test_pictures_too_large_to_check_are_not_called_no_picture() -> None:
    with simulator(), fake_camera() as camera, patch(
            "components.ui.camera.NO_PICTURE_AFTER_S", 0.0):
        at = start_app()
        send_frames_too_large(at, camera)
        at.run()
        assert "too large to check" in live_hint(at)
        assert not any("no picture reaches us" in w.value for w in at.warning)


def test_an_incomplete_configuration_is_named_without_values_and_not_taken_for_demo() -> None:
    with demo_mode(), patch.dict(os.environ, {"VLENS_BASE_URL": "https://vlens.example.org",
                                              "VLENS_PASSWORD": "s3cret-value"}):
        at = AppTest.from_file(APP, default_timeout=60).run()
        message = at.error[0].value
        assert message.startswith("The verification service is not set up correctly")
        assert "api_key" in message and "s3cret-value" not in message
        assert not demo_labelled(at)
