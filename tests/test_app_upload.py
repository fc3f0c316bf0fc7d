"""The upload path, for customers whose camera cannot start: card photos by file and the face
from a short selfie video sampled by the same capture engine, then verification as usual."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.testing.v1 import AppTest

from components.ui.strings_en import STRINGS
from components.ui.upload import VIDEO_TYPES
from tests.app_harness import fake_camera, page_text, send, simulator, start_app
from tests.clips import FPS, mp4, selfie_video
from tests.imagery import card_in_frame, id_card_back, id_card_front, jpeg, no_face_frame


def upload(at: AppTest, key: str, name: str, data: bytes, mime: str) -> None:
    at.file_uploader(key=key).set_value((name, data, mime))
    at.run()
    assert not at.exception


def test_photos_and_a_selfie_video_complete_the_verification_without_a_camera() -> None:
    with simulator(), fake_camera():
        at = start_app()
        upload(at, "upload_id_front", "front.jpg",
               jpeg(card_in_frame(id_card_front(), 1600, 1200, fill=0.7)), "image/jpeg")
        assert "ID front added." in page_text(at)
        assert at.header[0].value == "Step 2 of 3: back of your ID"
        upload(at, "upload_id_back", "back.jpg",
               jpeg(card_in_frame(id_card_back(), 1600, 1200, fill=0.7, seed=2)), "image/jpeg")
        upload(at, "upload_face", "selfie.mp4", selfie_video(), "video/mp4")

        # The last upload completes the set: the app moves on to the review by itself.
        assert at.title[0].value == "Check your photos", page_text(at)
        text = page_text(at)
        assert text.count("Uploaded") == 3
        assert "3 frames in 0." in text
        send(at)
        assert at.success[0].value.startswith("**Verified**")


def test_a_file_that_is_not_a_photo_is_refused_with_what_to_do() -> None:
    with simulator(), fake_camera():
        at = start_app()
        upload(at, "upload_id_front", "front.jpg", b"this is not a picture", "image/jpeg")
        assert at.error[0].value == ("This file could not be used as a photo. Please upload a "
                                     "JPEG, PNG or WebP photo under 25 megapixels.")
        assert at.header[0].value == "Step 1 of 3: front of your ID"


def test_the_back_uploaded_as_the_front_is_refused_with_the_reason() -> None:
    with simulator(), fake_camera():
        at = start_app()
        upload(at, "upload_id_front", "front.jpg",
               jpeg(card_in_frame(id_card_back(), 1600, 1200, fill=0.7)), "image/jpeg")
        assert at.error[-1].value.startswith("This looks like the back of the card")
        assert at.header[0].value == "Step 1 of 3: front of your ID"  # nothing was added
        assert "ID front: to do" in page_text(at)


def test_the_front_uploaded_as_the_back_is_refused_with_the_reason() -> None:
    with simulator(), fake_camera():
        at = start_app()
        upload(at, "upload_id_back", "back.jpg",
               jpeg(card_in_frame(id_card_front(), 1600, 1200, fill=0.7)), "image/jpeg")
        assert at.error[-1].value == STRINGS["upload.wrong_side.id_back"]
        assert "ID back: to do" in page_text(at)


def test_a_photo_without_a_card_is_refused() -> None:
    with simulator(), fake_camera():
        at = start_app()
        upload(at, "upload_id_back", "back.jpg", jpeg(no_face_frame(seed=3)), "image/jpeg")
        assert at.error[-1].value.startswith("We could not find an ID card in this photo")
        assert "ID back: to do" in page_text(at)


def test_a_video_without_a_face_says_what_went_wrong() -> None:
    with simulator(), fake_camera():
        at = start_app()
        clip = mp4([no_face_frame(seed=i) for i in range(2 * FPS)])
        upload(at, "upload_face", "selfie.mp4", clip, "video/mp4")
        message = at.error[0].value
        assert message.startswith("We could not take three clear face photos from this video.")
        assert "We can't see a face." in message
        assert "Face: to do" in page_text(at)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_unreadable_video_is_refused_naming_every_format_the_uploader_accepts(
        language: str) -> None:
    with simulator(), fake_camera():
        at = start_app(language)
        upload(at, "upload_face", "selfie.m4v", b"\x00" * 2048, "video/x-m4v")
        message = at.error[0].value
        assert message.startswith({"en": "This video could not be read.",
                                   "ar": "تعذّرت قراءة هذا الفيديو."}[language])
        assert [kind for kind in VIDEO_TYPES if kind not in message.lower()] == []


def test_each_uploaded_file_is_released_from_memory_once_processed_and_its_outcome_stays() -> None:
    """Streamlit keeps uploads until the session ends unless told; the app drops each file
    (added or refused) from the real in-memory file store right after processing it."""
    released: list[tuple[str, int]] = []
    real_remove = MemoryUploadedFileManager.remove_file

    def remove_and_record(self: MemoryUploadedFileManager, session_id: str,
                          file_id: str) -> None:
        before = self._file_count
        real_remove(self, session_id, file_id)
        released.append((file_id, before - self._file_count))

    with simulator(), fake_camera(), patch.object(MemoryUploadedFileManager, "remove_file",
                                                  remove_and_record):
        at = start_app()
        upload(at, "upload_id_front", "front.jpg", b"this is not a picture", "image/jpeg")
        refused_id = at.file_uploader(key="upload_id_front").value.file_id
        assert released == [(refused_id, 1)]
        upload(at, "upload_id_front", "front.jpg",
               jpeg(card_in_frame(id_card_front(), 1600, 1200, fill=0.7)), "image/jpeg")
        assert [count for _, count in released] == [1, 1] and released[1][0] != refused_id
        at.run()  # a later run still shows the outcome and keeps the photo
        assert "ID front added." in page_text(at)
        assert at.header[0].value == "Step 2 of 3: back of your ID"


def test_removing_an_uploaded_file_takes_its_outcome_message_away() -> None:
    with simulator(), fake_camera():
        at = start_app()
        upload(at, "upload_id_back", "back.jpg", jpeg(no_face_frame(seed=3)), "image/jpeg")
        assert at.error[-1].value.startswith("We could not find an ID card in this photo")
        at.run()  # released from memory: the outcome stays while the file is listed
        assert any(e.value.startswith("We could not find an ID card") for e in at.error)
        at.file_uploader(key="upload_id_back").set_value(None)  # the customer removes it
        at.run()
        assert not any(e.value.startswith("We could not find an ID card") for e in at.error)
