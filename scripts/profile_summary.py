"""Where the server's CPU goes: py-spy's collapsed stacks grouped into the parts of a session.

    uv run python -m scripts.load_test --sessions 4 --profile /tmp/stacks.txt
    uv run python -m scripts.profile_summary /tmp/stacks-n4.txt

py-spy samples every thread; here it cannot tell a waiting thread from a running one, so
stacks whose innermost frame is a known wait (a lock or condition, ``select``, an idle pool
worker, a polling watcher's sleep) are counted apart as "waiting" and left out of the shares.
Each other sample is a thread on the CPU, so a part's share of them is its share of the
server's CPU. A stack belongs to the first part (in ``PARTS`` order) one of whose markers it
contains; the order puts the specific parts (the codecs, the overlay) before the broad ones (a
Streamlit script run, the event loop).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

# (part, markers): a stack is in the part if any marker occurs in it.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("VP8 encode (self-view sent back)", ("encode (aiortc/codecs/vpx.py",)),
    ("VP8 decode (camera frames in)", ("decode (aiortc/codecs/vpx.py",)),
    ("analysis (worker thread)", ("_run (components/capture/background.py",)),
    ("overlay drawing", ("components/capture/overlay.py",)),
    ("self-view shrink", ("self_view (components/capture/webrtc.py",)),
    ("frame callback, rest (array conversions, copy, wrap)",
     ("__call__ (components/capture/webrtc.py",)),
    ("polling fragment (capture status)", ("capture_status (",)),
    ("Streamlit script runs (pages, reruns)", ("script_runner.py",)),
    ("logging", ("logging/__init__.py",)),
    ("frame plumbing (streamlit-webrtc, av frames)", ("streamlit_webrtc/",)),
    ("WebRTC transport (RTP, SRTP, ICE, DTLS)", ("aiortc/", "aioice/", "pylibsrtp/")),
    ("Streamlit server (websocket, messages)", ("tornado/", "streamlit/")),
    ("event loop and threads", ("asyncio/", "threading.py", "selectors.py")),
)


# Innermost frames of a thread that waits (py-spy without --native shows the Python line that
# called the blocking C function).
WAITS = (
    "Condition.wait (threading.py",
    "Event.wait (threading.py",
    ".select (selectors.py",
    "_worker (concurrent/futures/thread.py:81)",  # an idle pool thread: work_queue.get()
    "polling_path_watcher.py:90)",  # time.sleep between polls of the secrets file
    "report (scripts/load_test.py",  # the load test's own once-a-second statistics thread
    "Queue.get (queue.py",
)
WAITING = "waiting (not on the CPU)"


def read_stacks(path: Path) -> Counter[str]:
    """``stack -> samples`` from py-spy's raw (collapsed) output."""
    stacks: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def part_of(stack: str) -> str:
    leaf = stack.rsplit(";", 1)[-1]
    if any(wait in leaf for wait in WAITS) or "report (scripts/load_test.py" in stack:
        return WAITING
    for part, markers in PARTS:
        if any(marker in stack for marker in markers):
            return part
    return "other"


def summarise(stacks: Counter[str]) -> list[tuple[str, int, float]]:
    """``(part, samples, share of the samples on the CPU)`` rows, largest first; the waiting
    samples last, with their share of all samples."""
    parts: Counter[str] = Counter()
    for stack, samples in stacks.items():
        parts[part_of(stack)] += samples
    waiting = parts.pop(WAITING, 0)
    running = sum(parts.values()) or 1
    rows = [(part, samples, samples / running) for part, samples in parts.most_common()]
    return [*rows, (WAITING, waiting, waiting / ((running + waiting) or 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stacks", type=Path, help="py-spy record --format raw output")
    parser.add_argument("--top", type=int, default=0,
                        help="also print each part's N functions with the most samples (the "
                        "innermost frame of the stack, or with --depth the D-th from it)")
    parser.add_argument("--depth", type=int, default=1, help="see --top")
    args = parser.parse_args(argv)
    stacks = read_stacks(args.stacks)
    rows = summarise(stacks)
    print(f"{sum(stacks.values())} samples in {args.stacks}")
    leaves: dict[str, Counter[str]] = {}
    for stack, samples in stacks.items():
        frames = stack.split(";")
        leaf = frames[-min(args.depth, len(frames))]
        leaves.setdefault(part_of(stack), Counter())[leaf] += samples
    for part, samples, share in rows:
        print(f"  {100 * share:5.1f} %  {samples:6d}  {part}")
        for leaf, count in leaves[part].most_common(args.top):
            print(f"                 {count:6d}  {leaf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
