"""The engine's two modes and its time contract.

* ``EngineMode.LIVE``: frames from a camera (the WebRTC callback), analysed on a worker thread
  that takes the newest frame. The stream may start small and grow (WebRTC ramps 640x360 up to
  720p-1080p over the first 30-45 s), so a card narrower than ``card_min_pixels`` is not
  captured during the stream's first ``low_resolution_after`` seconds; after that it is
  captured and flagged ``low_resolution``.
* ``EngineMode.CLIP``: frames from a recorded clip or a test, analysed synchronously. Its
  resolution never changes, so nothing waits for it; narrow cards are flagged all the same.

Time, in both modes, is the frames' own stream time in seconds (presentation timestamps),
never the wall clock, so a clip gives the same captures however fast it is decoded. Frames
beyond ``MAX_ANALYSED_FPS`` per second of stream time are skipped, by one pacer for both
modes (``background.FramePacer``: a credit that grows with stream time). Times
must increase; a frame whose time goes backwards (a looping clip, a camera that restarted its
stream) starts a new timeline, in both modes alike: the current step's steadiness runs, face
triple, timers and the stream's start are cleared, captures already taken are kept.
"""

from __future__ import annotations

from enum import StrEnum

MAX_ANALYSED_FPS = 15.0  # analysed frames per second of stream time, at most


class EngineMode(StrEnum):
    LIVE = "live"
    CLIP = "clip"
