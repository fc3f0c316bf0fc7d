"""A ceiling on the bitrate of the self-view the server sends back to the browser.

aiortc's encoders follow the browser's bandwidth estimate (REMB) up to 1.5 Mbit/s (VP8) or
3 Mbit/s (H.264); on a good link the self-view, a guidance picture a few hundred pixels wide,
climbs there, and the encoder's CPU climbs with it (VP8 at 496x372: 2.1 ms per frame at
500 kbit/s, 3.1 ms at 1.5 Mbit/s; ``docs/capacity.md``). Encoding is the largest fixed cost of a
camera session on the server, so the ceiling is set where the self-view starts: aiortc's own
starting bitrate. The photos sent to Vlens come from the incoming frames and are not affected.

aiortc reads these limits from module constants each time the estimate changes (there is no
setting for them), so the ceiling is applied by setting those constants, once per process.
"""

from __future__ import annotations

from typing import Final

import aiortc.codecs.h264 as h264
import aiortc.codecs.vpx as vpx

VP8_MAX_BITRATE: Final = 500_000  # aiortc's VP8 starting bitrate
H264_MAX_BITRATE: Final = 1_000_000  # aiortc's H.264 starting bitrate


def cap_self_view_bitrate() -> None:
    """Keep every self-view encoder of this process at or under the ceilings above."""
    vpx.MAX_BITRATE = min(vpx.MAX_BITRATE, VP8_MAX_BITRATE)
    h264.MAX_BITRATE = min(h264.MAX_BITRATE, H264_MAX_BITRATE)
