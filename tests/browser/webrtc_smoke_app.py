"""Throwaway Streamlit page for the WebRTC smoke test: the camera round-trips through aiortc.

The server paints a marker into the top-left corner of every frame it sends back: green when
it found exactly one face in the frame it received, red otherwise. Seeing green in the browser
proves the fake-camera clip reached the server and the processed frames came back.
"""

from __future__ import annotations

import av
import cv2
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from components.capture.faces import detect_faces

MARKER_PX = 48
GREEN = (0, 255, 0)
RED = (0, 0, 255)


def mark_faces(frame: av.VideoFrame) -> av.VideoFrame:
    image = frame.to_ndarray(format="bgr24")
    colour = GREEN if len(detect_faces(image)) == 1 else RED
    cv2.rectangle(image, (0, 0), (MARKER_PX, MARKER_PX), colour, -1)
    return av.VideoFrame.from_ndarray(image, format="bgr24")


st.title("WebRTC smoke test")
webrtc_streamer(
    key="smoke",
    mode=WebRtcMode.SENDRECV,
    rtc_configuration={"iceServers": []},
    video_frame_callback=mark_faces,
    media_stream_constraints={"video": True, "audio": False},
    async_processing=True,
)
