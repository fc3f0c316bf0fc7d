"""Hostile files for the input-budget tests: decompression bombs made byte by byte.

Each is small on disk and huge once decoded. They are written without ever holding the decoded
picture in memory (zlib is fed row by row), so building them costs the test process nothing.
``peak_rss_mb`` runs a child process and reports its peak resident memory, the figure the
budgets are about.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _deflated_rows(row: bytes, rows: int, rows_per_block: int = 64) -> bytes:
    """A zlib stream of ``row`` repeated ``rows`` times, built in milliseconds.

    One block of rows is compressed once and ended with a full flush (byte-aligned, history
    reset), so the same compressed bytes stand for every repetition of that block.
    """
    block = row * rows_per_block
    packer = zlib.compressobj(9)
    header = packer.compress(b"")  # the 2-byte zlib header comes with the first output
    first = header + packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(rows, rows_per_block)
    tail = packer.compress(row * rest) + packer.flush()  # last block, end marker, checksum
    body = first + again * (whole - 1) if whole else header
    checksum = 1
    for _ in range(whole):
        checksum = zlib.adler32(block, checksum)
    checksum = zlib.adler32(row * rest, checksum)
    return body + tail[:-4] + struct.pack(">I", checksum)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int, *, alpha: bool) -> bytes:
    """A valid, all-black PNG (8-bit RGB or RGBA) of ``width`` x ``height``."""
    colour_type, channels = (6, 4) if alpha else (2, 3)
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    pixels = _deflated_rows(b"\x00" + bytes(width * channels), height)  # filter 0 + pixels
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels)
            + _png_chunk(b"IEND", b""))


def tiff_bomb(width: int, height: int) -> bytes:
    """A valid, all-black, deflate-compressed 8-bit RGB TIFF in one strip."""
    strip = _deflated_rows(bytes(width * 3), height)
    entries = [  # (tag, type, count, value); type 3 = SHORT, 4 = LONG
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 3, 0),  # BitsPerSample -> offset
        (259, 3, 1, 8), (262, 3, 1, 2), (273, 4, 1, 0),  # deflate, RGB, StripOffsets -> below
        (277, 3, 1, 3), (278, 4, 1, height), (279, 4, 1, len(strip)), (284, 3, 1, 1),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    bits_at = 8 + ifd_size
    strip_at = bits_at + 6
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, kind, count, value in entries:
        if tag == 258:
            value = bits_at
        elif tag == 273:
            value = strip_at
        if kind == 3 and count == 1:
            out += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, kind, count, value)
    out += struct.pack("<I", 0) + struct.pack("<HHH", 8, 8, 8) + strip
    return bytes(out)


def mov_of_png_frames(path: Path, side: int, frames: int = 3) -> Path:
    """A MOV whose frames are ``side`` x ``side`` PNG bombs, muxed as they are (no encoding)."""
    import av

    picture = png_bomb(side, side, alpha=False)
    with av.open(str(path), "w", format="mov") as out:
        stream = out.add_stream("png", rate=1)
        stream.width = stream.height = side
        stream.pix_fmt = "rgb24"
        stream.time_base = Fraction(1, 1)
        for index in range(frames):
            packet = av.Packet(picture)
            packet.stream = stream
            packet.pts = packet.dts = index
            packet.time_base = stream.time_base
            out.mux(packet)
    return path


def h264_clip(path: Path, width: int, height: int, frames: int, fps: int) -> Path:
    """A plain grey H.264 clip (libx264, ultrafast): cheap to encode at any size or length."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        frame = av.VideoFrame(width, height, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes([128]) * plane.buffer_size)
        for index in range(frames):
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


# Runs a module as ``python -m`` would and reports the process's peak RSS when it exits. VmHWM,
# not getrusage(): after a vfork+exec, ru_maxrss starts at the parent's (pytest's) peak.
_MEASURED = """
import atexit, runpy, sys
def report():
    import resource
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print("PEAK_RSS_KB", peak, usage.ru_utime + usage.ru_stime, file=sys.stderr)
atexit.register(report)
module, sys.argv = sys.argv[1], sys.argv[1:]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Measured:
    peak_mb: float  # peak resident memory of the whole child process
    cpu_s: float  # its CPU time (user + system), imports included
    exit_code: int
    stdout: str
    stderr: str


def run_measured(module: str, *args: str, timeout: float = 120) -> Measured:
    """Run ``python -m module args`` in a child (cwd = repo) and measure its peak RSS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VLENS_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-c", _MEASURED, module, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    reports = [line.split()[1:] for line in done.stderr.splitlines()
               if line.startswith("PEAK_RSS_KB ")]
    assert reports, f"the child reported no peak: {done.stderr[-2000:]}"
    peak, cpu = reports[-1]
    return Measured(int(peak) / 1024, float(cpu), done.returncode, done.stdout, done.stderr)


def _main(argv: list[str]) -> None:
    """``decode FILE``: decode and encode like the app's upload; ``jpeg FILE W H``: write a
    black JPEG of W x H (built here so the test process never holds its pixels)."""
    if argv[0] == "clip":
        from components.capture.hints import Step
        from components.capture.video import ClipError, analyse_clip

        try:
            result = analyse_clip(Path(argv[1]).read_bytes(), steps=(Step.FACE,))
        except ClipError as exc:
            print(f"refused: {exc}")
            return
        print(f"frames {result.frames} seconds {result.duration_s:.1f} cut {result.cut}")
        return
    if argv[0] == "jpeg":
        import cv2
        import numpy as np

        width, height = int(argv[2]), int(argv[3])
        ok, jpeg = cv2.imencode(".jpg", np.zeros((height, width, 3), np.uint8))
        assert ok
        Path(argv[1]).write_bytes(jpeg.tobytes())
        return
    from components.capture.compress import (
        CARD_MAX_BYTES,
        ImageInputError,
        decode_upload,
        encode_jpeg_under,
    )

    try:
        bgr = decode_upload(Path(argv[1]).read_bytes())
    except ImageInputError as exc:
        print(f"refused: {exc}")
        return
    encode_jpeg_under(bgr, CARD_MAX_BYTES)
    print(f"decoded {bgr.shape[1]}x{bgr.shape[0]}")


if __name__ == "__main__":
    _main(sys.argv[1:])
