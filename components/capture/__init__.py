"""Capture engine: guides the person and auto-captures the ID card and three face frames.

Free of Streamlit imports: the same code runs in the WebRTC callback, the CLI, tests and
benchmarks. ``components.capture.webrtc`` and ``components.capture.video`` (PyAV) are imported
on their own.
"""

from components.capture.config import CaptureConfig
from components.capture.hints import DEFAULT_STEPS, Hint, Step
from components.capture.processor import CaptureEngine
from components.capture.state import Capture, EngineState

__all__ = [
    "DEFAULT_STEPS",
    "Capture",
    "CaptureConfig",
    "CaptureEngine",
    "EngineState",
    "Hint",
    "Step",
]
