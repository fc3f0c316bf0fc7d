"""The upload path: card photos by file, the face from a short selfie video.

Always reachable under the camera, and the way forward when the camera cannot start. Uploaded
bytes are processed in memory (PyAV opens the video from a BytesIO), never written to disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.capture.card import find_card
from components.capture.compress import (
    CARD_MAX_BYTES,
    ImageInputError,
    decode_upload,
    encode_jpeg_under,
)
from components.capture.hints import Hint, Step
from components.capture.package import IdenticalFacesError, package_captures
from components.capture.video import ClipError, analyse_clip
from components.ui import capture_state
from components.ui.captured import FACES_NEEDED, CapturedImage, now_iso
from components.ui.i18n import t

# What the uploaders accept; the refusals name exactly these (``format_names``).
CARD_TYPES = ["jpg", "jpeg", "png", "webp"]
VIDEO_TYPES = ["mp4", "mov", "webm", "m4v"]
FORMAT_NAMES: Final[dict[str, str]] = {
    "jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WebP",
    "mp4": "MP4", "mov": "MOV", "webm": "WebM", "m4v": "M4V",
}
# Progress hints: not worth telling someone why their video did not work.
NOT_PROBLEMS = {Hint.STARTING, Hint.HOLD_STILL, Hint.CAPTURED, Hint.DONE}


def format_names(types: Iterable[str]) -> str:
    """The formats of ``types`` as the customer knows them, e.g. "JPEG, PNG or WebP"."""
    names = list(dict.fromkeys(FORMAT_NAMES.get(kind, kind.upper()) for kind in types))
    if len(names) < 2:
        return "".join(names)
    return t("upload.formats", most=t("upload.formats_separator").join(names[:-1]),
             last=names[-1])


def upload_fallback(expanded: bool = False) -> None:
    with st.expander(t("upload.expander"), expanded=expanded):
        st.write(t("upload.intro"))
        _card_upload("id_front", t("upload.front_label"))
        _card_upload("id_back", t("upload.back_label"))
        _face_upload()


def _notes() -> dict[str, tuple[str, str]]:
    """Per uploader: (file id processed, message key shown) so a file is processed once."""
    return capture_state.work().upload_notes


def _show(kind: str, text: str) -> None:
    {"success": st.success, "warning": st.warning, "error": st.error}[kind](text)


def _already_done(key: str, uploaded: Any) -> bool:
    """True (and its outcome shown again) when this file was processed before."""
    note = _notes().get(key)
    if note is not None and note[0] == uploaded.file_id:
        _show(*note[1].split("|", 1))
        return True
    return False


def _show_last_outcome(key: str) -> None:
    """A released file reads back as no file on later runs: its outcome stays in view."""
    note = _notes().get(key)
    if note is not None:
        _show(*note[1].split("|", 1))


def _forget_when_removed(key: str) -> None:
    """The customer removed the file (the widget changed to no file): its outcome goes too.

    A released file also reads back as no file, but without a change from the browser, so
    this callback does not run for it."""
    if st.session_state.get(key) is None:
        _notes().pop(key, None)


def _remember(key: str, uploaded: Any, kind: str, text: str) -> None:
    """Record and show the outcome for this file, then release its bytes."""
    _notes()[key] = (uploaded.file_id, f"{kind}|{text}")
    _show(kind, text)
    release_upload(uploaded.file_id)


def release_upload(file_id: str) -> None:
    """Drop an uploaded file from Streamlit's in-memory file store once it has been processed.

    Streamlit keeps every uploaded file until the session ends (a selfie video can be 50 MB);
    what is needed from it (the encoded photo, the sampled frames) is kept elsewhere.
    """
    ctx = get_script_run_ctx()
    if ctx is not None and isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=file_id)


def _card_upload(step: str, label: str) -> None:
    key = f"upload_{step}"
    uploaded = st.file_uploader(label, type=CARD_TYPES, key=key,
                                on_change=_forget_when_removed, args=(key,))
    if uploaded is None:
        _show_last_outcome(key)
        return
    if _already_done(key, uploaded):
        return
    try:
        bgr = decode_upload(uploaded.getvalue())
    except ImageInputError:
        _remember(key, uploaded, "error",
                  t("upload.image_refused", formats=format_names(CARD_TYPES)))
        return
    # Checked like a camera shot: no card, or the other side, is refused with the reason (the
    # step stays to do); a card that passes is sent as photographed (downscaled to the card
    # budget if need be), as the CLI does.
    detection = find_card(bgr)
    if detection is None:
        _remember(key, uploaded, "error", t("upload.no_card"))
        return
    if detection.has_portrait != (step == "id_front"):
        _remember(key, uploaded, "error", t(f"upload.wrong_side.{step}"))
        return
    image = encode_jpeg_under(bgr, CARD_MAX_BYTES)
    capture_state.add_upload(step, (CapturedImage(step, image, "upload", now_iso()),))
    _remember(key, uploaded, "success", t("upload.added", name=t(f"step.{step}.label")))


def _face_upload() -> None:
    key = "upload_face"
    uploaded = st.file_uploader(t("upload.face_label"), type=VIDEO_TYPES, key=key,
                                on_change=_forget_when_removed, args=(key,))
    if uploaded is None:
        _show_last_outcome(key)
        return
    if _already_done(key, uploaded):
        return
    with st.spinner(t("upload.video_working")):
        try:
            # Read from memory (nothing on disk) on the clip worker, within the clip budgets.
            result = analyse_clip(uploaded.getvalue(), steps=(Step.FACE,))
        except ClipError:
            _remember(key, uploaded, "error",
                      t("upload.video_refused", formats=format_names(VIDEO_TYPES)))
            return
        try:
            package = package_captures(result.state)
        except IdenticalFacesError:  # a still picture posing as a video: Vlens would refuse it
            _remember(key, uploaded, "error",
                      t("upload.video_failed", hint=t(f"hint.{Hint.FACE_PHOTO}")))
            return
    if len(package.faces) < FACES_NEEDED:
        problems = [hint for hint in result.hints_seen if hint not in NOT_PROBLEMS]
        text = t(f"hint.{problems[-1]}") if problems else t("hint.no_face")
        _remember(key, uploaded, "error", t("upload.video_failed", hint=text))
        return
    times = list(package.face_times)
    faces = tuple(
        CapturedImage("face", face, "upload", now_iso(), times[i] if i < len(times) else None)
        for i, face in enumerate(package.faces[:FACES_NEEDED])
    )
    capture_state.add_upload("face", faces)
    _remember(key, uploaded, "success", t("upload.video_ok"))
