"""A full verification writes nothing to disk: no image, no temp file, no cache.

Two runs, each watched two ways:
- in this process: frames through the capture engine, compression, the client and the
  simulator over real HTTP, the log event. Python's audit hook records every file opened for
  writing, created, renamed or removed (any thread); TMPDIR points at an empty folder that must
  stay empty.
- the CLI (``vlens-verify files ... --demo``) in a child process whose working directory, TMPDIR
  and HOME are empty folders that must stay empty, whose input images must stay untouched, and,
  where ``strace`` exists, whose every file-writing system call (C libraries included) is listed.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from components.capture.compress import encode_jpeg_under
from components.capture.hints import Step
from components.capture.modes import EngineMode
from components.capture.processor import CaptureEngine
from components.capture.state import EngineState
from components.observability import StepTimer, configure_logging, log_verification
from components.vlens.client import VlensClient
from components.vlens.flow import Verdict, VerificationImages, run_verification
from components.vlens.simulator import Simulator
from tests import clips, imagery

REPO_ROOT = Path(__file__).resolve().parents[1]
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
MUTATING_EVENTS = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.truncate",
                   "os.symlink", "os.link", "shutil.copyfile", "shutil.move",
                   "tempfile.mkstemp", "tempfile.mkdtemp"}
# Character devices a process may open for writing without storing anything.
HARMLESS = ("/dev/null", "/dev/tty", "/dev/urandom")


class WriteWatch:
    """Audit-hook recorder of file writes; recording only between ``start`` and ``stop``."""

    _installed: ClassVar[bool] = False
    _active: ClassVar[bool] = False
    events: ClassVar[list[tuple[str, Any]]] = []

    @classmethod
    def hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if not cls._active:
            return
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or str(path).startswith(HARMLESS):
                return
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS)
            if writes:
                cls.events.append((event, path))
        elif event in MUTATING_EVENTS:
            cls.events.append((event, args[0] if args else None))

    @classmethod
    def start(cls) -> None:
        if not cls._installed:
            sys.addaudithook(cls.hook)  # cannot be removed: it idles when not active
            cls._installed = True
        cls.events = []
        cls._active = True

    @classmethod
    def stop(cls) -> list[tuple[str, Any]]:
        cls._active = False
        return list(cls.events)


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time (ns)."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def empty_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TMPDIR and ``tempfile`` pointed at an empty folder for the duration of the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def capture_all_steps() -> EngineState:
    """Card front, card back, then a face, fed frame by frame to the engine like a camera."""
    engine = CaptureEngine(mode=EngineMode.CLIP)
    segments = [(clips.card_front_frames(640, 480), 4.0), (clips.card_back_frames(640, 480), 4.0),
                (clips.face_frames(640, 480), 4.0)]
    for index, frame in enumerate(clips.sequence(segments)):
        engine.process(frame, index / clips.FPS)
        if engine.snapshot().done:
            break
    return engine.snapshot()


def images_from(state: EngineState) -> VerificationImages:
    """Compressed as the app sends them: cards under 1 MB, faces under 500 KB."""
    captures = state.captures
    return VerificationImages(
        id_front=encode_jpeg_under(captures[Step.ID_FRONT][0].image, 1_000_000).jpeg,
        id_back=encode_jpeg_under(captures[Step.ID_BACK][0].image, 1_000_000).jpeg,
        faces=tuple(encode_jpeg_under(c.image, 500_000).jpeg for c in captures[Step.FACE]),
    )


def test_capture_to_verdict_in_process_writes_no_file(empty_tmpdir: Path) -> None:
    WriteWatch.start()
    try:
        state = capture_all_steps()
        assert state.done, f"the engine did not capture every step (hint {state.hint})"
        configure_logging(None, {"LOG_FORMAT": "json"}, stream=io.StringIO())
        with Simulator() as simulator, VlensClient(simulator.demo_config()) as client:
            timer = StepTimer()
            outcome = run_verification(client, images_from(state), get_extracted_data=True,
                                       on_step=timer)
            log_verification(outcome, latencies_ms=timer.latencies_ms, demo=True)
    finally:
        written = WriteWatch.stop()
    assert outcome.verdict is Verdict.VERIFIED
    assert written == []
    assert tree(empty_tmpdir) == {}


def test_the_watch_sees_writes() -> None:
    """The recorder above is not blind: a real write and a temp file are both reported."""
    with tempfile.TemporaryDirectory() as folder:
        WriteWatch.start()
        try:
            (Path(folder) / "probe.jpg").write_bytes(b"\xff\xd8")
            tempfile.mkstemp(dir=folder)
        finally:
            written = WriteWatch.stop()
    assert ("open", str(Path(folder) / "probe.jpg")) in [(e, str(p)) for e, p in written]
    assert any(event == "tempfile.mkstemp" for event, _ in written)


WATCHED_CLI = """
import os, sys
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
def hook(event, args):
    if event == "open" and not isinstance(args[0], int) and not str(args[0]).startswith(
            ("/dev/null", "/dev/tty", "/dev/urandom")):
        mode, flags = args[1], args[2]
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE):
            sys.stderr.write(f"WRITE-EVENT open {args[0]}\\n")
    elif event in ("os.rename", "os.remove", "os.mkdir", "tempfile.mkstemp", "tempfile.mkdtemp"):
        sys.stderr.write(f"WRITE-EVENT {event} {args[0] if args else ''}\\n")
sys.addaudithook(hook)
from components.cli import main
sys.exit(main(sys.argv[1:]))
"""


def strace_writes(trace: Path) -> list[str]:
    """Successful file-creating or file-writing system calls in an ``strace -f`` log.

    A call interrupted by another thread is split into ``<unfinished ...>`` and
    ``<... resumed>`` lines; it counts once its result is known.
    """
    found: list[str] = []
    pending: dict[str, str] = {}
    for line in trace.read_text().splitlines():
        pid, _, call = line.partition(" ")
        call = call.strip()
        if call.endswith("<unfinished ...>"):
            pending[pid] = call
            continue
        if call.startswith("<..."):
            call, failed = pending.pop(pid, call), "= -1 " in call
        else:
            failed = "= -1 " in call
        if failed or _harmless(call):
            continue
        found.append(call)
    return found


def _harmless(call: str) -> bool:
    if any(f'"{device}' in call for device in HARMLESS):
        return True
    opening = call.startswith(("openat(", "open("))
    return opening and not any(flag in call for flag in ("O_WRONLY", "O_RDWR", "O_CREAT"))


def write_inputs(folder: Path) -> dict[str, list[str]]:
    """Input files for both CLI commands (written before anything is watched)."""
    folder.mkdir()
    photos = {
        "front.jpg": imagery.card_in_frame(imagery.id_card_front()),
        "back.jpg": imagery.card_in_frame(imagery.id_card_back(), seed=1),
        **{f"face{i}.jpg": imagery.face_frame(seed=i) for i in (1, 2, 3)},
    }
    for name, bgr in photos.items():
        (folder / name).write_bytes(imagery.jpeg(bgr))
    clip = clips.write_flow_clip(folder / "flow.y4m", seconds_per_step=4.0)
    return {
        "files": ["files", "--front", str(folder / "front.jpg"), "--back",
                  str(folder / "back.jpg"), "--faces",
                  *(str(folder / f"face{i}.jpg") for i in (1, 2, 3))],
        "video": ["video", str(clip)],
    }


@pytest.mark.parametrize("command", ["files", "video"])
def test_cli_demo_run_leaves_disk_untouched(tmp_path: Path, command: str) -> None:
    """``files``: compression, client, simulator. ``video``: the capture engine over a clip too."""
    inputs = tmp_path / "in"
    args = [*write_inputs(inputs)[command], "--demo", "--json"]
    before = tree(inputs)
    work, tmp, home = (tmp_path / name for name in ("cwd", "tmp", "home"))
    for folder in (work, tmp, home):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VLENS_")}
    env.update(TMPDIR=str(tmp), HOME=str(home), PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=str(REPO_ROOT))
    argv = [sys.executable, "-c", WATCHED_CLI, *args]
    trace = tmp_path / "strace.log"
    strace = shutil.which("strace")
    if strace:
        argv = [strace, "-f", "-qq", "-o", str(trace), "-e",
                "trace=open,openat,creat,rename,renameat,renameat2,link,linkat,symlink,"
                "symlinkat,mkdir,mkdirat,unlink,unlinkat,truncate", *argv]
    done = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"verified": true' in done.stdout
    assert [line for line in done.stderr.splitlines() if line.startswith("WRITE-EVENT")] == []
    assert tree(work) == {} and tree(tmp) == {} and tree(home) == {}
    assert tree(inputs) == before
    if strace:
        traced = trace.read_text()
        first_input = args[2] if command == "files" else args[1]
        assert first_input in traced  # the trace saw the CLI read its input
        # Every path, the working tree included: not one file created, written or removed.
        assert strace_writes(trace) == []


def _start_session(socket: Any) -> str:
    """Run the app's script in a new session, as a browser does on load; returns its id once
    the script has run (the page is showing, so the upload widget can be used)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    socket.send(rerun.SerializeToString())
    session = ""
    while True:
        message = ForwardMsg()
        message.ParseFromString(socket.recv(timeout=60))
        if message.HasField("new_session"):
            session = str(message.new_session.initialize.session_id)
        if message.HasField("script_finished") and session:
            return session


@pytest.mark.skipif(shutil.which("strace") is None and os.environ.get("CI") != "true",
                    reason="strace is not installed (CI installs it)")
def test_a_2_mb_upload_through_the_real_server_touches_no_disk(tmp_path: Path) -> None:
    """Starlette spools upload parts over 1 MB into a TMPDIR file unless the app says not to."""
    import requests
    from websockets.sync.client import connect
    from websockets.typing import Origin, Subprotocol

    from tests.browser.server import free_port, isolated_env

    tmp, home = tmp_path / "tmp", tmp_path / "home"
    for folder in (tmp, home):
        folder.mkdir()
    (tmp_path / "secrets.toml").touch()
    port = free_port()
    trace = tmp_path / "strace.log"
    env = isolated_env({"TMPDIR": str(tmp), "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"})
    server = subprocess.Popen(
        ["strace", "-f", "-qq", "-o", str(trace), "-e", "trace=open,openat,creat,rename,"
         "renameat,renameat2,link,linkat,unlink,unlinkat,truncate",
         sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
         "--server.enableXsrfProtection", "false",  # lets this script upload without a browser
         "--secrets.files", str(tmp_path / "secrets.toml")],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base_url + "/_stcore/health", timeout=2).text == "ok":
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        with connect(base_url.replace("http", "ws") + "/_stcore/stream",
                     subprotocols=[Subprotocol("streamlit")], origin=Origin(base_url),
                     open_timeout=30) as socket:
            session = _start_session(socket)
            photo = os.urandom(2_000_000)  # incompressible, like a photo
            marker = len(trace.read_text().splitlines())
            reply = requests.put(f"{base_url}/_stcore/upload_file/{session}/photo-1",
                                 files={"file": ("card.jpg", photo, "image/jpeg")}, timeout=60)
            assert reply.status_code == 204, reply.text
            time.sleep(0.5)  # let strace write out the calls of the upload
            during_upload = trace.read_text().splitlines()[marker:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    upload_trace = tmp_path / "upload-strace.log"
    upload_trace.write_text("\n".join(during_upload))
    assert strace_writes(upload_trace) == []
    assert tree(tmp) == {} and tree(home) == {}
